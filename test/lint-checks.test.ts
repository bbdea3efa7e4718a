import { describe, expect, it } from 'vitest'
import { defaultConfig, type Config } from '../src/config/config.js'
import type { Diagnostic } from '../src/diagnostic.js'
import { lintRule, lintRun } from '../src/lint/lint-rule.js'
import { nestedQuantifier } from '../src/lint/regex-risk.js'
import { parseRuleFile } from '../src/sigma/load-rule-file.js'
import type { SigmaRule } from '../src/sigma/rule.js'

function load(text: string, file = '/repo/rules/proc_creation_win_test_rule.yml'): SigmaRule {
  const rule = parseRuleFile(file, text).rules[0]?.rule
  if (!rule) throw new Error('no rule')
  return rule
}

function lint(text: string, config: Config = defaultConfig(), file?: string): string[] {
  const context = { config, relativePath: (f: string) => f, today: '2026-12-04' }
  return format(lintRule(load(text, file), context))
}

function format(found: Diagnostic[]): string[] {
  return found.map((d) => `${d.line}:${d.column} ${d.severity} ${d.check} ${d.message}`)
}

function only(found: string[], check: string): string[] {
  return found.filter((line) => line.split(' ')[2] === check)
}

const HEAD = 'title: Test Rule\nid: 929a690e-bef0-4204-a928-ef5e620d6fcc\nstatus: test\ndescription: Test\nauthor: Tester\ndate: 2024-03-01\nlevel: low\n'
const PROCESS = 'logsource:\n    product: windows\n    category: process_creation\n'

describe('schema checks', () => {
  it('reports enum, pattern and required at their lines', () => {
    const found = lint(`id: not-a-uuid\nstatus: done\ndate: 2024/03/01\n${PROCESS}detection:\n    selection:\n        Image: x\n    condition: selection\n`)
    expect(only(found, 'schema/required')).toEqual(["1:1 error schema/required The rule has no 'title'. Add a short title that says what the rule detects."])
    expect(only(found, 'schema/enum')).toEqual(["2:9 error schema/enum 'status' is 'done', which is not a valid value. Use one of: stable, test, experimental, deprecated, unsupported."])
    expect(only(found, 'schema/pattern')).toEqual([
      "1:5 error schema/pattern 'id' is 'not-a-uuid', which is not in the required form. Generate a UUID, e.g. with 'uuidgen', and keep it stable across edits.",
      "3:7 error schema/pattern 'date' is '2024/03/01', which is not in the required form. Write the date as YYYY-MM-DD, e.g. 2024-03-01.",
    ])
  })

  it('reports an upper-case log source value', () => {
    const found = lint(`${HEAD}logsource:\n    product: Windows\n    category: process_creation\ndetection:\n    selection:\n        Image: x\n    condition: selection\n`)
    expect(only(found, 'schema/pattern')).toEqual([
      "9:14 error schema/pattern 'logsource.product' is 'Windows', which is not in the required form. Write log source values in lower case with '_' for spaces, e.g. 'process_creation'.",
    ])
  })
})

describe('metadata checks', () => {
  it('checks dates', () => {
    const text = HEAD.replace('date: 2024-03-01', 'date: 2024-02-30\nmodified: 2027-01-01') + `${PROCESS}detection:\n    selection:\n        Image: x\n    condition: selection\n`
    const found = lint(text)
    expect(only(found, 'metadata/invalid-date')).toEqual(["6:7 error metadata/invalid-date 'date' is '2024-02-30', which is not a calendar date. Correct the month or the day."])
    expect(only(found, 'metadata/future-date')).toEqual(["7:11 warning metadata/future-date 'modified' is '2027-01-01', which is after today (2026-12-04). Write the date the rule was created or last changed."])
  })

  it('reports modified before date', () => {
    const found = lint(HEAD.replace('date: 2024-03-01', 'date: 2024-03-01\nmodified: 2023-01-01') + `${PROCESS}detection:\n    selection:\n        Image: x\n    condition: selection\n`)
    expect(only(found, 'metadata/modified-before-date')).toEqual(["7:11 warning metadata/modified-before-date 'modified' is '2023-01-01', earlier than 'date' '2024-03-01'. Correct whichever date is wrong."])
  })

  it('suggests the attribute a typo means', () => {
    const found = lint(`${HEAD}refrences:\n    - https://example.com/a\n${PROCESS}detection:\n    selection:\n        Image: x\n    condition: selection\n`)
    expect(only(found, 'metadata/attribute-typo')).toEqual(["8:1 warning metadata/attribute-typo The attribute 'refrences' is not a Sigma attribute, so tools ignore it. Did you mean 'references'?"])
  })

  it('checks references and missing id', () => {
    const text = `title: Test Rule\nreferences:\n    - internal research\n    - https://example.com/a\n    - https://example.com/a/\n${PROCESS}detection:\n    selection:\n        Image: x\n    condition: selection\n`
    const found = lint(text)
    expect(only(found, 'metadata/invalid-reference')).toEqual(["3:7 warning metadata/invalid-reference Reference 'internal research' is not an http(s) URL. Link the public source, or move the note into 'description'."])
    expect(only(found, 'metadata/duplicate-reference')).toEqual(["5:7 warning metadata/duplicate-reference Reference 'https://example.com/a/' is listed again (first on line 4). Remove the repeated entry."])
    expect(only(found, 'metadata/missing-id')).toEqual(["1:8 warning metadata/missing-id The rule has no 'id'. Add a UUID, e.g. from 'uuidgen', so that tools can track the rule across renames."])
    expect(only(found, 'metadata/missing-field')).toEqual(["1:8 info metadata/missing-field The rule has no 'status', 'description', 'author', 'date', 'level'. Add them so that reviewers can judge and triage the rule."])
  })
})

describe('log source checks', () => {
  it('reports a field the Sysmon event lacks, with a suggestion', () => {
    const found = lint(`${HEAD}${PROCESS}detection:\n    selection:\n        CommandLne|contains: x\n        TargetFilename: y\n    condition: selection\n`)
    expect(only(found, 'logsource/unknown-field')).toEqual([
      "13:9 warning logsource/unknown-field The field 'CommandLne' is not part of Sysmon event 1 (product: windows, category: process_creation), so this test never matches Sysmon data. Did you mean 'CommandLine'?",
      "14:9 warning logsource/unknown-field The field 'TargetFilename' is not part of Sysmon event 1 (product: windows, category: process_creation), so this test never matches Sysmon data. Use a field of Sysmon event 1, or a log source that has 'TargetFilename'.",
    ])
  })

  it('reports a misspelled category and key', () => {
    const found = lint(`${HEAD}logsource:\n    product: windows\n    category: proces_creation\n    servce: x\ndetection:\n    selection:\n        Image: x\n    condition: selection\n`)
    expect(only(found, 'logsource/misspelled')).toEqual([
      "10:15 warning logsource/misspelled The category 'proces_creation' is not in the Sigma taxonomy, so backends select no logs for it. Did you mean 'process_creation'?",
      "11:5 warning logsource/misspelled The log source key 'servce' is not a Sigma log source attribute, so converters ignore it. Did you mean 'service'?",
    ].sort())
  })

  it('reports a Sysmon rule without EventID', () => {
    const found = lint(`${HEAD}logsource:\n    product: windows\n    service: sysmon\ndetection:\n    selection:\n        Image: x\n    condition: selection\n`)
    expect(only(found, 'logsource/sysmon-without-eventid')).toEqual([
      "10:14 warning logsource/sysmon-without-eventid The rule reads 'service: sysmon' but selects no EventID, so it matches any Sysmon event type that has its fields. Use a generic category such as 'category: process_creation', or add 'EventID' to the selection.",
    ])
  })

  it('suggests registry_set for EventID 13', () => {
    const found = lint(`${HEAD}logsource:\n    product: windows\n    service: sysmon\ndetection:\n    selection:\n        EventID: 13\n        TargetObject|contains: Run\n    condition: selection\n`)
    expect(only(found, 'logsource/use-category')[0]).toContain("is the generic log source 'category: registry_set'")
  })
})

describe('detection checks', () => {
  const rule = (detection: string): string => `${HEAD}${PROCESS}detection:\n${detection}`

  it('finds wildcards a modifier would state', () => {
    const found = lint(rule("    selection:\n        Image:\n            - '*\\cmd.exe'\n            - '*\\pwsh.exe'\n    condition: selection\n"))
    expect(only(found, 'detection/wildcard-instead-of-modifier')).toEqual(["13:9 info detection/wildcard-instead-of-modifier Every value of 'Image' starts with '*'. Write 'Image|endswith' and remove those wildcards from the values."])
  })

  it('finds redundant wildcards and single-item lists', () => {
    const found = lint(rule("    selection:\n        CommandLine|contains:\n            - '*-enc'\n        Image: 'C:\\Windows**x.exe'\n    condition: selection\n"))
    expect(only(found, 'detection/redundant-wildcard')).toEqual([
      "14:15 warning detection/redundant-wildcard The value '*-enc' of 'CommandLine|contains' starts with '*', which '|contains' already adds. Remove the extra '*'.",
      "15:16 warning detection/redundant-wildcard The value 'C:\\Windows**x.exe' of 'Image' contains '**', which matches the same as one '*'. Remove the extra '*'.",
    ])
    expect(only(found, 'detection/single-item-list')).toEqual(["13:9 info detection/single-item-list 'CommandLine|contains' has a list with a single value '*-enc'. Write the value on the key line: 'CommandLine|contains: ...'."])
  })

  it('finds nested quantifiers in re values', () => {
    const found = lint(rule("    selection:\n        CommandLine|re: '(\\w+\\s?)+$'\n    condition: selection\n"))
    expect(only(found, 'detection/regex-backtracking')).toEqual(["13:25 warning detection/regex-backtracking The regular expression '(\\w+\\s?)+$' repeats '(\\w+\\s?)+', a group whose content is already repeated; PCRE can backtrack exponentially on it. Rewrite it so that each character can match in only one way, or bound the outer repetition."])
  })

  it('finds regex syntax without re', () => {
    const found = lint(rule("    selection:\n        CommandLine|contains: 'rundll32.*,#1'\n    condition: selection\n"))
    expect(only(found, 'detection/regex-without-modifier')).toHaveLength(1)
  })

  it('finds control characters', () => {
    const found = lint(rule('    selection:\n        CommandLine|contains: "-enc\\n"\n    condition: selection\n'))
    expect(only(found, 'detection/control-character')).toEqual(["13:31 warning detection/control-character The value '-enc\\n' of 'CommandLine|contains' contains the control character U+000A. Quote the value on one line, without it."])
  })

  it('finds them including a filter', () => {
    const found = lint(rule('    selection:\n        Image: x\n    filter_main:\n        User: y\n    condition: 1 of them\n'))
    expect(only(found, 'detection/them-includes-filter')).toEqual(["16:16 warning detection/them-includes-filter The condition '1 of them' uses 'them', which includes the filter 'filter_main' as a selection to match. Name the selections instead, e.g. '1 of selection_* and not 1 of filter_*'."])
  })
})

describe('regex risk', () => {
  it('flags nested unbounded quantifiers only', () => {
    expect(nestedQuantifier('(a+)+')).toBe('(a+)+')
    expect(nestedQuantifier('(?:.*\\)){1,}')).toBe('(?:.*\\)){1,}')
    expect(nestedQuantifier('(a+)?b')).toBeUndefined()
    expect(nestedQuantifier('[(a+)]+')).toBeUndefined()
    expect(nestedQuantifier('\\(a+\\)+')).toBeUndefined()
  })
})

describe('convention checks', () => {
  const text = `title: Test Rule\nid: 929a690e-bef0-4204-a928-ef5e620d6fcc\n${PROCESS}detection:\n    selection:\n        Image: x\n    condition: selection\n`

  it('stay off by default', () => {
    expect(lint(text, defaultConfig(), '/repo/rules/Bad-Name.yml').filter((line) => line.includes(' convention/'))).toEqual([])
  })

  it('run with conventions sigmahq', () => {
    const config = { ...defaultConfig(), conventions: 'sigmahq' as const }
    expect(only(lint(text, config, '/repo/rules/cmd_spawn_by_w3wp.yml'), 'convention/filename')).toEqual([
      "1:8 warning convention/filename The file name 'cmd_spawn_by_w3wp.yml' does not start with 'proc_creation_win_', the prefix for its log source. Rename the file.",
    ])
  })
})

describe('run checks', () => {
  it('reports duplicate ids, titles and logic', () => {
    const text = `${HEAD}${PROCESS}detection:\n    selection:\n        Image: x\n    condition: selection\n`
    const first = load(text, '/repo/a/proc_creation_win_first.yml')
    const second = load(text, '/repo/b/proc_creation_win_first.yml')
    const context = { config: defaultConfig(), relativePath: (f: string) => f.replace('/repo/', '') }
    const found = lintRun([first, second], context)
    expect(found.has(first)).toBe(false)
    expect(format(found.get(second) ?? [])).toEqual([
      "2:5 error metadata/duplicate-id The id '929a690e-bef0-4204-a928-ef5e620d6fcc' is already used by the rule at a/proc_creation_win_first.yml:2. Give this rule a new UUID.",
      "1:8 warning metadata/duplicate-title The title 'Test Rule' is already used by the rule at a/proc_creation_win_first.yml:1. Make the titles distinct, e.g. with a suffix naming the log source.",
      "1:8 warning metadata/duplicate-filename The file name 'proc_creation_win_first.yml' is also used by a/proc_creation_win_first.yml. Rename one of the files.",
      "11:1 warning detection/duplicate-logic The log source and detection are identical to those of the rule at a/proc_creation_win_first.yml:1. Remove one rule, or relate them and change one as intended.",
    ])
  })
})
