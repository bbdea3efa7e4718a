import { describe, expect, it } from 'vitest'

import type { SplEvent } from '../src/spl/index.js'
import { parseError, verdict } from './spl-helpers.js'

const r = String.raw

type Row = [string, SplEvent, boolean]

function checkRows(rows: Row[]): void {
  for (const [query, event, expected] of rows) {
    expect({ query, event, match: verdict(query, event) }).toEqual({
      query,
      event,
      match: expected,
    })
  }
}

describe('search precedence', () => {
  const query = r`Image="*\\cmd.exe" OR Image="*\\pwsh.exe" CommandLine="*-enc*"`

  it('binds OR tighter than AND', () => {
    checkRows([
      [query, { Image: r`C:\x\cmd.exe`, CommandLine: 'cmd -enc AA' }, true],
      [query, { Image: r`C:\x\pwsh.exe`, CommandLine: 'pwsh -enc AA' }, true],
      [query, { Image: r`C:\x\cmd.exe`, CommandLine: 'cmd /c dir' }, false],
      [query, { Image: r`C:\x\calc.exe`, CommandLine: 'x -enc' }, false],
    ])
  })

  it('binds NOT tighter than OR', () => {
    const notFirst = 'NOT a=1 OR b=1'
    checkRows([
      [notFirst, { a: '1', b: '1' }, true],
      [notFirst, { a: '1', b: '2' }, false],
      [notFirst, { a: '2', b: '2' }, true],
    ])
  })

  it('treats explicit AND like whitespace', () => {
    const explicit = 'a=1 OR b=1 AND c=1'
    checkRows([
      [explicit, { a: '1', c: '1' }, true],
      [explicit, { a: '1', c: '2' }, false],
      [explicit, { b: '1', c: '1' }, true],
    ])
  })

  it('lets parentheses override', () => {
    const grouped = 'a=1 OR (b=1 c=1)'
    checkRows([
      [grouped, { a: '1' }, true],
      [grouped, { b: '1' }, false],
      [grouped, { b: '1', c: '1' }, true],
    ])
  })
})

describe('NOT versus !=', () => {
  it('matches the documented table', () => {
    checkRows([
      ['NOT f=v', { f: 'other' }, true],
      ['NOT f=v', { f: 'v' }, false],
      ['NOT f=v', {}, true],
      ['f!=v', { f: 'other' }, true],
      ['f!=v', { f: 'v' }, false],
      ['f!=v', {}, false],
    ])
  })

  it('handles EventCode=1 NOT User=*SYSTEM*', () => {
    const query = 'EventCode=1 NOT User="*SYSTEM*"'
    checkRows([
      [query, { EventCode: 1, User: r`NT AUTHORITY\SYSTEM` }, false],
      [query, { EventCode: 1, User: r`CORP\alice` }, true],
      [query, { EventCode: 1 }, true],
      ['EventCode=1 User!="*SYSTEM*"', { EventCode: 1 }, false],
    ])
  })
})

describe('case', () => {
  it('matches values case-insensitively and names exactly', () => {
    const query = r`Image="*\\PowerShell.exe"`
    checkRows([
      [query, { Image: r`C:\Windows\System32\powershell.exe` }, true],
      [query, { Image: r`C:\X\POWERSHELL.EXE` }, true],
      [query, { image: r`C:\Windows\System32\powershell.exe` }, false],
    ])
  })
})

describe('wildcards', () => {
  it('anchors the whole value', () => {
    const query = r`Image="*\\rundll32.exe"`
    checkRows([
      [query, { Image: r`C:\Windows\System32\rundll32.exe` }, true],
      [query, { Image: r`C:\Windows\System32\RUNDLL32.EXE` }, true],
      [query, { Image: r`C:\Windows\System32\rundll32.exe.bak` }, false],
      [query, { Image: 'rundll32.exe' }, false],
    ])
  })

  it('reads ? as a literal character', () => {
    checkRows([
      ['CommandLine="*a?b*"', { CommandLine: 'x a?b y' }, true],
      ['CommandLine="*a?b*"', { CommandLine: 'x acb y' }, false],
    ])
  })

  it('needs an exact value without a star', () => {
    checkRows([
      ['host=webserver', { host: 'webserver01' }, false],
      ['host=webserver', { host: 'WebServer' }, true],
      ['f="a*c*e"', { f: 'abcde' }, true],
      ['f="a*c*e"', { f: 'ace' }, true],
      ['f="a*c*e"', { f: 'aec' }, false],
      ['f="*aa*aa*"', { f: 'aaa' }, false],
      ['f="*aa*aa*"', { f: 'aaaa' }, true],
    ])
  })
})

describe('escapes', () => {
  it('matches the documented table', () => {
    checkRows([
      [r`f="*\\cmd.exe"`, { f: r`C:\x\cmd.exe` }, true],
      [r`f="*\\cmd.exe"`, { f: r`C:\x\\cmd.exe` }, true],
      [r`f="*\\cmd.exe"`, { f: 'C:/x/cmd.exe' }, false],
      [r`f="C:\\Windows\\*"`, { f: r`C:\Windows\System32\x.exe` }, true],
      [r`f="C:\\Windows\\*"`, { f: r`C:\WindowsX` }, false],
      [r`f="*\"http*"`, { f: 'curl "http://x"' }, true],
      [r`f="*\"http*"`, { f: 'curl http://x' }, false],
      [r`f="*/tn \*"`, { f: r`schtasks /tn \x` }, true],
      [r`f="*/tn \*"`, { f: r`schtasks /tn \*` }, true],
      [r`f="*/tn \*"`, { f: 'schtasks /tn x' }, false],
      [r`f="*\\"`, { f: 'C:\\dir\\' }, true],
      [r`f="*\\"`, { f: r`C:\dir` }, false],
    ])
  })

  it('resolves an escaped pipe and keeps other pairs', () => {
    checkRows([
      [r`f="a\|b"`, { f: 'a|b' }, true],
      [r`f="a\sb"`, { f: r`a\sb` }, true],
      [r`f="a\sb"`, { f: 'a b' }, false],
      [r`f=C:\\x`, { f: r`C:\x` }, true],
    ])
  })

  it('rejects a quote escaped by a lone backslash', () => {
    expect(parseError(r`f="abc\"`)).toEqual({
      message:
        "The quoted string starting here is not closed: add the closing \". A backslash before \" escapes it, so write a final backslash as '\\\\'.",
      column: 3,
    })
  })
})

describe('IN', () => {
  const query = r`Image IN ("*\\cmd.exe", "*\\pwsh.exe")`

  it('matches any listed value', () => {
    checkRows([
      [query, { Image: r`C:\X\CMD.EXE` }, true],
      [query, { Image: r`C:\X\pwsh.exe` }, true],
      [query, { Image: r`C:\X\cmd.exe.txt` }, false],
      [query, {}, false],
    ])
  })

  it('keeps events without the field under NOT', () => {
    checkRows([
      [`NOT ${query}`, {}, true],
      [`NOT ${query}`, { Image: r`C:\X\cmd.exe` }, false],
      [`NOT ${query}`, { Image: r`C:\X\calc.exe` }, true],
    ])
  })

  it('acts as one atom under OR', () => {
    const combined = 'a IN (1, 2) OR b=1 c=1'
    checkRows([
      [combined, { a: '2', c: '1' }, true],
      [combined, { a: '2' }, false],
      [combined, { b: '1', c: '1' }, true],
    ])
  })
})

describe('keywords', () => {
  it('match *value* against _raw case-insensitively', () => {
    checkRows([
      ['"Metasploit"', { _raw: 'x Metasploit.Payload y' }, true],
      ['"*Metasploit*"', { _raw: 'x MetasploitFramework y' }, true],
      ['"lsadump::"', { _raw: 'mimikatz LSADUMP::sam' }, true],
      ['"lsadump::"', { _raw: 'mimikatz lsadump:sam' }, false],
      ['"a*c"', { _raw: 'xx abbbc yy' }, true],
    ])
  })

  it('use substring matching, not index segments', () => {
    // The dialect chooses `*value*` over Splunk's segment matching, under
    // which this event would not match.
    expect(verdict('"Metasploit"', { _raw: 'x MetasploitFramework y' })).toBe(true)
  })

  it('synthesise _raw from the values', () => {
    const event = { Image: r`C:\x\cmd.exe`, CommandLine: 'cmd /c whoami', EventCode: 1 }
    checkRows([
      ['whoami', event, true],
      ['"*cmd.exe\ncmd*"', event, true],
      ['"cmd.exe cmd"', event, false],
      ['Image', event, false],
      ['"1"', event, true],
    ])
  })

  it('read lower-case and/or/not as keywords', () => {
    checkRows([
      ['a=1 and b=1', { a: '1', b: '1', x: 'and' }, true],
      ['a=1 and b=1', { a: '1', b: '1' }, false],
      ['a=1 or b=1', { a: '1', x: 'or' }, false],
      ['not a=1', { a: '1', x: 'NOT' }, true],
    ])
  })

  it('treat a macro as satisfied', () => {
    checkRows([
      ['`sysmon` EventCode=1', { EventCode: 1 }, true],
      ['`sysmon` EventCode=1', { EventCode: 3 }, false],
      ['NOT `sysmon`', { EventCode: 1 }, false],
    ])
  })
})

describe('field=* and empty values', () => {
  it('matches the documented table', () => {
    checkRows([
      ['f=*', {}, false],
      ['f=*', { f: '' }, false],
      ['f=*', { f: 'x' }, true],
      ['NOT f=*', {}, true],
      ['NOT f=*', { f: '' }, true],
      ['NOT f=*', { f: 'x' }, false],
      ['f!=*', {}, false],
      ['f!=*', { f: '' }, false],
      ['f!=*', { f: 'x' }, false],
      ['f=""', {}, false],
      ['f=""', { f: '' }, true],
      ['f=""', { f: 'x' }, false],
      ['f=*', { f: null }, false],
      ['NOT f=*', { f: null }, true],
    ])
  })

  it('handles NOT ParentImage=*', () => {
    checkRows([
      ['NOT ParentImage=*', { EventCode: 1, Image: 'x' }, true],
      ['NOT ParentImage=*', { EventCode: 1, ParentImage: r`C:\a.exe` }, false],
      ['SourceFilename="" OR NOT SourceFilename=*', { SourceFilename: '' }, true],
      ['SourceFilename="" OR NOT SourceFilename=*', {}, true],
      ['SourceFilename="" OR NOT SourceFilename=*', { SourceFilename: 'a' }, false],
    ])
  })
})

describe('multi-valued fields', () => {
  it('match when any value matches', () => {
    checkRows([
      ['f=b', { f: ['a', 'b'] }, true],
      ['f=c', { f: ['a', 'b'] }, false],
      ['NOT f=b', { f: ['a', 'b'] }, false],
      ['f!=b', { f: ['a', 'b'] }, false],
      ['f!=c', { f: ['a', 'b'] }, true],
      ['f IN ("x", "B")', { f: ['a', 'b'] }, true],
      ['f=*', { f: [] }, false],
    ])
  })
})

describe('CIDR', () => {
  it('matches the documented table', () => {
    checkRows([
      ['NOT DestinationIp="10.0.0.0/8"', { DestinationIp: '10.2.3.4' }, false],
      ['NOT DestinationIp="10.0.0.0/8"', { DestinationIp: '8.8.8.8' }, true],
      ['NOT DestinationIp="10.0.0.0/8"', { DestinationIp: 'fe80::1' }, true],
      ['DestinationIp="fe80::/10"', { DestinationIp: 'FE80::1' }, true],
    ])
  })

  it('tests both families and rejects non-addresses', () => {
    checkRows([
      ['ip="10.10.10.0/24"', { ip: '10.10.10.12' }, true],
      ['ip="10.10.10.0/24"', { ip: '10.10.11.12' }, false],
      ['ip="10.10.10.0/24"', { ip: 'host.example' }, false],
      ['ip="fc00::/7"', { ip: 'fd12:3456::1' }, true],
      ['ip="fc00::/7"', { ip: 'fe80::1' }, false],
      ['ip="::1/128"', { ip: '::1' }, true],
      ['ip="::1/128"', { ip: '::2' }, false],
      ['ip="127.0.0.0/8"', { ip: '127.1.2.3' }, true],
      ['ip="10.0.0.0/8"', { ip: '10.0.0.0/8' }, false],
      ['ip="10.0.0.0/33"', { ip: '10.0.0.0/33' }, true],
    ])
  })
})

describe('numeric comparisons', () => {
  it('compare numbers and never match other text', () => {
    checkRows([
      ['f>5', { f: '10' }, true],
      ['f>5', { f: 10 }, true],
      ['f>5', { f: '5' }, false],
      ['f>=5', { f: '5' }, true],
      ['f<5', { f: '-1.5' }, true],
      ['f<=5', { f: '5.0' }, true],
      ['f>5', { f: 'abc' }, false],
      ['f>5', {}, false],
      ['f>abc', { f: 'abd' }, false],
      ['NOT f>5', {}, true],
    ])
  })

  it('keep = a string match', () => {
    checkRows([
      ['f=5', { f: '05' }, false],
      ['f=5', { f: '5.0' }, false],
      ['f=5', { f: 5 }, true],
      ['Signed=true', { Signed: true }, true],
    ])
  })
})

describe('scope fields', () => {
  it('count as satisfied when the event lacks them', () => {
    const query = 'source="XmlWinEventLog:Microsoft-Windows-Sysmon/Operational" EventCode=1'
    checkRows([
      [query, { EventCode: 1 }, true],
      [query, { EventCode: 1, source: 'XmlWinEventLog:Microsoft-Windows-Sysmon/Operational' }, true],
      [query, { EventCode: 1, source: 'WinEventLog:Security' }, false],
      ['index=main sourcetype=xml EventCode=1', { EventCode: 1 }, true],
      ['host=a EventCode=1', { EventCode: 1 }, false],
    ])
  })
})

describe('pipelines', () => {
  it('filter with regex after the search', () => {
    const query = r`Image="*\\reg.exe"
| regex CommandLine="(?i)\\\\run\\\\"`
    const image = r`C:\Windows\reg.exe`
    checkRows([
      [query, { Image: image, CommandLine: r`reg add HKCU\Software\Microsoft\Windows\CurrentVersion\Run\ x` }, true],
      [query, { Image: image, CommandLine: r`reg add HKCU\Software\Microsoft\Windows\CurrentVersion\RUNONCE x` }, false],
      [query, { Image: image }, false],
      ['* | regex CommandLine!="-enc"', { Image: image }, true],
      ['* | regex CommandLine!="-enc"', { CommandLine: 'x -enc' }, false],
      ['* | regex CommandLine!="-enc"', { CommandLine: 'x -ENC' }, true],
    ])
  })

  it('AND successive searches', () => {
    checkRows([
      ['a=1 | search b=1', { a: '1', b: '1' }, true],
      ['a=1 | search b=1', { a: '1', b: '2' }, false],
      ['a=1 | search b=1', { a: '2', b: '1' }, false],
    ])
  })

  it('run rex, eval and search together', () => {
    const query = r`Image="*\\curl.exe"
| rex field=CommandLine "(?<CommandLineMatch>\\s-[FTd]\\s)"
| eval CommandLineCondition=if(isnotnull(CommandLineMatch), "true", "false")
| search CommandLineCondition="true" OR CommandLine="*--upload-file*"`
    const image = r`C:\curl.exe`
    checkRows([
      [query, { Image: image, CommandLine: 'curl -F a=@x http://h' }, true],
      [query, { Image: image, CommandLine: 'curl -f http://h' }, false],
      [query, { Image: image, CommandLine: 'curl --upload-file x' }, true],
      [query, { Image: image }, false],
    ])
  })

  it('compare fields in where case-sensitively', () => {
    const query = "* | where 'Image'='ParentImage'"
    checkRows([
      [query, { Image: r`C:\a.exe`, ParentImage: r`C:\a.exe` }, true],
      [query, { Image: r`C:\A.EXE`, ParentImage: r`C:\a.exe` }, false],
      [query, { Image: r`C:\a.exe` }, false],
      ["* | where NOT 'Image'='ParentImage'", { Image: r`C:\a.exe` }, true],
    ])
  })
})
