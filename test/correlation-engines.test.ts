import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { run } from '../src/engine.js'
import { eventTime, parseTimestamp } from '../src/events/event-time.js'
import { compileCorrelation } from '../src/match/correlation-matcher.js'
import type { CorrelationPlan } from '../src/ir/correlation-plan.js'
import { literal } from '../src/ir/expr.js'
import { readCorrelation } from '../src/sigma/correlation.js'
import { parseRuleFile } from '../src/sigma/load-rule-file.js'
import { compileSpl, compileSplStream, parseSpl, type SplEvent } from '../src/spl/index.js'
import { repoRoot } from './helpers.js'

function stream(query: string) {
  const parsed = parseSpl(query)
  if (!parsed.ok) throw new Error(parsed.error.message)
  const compiled = compileSplStream(parsed.query)
  if (!compiled.ok) throw new Error(compiled.error.message)
  return compiled.run
}

function correlationDiagnostics(text: string): string[] {
  const rule = parseRuleFile('c.yml', text).rules[0]?.rule
  if (!rule) throw new Error('no document')
  return readCorrelation(rule).diagnostics.map((d) => `${d.check} ${d.line}:${d.column} ${d.message}`)
}

describe('event time', () => {
  it('reads Sysmon UtcTime as UTC', () => {
    expect(parseTimestamp('2026-04-24 10:15:02.311')).toBe(1777025702.311)
  })

  it('reads SystemTime with seven fraction digits', () => {
    expect(parseTimestamp('2026-04-24T10:15:02.3119876Z')).toBe(1777025702.311)
  })

  it('applies a zone offset', () => {
    expect(parseTimestamp('2026-04-24T12:15:02+02:00')).toBe(1777025702)
  })

  it('prefers SystemTime over UtcTime', () => {
    expect(eventTime({ UtcTime: '2026-04-24 10:15:00.000', SystemTime: '2026-04-24T10:15:05.000Z' })).toBe(1777025705)
  })

  it('rejects other text', () => {
    expect(parseTimestamp('yesterday')).toBeUndefined()
    expect(parseTimestamp('2026-13-01 00:00:00')).toBeUndefined()
    expect(eventTime({ Image: 'x' })).toBeUndefined()
  })
})

describe('SPL stream commands', () => {
  const events: SplEvent[] = [
    { _time: 1000, host: 'a', user: 'x', bytes: '10' },
    { _time: 1030, host: 'a', user: 'y', bytes: '5' },
    { _time: 1090, host: 'a', user: 'y', bytes: 'n/a' },
    { _time: 1100, host: 'b', user: 'x' },
    { _time: 1110, user: 'z', bytes: '1' },
  ]

  it('bins and counts by group', () => {
    const rows = stream('* | bin _time span=1m | stats count as n dc(user) as users sum(bytes) as total by _time host')(events)
    expect(rows).toEqual([
      { _time: '960', host: 'a', n: 1, users: 1, total: 10 },
      { _time: '1020', host: 'a', n: 1, users: 1, total: 5 },
      { _time: '1080', host: 'a', n: 1, users: 1 },
      { _time: '1080', host: 'b', n: 1, users: 1 },
    ])
  })

  it('averages numeric values only', () => {
    expect(stream('* | stats avg(bytes) as mean max(bytes) as most min(bytes) by host')(events)).toEqual([
      { host: 'a', mean: 7.5, most: 10, 'min(bytes)': 5 },
      { host: 'b' },
    ])
  })

  it('gives one row without by, even for no events', () => {
    expect(stream('nothing=1 | stats count')(events)).toEqual([{ count: 0 }])
  })

  it('sorts stably and keeps running counts', () => {
    const input: SplEvent[] = [
      { _time: 3, host: 'a', flag: 1 },
      { _time: 1, host: 'a' },
      { _time: 3, host: 'b', flag: 1 },
      { _time: 2, host: 'a', flag: 1 },
    ]
    const rows = stream('* | sort 0 _time | streamstats count(flag) as seen count by host')(input)
    expect(rows.map((row) => [row['_time'], row['host'], row['seen'], row['count']])).toEqual([
      [1, 'a', 0, 1],
      [2, 'a', 1, 2],
      [3, 'a', 2, 3],
      [3, 'b', 1, 1],
    ])
  })

  it('filters rows with where after stats', () => {
    expect(stream("* | stats count as n by host | where 'n'>=2")(events)).toEqual([{ host: 'a', n: 3 }])
  })

  it('keeps eval fields for later commands', () => {
    const rows = stream('* | eval kind=if(isnotnull(host), "known", null()) | search kind=* | stats count by kind')(events)
    expect(rows).toEqual([{ kind: 'known', count: 4 }])
  })

  it('predicate API rejects stats', () => {
    const parsed = parseSpl('* | stats count')
    if (!parsed.ok) throw new Error('parse failed')
    const compiled = compileSpl(parsed.query)
    expect(compiled).toEqual({
      ok: false,
      error: { message: 'The stats command works on the whole result set, so it cannot run on one event at a time: compile the query with compileSplStream.', column: 5 },
    })
  })

  it.each([
    ['* | bin _time span=5x', 20, 'The bin span \'5x\' is not supported: write a whole number followed by s, m, h or d, such as span=5m.'],
    ['* | stats median(x)', 11, "Unknown or unsupported stats function 'median': the engine runs count, dc, sum, avg, min, max."],
    ['* | stats dc', 13, 'The stats function dc needs a field in parentheses, such as dc(Field).'],
    ['* | sort 10 _time', 10, 'sort 10 keeps only the first 10 results, which the engine does not model: write sort 0 to sort every result.'],
    ['* | stats count by', 19, "'by' in the stats command needs at least one field name."],
  ])('rejects %s', (query, column, message) => {
    expect(parseSpl(query)).toEqual({ ok: false, error: { message, column } })
  })
})

describe('native correlation engine', () => {
  const plan = (overrides: Partial<CorrelationPlan>): CorrelationPlan => ({
    type: 'temporal_ordered',
    members: [
      { reference: 'first', expr: { kind: 'field', field: 'Step', test: literal('1') } },
      { reference: 'second', expr: { kind: 'field', field: 'Step', test: literal('2') } },
      { reference: 'third', expr: { kind: 'field', field: 'Step', test: literal('3') } },
    ],
    groupBy: [{ name: 'Host', fields: ['Host', 'Host', 'Host'] }],
    span: 600,
    spanText: '10m',
    bounds: [{ op: 'gte', value: 3, span: { line: 1, column: 1 } }],
    ...overrides,
  })
  const timed = (steps: number[]) => steps.map((step, index) => ({ event: { Step: String(step), Host: 'h' }, time: 1200 + index }))

  it('fires for a complete sequence', () => {
    expect(compileCorrelation(plan({}))(timed([1, 2, 3]))).toEqual([{ time: 1200, group: ['h'], value: 3 }])
  })

  it('needs each step after the previous one', () => {
    expect(compileCorrelation(plan({}))(timed([2, 1, 3]))).toEqual([])
    expect(compileCorrelation(plan({}))(timed([3, 1, 2, 2, 3]))).toEqual([{ time: 1200, group: ['h'], value: 3 }])
  })

  it('counts distinct rules for temporal', () => {
    expect(compileCorrelation(plan({ type: 'temporal' }))(timed([3, 2, 1]))).toEqual([{ time: 1200, group: ['h'], value: 3 }])
  })

  it('drops events without the group field', () => {
    const events = [{ event: { Step: '1' }, time: 1 }]
    expect(compileCorrelation(plan({ type: 'event_count', bounds: [{ op: 'gte', value: 1, span: { line: 1, column: 1 } }] }))(events)).toEqual([])
  })
})

describe('correlation section checks', () => {
  const base = 'title: T\ncorrelation:\n    type: event_count\n    rules:\n        - r\n    group-by:\n        - Computer\n'

  it('reports an invalid timespan', () => {
    expect(correlationDiagnostics(`${base}    timespan: 1h30\n    condition:\n        gte: 2\n`)).toEqual([
      "correlation/invalid-timespan 8:15 The timespan '1h30' is not a number followed by s, m, h or d. Write it as e.g. 90s, 5m, 1h or 1d; write 1h30 as 90m.",
    ])
  })

  it('reports an unknown type', () => {
    expect(correlationDiagnostics(base.replace('event_count', 'count') + '    timespan: 5m\n    condition:\n        gte: 2\n')).toEqual([
      "correlation/invalid-type 3:11 The correlation type 'count' is not defined by Sigma. Use one of event_count, value_count, temporal, temporal_ordered, value_sum, value_avg, value_percentile.",
    ])
  })

  it('reports a missing condition and a stray key', () => {
    expect(correlationDiagnostics(`${base}    timespan: 5m\n    window: 5m\n`)).toEqual([
      "correlation/structure 9:5 'window' is not an attribute of a correlation. Use type, rules, group-by, timespan, condition, aliases, generate.",
      "correlation/missing 3:5 The event_count correlation has no 'condition'. Add 'condition:' with a criterion such as 'gte: 10'.",
    ])
  })

  it('reports field on event_count and a text bound', () => {
    expect(correlationDiagnostics(`${base}    timespan: 5m\n    condition:\n        field: User\n        gte: many\n`)).toEqual([
      "correlation/invalid-condition 10:9 'field' applies only to value_count, value_sum, value_avg and value_percentile, not to event_count. Remove it, or change the type.",
      "correlation/invalid-condition 11:14 The criterion 'gte' needs a number, not 'many'. Write e.g. 'gte: 10'.",
      "correlation/invalid-condition 10:9 The condition has no criterion. Add one of gt, gte, lt, lte, eq or neq with a number, e.g. 'gte: 10'.",
    ])
  })

  it('reports value_count without field', () => {
    expect(correlationDiagnostics(base.replace('event_count', 'value_count') + '    timespan: 5m\n    condition:\n        gte: 2\n')).toEqual([
      "correlation/missing 10:9 The value_count correlation needs 'field' in its condition: the field whose values are aggregated, e.g. 'field: User'.",
    ])
  })
})

describe('correlation fixtures under rules/', () => {
  it('pass on both engines', async () => {
    const report = await run({ verb: 'test', paths: ['rules'], cwd: repoRoot })
    const correlations = report.rules.filter((rule) => /\/(mr_|mf_)/.test(rule.path))
    const tests = correlations.flatMap((rule) => rule.tests.map((test) => `${path.basename(rule.path)} ${test.name}: ${test.passed} ${test.native}/${test.spl}`))
    expect(tests).toEqual([
      'mr_proxy_large_upload_to_one_host.yml seven 9 MB uploads sum to 63 MB: true 1/1',
      'mr_proxy_large_upload_to_one_host.yml forty small uploads stay below 50 MB: true 0/0',
      'mr_proxy_large_upload_to_one_host.yml 90 MB split over two hosts: true 0/0',
      'mr_proxy_large_upload_to_one_host.yml downloads do not count: true 0/0',
      'mr_proxy_large_upload_to_one_host.yml average upload of 9 MB: true 1/1',
      'mr_proxy_large_upload_to_one_host.yml average upload of 9 MB on each of two hosts: true 2/2',
      'mr_proxy_large_upload_to_one_host.yml average upload of 0.4 MB: true 0/0',
      'mr_win_mass_file_deletion_by_process.yml twelve documents deleted in 23 seconds: true 1/1',
      'mr_win_mass_file_deletion_by_process.yml twelve deletions spread over eight minutes: true 0/0',
      'mr_win_mass_file_deletion_by_process.yml eight deletions each by two processes: true 0/0',
      'mr_win_mass_file_deletion_by_process.yml temporary files are not documents: true 0/0',
      'mr_win_office_dropped_exe_executed.yml Word drops invoice.exe and starts it: true 1/1',
      'mr_win_office_dropped_exe_executed.yml the executable ran before Word wrote it: true 0/0',
      'mr_win_office_dropped_exe_executed.yml a different executable starts: true 0/0',
      'mr_win_office_dropped_exe_executed.yml events arrive out of time order: true 1/1',
      'mr_win_office_dropped_exe_executed.yml Word writing an executable alone: true 1/1',
      'mr_win_rare_process_on_host.yml one dropped tool among ten routine starts: true 1/1',
      'mr_win_rare_process_on_host.yml four routine images in equal shares: true 0/0',
      'mr_win_rare_process_on_host.yml the only start on another host: true 0/0',
      'mr_win_recon_burst_same_user.yml all three commands by alice within two minutes: true 1/1',
      'mr_win_recon_burst_same_user.yml order does not matter: true 1/1',
      'mr_win_recon_burst_same_user.yml commands split between two users: true 0/0',
      'mr_win_recon_burst_same_user.yml third command in the next window: true 0/0',
      'mr_win_recon_burst_same_user.yml local group query is not the domain query: true 0/0',
      'mr_win_recon_burst_same_user.yml burst by an administrator account: true 0/0',
      'mr_win_recon_burst_same_user.yml whoami alone: true 1/1',
      'mr_win_recon_burst_same_user.yml whoami by an administrator account is filtered: true 0/0',
      'mr_win_smb_scan_many_hosts.yml eleven hosts in 31 seconds: true 1/1',
      'mr_win_smb_scan_many_hosts.yml twenty connections to one file server: true 0/0',
      'mr_win_smb_scan_many_hosts.yml the System process serving SMB: true 0/0',
      'mr_win_smb_scan_many_hosts.yml eleven hosts over HTTPS: true 0/0',
    ])
  })

  it('fail a case without event times', async () => {
    const { runOnFiles } = await import('./correlation-helpers.js')
    const rules = `title: Burst\ncorrelation:\n    type: event_count\n    rules:\n        - one\n    group-by:\n        - Computer\n    timespan: 1m\n    condition:\n        gte: 1\n---\ntitle: One\nname: one\nlogsource:\n    category: process_creation\n    product: windows\ndetection:\n    selection:\n        Image: x.exe\n    condition: selection\n`
    const fixtures = `cases:\n  - name: no time\n    expect: match\n    event: { EventID: 1, Image: x.exe, Computer: h }\n`
    const report = await runOnFiles({ 'c.yml': rules, 'c.fixtures.yml': fixtures }, 'test')
    const test = report.rules[0]?.tests[0]
    expect(test?.passed).toBe(false)
    expect(test?.reason).toBe("Event 1 (line 4) has no time, which a correlation needs: add 'UtcTime' (e.g. '2026-04-24 10:15:02.311') or the System 'TimeCreated' 'SystemTime' attribute.")
  })
})
