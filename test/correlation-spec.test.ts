import { describe, expect, it } from 'vitest'
import { FAILED_LOGON, findings, ruleTitled, runOnFiles } from './correlation-helpers.js'
import * as spec from './correlation-spec-examples.js'

const RECON_RULES = ['a', 'b', 'c']
  .map(
    (letter, index) => `title: Recon command ${letter}
name: recon_cmd_${letter}
id: 00000000-0000-4000-8000-00000000000${index + 1}
status: test
logsource:
    category: process_creation
    product: windows
detection:
    selection:
        Image|endswith: '\\${['whoami', 'hostname', 'ipconfig'][index]}.exe'
    condition: selection
level: low
`,
  )
  .join('---\n')

const LOGON_RULES = `title: Many failed logins
name: many_failed_logins
id: 00000000-0000-4000-8000-000000000011
status: test
logsource:
    product: windows
    service: security
detection:
    selection:
        EventID: 4625
    condition: selection
level: low
---
title: Successful login
name: successful_login
id: 00000000-0000-4000-8000-000000000012
status: test
logsource:
    product: windows
    service: security
detection:
    selection:
        EventID: 4624
    condition: selection
level: low
`

const PROXY_RULE = (name: string): string => `title: Web access ${name}
name: ${name}
id: 00000000-0000-4000-8000-0000000000${name.length}
status: test
logsource:
    category: proxy
detection:
    selection:
        cs-method: POST
    condition: selection
level: low
`

describe('correlation specification examples', () => {
  it('rules section example reports what is missing', async () => {
    const rule = ruleTitled(await runOnFiles({ 'c.yml': spec.RULES_SECTION_EXAMPLE }), 'login brute force')
    expect(findings(rule)).toEqual(['correlation/missing 4:3 error', 'correlation/missing 4:3 error', 'correlation/no-group-by 4:3 warning'])
    expect(rule.spl).toEqual([])
  })

  it('event_count example converts with its base rule', async () => {
    const report = await runOnFiles({ 'c.yml': spec.EVENT_COUNT_EXAMPLE, 'r.yml': FAILED_LOGON })
    const rule = ruleTitled(report, 'Many failed logins')
    expect(findings(rule)).toEqual([])
    expect(rule.spl).toEqual(["EventCode=4625 | bin _time span=1h | stats count as event_count by _time ComputerName | where 'event_count'>=100"])
    expect(ruleTitled(report, 'Failed logon').spl).toEqual([])
  })

  it('event_count example alone has an unknown reference', async () => {
    const rule = ruleTitled(await runOnFiles({ 'c.yml': spec.EVENT_COUNT_EXAMPLE }), 'Many failed logins')
    expect(findings(rule)).toEqual(['correlation/unknown-rule 6:11 error'])
    expect(rule.spl).toEqual([])
  })

  it('value_count example counts distinct users', async () => {
    const rule = ruleTitled(await runOnFiles({ 'c.yml': spec.VALUE_COUNT_EXAMPLE, 'r.yml': FAILED_LOGON }), 'Failed login')
    expect(findings(rule)).toEqual([])
    expect(rule.spl).toEqual(["EventCode=4625 | bin _time span=1d | stats dc(User) as value_count by _time ComputerName WorkstationName | where 'value_count'>=100"])
  })

  it('temporal example needs all three rules', async () => {
    const text = `title: Recon burst\n${spec.TEMPORAL_EXAMPLE}---\n${RECON_RULES}`
    const rule = ruleTitled(await runOnFiles({ 'c.yml': text }), 'Recon burst')
    expect(findings(rule)).toEqual([])
    const scope = 'source="XmlWinEventLog:Microsoft-Windows-Sysmon/Operational" EventCode=1'
    const isProcess = `isnotnull('EventCode') AND match('EventCode', "(?i)(?s)^1$")`
    const image = (name: string): string => `isnotnull('Image') AND match('Image', "(?i)(?s)^.*\\\\\\\\${name}\\\\.exe$")`
    expect(rule.spl).toEqual([
      `((${scope} Image="*\\\\whoami.exe") OR (${scope} Image="*\\\\hostname.exe") OR (${scope} Image="*\\\\ipconfig.exe"))` +
        ` | eval sg_rule=case(${isProcess} AND ${image('whoami')}, "recon_cmd_a", ${isProcess} AND ${image('hostname')}, "recon_cmd_b", ${isProcess} AND ${image('ipconfig')}, "recon_cmd_c")` +
        " | search sg_rule=* | bin _time span=5m | stats dc(sg_rule) as temporal by _time ComputerName User | where 'temporal'>=3",
    ])
  })

  it('temporal example without a title is reported', async () => {
    const report = await runOnFiles({ 'c.yml': spec.TEMPORAL_EXAMPLE })
    expect(findings(report.rules[0] as never)).toEqual(['correlation/missing 1:1 error'])
  })

  it('temporal_ordered example tracks the order with streamstats', async () => {
    const text = `title: Brute force then success\n${spec.TEMPORAL_ORDERED_EXAMPLE}---\n${LOGON_RULES}`
    const rule = ruleTitled(await runOnFiles({ 'c.yml': text }), 'Brute force then success')
    expect(findings(rule)).toEqual([])
    expect(rule.spl).toEqual([
      '(EventCode=4625 OR EventCode=4624)' +
        ` | eval sg_rule=case(isnotnull('EventCode') AND match('EventCode', "(?i)(?s)^4625$"), "many_failed_logins", isnotnull('EventCode') AND match('EventCode', "(?i)(?s)^4624$"), "successful_login")` +
        ' | search sg_rule=* | sort 0 _time | bin _time span=1h' +
        ' | eval sg_t1=if(sg_rule="many_failed_logins", 1, null()) | streamstats count(sg_t1) as sg_s1 by _time User' +
        ' | eval sg_t2=if(sg_rule="successful_login" AND sg_s1>0, 1, null()) | streamstats count(sg_t2) as sg_s2 by _time User' +
        " | eval sg_step=case(sg_s2>0, 2, sg_s1>0, 1, true(), 0) | stats max(sg_step) as temporal_ordered by _time User | where 'temporal_ordered'>=2",
    ])
  })

  it('value_sum example sums bytes_sent', async () => {
    const rule = ruleTitled(await runOnFiles({ 'c.yml': spec.VALUE_SUM_EXAMPLE, 'r.yml': PROXY_RULE('website_access') }), 'Possible Exfiltration to Website')
    expect(findings(rule)).toEqual([])
    expect(rule.spl).toEqual(["cs-method=\"POST\" | bin _time span=1h | stats sum(bytes_sent) as value_sum by _time SourceIP User | where 'value_sum'>1000000"])
  })

  it('value_avg example averages BytesOut', async () => {
    const rule = ruleTitled(await runOnFiles({ 'c.yml': spec.VALUE_AVG_EXAMPLE, 'r.yml': PROXY_RULE('rule_a_id') }), 'Suspicious average network traffic')
    expect(findings(rule)).toEqual([])
    expect(rule.spl).toEqual(["cs-method=\"POST\" | bin _time span=24h | stats avg(BytesOut) as value_avg by _time SourceIP User | where 'value_avg'>500"])
  })

  it('value_percentile example counts shares per image', async () => {
    const title = 'A computer spawned a processes name in the last 24h than 1% of all the processes.'
    const rule = ruleTitled(await runOnFiles({ 'c.yml': spec.VALUE_PERCENTILE_EXAMPLE, 'r.yml': PROXY_RULE('process_creation') }), title)
    expect(findings(rule)).toEqual([])
    expect(rule.spl).toEqual([
      'cs-method="POST" | bin _time span=24h | stats count as sg_value_count by _time ComputerName image' +
        ' | eventstats sum(sg_value_count) as sg_total by _time ComputerName' +
        " | eval value_percentile=sg_value_count*100/sg_total | where 'value_percentile'<=1",
    ])
  })

  it('aliases example groups by the aliased fields', async () => {
    const report = await runOnFiles({ 'c.yml': spec.ALIASES_EXAMPLE })
    const rule = ruleTitled(report, '—')
    expect(findings(rule)).toEqual([])
    expect(rule.spl).toEqual([
      '(http.response.status_code=500 OR (event.category="network" event.type="connection" event.outcome="success"))' +
        ` | eval sg_rule=case(isnotnull('http.response.status_code') AND match('http.response.status_code', "(?i)(?s)^500$"), "internal_error",` +
        ` isnotnull('event.category') AND match('event.category', "(?i)(?s)^network$") AND isnotnull('event.type') AND match('event.type', "(?i)(?s)^connection$") AND isnotnull('event.outcome') AND match('event.outcome', "(?i)(?s)^success$"), "new_network_connection")` +
        ' | search sg_rule=*' +
        ` | eval internal_ip=case('sg_rule'="internal_error", 'destination.ip', 'sg_rule'="new_network_connection", 'source.ip')` +
        ` | eval remote_ip=case('sg_rule'="internal_error", 'source.ip', 'sg_rule'="new_network_connection", 'destination.ip')` +
        " | bin _time span=10s | stats dc(sg_rule) as temporal by _time internal_ip remote_ip | where 'temporal'>=2",
    ])
  })

  it('full example: chained correlation is reported, inner one converts', async () => {
    const report = await runOnFiles({ 'c.yml': spec.FULL_EXAMPLE })
    const outer = ruleTitled(report, 'Correlation - Multiple Failed Logins Followed by Successful Login')
    expect(findings(outer)).toEqual(['convert/unsupported 12:11 error'])
    expect(outer.spl).toEqual([])
    const inner = ruleTitled(report, 'Multiple failed logons')
    expect(findings(inner)).toEqual([])
    expect(inner.spl).toEqual(["EventCode IN (529, 4625) | bin _time span=10m | stats count as event_count by _time User | where 'event_count'>=10"])
  })

  it('range condition joins both bounds', async () => {
    const text = spec.EVENT_COUNT_EXAMPLE.replace('        gte: 100\n', '        gt: 100\n        lte: 200\n')
    const rule = ruleTitled(await runOnFiles({ 'c.yml': text, 'r.yml': FAILED_LOGON }), 'Many failed logins')
    expect(rule.spl).toEqual(["EventCode=4625 | bin _time span=1h | stats count as event_count by _time ComputerName | where 'event_count'>100 AND 'event_count'<=200"])
  })
})

describe('filters specification example', () => {
  it('adds the filter to the named rule', async () => {
    const report = await runOnFiles({ 'f.yml': spec.FILTER_EXAMPLE, 'r.yml': spec.RAR_RULE })
    const rule = ruleTitled(report, 'Data Compressed - rar.exe')
    expect(rule.spl).toEqual(['source="XmlWinEventLog:Microsoft-Windows-Sysmon/Operational" EventCode=1 Image="*\\\\rar.exe" CommandLine="* a *" NOT User="adm_*"'])
    expect(rule.diagnostics.filter((d) => d.check === 'filter/applied').map((d) => d.line)).toEqual([8])
    const filter = ruleTitled(report, 'Filter Administrator account')
    expect(findings(filter)).toEqual(['filter/unknown-rule 9:11 warning'])
  })

  it('leaves rules of another log source alone', async () => {
    const other = spec.RAR_RULE.replace('category: process_creation', 'category: image_load')
    const rule = ruleTitled(await runOnFiles({ 'f.yml': spec.FILTER_EXAMPLE, 'r.yml': other }), 'Data Compressed - rar.exe')
    expect(rule.spl).toEqual(['source="XmlWinEventLog:Microsoft-Windows-Sysmon/Operational" EventCode=7 Image="*\\\\rar.exe" CommandLine="* a *"'])
    expect(findings(rule).filter((finding) => finding.startsWith('filter/'))).toEqual(['filter/logsource-mismatch 5:5 warning'])
  })

  it('filter verdicts on both engines', async () => {
    const fixtures = `cases:
  - name: admin compresses
    expect: no-match
    event: { EventID: 1, Image: 'C:\\Tools\\rar.exe', CommandLine: 'rar.exe a out.rar C:\\data', User: adm_bob }
  - name: user compresses
    expect: match
    event: { EventID: 1, Image: 'C:\\Tools\\rar.exe', CommandLine: 'rar.exe a out.rar C:\\data', User: bob }
`
    const report = await runOnFiles({ 'f.yml': spec.FILTER_EXAMPLE, 'r.yml': spec.RAR_RULE, 'r.fixtures.yml': fixtures }, 'test')
    const tests = ruleTitled(report, 'Data Compressed - rar.exe').tests
    expect(tests.map((test) => [test.name, test.passed, test.native, test.spl])).toEqual([
      ['admin compresses', true, 0, 0],
      ['user compresses', true, 1, 1],
    ])
  })
})
