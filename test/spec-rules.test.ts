import { describe, expect, it } from 'vitest'
import { defaultConfig, type Config } from '../src/config/config.js'
import type { Diagnostic } from '../src/diagnostic.js'
import { lintRule } from '../src/lint/lint-rule.js'
import { parseRuleFile } from '../src/sigma/load-rule-file.js'
import { compileRuleBothEngines, ruleWith } from './helpers.js'
import {
  located,
  MATCH,
  NO_MATCH,
  validRule,
  verdicts,
  WINDOWS_SECURITY,
} from './spec-helpers.js'

/*
 * Every example of the Sigma rules specification v2.1.0, section by section.
 * Each valid example is a rule with events that must match and must not
 * match, on both the native matcher and the generated SPL. Each example the
 * specification calls invalid is the diagnostic sigma-gate reports. Rules built with `ruleWith` start
 * their detection block on line 7, so the first selection is on line 8.
 */

const PROCESS = { EventID: 1 }

function lint(text: string, file = '/repo/rules/proc_creation_win_spec_rule.yml', config: Config = defaultConfig()): Diagnostic[] {
  const rule = parseRuleFile(file, text).rules[0]?.rule
  if (!rule) throw new Error('the text contains no rule')
  return lintRule(rule, { config, relativePath: (f) => f, today: '2026-01-01' })
}

function checksOf(diagnostics: Diagnostic[], prefix: string): string[] {
  return located(diagnostics.filter((d) => d.check.startsWith(prefix)))
}

describe('spec rules: file structure', () => {
  const whoami = `title: Whoami Execution
description: Detects a whoami.exe execution
references:
      - https://speakerdeck.com/heirhabarov/hunting-for-privilege-escalation-in-windows-environment
author: Florian Roth
date: 2019-10-23
logsource:
    category: process_creation
    product: windows
detection:
    selection:
        Image: 'C:\\Windows\\System32\\whoami.exe'
    condition: selection
level: high
`

  it('yaml file: whoami example rule', () => {
    const rule = compileRuleBothEngines(whoami)
    expect(located(rule.diagnostics)).toEqual([])
    expect(rule.splText).toBe(
      'source="XmlWinEventLog:Microsoft-Windows-Sysmon/Operational" EventCode=1 Image="C:\\\\Windows\\\\System32\\\\whoami.exe"',
    )
    expect(verdicts(rule, { ...PROCESS, Image: 'C:\\Windows\\System32\\whoami.exe' })).toEqual(MATCH)
    expect(verdicts(rule, { ...PROCESS, Image: 'c:\\windows\\system32\\WHOAMI.EXE' })).toEqual(MATCH)
    expect(verdicts(rule, { ...PROCESS, Image: 'C:\\Windows\\System32\\hostname.exe' })).toEqual(NO_MATCH)
    expect(verdicts(rule, { EventID: 3, Image: 'C:\\Windows\\System32\\whoami.exe' })).toEqual(NO_MATCH)
  })

  it('yaml file: whoami example passes the lint', () => {
    const errors = lint(whoami).filter((d) => d.severity === 'error')
    expect(located(errors)).toEqual([])
  })

  it('yaml file: example file names follow the convention', () => {
    const sigmahq: Config = { ...defaultConfig(), conventions: 'sigmahq' }
    const cases = [
      ['lnx_auditd_change_file_time_attr.yml', '    product: linux\n    service: auditd'],
      ['web_cve_2022_33891_spark_shell_command_injection.yml', '    category: webserver'],
      ['sysmon_file_block_exe.yml', '    product: windows\n    service: sysmon'],
    ] as const
    for (const [name, logsource] of cases) {
      const text = ruleWith("    selection:\n        Image: x\n    condition: selection", logsource)
      expect(checksOf(lint(text, `/repo/rules/${name}`, sigmahq), 'convention/filename'), name).toEqual([])
    }
  })

  it('yaml file: a file name against the convention is reported', () => {
    const sigmahq: Config = { ...defaultConfig(), conventions: 'sigmahq' }
    const text = ruleWith("    selection:\n        Image: x\n    condition: selection", '    product: linux\n    service: auditd')
    expect(checksOf(lint(text, '/repo/rules/Change-File.yaml', sigmahq), 'convention/filename')).toEqual(['1:8 warning convention/filename'])
  })
})

describe('spec rules: components', () => {
  const detection = "detection:\n    selection:\n        Image: x\n    condition: selection\n"
  const logsource = 'logsource:\n    product: windows\n    category: process_creation\n'

  it('identification: id example is a valid UUID', () => {
    const text = `title: Test rule\nid: 929a690e-bef0-4204-a928-ef5e620d6fcc\n${logsource}${detection}`
    expect(checksOf(lint(text), 'schema/')).toEqual([])
  })

  it('identification: id that is not a UUID is reported', () => {
    const text = `title: Test rule\nid: rule-1\n${logsource}${detection}`
    expect(checksOf(lint(text), 'schema/')).toEqual(['2:5 error schema/pattern'])
  })

  it('identification: related example with derived and obsolete', () => {
    const related = 'related:\n  - id: 08fbc97d-0a2f-491c-ae21-8ffcfd3174e9\n    type: derived\n  - id: 929a690e-bef0-4204-a928-ef5e620d6fcc\n    type: obsolete\n'
    const text = `title: Test rule\nid: 2c1e8c7a-9a7b-4c1e-8f0e-6a1b2c3d4e5f\n${related}${logsource}${detection}`
    expect(checksOf(lint(text), 'schema/')).toEqual([])
  })

  it('identification: every related type is accepted, others are not', () => {
    for (const type of ['derived', 'obsolete', 'merged', 'renamed', 'similar']) {
      const text = `title: Test rule\nrelated:\n  - id: 08fbc97d-0a2f-491c-ae21-8ffcfd3174e9\n    type: ${type}\n${logsource}${detection}`
      expect(checksOf(lint(text), 'schema/'), type).toEqual([])
    }
    const copied = `title: Test rule\nrelated:\n  - id: 08fbc97d-0a2f-491c-ae21-8ffcfd3174e9\n    type: copied\n${logsource}${detection}`
    expect(checksOf(lint(copied), 'schema/')).toEqual(['4:11 error schema/enum'])
  })

  it('status: the five values are accepted, others are not', () => {
    for (const status of ['stable', 'test', 'experimental', 'deprecated', 'unsupported']) {
      expect(checksOf(lint(`title: Test rule\nstatus: ${status}\n${logsource}${detection}`), 'schema/'), status).toEqual([])
    }
    expect(checksOf(lint(`title: Test rule\nstatus: production\n${logsource}${detection}`), 'schema/')).toEqual(['2:9 error schema/enum'])
  })

  it('level: the five values are accepted, others are not', () => {
    for (const level of ['informational', 'low', 'medium', 'high', 'critical']) {
      expect(checksOf(lint(`title: Test rule\n${logsource}${detection}level: ${level}\n`), 'schema/'), level).toEqual([])
    }
    expect(checksOf(lint(`title: Test rule\n${logsource}${detection}level: severe\n`), 'schema/')).toEqual(['9:8 error schema/enum'])
  })

  it('date: ISO 8601 with separators is accepted, other forms are not', () => {
    expect(checksOf(lint(`title: Test rule\ndate: 2019-10-23\nmodified: 2019-11-02\n${logsource}${detection}`), 'schema/')).toEqual([])
    expect(checksOf(lint(`title: Test rule\ndate: 2019/10/23\n${logsource}${detection}`), 'schema/')).toEqual(['2:7 error schema/pattern'])
  })

  it('title: more than 256 characters is reported', () => {
    expect(checksOf(lint(`title: ${'a'.repeat(256)}\n${logsource}${detection}`), 'schema/length')).toEqual([])
    expect(checksOf(lint(`title: ${'a'.repeat(257)}\n${logsource}${detection}`), 'schema/length')).toEqual(['1:8 error schema/length'])
  })

  it('logsource: example values with dot and dash are valid', () => {
    const cases = [
      '    product: windows\n    service: system',
      '    product: windows\n    category: process_creation',
      '    product: onelogin\n    service: onelogin.events',
      '    product: windows\n    service: firewall-as',
    ]
    for (const value of cases) {
      const text = `title: Test rule\nlogsource:\n${value}\n${detection}`
      expect(checksOf(lint(text), 'schema/'), value).toEqual([])
      expect(checksOf(lint(text), 'logsource/unknown'), value).toEqual([])
    }
  })

  it('logsource: generic process_creation example scopes to Sysmon event 1', () => {
    const rule = validRule("    selection:\n        Image|endswith: '\\whoami.exe'\n    condition: selection", '    category: process_creation\n    product: windows')
    expect(rule.splText).toBe('source="XmlWinEventLog:Microsoft-Windows-Sysmon/Operational" EventCode=1 Image="*\\\\whoami.exe"')
    expect(verdicts(rule, { EventID: 1, Image: 'C:\\x\\whoami.exe' })).toEqual(MATCH)
    expect(verdicts(rule, { EventID: 11, Image: 'C:\\x\\whoami.exe' })).toEqual(NO_MATCH)
  })

  it('tags: example attack.t1234 is well formed but not a technique', () => {
    const text = `title: Test rule\ntags:\n    - attack.t1234\n${logsource}${detection}`
    const found = lint(text)
    expect(checksOf(found, 'tag/')).toEqual([])
    expect(checksOf(found, 'attack/unknown-technique')).toEqual(['3:7 error attack/unknown-technique'])
  })

  it('tags: upper case, spaces and no namespace are reported', () => {
    const text = `title: Test rule\ntags:\n    - attack.T1059\n    - attack t1059\n    - t1059\n${logsource}${detection}`
    expect(checksOf(lint(text), 'tag/format')).toEqual(['3:7 error tag/format', '4:7 error tag/format', '5:7 error tag/format'])
  })

  it('scope: example server scope is accepted', () => {
    const text = `title: Test rule\n${logsource}${detection}scope:\n    - server\n`
    expect(checksOf(lint(text), 'schema/')).toEqual([])
  })
})

describe('spec rules: detection general', () => {
  it('general: values are case-insensitive strings', () => {
    const rule = validRule("    selection:\n        User: 'NT AUTHORITY\\SYSTEM'\n    condition: selection")
    expect(verdicts(rule, { ...PROCESS, User: 'nt authority\\system' })).toEqual(MATCH)
    expect(verdicts(rule, { ...PROCESS, User: 'NT AUTHORITY\\NETWORK SERVICE' })).toEqual(NO_MATCH)
  })

  it('general: numbers are compared as text', () => {
    const rule = validRule('    selection:\n        TerminalSessionId: 0\n    condition: selection')
    expect(verdicts(rule, { ...PROCESS, TerminalSessionId: 0 })).toEqual(MATCH)
    expect(verdicts(rule, { ...PROCESS, TerminalSessionId: '0' })).toEqual(MATCH)
    expect(verdicts(rule, { ...PROCESS, TerminalSessionId: '00' })).toEqual(NO_MATCH)
    expect(verdicts(rule, { ...PROCESS, TerminalSessionId: 10 })).toEqual(NO_MATCH)
  })

  it('general: regular expressions are case-sensitive', () => {
    const rule = validRule("    selection:\n        CommandLine|re: 'Invoke-\\w+'\n    condition: selection")
    expect(verdicts(rule, { ...PROCESS, CommandLine: 'powershell Invoke-Mimikatz' })).toEqual(MATCH)
    expect(verdicts(rule, { ...PROCESS, CommandLine: 'powershell invoke-mimikatz' })).toEqual(NO_MATCH)
  })

  it('general: only the quotation mark needs escaping', () => {
    const rule = validRule("    selection:\n        CommandLine: 'echo ''a'' \"b\" %c% $d'\n    condition: selection")
    expect(verdicts(rule, { ...PROCESS, CommandLine: 'echo \'a\' "b" %c% $d' })).toEqual(MATCH)
    expect(verdicts(rule, { ...PROCESS, CommandLine: 'echo a b %c% $d' })).toEqual(NO_MATCH)
  })
})

describe('spec rules: string wildcard', () => {
  it('string wildcard: prog?.exe replaces a single character', () => {
    const rule = validRule("    selection:\n        Image|endswith: '\\prog?.exe'\n    condition: selection")
    expect(verdicts(rule, { ...PROCESS, Image: 'C:\\progA.exe' })).toEqual(MATCH)
    expect(verdicts(rule, { ...PROCESS, Image: 'C:\\progB.exe' })).toEqual(MATCH)
    expect(verdicts(rule, { ...PROCESS, Image: 'C:\\prog.exe' })).toEqual(NO_MATCH)
    expect(verdicts(rule, { ...PROCESS, Image: 'C:\\progAB.exe' })).toEqual(NO_MATCH)
  })

  it('string wildcard: antivirus_V*.exe replaces any run', () => {
    const rule = validRule("    selection:\n        Image: 'antivirus_V*.exe'\n    condition: selection")
    expect(verdicts(rule, { ...PROCESS, Image: 'antivirus_V1.exe' })).toEqual(MATCH)
    expect(verdicts(rule, { ...PROCESS, Image: 'antivirus_V21.2.1.exe' })).toEqual(MATCH)
    expect(verdicts(rule, { ...PROCESS, Image: 'antivirus_V.exe' })).toEqual(MATCH)
    expect(verdicts(rule, { ...PROCESS, Image: 'antivirus_V1.dll' })).toEqual(NO_MATCH)
    expect(verdicts(rule, { ...PROCESS, Image: 'C:\\antivirus_V1.exe' })).toEqual(NO_MATCH)
  })

  it('string wildcard: leading, trailing and both stars equal the modifiers', () => {
    const pairs = [
      ["'*something'", "Description|endswith: 'something'"],
      ["'something*'", "Description|startswith: 'something'"],
      ["'*something*'", "Description|contains: 'something'"],
    ]
    const events = ['something', 'xsomething', 'somethingx', 'xsomethingx', 'some thing', 'SOMETHING'].map((value) => ({ ...PROCESS, Description: value }))
    for (const [wildcard, modifier] of pairs) {
      const withWildcard = validRule(`    selection:\n        Description: ${wildcard}\n    condition: selection`)
      const withModifier = validRule(`    selection:\n        ${modifier}\n    condition: selection`)
      expect(withWildcard.splText, wildcard).toBe(withModifier.splText)
      for (const event of events) {
        expect(verdicts(withWildcard, event), `${wildcard} ${event.Description}`).toEqual(verdicts(withModifier, event))
      }
    }
  })
})

describe('spec rules: escape character', () => {
  function escaped(value: string) {
    return validRule(`    selection:\n        CommandLine: '${value}'\n    condition: selection`)
  }

  it('escape: single backslash before a letter is plain', () => {
    const rule = escaped('C:\\Windows\\System32')
    expect(verdicts(rule, { ...PROCESS, CommandLine: 'C:\\Windows\\System32' })).toEqual(MATCH)
    expect(verdicts(rule, { ...PROCESS, CommandLine: 'C:\\\\Windows\\\\System32' })).toEqual(NO_MATCH)
  })

  it('escape: double backslash before a letter is one backslash', () => {
    const rule = escaped('C:\\\\Windows\\\\System32')
    expect(rule.splText).toBe(escaped('C:\\Windows\\System32').splText)
    expect(verdicts(rule, { ...PROCESS, CommandLine: 'C:\\Windows\\System32' })).toEqual(MATCH)
    expect(verdicts(rule, { ...PROCESS, CommandLine: 'C:\\\\Windows\\\\System32' })).toEqual(NO_MATCH)
  })

  it('escape: backslash-star is a plain star', () => {
    const rule = escaped('a\\*b')
    expect(verdicts(rule, { ...PROCESS, CommandLine: 'a*b' })).toEqual(MATCH)
    expect(verdicts(rule, { ...PROCESS, CommandLine: 'axb' })).toEqual(NO_MATCH)
    expect(verdicts(rule, { ...PROCESS, CommandLine: 'a\\*b' })).toEqual(NO_MATCH)
  })

  it('escape: backslash-question mark is a plain question mark', () => {
    const rule = escaped('a\\?b')
    expect(verdicts(rule, { ...PROCESS, CommandLine: 'a?b' })).toEqual(MATCH)
    expect(verdicts(rule, { ...PROCESS, CommandLine: 'axb' })).toEqual(NO_MATCH)
    expect(verdicts(rule, { ...PROCESS, CommandLine: 'a\\?b' })).toEqual(NO_MATCH)
  })

  it('escape: two backslashes before a wildcard', () => {
    const rule = escaped('C:\\Temp\\\\*')
    expect(verdicts(rule, { ...PROCESS, CommandLine: 'C:\\Temp\\evil.exe' })).toEqual(MATCH)
    expect(verdicts(rule, { ...PROCESS, CommandLine: 'C:\\Temp\\' })).toEqual(MATCH)
    expect(verdicts(rule, { ...PROCESS, CommandLine: 'C:\\Tempevil.exe' })).toEqual(NO_MATCH)
    expect(verdicts(rule, { ...PROCESS, CommandLine: 'C:\\Temp\\\\x' })).toEqual(MATCH)
  })

  it('escape: three backslashes before a wildcard', () => {
    const rule = escaped('C:\\Temp\\\\\\*')
    expect(verdicts(rule, { ...PROCESS, CommandLine: 'C:\\Temp\\*' })).toEqual(MATCH)
    expect(verdicts(rule, { ...PROCESS, CommandLine: 'C:\\Temp\\evil.exe' })).toEqual(NO_MATCH)
    expect(verdicts(rule, { ...PROCESS, CommandLine: 'C:\\Temp\\\\*' })).toEqual(NO_MATCH)
  })

  it('escape: four backslashes are two', () => {
    const rule = escaped('\\\\\\\\server\\share')
    expect(verdicts(rule, { ...PROCESS, CommandLine: '\\\\server\\share' })).toEqual(MATCH)
    expect(verdicts(rule, { ...PROCESS, CommandLine: '\\server\\share' })).toEqual(NO_MATCH)
    expect(verdicts(rule, { ...PROCESS, CommandLine: '\\\\\\\\server\\share' })).toEqual(NO_MATCH)
  })

  it('escape: three backslashes before a letter are two', () => {
    const rule = escaped('\\\\\\server\\share')
    expect(rule.splText).toBe(escaped('\\\\\\\\server\\share').splText)
    expect(verdicts(rule, { ...PROCESS, CommandLine: '\\\\server\\share' })).toEqual(MATCH)
    expect(verdicts(rule, { ...PROCESS, CommandLine: '\\\\\\server\\share' })).toEqual(NO_MATCH)
  })
})

describe('spec rules: lists', () => {
  it('lists: list of strings is an OR of keywords', () => {
    const rule = validRule("    keywords:\n        - 'EVILSERVICE'\n        - 'svchost.exe -n evil'\n    condition: keywords")
    expect(verdicts(rule, { ...PROCESS, CommandLine: 'sc start EvilService' })).toEqual(MATCH)
    expect(verdicts(rule, { ...PROCESS, CommandLine: 'C:\\Windows\\svchost.exe -n evil -p' })).toEqual(MATCH)
    expect(verdicts(rule, { ...PROCESS, CommandLine: 'svchost.exe -n good' })).toEqual(NO_MATCH)
  })

  it('lists: list of maps is an OR of the maps', () => {
    const rule = validRule("    selection:\n        - Image|endswith: '\\\\example.exe'\n        - Description|contains: 'Test executable'\n    condition: selection")
    expect(verdicts(rule, { ...PROCESS, Image: 'C:\\tools\\example.exe' })).toEqual(MATCH)
    expect(verdicts(rule, { ...PROCESS, Description: 'A test executable for QA' })).toEqual(MATCH)
    expect(verdicts(rule, { ...PROCESS, Image: 'C:\\tools\\counterexample.exe', Description: 'Production' })).toEqual(NO_MATCH)
  })
})

describe('spec rules: maps', () => {
  it('maps: EventLog and a list of event ids', () => {
    const rule = validRule('    selection:\n        EventLog: Security\n        EventID:\n            - 517\n            - 1102\n    condition: selection', WINDOWS_SECURITY)
    expect(rule.splText).toBe('EventLog="Security" EventCode IN (517, 1102)')
    expect(verdicts(rule, { EventLog: 'Security', EventID: 517 })).toEqual(MATCH)
    expect(verdicts(rule, { EventLog: 'security', EventID: '1102' })).toEqual(MATCH)
    expect(verdicts(rule, { EventLog: 'Security', EventID: 4624 })).toEqual(NO_MATCH)
    expect(verdicts(rule, { EventLog: 'System', EventID: 517 })).toEqual(NO_MATCH)
  })

  it('maps: all four fields are AND-ed', () => {
    const rule = validRule("    selection:\n          EventLog: Security\n          EventID: 4769\n          TicketOptions: '0x40810000'\n          TicketEncryption: '0x17'\n    condition: selection", WINDOWS_SECURITY)
    const event = { EventLog: 'Security', EventID: 4769, TicketOptions: '0x40810000', TicketEncryption: '0x17' }
    expect(verdicts(rule, event)).toEqual(MATCH)
    expect(verdicts(rule, { ...event, TicketEncryption: '0x12' })).toEqual(NO_MATCH)
    expect(verdicts(rule, { ...event, EventID: 4768 })).toEqual(NO_MATCH)
    const { TicketOptions: _omitted, ...withoutOptions } = event
    expect(verdicts(rule, withoutOptions)).toEqual(NO_MATCH)
  })
})

describe('spec rules: field usage', () => {
  it('field usage: Sigma names stay as written, no fieldmappings applied', () => {
    const rule = validRule("    selection:\n        Image|endswith: '\\cmd.exe'\n        ParentCommandLine|contains: 'x'\n        LogonId: '0x3e7'\n    condition: selection")
    expect(rule.splText).toBe('source="XmlWinEventLog:Microsoft-Windows-Sysmon/Operational" EventCode=1 Image="*\\\\cmd.exe" ParentCommandLine="*x*" LogonId="0x3e7"')
    expect(verdicts(rule, { ...PROCESS, Image: 'C:\\cmd.exe', ParentCommandLine: 'x', LogonId: '0x3e7' })).toEqual(MATCH)
    expect(verdicts(rule, { ...PROCESS, NewProcessName: 'C:\\cmd.exe', ProcessCommandLine: 'x', SubjectLogonId: '0x3e7' })).toEqual(NO_MATCH)
  })

  it('field usage: names with spaces stripped', () => {
    const rule = validRule("    selection:\n        NewValue: 'evil'\n        SAMUserAccount: 'admin$'\n    condition: selection", WINDOWS_SECURITY)
    expect(rule.splText).toBe('NewValue="evil" SAMUserAccount="admin$"')
    expect(verdicts(rule, { NewValue: 'evil', SAMUserAccount: 'ADMIN$' })).toEqual(MATCH)
    expect(verdicts(rule, { 'New Value': 'evil', 'SAM User Account': 'admin$' })).toEqual(NO_MATCH)
  })

  it('field usage: System attributes joined with an underscore', () => {
    const rule = validRule("    selection:\n        Provider_Name: 'Service Control Manager'\n        Execution_ProcessID: 788\n    condition: selection", '    product: windows\n    service: system')
    expect(verdicts(rule, { Provider_Name: 'Service Control Manager', Execution_ProcessID: '788' })).toEqual(MATCH)
    expect(verdicts(rule, { Provider_Name: 'Service Control Manager', Execution_ProcessID: '789' })).toEqual(NO_MATCH)
  })

  it('field usage: EventData names from the Data Name attribute', () => {
    const rule = validRule("    selection:\n        User: 'NT AUTHORITY\\SYSTEM'\n        ServiceName: 'MpKsl4eaa0a76'\n    condition: selection", '    product: windows\n    service: system')
    expect(verdicts(rule, { User: 'NT AUTHORITY\\SYSTEM', ServiceName: 'MpKsl4eaa0a76' })).toEqual(MATCH)
    expect(verdicts(rule, { User: 'NT AUTHORITY\\SYSTEM', ServiceName: 'MpKsl00000000' })).toEqual(NO_MATCH)
  })
})

describe('spec rules: special field values', () => {
  it('special values: empty string means present and empty', () => {
    const rule = validRule("    selection:\n        FieldB: ''\n    condition: selection", WINDOWS_SECURITY)
    expect(verdicts(rule, { FieldB: '' })).toEqual(MATCH)
    expect(verdicts(rule, { FieldB: 'x' })).toEqual(NO_MATCH)
    expect(verdicts(rule, { Other: 'x' })).toEqual(NO_MATCH)
  })

  it('special values: not null through a negated selection', () => {
    const rule = validRule('    selection:\n        EventID: 4738\n    filter:\n        PasswordLastSet: null\n    condition: selection and not filter', WINDOWS_SECURITY)
    expect(rule.splText).toBe('EventCode=4738 NOT (NOT PasswordLastSet=*)')
    expect(verdicts(rule, { EventID: 4738, PasswordLastSet: '1/1/2024 10:00:00 AM' })).toEqual(MATCH)
    expect(verdicts(rule, { EventID: 4738 })).toEqual(NO_MATCH)
    expect(verdicts(rule, { EventID: 4738, PasswordLastSet: null })).toEqual(NO_MATCH)
  })

  it('special values: null matches empty (semantics: null)', () => {
    const rule = validRule('    selection:\n        EventID: 4738\n    filter:\n        PasswordLastSet: null\n    condition: selection and not filter', WINDOWS_SECURITY)
    expect(verdicts(rule, { EventID: 4738, PasswordLastSet: '' })).toEqual(NO_MATCH)
  })

  it('special values: valid example with empty and null in separate selections', () => {
    const rule = validRule("    selection_main:\n        FieldA: 'something'\n    selection_empty1:\n        FieldB: ''\n    selection_empty2:\n        FieldB: null\n    condition: selection_main and 1 of selection_empty*", WINDOWS_SECURITY)
    expect(verdicts(rule, { FieldA: 'something', FieldB: '' })).toEqual(MATCH)
    expect(verdicts(rule, { FieldA: 'something' })).toEqual(MATCH)
    expect(verdicts(rule, { FieldA: 'something', FieldB: 'x' })).toEqual(NO_MATCH)
    expect(verdicts(rule, { FieldA: 'other', FieldB: '' })).toEqual(NO_MATCH)
  })

  it('special values: null inside a value list is invalid', () => {
    const rule = compileRuleBothEngines(ruleWith("    selection_main:\n        FieldA: 'something'\n        FieldB:\n            - ''\n            - null\n    condition: selection_main", WINDOWS_SECURITY))
    expect(located(rule.diagnostics)).toEqual(['12:15 error sigma/invalid-value'])
    expect(rule.splText).toBeUndefined()
    expect(verdicts(rule, { FieldA: 'something', FieldB: '' })).toEqual(NO_MATCH)
    expect(verdicts(rule, { FieldA: 'something' })).toEqual(NO_MATCH)
  })
})

describe('spec rules: value lists', () => {
  it('value lists: only null is one error', () => {
    const rule = compileRuleBothEngines(ruleWith('    selection:\n        FieldB:\n            - null\n    condition: selection', WINDOWS_SECURITY))
    expect(located(rule.diagnostics)).toEqual(['10:15 error sigma/invalid-value'])
  })

  it('value lists: empty list is reported', () => {
    const rule = compileRuleBothEngines(ruleWith('    selection:\n        FieldB: []\n    condition: selection', WINDOWS_SECURITY))
    expect(located(rule.diagnostics)).toEqual(['9:17 error sigma/empty-value-list'])
  })
})

describe('spec rules: field existence', () => {
  const text = '    selection:\n        EventID: 4738\n        PasswordLastSet|exists: true\n    condition: selection'

  it('field existence: exists true example', () => {
    const rule = validRule(text, WINDOWS_SECURITY)
    expect(rule.splText).toBe('EventCode=4738 PasswordLastSet=*')
    expect(verdicts(rule, { EventID: 4738, PasswordLastSet: '-' })).toEqual(MATCH)
    expect(verdicts(rule, { EventID: 4738 })).toEqual(NO_MATCH)
    expect(verdicts(rule, { EventID: 4624, PasswordLastSet: '-' })).toEqual(NO_MATCH)
  })

  it('field existence: empty value counts as absent (semantics: exists)', () => {
    const rule = validRule(text, WINDOWS_SECURITY)
    expect(verdicts(rule, { EventID: 4738, PasswordLastSet: '' })).toEqual(NO_MATCH)
  })
})

describe('spec rules: value modifiers', () => {
  it('value modifiers: chained modifiers apply in order', () => {
    const rule = validRule("    selection:\n        CommandLine|windash|contains|all:\n            - ' -exec bypass'\n            - ' -nop'\n    condition: selection")
    expect(verdicts(rule, { ...PROCESS, CommandLine: 'powershell /nop /exec bypass' })).toEqual(MATCH)
    expect(verdicts(rule, { ...PROCESS, CommandLine: 'powershell \u2013nop -exec bypass' })).toEqual(MATCH)
    expect(verdicts(rule, { ...PROCESS, CommandLine: 'powershell -nop' })).toEqual(NO_MATCH)
  })

  it('value modifiers: a modifier applies to each value of a list', () => {
    const rule = validRule("    selection:\n        Image|endswith:\n            - '\\cmd.exe'\n            - '\\pwsh.exe'\n    condition: selection")
    expect(verdicts(rule, { ...PROCESS, Image: 'C:\\cmd.exe' })).toEqual(MATCH)
    expect(verdicts(rule, { ...PROCESS, Image: 'C:\\pwsh.exe' })).toEqual(MATCH)
    expect(verdicts(rule, { ...PROCESS, Image: 'C:\\cmd.exe.bak' })).toEqual(NO_MATCH)
  })
})

describe('spec rules: placeholders', () => {
  it('placeholders: %name% without expand is a literal value', () => {
    const rule = validRule("    selection:\n        User: '%name%'\n    condition: selection")
    expect(verdicts(rule, { ...PROCESS, User: '%name%' })).toEqual(MATCH)
    expect(verdicts(rule, { ...PROCESS, User: 'alice' })).toEqual(NO_MATCH)
  })

  it('placeholders: bare %name% with expand and no values matches nothing', () => {
    const rule = compileRuleBothEngines(ruleWith("    selection:\n        User|expand: '%name%'\n    condition: selection"))
    expect(located(rule.diagnostics)).toEqual([])
    expect(rule.splText).toBe('source="XmlWinEventLog:Microsoft-Windows-Sysmon/Operational" EventCode=1 `sigma_placeholder_name(User)`')
    expect(verdicts(rule, { ...PROCESS, User: '%name%' })).toEqual(NO_MATCH)
    expect(verdicts(rule, { ...PROCESS, User: 'alice' })).toEqual(NO_MATCH)
  })

  it('placeholders: escaped percent with an undefined placeholder is rejected', () => {
    const rule = compileRuleBothEngines(ruleWith("    selection:\n        User|expand: '\\%plain%name%'\n    condition: selection"))
    expect(located(rule.diagnostics)).toEqual(['9:22 error sigma/unsupported'])
    expect(rule.splText).toBeUndefined()
    expect(verdicts(rule, { ...PROCESS, User: '%plainalice' })).toEqual(NO_MATCH)
  })

  it('placeholders: standard placeholders become Splunk macros', () => {
    for (const name of ['Administrators', 'JumpServers', 'Workstations', 'Servers', 'DomainControllers']) {
      const rule = compileRuleBothEngines(ruleWith(`    selection:\n        Computer|expand: '%${name}%'\n    condition: selection`))
      expect(located(rule.diagnostics), name).toEqual([])
      expect(rule.splText, name).toBe(`source="XmlWinEventLog:Microsoft-Windows-Sysmon/Operational" EventCode=1 \`sigma_placeholder_${name}(Computer)\``)
    }
  })
})

describe('spec rules: keywords search', () => {
  it('keywords: mimikatz keywords are OR-ed', () => {
    const rule = validRule("    mimikatz_keywords:\n        - 'event::clear'\n        - 'event::drop'\n    condition: mimikatz_keywords", WINDOWS_SECURITY)
    expect(rule.splText).toBe('("*event::clear*" OR "*event::drop*")')
    expect(verdicts(rule, { CommandLine: 'mimikatz.exe "event::clear" exit' })).toEqual(MATCH)
    expect(verdicts(rule, { Message: 'EVENT::DROP' })).toEqual(MATCH)
    expect(verdicts(rule, { CommandLine: 'mimikatz.exe "sekurlsa::logonpasswords"' })).toEqual(NO_MATCH)
  })

  it('keywords: |all key AND-s the keywords', () => {
    const rule = validRule("    keywords_cmdlet:\n        '|all':\n            - 'OabVirtualDirectory'\n            - ' -ExternalUrl '\n    condition: keywords_cmdlet", WINDOWS_SECURITY)
    expect(rule.splText).toBe('"*OabVirtualDirectory*" "* -ExternalUrl *"')
    expect(verdicts(rule, { Payload: 'Set-OabVirtualDirectory -ExternalUrl http://x' })).toEqual(MATCH)
    expect(verdicts(rule, { Payload: 'Set-OabVirtualDirectory -InternalUrl http://x' })).toEqual(NO_MATCH)
    expect(verdicts(rule, { Payload: 'Set-Mailbox -ExternalUrl http://x' })).toEqual(NO_MATCH)
  })
})

describe('spec rules: condition', () => {
  const selections = `    keywords1:
        - 'alpha'
    keywords2:
        - 'beta'
    selection1:
        Image|endswith: '\\a.exe'
    selection2:
        Image|endswith: '\\b.exe'
    filter1:
        User: 'SYSTEM'
    filter2:
        User: 'LOCAL SERVICE'
    _example:
        CommandLine|contains: 'gamma'
`
  const compile = (condition: string) => compileRuleBothEngines(ruleWith(`${selections}    condition: ${condition}`))
  const imageA = { ...PROCESS, Image: 'C:\\a.exe' }
  const imageB = { ...PROCESS, Image: 'C:\\b.exe' }

  function errors(condition: string): Diagnostic[] {
    return compile(condition).diagnostics.filter((d) => d.severity === 'error')
  }

  it('condition: keywords1 or keywords2', () => {
    const rule = compile('keywords1 or keywords2')
    expect(errors('keywords1 or keywords2')).toEqual([])
    expect(verdicts(rule, { ...PROCESS, CommandLine: 'alpha' })).toEqual(MATCH)
    expect(verdicts(rule, { ...PROCESS, CommandLine: 'beta' })).toEqual(MATCH)
    expect(verdicts(rule, { ...PROCESS, CommandLine: 'delta' })).toEqual(NO_MATCH)
  })

  it('condition: a pattern may name an underscore selection', () => {
    const rule = compile('1 of _ex*')
    expect(verdicts(rule, { ...PROCESS, CommandLine: 'gamma' })).toEqual(MATCH)
    expect(verdicts(rule, imageA)).toEqual(NO_MATCH)
  })

  it('condition: 1 of them skips names starting with underscore', () => {
    const rule = compile('1 of them')
    expect(located(rule.diagnostics)).toEqual(['20:5 warning sigma/unused-selection'])
    expect(verdicts(rule, imageA)).toEqual(MATCH)
    expect(verdicts(rule, { ...PROCESS, User: 'local service' })).toEqual(MATCH)
    expect(verdicts(rule, { ...PROCESS, CommandLine: 'gamma' })).toEqual(NO_MATCH)
  })

  it('condition: all of them needs every selection', () => {
    const rule = compileRuleBothEngines(ruleWith("    sel_a:\n        Image|endswith: '\\a.exe'\n    sel_b:\n        User: 'bob'\n    _skip:\n        User: 'nobody'\n    condition: all of them"))
    expect(verdicts(rule, { ...imageA, User: 'bob' })).toEqual(MATCH)
    expect(verdicts(rule, imageA)).toEqual(NO_MATCH)
    expect(verdicts(rule, { ...PROCESS, User: 'bob' })).toEqual(NO_MATCH)
  })

  it('condition: all of selection*', () => {
    const rule = compileRuleBothEngines(ruleWith("    selection_img:\n        Image|endswith: '\\a.exe'\n    selection_user:\n        User: 'bob'\n    condition: all of selection*"))
    expect(verdicts(rule, { ...imageA, User: 'bob' })).toEqual(MATCH)
    expect(verdicts(rule, imageA)).toEqual(NO_MATCH)
  })

  it('condition: 1 of selection* and keywords', () => {
    const rule = compileRuleBothEngines(ruleWith("    selection1:\n        Image|endswith: '\\a.exe'\n    selection2:\n        Image|endswith: '\\b.exe'\n    keywords:\n        - 'alpha'\n    condition: 1 of selection* and keywords"))
    expect(verdicts(rule, { ...imageB, CommandLine: 'alpha' })).toEqual(MATCH)
    expect(verdicts(rule, imageB)).toEqual(NO_MATCH)
    expect(verdicts(rule, { ...PROCESS, CommandLine: 'alpha' })).toEqual(NO_MATCH)
  })

  it('condition: 1 of selection* and not 1 of filter*', () => {
    const rule = compile('1 of selection* and not 1 of filter*')
    expect(verdicts(rule, imageA)).toEqual(MATCH)
    expect(verdicts(rule, { ...imageA, User: 'SYSTEM' })).toEqual(NO_MATCH)
    expect(verdicts(rule, { ...imageB, User: 'local service' })).toEqual(NO_MATCH)
    expect(verdicts(rule, { ...imageB, User: 'alice' })).toEqual(MATCH)
  })

  it('condition: keywords and not filters', () => {
    const rule = compileRuleBothEngines(ruleWith("    keywords:\n        - 'alpha'\n    filters:\n        User: 'SYSTEM'\n    condition: keywords and not filters"))
    expect(verdicts(rule, { ...PROCESS, CommandLine: 'alpha' })).toEqual(MATCH)
    expect(verdicts(rule, { ...PROCESS, CommandLine: 'alpha', User: 'SYSTEM' })).toEqual(NO_MATCH)
  })

  it('condition: selection1 and (keywords1 or keywords2)', () => {
    const rule = compile('selection1 and (keywords1 or keywords2)')
    expect(verdicts(rule, { ...imageA, CommandLine: 'beta' })).toEqual(MATCH)
    expect(verdicts(rule, { ...imageB, CommandLine: 'beta' })).toEqual(NO_MATCH)
    expect(verdicts(rule, imageA)).toEqual(NO_MATCH)
  })

  it('condition: precedence and binds tighter than or', () => {
    const rule = compile('selection1 or selection2 and keywords1')
    expect(verdicts(rule, imageA)).toEqual(MATCH)
    expect(verdicts(rule, imageB)).toEqual(NO_MATCH)
    expect(verdicts(rule, { ...imageB, CommandLine: 'alpha' })).toEqual(MATCH)
  })

  it('condition: precedence not binds tighter than and', () => {
    const rule = compile('not selection1 and keywords1')
    expect(verdicts(rule, { ...imageB, CommandLine: 'alpha' })).toEqual(MATCH)
    expect(verdicts(rule, { ...imageA, CommandLine: 'alpha' })).toEqual(NO_MATCH)
    expect(verdicts(rule, imageB)).toEqual(NO_MATCH)
  })

  it('condition: precedence x of binds tighter than not', () => {
    const rule = compile('not 1 of selection*')
    expect(verdicts(rule, { ...PROCESS, Image: 'C:\\c.exe' })).toEqual(MATCH)
    expect(verdicts(rule, imageA)).toEqual(NO_MATCH)
    expect(verdicts(rule, imageB)).toEqual(NO_MATCH)
  })

  it('condition: precedence parentheses bind tightest', () => {
    const rule = compile('(selection1 or selection2) and keywords1')
    expect(verdicts(rule, imageA)).toEqual(NO_MATCH)
    expect(verdicts(rule, { ...imageA, CommandLine: 'alpha' })).toEqual(MATCH)
  })

  it('condition: a list of conditions is OR-ed', () => {
    const rule = compileRuleBothEngines(ruleWith("    selection1:\n        Image|endswith: '\\a.exe'\n    selection2:\n        Image|endswith: '\\b.exe'\n    condition:\n        - selection1\n        - selection2"))
    expect(located(rule.diagnostics)).toEqual([])
    expect(verdicts(rule, imageA)).toEqual(MATCH)
    expect(verdicts(rule, imageB)).toEqual(MATCH)
    expect(verdicts(rule, { ...PROCESS, Image: 'C:\\c.exe' })).toEqual(NO_MATCH)
  })

  it('condition: a name that is no selection is reported', () => {
    const rule = compileRuleBothEngines(ruleWith("    selection:\n        Image: x\n    condition: selection and not filter"))
    expect(located(rule.diagnostics)).toEqual(['10:34 error sigma/undefined-selection'])
    expect(verdicts(rule, { ...PROCESS, Image: 'x' })).toEqual(NO_MATCH)
  })

  it('condition: a pattern that matches no selection is reported', () => {
    const rule = compileRuleBothEngines(ruleWith("    selection:\n        Image: x\n    condition: selection and not 1 of filter*"))
    expect(located(rule.diagnostics)).toEqual(['10:39 error sigma/undefined-selection'])
  })

  it('condition: missing condition is reported, none is implied', () => {
    const rule = compileRuleBothEngines(ruleWith('    selection:\n        Image: x'))
    expect(located(rule.diagnostics)).toEqual(['7:1 error sigma/missing-condition'])
    expect(verdicts(rule, { ...PROCESS, Image: 'x' })).toEqual(NO_MATCH)
  })
})
