import { describe, expect, it } from 'vitest'
import { compileRuleBothEngines, ruleWith } from './helpers.js'
import { located, MATCH, NO_MATCH, validRule, verdicts } from './spec-helpers.js'

/*
 * Every modifier of the Sigma modifiers appendix v2.1.0, with the example
 * value the appendix gives where it gives one: a rule and events that must
 * match and must not match on both the native matcher and the generated SPL.
 * Rules built with `ruleWith` have their first field key on line 9.
 */

const PROCESS = { EventID: 1 }
const NETWORK = { EventID: 3 }
const NETWORK_LOGSOURCE = '    product: windows\n    category: network_connection'

/** Compile one field entry of a process_creation selection. */
function field(entry: string, logsource?: string) {
  return validRule(`    selection:\n        ${entry}\n    condition: selection`, logsource)
}

function invalid(entry: string) {
  return compileRuleBothEngines(ruleWith(`    selection:\n        ${entry}\n    condition: selection`))
}

function base64(text: string, encoding: BufferEncoding = 'utf8'): string {
  return Buffer.from(text, encoding).toString('base64')
}

describe('spec modifiers: generic', () => {
  it('all: list values are AND-ed', () => {
    const rule = field("CommandLine|contains|all:\n            - ' -enc '\n            - ' -nop '")
    expect(verdicts(rule, { ...PROCESS, CommandLine: 'powershell -nop -enc AAAA' })).toEqual(MATCH)
    expect(verdicts(rule, { ...PROCESS, CommandLine: 'powershell -enc AAAA -nop x' })).toEqual(MATCH)
    expect(verdicts(rule, { ...PROCESS, CommandLine: 'powershell -enc AAAA' })).toEqual(NO_MATCH)
    expect(verdicts(rule, { ...PROCESS, CommandLine: 'powershell -nop x' })).toEqual(NO_MATCH)
  })

  it('all: single value is a warning (semantics: all)', () => {
    const rule = invalid("CommandLine|contains|all: ' -enc '")
    expect(located(rule.diagnostics)).toEqual(['9:9 warning sigma/all-single-value'])
    expect(verdicts(rule, { ...PROCESS, CommandLine: 'powershell -enc AAAA' })).toEqual(MATCH)
    expect(verdicts(rule, { ...PROCESS, CommandLine: 'powershell -nop' })).toEqual(NO_MATCH)
  })

  it("startswith: replaces 'adm*'", () => {
    const rule = field("User|startswith: 'adm'")
    const wildcard = field("User: 'adm*'")
    expect(rule.splText).toBe(wildcard.splText)
    expect(verdicts(rule, { ...PROCESS, User: 'Administrator' })).toEqual(MATCH)
    expect(verdicts(rule, { ...PROCESS, User: 'adm' })).toEqual(MATCH)
    expect(verdicts(rule, { ...PROCESS, User: 'sysadm' })).toEqual(NO_MATCH)
  })

  it("endswith: replaces '*\\cmd.exe'", () => {
    const rule = field("Image|endswith: '\\cmd.exe'")
    const wildcard = field("Image: '*\\cmd.exe'")
    expect(rule.splText).toBe(wildcard.splText)
    expect(verdicts(rule, { ...PROCESS, Image: 'C:\\Windows\\System32\\cmd.exe' })).toEqual(MATCH)
    expect(verdicts(rule, { ...PROCESS, Image: 'C:\\Windows\\System32\\notcmd.exe' })).toEqual(NO_MATCH)
    expect(verdicts(rule, { ...PROCESS, Image: 'C:\\cmd.exe.bak' })).toEqual(NO_MATCH)
  })

  it('contains: puts wildcards around the value', () => {
    const rule = field("CommandLine|contains: 'vssadmin'")
    expect(rule.splText).toBe(field("CommandLine: '*vssadmin*'").splText)
    expect(verdicts(rule, { ...PROCESS, CommandLine: 'cmd /c VSSADMIN delete shadows' })).toEqual(MATCH)
    expect(verdicts(rule, { ...PROCESS, CommandLine: 'wmic shadowcopy delete' })).toEqual(NO_MATCH)
  })

  it('exists: true needs the field', () => {
    const rule = field('ParentUser|exists: true')
    expect(verdicts(rule, { ...PROCESS, ParentUser: 'alice' })).toEqual(MATCH)
    expect(verdicts(rule, PROCESS)).toEqual(NO_MATCH)
  })

  it('exists: false needs the field absent', () => {
    const rule = field('ParentUser|exists: false')
    expect(verdicts(rule, PROCESS)).toEqual(MATCH)
    expect(verdicts(rule, { ...PROCESS, ParentUser: 'alice' })).toEqual(NO_MATCH)
  })

  it('exists: empty value counts as absent (semantics: exists)', () => {
    expect(verdicts(field('ParentUser|exists: true'), { ...PROCESS, ParentUser: '' })).toEqual(NO_MATCH)
    expect(verdicts(field('ParentUser|exists: false'), { ...PROCESS, ParentUser: '' })).toEqual(MATCH)
  })

  it('exists: a value other than a boolean is invalid', () => {
    expect(located(invalid("ParentUser|exists: 'yes'").diagnostics)).toEqual(['9:28 error sigma/invalid-value'])
  })

  it('cased: compares case-sensitively', () => {
    const rule = field("CommandLine|cased: 'Invoke-Expression'")
    expect(verdicts(rule, { ...PROCESS, CommandLine: 'Invoke-Expression' })).toEqual(MATCH)
    expect(verdicts(rule, { ...PROCESS, CommandLine: 'invoke-expression' })).toEqual(NO_MATCH)
  })

  it('cased: combines with contains', () => {
    const rule = field("CommandLine|contains|cased: 'IEX'")
    expect(verdicts(rule, { ...PROCESS, CommandLine: 'powershell IEX(x)' })).toEqual(MATCH)
    expect(verdicts(rule, { ...PROCESS, CommandLine: 'powershell iex(x)' })).toEqual(NO_MATCH)
  })

  it('neq: the field differs from the value', () => {
    const rule = field("User|neq: 'SYSTEM'")
    expect(verdicts(rule, { ...PROCESS, User: 'alice' })).toEqual(MATCH)
    expect(verdicts(rule, { ...PROCESS, User: 'system' })).toEqual(NO_MATCH)
  })

  it('neq: an absent field does not differ (semantics: neq)', () => {
    expect(verdicts(field("User|neq: 'SYSTEM'"), PROCESS)).toEqual(NO_MATCH)
  })

  it('neq: the field differs from every listed value', () => {
    const rule = field("User|neq:\n            - 'SYSTEM'\n            - 'LOCAL SERVICE'")
    expect(rule.splText).toBe('source="XmlWinEventLog:Microsoft-Windows-Sysmon/Operational" EventCode=1 User=* NOT User="SYSTEM" User=* NOT User="LOCAL SERVICE"')
    expect(verdicts(rule, { ...PROCESS, User: 'alice' })).toEqual(MATCH)
    expect(verdicts(rule, { ...PROCESS, User: 'SYSTEM' })).toEqual(NO_MATCH)
    expect(verdicts(rule, { ...PROCESS, User: 'local service' })).toEqual(NO_MATCH)
  })
})

describe('spec modifiers: string', () => {
  it('windash: every dash character is tried', () => {
    const rule = field("CommandLine|windash|contains: ' -ma '")
    for (const dash of ['-', '/', '\u2013', '\u2014', '\u2015']) {
      expect(verdicts(rule, { ...PROCESS, CommandLine: `procdump.exe ${dash}ma lsass.exe` }), dash).toEqual(MATCH)
    }
    expect(verdicts(rule, { ...PROCESS, CommandLine: 'procdump.exe +ma lsass.exe' })).toEqual(NO_MATCH)
    expect(verdicts(rule, { ...PROCESS, CommandLine: 'procdump.exe ma lsass.exe' })).toEqual(NO_MATCH)
  })

  it('windash: a rule value with an en dash expands the same way', () => {
    const rule = field("CommandLine|windash|contains: ' \u2013ma '")
    expect(rule.splText).toBe(field("CommandLine|windash|contains: ' -ma '").splText)
    expect(verdicts(rule, { ...PROCESS, CommandLine: 'procdump.exe /ma lsass.exe' })).toEqual(MATCH)
  })

  it('windash: dashes inside a word are left alone', () => {
    const rule = field("CommandLine|windash: 'x-y'")
    expect(verdicts(rule, { ...PROCESS, CommandLine: 'x-y' })).toEqual(MATCH)
    expect(verdicts(rule, { ...PROCESS, CommandLine: 'x/y' })).toEqual(NO_MATCH)
  })
})

describe('spec modifiers: regular expression', () => {
  const metacharacters: [string, string, string, string][] = [
    ['wildcard .', 'a.c', 'xabcx', 'ac'],
    ['anchor ^', '^cmd', 'cmd /c x', 'x cmd'],
    ['anchor $', '\\.exe$', 'a.exe', 'a.exe x'],
    ['quantifier *', 'ab*c', 'ac', 'adc'],
    ['quantifier +', 'ab+c', 'abbc', 'ac'],
    ['quantifier ?', 'colou?r', 'color', 'colouur'],
    ['quantifier {n,m}', '^a{2,3}b', 'aab', 'ab'],
    ['class [a-z]', '^[a-z]+$', 'abc', 'ABC'],
    ['class [^a-z]', '^[^a-z]+$', '123', '12a'],
    ['alternation |', 'cmd|pwsh', 'pwsh.exe', 'bash'],
    ['grouping ()', '^(ab)+c$', 'ababc', 'abac'],
  ]

  for (const [name, pattern, matching, other] of metacharacters) {
    it(`re: ${name}`, () => {
      const rule = field(`CommandLine|re: '${pattern}'`)
      expect(verdicts(rule, { ...PROCESS, CommandLine: matching })).toEqual(MATCH)
      expect(verdicts(rule, { ...PROCESS, CommandLine: other })).toEqual(NO_MATCH)
    })
  }

  it('re: matches case-sensitively by default', () => {
    const rule = field("CommandLine|re: 'whoami'")
    expect(verdicts(rule, { ...PROCESS, CommandLine: 'whoami /all' })).toEqual(MATCH)
    expect(verdicts(rule, { ...PROCESS, CommandLine: 'WHOAMI /all' })).toEqual(NO_MATCH)
  })

  it('re: i sub-modifier ignores case', () => {
    const rule = field("CommandLine|re|i: 'whoami'")
    expect(verdicts(rule, { ...PROCESS, CommandLine: 'WHOAMI /all' })).toEqual(MATCH)
    expect(verdicts(rule, { ...PROCESS, CommandLine: 'hostname' })).toEqual(NO_MATCH)
  })

  it('re: m sub-modifier anchors at lines', () => {
    const rule = field("CommandLine|re|m: '^whoami$'")
    const plain = field("CommandLine|re: '^whoami$'")
    expect(verdicts(rule, { ...PROCESS, CommandLine: 'echo\nwhoami\nexit' })).toEqual(MATCH)
    expect(verdicts(plain, { ...PROCESS, CommandLine: 'echo\nwhoami\nexit' })).toEqual(NO_MATCH)
    expect(verdicts(rule, { ...PROCESS, CommandLine: 'echo whoami' })).toEqual(NO_MATCH)
  })

  it('re: s sub-modifier lets dot match a newline', () => {
    const rule = field("CommandLine|re|s: 'begin.end'")
    const plain = field("CommandLine|re: 'begin.end'")
    expect(verdicts(rule, { ...PROCESS, CommandLine: 'begin\nend' })).toEqual(MATCH)
    expect(verdicts(plain, { ...PROCESS, CommandLine: 'begin\nend' })).toEqual(NO_MATCH)
    expect(verdicts(rule, { ...PROCESS, CommandLine: 'begin\n\nend' })).toEqual(NO_MATCH)
  })

  it('re: a flag without re is invalid', () => {
    expect(located(invalid("CommandLine|i: 'whoami'").diagnostics)).toEqual(['9:24 error sigma/invalid-modifier'])
  })

  it('re: backreferences are rejected (semantics: re2js)', () => {
    const rule = invalid("CommandLine|re: '(a)\\1'")
    expect(located(rule.diagnostics)).toEqual(['9:25 error sigma/invalid-regex'])
    expect(verdicts(rule, { ...PROCESS, CommandLine: 'aa' })).toEqual(NO_MATCH)
  })

  it('re: lookaround is rejected (semantics: re2js)', () => {
    expect(located(invalid("CommandLine|re: 'cmd(?=\\.exe)'").diagnostics)).toEqual(['9:25 error sigma/invalid-regex'])
  })

  it('re: escapes such as \\d are accepted (semantics: re2js syntax)', () => {
    const rule = field("CommandLine|re: 'port \\d+'")
    expect(verdicts(rule, { ...PROCESS, CommandLine: 'listen port 4444' })).toEqual(MATCH)
    expect(verdicts(rule, { ...PROCESS, CommandLine: 'listen port x' })).toEqual(NO_MATCH)
  })
})

describe('spec modifiers: encoding', () => {
  it('base64: the value is encoded', () => {
    const rule = field("CommandLine|base64: 'cmd'")
    expect(rule.splText).toBe('source="XmlWinEventLog:Microsoft-Windows-Sysmon/Operational" EventCode=1 CommandLine="Y21k"')
    expect(verdicts(rule, { ...PROCESS, CommandLine: 'Y21k' })).toEqual(MATCH)
    expect(verdicts(rule, { ...PROCESS, CommandLine: 'cmd' })).toEqual(NO_MATCH)
  })

  it('base64: combines with contains at offset 0', () => {
    const rule = field("CommandLine|base64|contains: 'cmd'")
    expect(verdicts(rule, { ...PROCESS, CommandLine: `powershell -e ${base64('cmd /c whoami')}` })).toEqual(MATCH)
    expect(verdicts(rule, { ...PROCESS, CommandLine: `powershell -e ${base64('x cmd /c whoami')}` })).toEqual(NO_MATCH)
  })

  it('base64offset: finds the value at shifts 0, 1 and 2', () => {
    const rule = field("CommandLine|base64offset|contains: 'http://'")
    for (const prefix of ['', 'x', 'xy', 'xyz']) {
      expect(verdicts(rule, { ...PROCESS, CommandLine: `-e ${base64(`${prefix}http://evil.example`)}` }), prefix).toEqual(MATCH)
    }
    expect(verdicts(rule, { ...PROCESS, CommandLine: `-e ${base64('ftp://evil.example')}` })).toEqual(NO_MATCH)
    expect(verdicts(rule, { ...PROCESS, CommandLine: 'http://evil.example' })).toEqual(NO_MATCH)
  })

  it('utf16le: cmd encodes as 63 00 6d 00 64 00', () => {
    const rule = field("CommandLine|utf16le|base64: 'cmd'")
    expect(base64('cmd', 'utf16le')).toBe(Buffer.from([0x63, 0x00, 0x6d, 0x00, 0x64, 0x00]).toString('base64'))
    expect(verdicts(rule, { ...PROCESS, CommandLine: 'YwBtAGQA' })).toEqual(MATCH)
    expect(verdicts(rule, { ...PROCESS, CommandLine: 'Y21k' })).toEqual(NO_MATCH)
  })

  it('utf16be: cmd encodes as 00 63 00 6d 00 64', () => {
    const rule = field("CommandLine|utf16be|base64: 'cmd'")
    expect(verdicts(rule, { ...PROCESS, CommandLine: Buffer.from([0x00, 0x63, 0x00, 0x6d, 0x00, 0x64]).toString('base64') })).toEqual(MATCH)
    expect(verdicts(rule, { ...PROCESS, CommandLine: 'YwBtAGQA' })).toEqual(NO_MATCH)
  })

  it('utf16: cmd encodes as FF FE 63 00 6d 00 64 00', () => {
    const rule = field("CommandLine|utf16|base64: 'cmd'")
    const encoded = Buffer.from([0xff, 0xfe, 0x63, 0x00, 0x6d, 0x00, 0x64, 0x00]).toString('base64')
    expect(verdicts(rule, { ...PROCESS, CommandLine: encoded })).toEqual(MATCH)
    expect(verdicts(rule, { ...PROCESS, CommandLine: 'YwBtAGQA' })).toEqual(NO_MATCH)
  })

  it('wide: is an alias of utf16le', () => {
    const rule = field("CommandLine|wide|base64offset|contains: 'cmd /c'")
    expect(rule.splText).toBe(field("CommandLine|utf16le|base64offset|contains: 'cmd /c'").splText)
    expect(verdicts(rule, { ...PROCESS, CommandLine: `powershell -enc ${base64('x; cmd /c whoami', 'utf16le')}` })).toEqual(MATCH)
    expect(verdicts(rule, { ...PROCESS, CommandLine: `powershell -enc ${base64('x; cmd /c whoami')}` })).toEqual(NO_MATCH)
  })

  it('utf16le: alone is rejected (semantics: utf16 needs base64)', () => {
    for (const name of ['utf16le', 'utf16be', 'utf16', 'wide']) {
      const rule = invalid(`CommandLine|${name}: 'cmd'`)
      expect(located(rule.diagnostics), name).toEqual([`9:${23 + name.length} error sigma/unsupported`])
    }
  })
})

describe('spec modifiers: numeric', () => {
  const cases: [string, number[], number[]][] = [
    ['lt', [1023], [1024, 1025]],
    ['lte', [1023, 1024], [1025]],
    ['gt', [1025], [1023, 1024]],
    ['gte', [1024, 1025], [1023]],
  ]

  for (const [name, matching, other] of cases) {
    it(`${name}: compares with 1024`, () => {
      const rule = field(`DestinationPort|${name}: 1024`, NETWORK_LOGSOURCE)
      for (const port of matching) expect(verdicts(rule, { ...NETWORK, DestinationPort: port }), String(port)).toEqual(MATCH)
      for (const port of other) expect(verdicts(rule, { ...NETWORK, DestinationPort: String(port) }), String(port)).toEqual(NO_MATCH)
      expect(verdicts(rule, { ...NETWORK, DestinationPort: 'http' })).toEqual(NO_MATCH)
    })
  }

  it('neq: numeric value differs', () => {
    const rule = field('DestinationPort|neq: 443', NETWORK_LOGSOURCE)
    expect(verdicts(rule, { ...NETWORK, DestinationPort: 8443 })).toEqual(MATCH)
    expect(verdicts(rule, { ...NETWORK, DestinationPort: 443 })).toEqual(NO_MATCH)
    expect(verdicts(rule, { ...NETWORK, DestinationPort: '443' })).toEqual(NO_MATCH)
  })

  it('gt: a value that is not a number is invalid', () => {
    const rule = invalid("DestinationPort|gt: 'high'")
    expect(located(rule.diagnostics)).toEqual(['9:29 error sigma/invalid-value'])
  })
})

describe('spec modifiers: time', () => {
  // 2024-01-03 is a Wednesday in ISO week 1; every part is 3 except the week.
  const cases: [string, number][] = [['minute', 3], ['hour', 3], ['day', 3], ['week', 1], ['month', 1], ['year', 2024]]
  for (const [name, part] of cases) {
    it(`${name}: extracts ${part} from UtcTime`, () => {
      const rule = field(`UtcTime|${name}: ${part}`)
      expect(verdicts(rule, { ...PROCESS, UtcTime: '2024-01-03 03:03:03.000' })).toEqual(MATCH)
      expect(verdicts(rule, { ...PROCESS, UtcTime: '2024-01-03T03:03:03.000Z' })).toEqual(MATCH)
      expect(verdicts(rule, { ...PROCESS, UtcTime: '2025-02-14 04:04:04.000' })).toEqual(NO_MATCH)
      expect(verdicts(rule, { ...PROCESS, UtcTime: 'not a date' })).toEqual(NO_MATCH)
    })
  }
})

describe('spec modifiers: ip', () => {
  it('cidr: DestinationIp|cidr: 10.0.0.0/8', () => {
    const rule = field('DestinationIp|cidr: 10.0.0.0/8', NETWORK_LOGSOURCE)
    expect(verdicts(rule, { ...NETWORK, DestinationIp: '10.1.2.3' })).toEqual(MATCH)
    expect(verdicts(rule, { ...NETWORK, DestinationIp: '10.255.255.255' })).toEqual(MATCH)
    expect(verdicts(rule, { ...NETWORK, DestinationIp: '11.0.0.1' })).toEqual(NO_MATCH)
    expect(verdicts(rule, { ...NETWORK, DestinationIp: 'not-an-ip' })).toEqual(NO_MATCH)
  })

  it('cidr: IPv6 notation', () => {
    const rule = field("DestinationIp|cidr: 'fe80::/10'", NETWORK_LOGSOURCE)
    expect(verdicts(rule, { ...NETWORK, DestinationIp: 'fe80::1' })).toEqual(MATCH)
    expect(verdicts(rule, { ...NETWORK, DestinationIp: 'febf::1' })).toEqual(MATCH)
    expect(verdicts(rule, { ...NETWORK, DestinationIp: '2001:db8::1' })).toEqual(NO_MATCH)
    expect(verdicts(rule, { ...NETWORK, DestinationIp: '10.0.0.1' })).toEqual(NO_MATCH)
  })

  it('cidr: a list of networks is OR-ed', () => {
    const rule = field("DestinationIp|cidr:\n            - '10.0.0.0/8'\n            - '192.168.0.0/16'", NETWORK_LOGSOURCE)
    expect(verdicts(rule, { ...NETWORK, DestinationIp: '192.168.1.1' })).toEqual(MATCH)
    expect(verdicts(rule, { ...NETWORK, DestinationIp: '172.16.0.1' })).toEqual(NO_MATCH)
  })

  it('cidr: a value that is not a network is invalid', () => {
    expect(located(invalid('DestinationIp|cidr: 10.0.0.0').diagnostics)).toEqual(['9:29 error sigma/invalid-value'])
  })
})

describe('spec modifiers: specific', () => {
  it('expand: a bare placeholder becomes a Splunk macro', () => {
    const rule = invalid("Computer|expand: '%DomainControllers%'")
    expect(located(rule.diagnostics)).toEqual([])
    expect(verdicts(rule, { ...PROCESS, Computer: 'dc01' })).toEqual(NO_MATCH)
  })

  it('fieldref: compares two fields of the event', () => {
    const rule = field('Image|fieldref: ParentImage')
    expect(verdicts(rule, { ...PROCESS, Image: 'C:\\a.exe', ParentImage: 'c:\\A.EXE' })).toEqual(MATCH)
    expect(verdicts(rule, { ...PROCESS, Image: 'C:\\a.exe', ParentImage: 'C:\\b.exe' })).toEqual(NO_MATCH)
    expect(verdicts(rule, { ...PROCESS, Image: 'C:\\a.exe' })).toEqual(NO_MATCH)
  })

  it('fieldref: combined with neq', () => {
    const rule = field('User|fieldref|neq: ParentUser')
    expect(verdicts(rule, { ...PROCESS, User: 'alice', ParentUser: 'bob' })).toEqual(MATCH)
    expect(verdicts(rule, { ...PROCESS, User: 'alice', ParentUser: 'ALICE' })).toEqual(NO_MATCH)
    expect(verdicts(rule, { ...PROCESS, ParentUser: 'bob' })).toEqual(NO_MATCH)
  })

  it('fieldref: combined with endswith', () => {
    const rule = field('TargetFilename|fieldref|endswith: Name')
    expect(verdicts(rule, { ...PROCESS, TargetFilename: 'C:\\tmp\\evil.exe', Name: 'evil.exe' })).toEqual(MATCH)
    expect(verdicts(rule, { ...PROCESS, TargetFilename: 'C:\\tmp\\evil.exe', Name: 'good.exe' })).toEqual(NO_MATCH)
  })
})
