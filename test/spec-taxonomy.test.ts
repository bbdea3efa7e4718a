import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { defaultConfig } from '../src/config/config.js'
import { lintRule } from '../src/lint/lint-rule.js'
import { SYSMON_CATEGORY_EVENT_IDS } from '../src/pipeline/sysmon.js'
import { sysmonFieldsFor } from '../src/lint/sysmon-fields.js'
import { parseRuleFile } from '../src/sigma/load-rule-file.js'
import { hasShared, ruleWith, sharedRoot } from './helpers.js'
import { MATCH, NO_MATCH, validRule, verdicts } from './spec-helpers.js'

/*
 * The examples of the Sigma taxonomy appendix v2.1.0: the Windows category
 * table (category → Sysmon event ids), the log source tables, the process
 * creation field table with its example values, and the field names of the
 * specific log sources. The tables are written out here so that the test
 * states the appendix independently of src/.
 */

const SOURCE = 'source="XmlWinEventLog:Microsoft-Windows-Sysmon/Operational"'

/** The appendix's Windows categories that Sysmon writes, with their event ids. */
const APPENDIX_SYSMON_CATEGORIES: Record<string, number[]> = {
  process_creation: [1],
  file_change: [2],
  network_connection: [3],
  sysmon_status: [4, 16],
  process_termination: [5],
  driver_load: [6],
  image_load: [7],
  create_remote_thread: [8],
  raw_access_thread: [9],
  process_access: [10],
  file_event: [11],
  registry_event: [12, 13, 14],
  registry_add: [12],
  registry_delete: [12],
  registry_set: [13],
  registry_rename: [14],
  create_stream_hash: [15],
  pipe_created: [17, 18],
  wmi_event: [19, 20, 21],
  dns_query: [22],
  file_delete: [23],
  clipboard_capture: [24],
  process_tampering: [25],
  file_delete_detected: [26],
  file_block_executable: [27],
  file_block_shredding: [28],
  file_executable_detected: [29],
  sysmon_error: [255],
}

/** The appendix's Windows categories from other providers than Sysmon. */
const APPENDIX_OTHER_WINDOWS_CATEGORIES = ['file_access', 'ps_classic_start', 'ps_classic_provider_start', 'ps_classic_script', 'ps_module', 'ps_script', 'file_rename']

/** The process creation field table: field name and example value. */
const PROCESS_CREATION_FIELDS: [string, string][] = [
  ['UtcTime', '2019-03-02 08:51:00.008'],
  ['ProcessGuid', '{c1b49677-43f4-5c7a-0000-0010d3dd8044}'],
  ['ProcessId', '1028'],
  ['Image', 'C:\\Program Files (x86)\\Google\\Update\\GoogleUpdate.exe'],
  ['FileVersion', '1.3.28.13'],
  ['Description', 'Google Installer'],
  ['Product', 'Google Update'],
  ['Company', 'Google Inc.'],
  ['CommandLine', '"C:\\Program Files (x86)\\Google\\Update\\GoogleUpdate.exe" /ua /installsource scheduler'],
  // The appendix escapes a trailing '|' here; a trailing backslash is meant.
  ['CurrentDirectory', 'C:\\Windows\\system32\\'],
  ['User', 'NT AUTHORITY\\SYSTEM'],
  ['LogonGuid', '{c1b49677-3fb9-5c09-0000-0020e7030000}'],
  ['LogonId', '0x3e7'],
  ['TerminalSessionId', '0'],
  ['IntegrityLevel', 'System'],
  ['imphash', 'E96A73C7BF33A464C510EDE582318BF2'],
  ['md5', 'CCF1D1573F175299ADE01C07791A6541'],
  ['sha1', '0AE1F9071C5E8FE4A69D3F671937935D242D8A6C'],
  ['sha256', '68A15A34C2E28B9B521A240B948634617D72AD619E3950BC6DC769E60A0C3CF2'],
  ['ParentProcessGuid', '{c1b49677-6b43-5c78-0000-00107fb77544}'],
  ['ParentProcessId', '1724'],
  ['ParentImage', 'C:\\Windows\\System32\\taskeng.exe'],
  ['ParentCommandLine', 'taskeng.exe {88F94E5C-5DC3-4606-AEFA-BDCA976D6113} S-1-5-18:NT AUTHORITY\\System:Service:'],
]

function yamlQuoted(value: string): string {
  return `'${value.replace(/'/g, "''")}'`
}

function lintFindings(logsource: string, detection = "    selection:\n        Image: x\n    condition: selection"): string[] {
  const rule = parseRuleFile('/repo/rules/spec_taxonomy_rule.yml', ruleWith(detection, logsource)).rules[0]?.rule
  if (!rule) throw new Error('the text contains no rule')
  const found = lintRule(rule, { config: defaultConfig(), relativePath: (f) => f, today: '2026-01-01' })
  return found.filter((d) => d.check.startsWith('logsource/')).map((d) => `${d.line}:${d.column} ${d.severity} ${d.check}`)
}

describe('spec taxonomy: windows categories', () => {
  for (const [category, eventIds] of Object.entries(APPENDIX_SYSMON_CATEGORIES)) {
    if (category === 'file_delete') continue
    it(`windows category: ${category} is Sysmon event ${eventIds.join(', ')}`, () => {
      expect(SYSMON_CATEGORY_EVENT_IDS[category]).toEqual(eventIds)
      const rule = validRule("    selection:\n        Image|endswith: '\\evil.exe'\n    condition: selection", `    product: windows\n    category: ${category}`)
      for (const id of eventIds) {
        expect(verdicts(rule, { EventID: id, Image: 'C:\\evil.exe' }), String(id)).toEqual(MATCH)
      }
      expect(verdicts(rule, { EventID: 254, Image: 'C:\\evil.exe' })).toEqual(NO_MATCH)
      expect(verdicts(rule, { EventID: eventIds[0] ?? 0, Image: 'C:\\good.exe' })).toEqual(NO_MATCH)
    })
  }

  // NOTE: the appendix lists event 23 alone for file_delete; the pipeline
  // also selects 26 (FileDeleteDetected), which file_delete_detected covers.
  it('windows category: file_delete is Sysmon 23 and 26 (pipeline choice, appendix lists 23)', () => {
    expect(SYSMON_CATEGORY_EVENT_IDS.file_delete).toEqual([23, 26])
    const rule = validRule("    selection:\n        TargetFilename|endswith: '.bak'\n    condition: selection", '    product: windows\n    category: file_delete')
    expect(rule.splText).toBe(`${SOURCE} EventCode IN (23, 26) TargetFilename="*.bak"`)
    expect(verdicts(rule, { EventID: 23, TargetFilename: 'C:\\x.bak' })).toEqual(MATCH)
    expect(verdicts(rule, { EventID: 26, TargetFilename: 'C:\\x.bak' })).toEqual(MATCH)
    expect(verdicts(rule, { EventID: 11, TargetFilename: 'C:\\x.bak' })).toEqual(NO_MATCH)
  })

  it('windows category: the pipeline has no category the appendix lacks', () => {
    expect(Object.keys(SYSMON_CATEGORY_EVENT_IDS).sort()).toEqual(Object.keys(APPENDIX_SYSMON_CATEGORIES).sort())
  })

  for (const category of APPENDIX_OTHER_WINDOWS_CATEGORIES) {
    it(`windows category: ${category} has no Sysmon scope (semantics: log sources)`, () => {
      const rule = validRule("    selection:\n        Image|endswith: '\\evil.exe'\n    condition: selection", `    product: windows\n    category: ${category}`)
      expect(rule.splText).toBe('Image="*\\\\evil.exe"')
      expect(verdicts(rule, { Image: 'C:\\evil.exe' })).toEqual(MATCH)
      expect(verdicts(rule, { Image: 'C:\\good.exe' })).toEqual(NO_MATCH)
    })
  }
})

describe('spec taxonomy: windows services', () => {
  it('windows service: sysmon keeps the Sysmon source and the rule event id', () => {
    const rule = validRule("    selection:\n        EventID: 1\n        Image|endswith: '\\evil.exe'\n    condition: selection", '    product: windows\n    service: sysmon')
    expect(rule.splText).toBe(`${SOURCE} EventCode=1 Image="*\\\\evil.exe"`)
    expect(verdicts(rule, { EventID: 1, Image: 'C:\\evil.exe' })).toEqual(MATCH)
    expect(verdicts(rule, { EventID: 7, Image: 'C:\\evil.exe' })).toEqual(NO_MATCH)
  })

  it('windows service: security has no Sysmon scope (semantics: log sources)', () => {
    const rule = validRule("    selection:\n        EventID: 4688\n        NewProcessName|endswith: '\\evil.exe'\n    condition: selection", '    product: windows\n    service: security')
    expect(rule.splText).toBe('EventCode=4688 NewProcessName="*\\\\evil.exe"')
    expect(verdicts(rule, { EventID: 4688, NewProcessName: 'C:\\evil.exe' })).toEqual(MATCH)
    expect(verdicts(rule, { EventID: 4689, NewProcessName: 'C:\\evil.exe' })).toEqual(NO_MATCH)
  })
})

describe('spec taxonomy: other products', () => {
  it('linux process_creation has no Sysmon scope (semantics: log sources)', () => {
    const rule = validRule("    selection:\n        Image|endswith: '/whoami'\n    condition: selection", '    product: linux\n    category: process_creation')
    expect(rule.splText).toBe('Image="*/whoami"')
    expect(verdicts(rule, { Image: '/usr/bin/whoami' })).toEqual(MATCH)
    expect(verdicts(rule, { Image: '/usr/bin/id' })).toEqual(NO_MATCH)
  })

  it('macos file_event has no Sysmon scope (semantics: log sources)', () => {
    const rule = validRule("    selection:\n        TargetFilename|contains: '/LaunchAgents/'\n    condition: selection", '    product: macos\n    category: file_event')
    expect(rule.splText).toBe('TargetFilename="*/LaunchAgents/*"')
    expect(verdicts(rule, { TargetFilename: '/Users/a/Library/LaunchAgents/x.plist' })).toEqual(MATCH)
    expect(verdicts(rule, { TargetFilename: '/tmp/x.plist' })).toEqual(NO_MATCH)
  })
})

describe('spec taxonomy: log source tables', () => {
  /** Read every `product`/`category`/`service` cell of the appendix tables. */
  function appendixLogsources(): string[] {
    const file = path.join(sharedRoot, 'spec/sigma/specification/sigma-appendix-taxonomy.md')
    const rows = readFileSync(file, 'utf8').split('\n').filter((line) => line.startsWith('|'))
    const logsources: string[] = []
    for (const row of rows) {
      const cell = row.split('|')[2]?.trim() ?? ''
      const pairs = cell.split('<br>').map((part) => /^(product|category|service): (\S+)$/.exec(part.trim()))
      if (pairs.length === 0 || pairs.some((pair) => pair === null)) continue
      logsources.push(pairs.map((pair) => `    ${pair?.[1]}: ${pair?.[2]}`).join('\n'))
    }
    return logsources
  }

  it.skipIf(!hasShared)('log sources: every table row is a known log source', () => {
    const logsources = appendixLogsources()
    expect(logsources.length).toBe(140)
    const keywords = "    keywords:\n        - 'evil'\n    condition: keywords"
    for (const logsource of logsources) {
      const found = lintFindings(logsource, keywords).filter((line) => / logsource\/(unknown|misspelled)$/.test(line))
      expect(found, logsource).toEqual([])
    }
  })

  it('log sources: a log source outside the appendix is reported', () => {
    expect(lintFindings('    product: windows\n    service: my-app')).toEqual(['5:5 info logsource/unknown'])
  })
})

describe('spec taxonomy: process creation fields', () => {
  it('process creation: the table lists the Sysmon event 1 fields', () => {
    const allowed = sysmonFieldsFor([1])
    const missing = PROCESS_CREATION_FIELDS.map(([name]) => name).filter((name) => !allowed.has(name))
    expect(missing).toEqual([])
  })

  for (const [name, value] of PROCESS_CREATION_FIELDS) {
    it(`process creation: ${name} example value`, () => {
      const detection = `    selection:\n        ${name}: ${yamlQuoted(value)}\n    condition: selection`
      const rule = validRule(detection)
      expect(verdicts(rule, { EventID: 1, [name]: value })).toEqual(MATCH)
      expect(verdicts(rule, { EventID: 1, [name]: value.toLowerCase() })).toEqual(MATCH)
      expect(verdicts(rule, { EventID: 1, [name]: `${value}x` })).toEqual(NO_MATCH)
      expect(verdicts(rule, { EventID: 3, [name]: value })).toEqual(NO_MATCH)
      expect(lintFindings('    product: windows\n    category: process_creation', detection)).toEqual([])
    })
  }
})

describe('spec taxonomy: specific log source fields', () => {
  it('proxy: hyphenated W3C field names', () => {
    const rule = validRule("    selection:\n        c-uri|contains: '/wp-admin/'\n        cs-method: 'POST'\n        c-useragent|startswith: 'python-requests'\n        sc-status: 200\n    condition: selection", '    category: proxy')
    expect(rule.splText).toBe('c-uri="*/wp-admin/*" cs-method="POST" c-useragent="python-requests*" sc-status=200')
    const event = { 'c-uri': 'http://x/wp-admin/a.php', 'cs-method': 'post', 'c-useragent': 'python-requests/2.31', 'sc-status': 200 }
    expect(verdicts(rule, event)).toEqual(MATCH)
    expect(verdicts(rule, { ...event, 'sc-status': 404 })).toEqual(NO_MATCH)
    expect(verdicts(rule, { ...event, 'cs-method': 'GET' })).toEqual(NO_MATCH)
  })

  it('firewall: src_ip, dst_ip and dst_port', () => {
    const rule = validRule("    selection:\n        dst_port: 3389\n        src_ip|cidr: '10.0.0.0/8'\n    filter:\n        dst_ip|cidr: '10.0.0.0/8'\n    condition: selection and not filter", '    category: firewall')
    expect(verdicts(rule, { src_ip: '10.1.1.1', dst_ip: '203.0.113.5', dst_port: 3389 })).toEqual(MATCH)
    expect(verdicts(rule, { src_ip: '10.1.1.1', dst_ip: '10.2.2.2', dst_port: 3389 })).toEqual(NO_MATCH)
    expect(verdicts(rule, { src_ip: '10.1.1.1', dst_ip: '203.0.113.5', dst_port: 443 })).toEqual(NO_MATCH)
  })

  it('webserver: cs-uri-query and cs-user-agent', () => {
    const rule = validRule("    selection:\n        cs-uri-query|contains: '../'\n        cs-user-agent|contains: 'curl'\n    condition: selection", '    category: webserver')
    expect(verdicts(rule, { 'cs-uri-query': 'file=../../etc/passwd', 'cs-user-agent': 'curl/8.0' })).toEqual(MATCH)
    expect(verdicts(rule, { 'cs-uri-query': 'file=index.html', 'cs-user-agent': 'curl/8.0' })).toEqual(NO_MATCH)
  })

  it('antivirus: Filename, Signature and Action', () => {
    const rule = validRule("    selection:\n        Signature|startswith: 'EICAR'\n        Action: 'delete'\n    condition: selection", '    category: antivirus')
    expect(verdicts(rule, { Filename: 'C:\\eicar.com', Signature: 'EICAR-Test-File', Action: 'delete' })).toEqual(MATCH)
    expect(verdicts(rule, { Filename: 'C:\\eicar.com', Signature: 'EICAR-Test-File', Action: 'quarantine' })).toEqual(NO_MATCH)
  })

  it('network connection: dotted field names', () => {
    const rule = validRule("    selection:\n        network.transport: 'udp'\n        destination.port: 53\n        source.bytes|gt: 1000000\n    condition: selection", '    category: network\n    service: connection')
    expect(rule.splText).toBe('network.transport="udp" destination.port=53 source.bytes>1000000')
    const event = { 'network.transport': 'udp', 'destination.port': 53, 'source.bytes': 2000000 }
    expect(verdicts(rule, event)).toEqual(MATCH)
    expect(verdicts(rule, { ...event, 'source.bytes': 512 })).toEqual(NO_MATCH)
  })

  it('network dns: dns.question.name', () => {
    const rule = validRule("    selection:\n        dns.question.name|endswith: '.onion'\n    condition: selection", '    category: network\n    service: dns')
    expect(verdicts(rule, { 'dns.question.name': 'abc.onion' })).toEqual(MATCH)
    expect(verdicts(rule, { 'dns.question.name': 'example.com' })).toEqual(NO_MATCH)
  })
})
