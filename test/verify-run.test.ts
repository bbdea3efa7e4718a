import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { VerifyOptions } from '../src/verify/run-verify.js'
import { runVerify } from '../src/verify/run-verify.js'
import { formatVerifyMarkdown, formatVerifyText, verifyFails } from '../src/verify/verify-report.js'
import { repoRoot } from './helpers.js'
import type { StandInBehaviour } from './verify-stand-in.js'
import { splitConcatenatedJson, SplunkStandIn } from './verify-stand-in.js'

const REST_TOKEN = 'rest-token-5f1d9c'
const HEC_TOKEN = 'hec-token-77ab02'
const SPL = 'source="XmlWinEventLog:Microsoft-Windows-Sysmon/Operational" EventCode=1 Image="*\\\\whoami.exe"'
const FAST = { pollMs: 1, maxPollMs: 4, indexTimeoutMs: 2_000, searchTimeoutMs: 2_000, requestTimeoutMs: 2_000 }

const RULE = `title: Whoami execution
id: 0f3c8e51-3d0a-4a43-9a39-6f0e1b2c3d4e
status: test
description: Detects whoami.
author: sigma-gate tests
date: 2024-01-01
logsource:
    product: windows
    category: process_creation
detection:
    selection:
        Image|endswith: '\\whoami.exe'
    condition: selection
level: low
`

const FIXTURES = `cases:
  - name: whoami runs
    expect: match
    event: { EventID: 1, Image: 'C:\\Windows\\System32\\whoami.exe', CommandLine: 'whoami /all' }
  - name: other processes
    expect: no-match
    events:
      - { EventID: 1, Image: 'C:\\Windows\\System32\\net.exe', CommandLine: 'net user' }
      - { EventID: 3, Image: 'C:\\Windows\\System32\\whoami.exe' }
`

let directory: string
let standIn: SplunkStandIn | undefined

beforeEach(async () => {
  directory = await mkdtemp(path.join(tmpdir(), 'sigma-gate-verify-'))
  await mkdir(path.join(directory, 'rules'))
  await writeFile(path.join(directory, 'rules', 'whoami.yml'), RULE)
  await writeFile(path.join(directory, 'rules', 'whoami.fixtures.yml'), FIXTURES)
})

afterEach(async () => {
  await standIn?.stop()
  standIn = undefined
  await rm(directory, { recursive: true, force: true })
})

async function startStandIn(behaviour: Partial<StandInBehaviour> = {}): Promise<string> {
  standIn = new SplunkStandIn({ restToken: REST_TOKEN, hecToken: HEC_TOKEN, indexes: ['sigma_gate'], ...behaviour })
  return standIn.start()
}

function options(url: string, extra: Partial<VerifyOptions> = {}): VerifyOptions {
  const port = new URL(url).port
  return {
    paths: ['rules'],
    cwd: directory,
    splunkUrl: url,
    hecUrl: `http://127.0.0.1:${port}`,
    restToken: REST_TOKEN,
    hecToken: HEC_TOKEN,
    timing: FAST,
    ...extra,
  }
}

function server(): SplunkStandIn {
  if (!standIn) throw new Error('The stand-in was not started')
  return standIn
}

describe('runVerify against the stand-in', () => {
  it('sends the exact requests', async () => {
    const url = await startStandIn()
    const report = await runVerify(options(url))
    const runId = report.runId

    const paths = server().requests.map((request) => `${request.method} ${request.path}`)
    expect(paths).toEqual([
      'GET /services/server/info',
      'GET /services/data/indexes/sigma_gate',
      'POST /services/collector/event',
      'POST /services/search/jobs',
      'GET /services/search/jobs/sid-1',
      'GET /services/search/jobs/sid-1/results',
      'DELETE /services/search/jobs/sid-1',
      'POST /services/search/jobs',
      'GET /services/search/jobs/sid-2',
      'GET /services/search/jobs/sid-2/results',
      'DELETE /services/search/jobs/sid-2',
      'POST /services/search/jobs',
      'GET /services/search/jobs/sid-3',
      'GET /services/search/jobs/sid-3/results',
      'DELETE /services/search/jobs/sid-3',
    ])
    expect(server().searches()).toEqual([
      `search index=sigma_gate sigma_gate_run::${runId} | stats count`,
      `search index=sigma_gate sigma_gate_run::${runId} ${SPL} | table sigma_gate_event`,
      `search index=sigma_gate sigma_gate_run::${runId} | delete`,
    ])
    expect(runId).toMatch(/^sg[0-9a-f]{16}$/)
  })

  it('authenticates REST with Bearer and HEC with Splunk', async () => {
    const url = await startStandIn()
    await runVerify(options(url))

    for (const request of server().requests) {
      const expected = request.path === '/services/collector/event' ? `Splunk ${HEC_TOKEN}` : `Bearer ${REST_TOKEN}`
      expect(request.headers.authorization).toBe(expected)
    }
    const [hec] = server().requestsTo('/services/collector/event')
    expect(hec?.headers['content-type']).toBe('application/json')
    expect(hec?.headers['x-splunk-request-channel']).toMatch(/^[0-9a-f-]{36}$/)
  })

  it('creates jobs with exec_mode, window and output_mode', async () => {
    const url = await startStandIn()
    const report = await runVerify(options(url))
    const [create] = server().requestsTo('/services/search/jobs')
    const hec = splitConcatenatedJson(server().requestsTo('/services/collector/event')[0]?.body ?? '') as { time: number }[]
    const time = hec[0]?.time ?? 0

    expect(create?.form).toEqual({
      search: `search index=sigma_gate sigma_gate_run::${report.runId} | stats count`,
      exec_mode: 'normal',
      earliest_time: String(time - 60),
      latest_time: String(time + 60),
      output_mode: 'json',
    })
    const results = server().requestsTo('/services/search/jobs/sid-1/results')[0]
    expect(results?.query).toEqual({ count: '0', output_mode: 'json' })
  })

  it('sends each event with indexed fields and the engine _raw', async () => {
    const url = await startStandIn()
    const report = await runVerify(options(url))
    const body = server().requestsTo('/services/collector/event')[0]?.body ?? ''
    const sent = splitConcatenatedJson(body) as Record<string, unknown>[]
    const time = sent[0]?.['time'] as number
    const source = 'XmlWinEventLog:Microsoft-Windows-Sysmon/Operational'

    expect(Number.isInteger(time)).toBe(true)
    expect(sent).toEqual([
      {
        time,
        index: 'sigma_gate',
        source,
        sourcetype: 'sigma-gate:sysmon',
        host: 'sigma-gate',
        event: '1\nC:\\Windows\\System32\\whoami.exe\nwhoami /all',
        fields: { EventCode: '1', Image: 'C:\\Windows\\System32\\whoami.exe', CommandLine: 'whoami /all', sigma_gate_run: report.runId, sigma_gate_event: '0' },
      },
      {
        time,
        index: 'sigma_gate',
        source,
        sourcetype: 'sigma-gate:sysmon',
        host: 'sigma-gate',
        event: '1\nC:\\Windows\\System32\\net.exe\nnet user',
        fields: { EventCode: '1', Image: 'C:\\Windows\\System32\\net.exe', CommandLine: 'net user', sigma_gate_run: report.runId, sigma_gate_event: '1' },
      },
      {
        time,
        index: 'sigma_gate',
        source,
        sourcetype: 'sigma-gate:sysmon',
        host: 'sigma-gate',
        event: '3\nC:\\Windows\\System32\\whoami.exe',
        fields: { EventCode: '3', Image: 'C:\\Windows\\System32\\whoami.exe', sigma_gate_run: report.runId, sigma_gate_event: '2' },
      },
    ])
  })

  it('reports agreement and deletes the events', async () => {
    const url = await startStandIn()
    const report = await runVerify(options(url))

    expect(report.summary).toEqual({ rules: 1, agreed: 1, disagreed: 0, failed: 0, skipped: 0, events: 3, disagreements: 0 })
    expect(report.rules).toEqual([
      { path: 'rules/whoami.yml', id: '0f3c8e51-3d0a-4a43-9a39-6f0e1b2c3d4e', title: 'Whoami execution', status: 'agreed', splunkMatches: 1, engineMatches: 1 },
    ])
    expect(report.cleanup).toBe('deleted')
    expect(server().events).toEqual([])
    expect(report.diagnostics.filter((d) => d.severity !== 'info' && d.severity !== 'warning')).toEqual([])
    expect(verifyFails(report)).toBe(false)
  })

  it('waits for slow indexing with repeated counts', async () => {
    const url = await startStandIn({ hiddenCountSearches: 3, runningPolls: 2 })
    const report = await runVerify(options(url))
    const counts = server().searches().filter((search) => search.endsWith('| stats count'))

    expect(counts).toHaveLength(4)
    expect(report.summary.agreed).toBe(1)
    expect(report.cleanup).toBe('deleted')
  })

  it('times out when events never become searchable', async () => {
    const url = await startStandIn({ hiddenCountSearches: 1_000 })
    const report = await runVerify(options(url, { timing: { ...FAST, indexTimeoutMs: 50 } }))
    const [diagnostic] = report.diagnostics.filter((d) => d.severity === 'error')

    expect(diagnostic?.check).toBe('verify/not-searchable')
    expect(diagnostic?.message).toBe("Only 0 of 3 events sent to index 'sigma_gate' were searchable after 50 ms. Raise --index-timeout, or check the indexing queue and that the HEC token writes to that index.")
    expect(report.cleanup).toBe('deleted')
    expect(verifyFails(report)).toBe(true)
  })

  it('lists the event Splunk and the engine disagree on', async () => {
    const url = await startStandIn({ cannedAnswer: () => [0, 2] })
    const report = await runVerify(options(url))

    expect(report.summary.disagreed).toBe(1)
    expect(report.disagreements).toEqual([
      { rule: 'rules/whoami.yml', id: '0f3c8e51-3d0a-4a43-9a39-6f0e1b2c3d4e', file: 'rules/whoami.fixtures.yml', index: 1, line: 9, event: 2, splunk: true, engine: false },
    ])
    expect(formatVerifyText(report)).toContain(
      'rules/whoami.yml: DISAGREED (Splunk returned 2, the SPL engine matched 1)\n  rules/whoami.fixtures.yml#1, line 9: Splunk returned this event, but the SPL engine did not match it\n',
    )
    expect(formatVerifyMarkdown(report)).toContain('| rules/whoami.yml | rules/whoami.fixtures.yml#1, line 9 | returned | no match |')
    expect(verifyFails(report)).toBe(true)
  })

  it('reports a missed match as engine-only', async () => {
    const url = await startStandIn({ cannedAnswer: () => [] })
    const report = await runVerify(options(url))

    expect(report.disagreements).toEqual([
      { rule: 'rules/whoami.yml', id: '0f3c8e51-3d0a-4a43-9a39-6f0e1b2c3d4e', file: 'rules/whoami.fixtures.yml', index: 0, line: 4, event: 0, splunk: false, engine: true },
    ])
  })
})

describe('runVerify errors', () => {
  it('reports a rejected REST token', async () => {
    const url = await startStandIn({ restToken: 'another-token' })
    const report = await runVerify(options(url))

    expect(report.diagnostics.map((d) => d.check)).toContain('verify/unauthorized')
    const [diagnostic] = report.diagnostics.filter((d) => d.check === 'verify/unauthorized')
    expect(diagnostic?.message).toBe(
      `Splunk rejected the token in SPLUNK_TOKEN when trying to read the server information (HTTP 401 from '${url}/services/server/info'). Splunk said: 'call not properly authenticated'. Create an authentication token under Settings > Tokens and export it as SPLUNK_TOKEN.`,
    )
    expect(server().requestsTo('/services/collector/event')).toEqual([])
    expect(report.cleanup).toBe('none')
  })

  it('reports disabled HEC', async () => {
    const url = await startStandIn({ hecFailure: { status: 403, code: 1, text: 'Token disabled' } })
    const report = await runVerify(options(url))
    const [diagnostic] = report.diagnostics.filter((d) => d.severity === 'error')

    expect(diagnostic?.check).toBe('verify/hec-disabled')
    expect(diagnostic?.message).toBe(
      `Sending events to '${url}/services/collector/event' failed with HEC code 1 (HTTP 403) because HEC or this HEC token is disabled. HEC said: 'Token disabled'. Enable HEC under Settings > Data inputs > HTTP Event Collector > Global Settings, and enable the token.`,
    )
    expect(server().searches()).toEqual([`search index=sigma_gate sigma_gate_run::${report.runId} | delete`])
  })

  it('retries while HEC is busy', async () => {
    const url = await startStandIn({ hecBusyTimes: 2 })
    const report = await runVerify(options(url))

    expect(server().requestsTo('/services/collector/event')).toHaveLength(3)
    expect(report.summary.agreed).toBe(1)
  })

  it('reports a missing index', async () => {
    const url = await startStandIn({ indexes: [] })
    const report = await runVerify(options(url, { index: 'scratch' }))
    const [diagnostic] = report.diagnostics.filter((d) => d.severity === 'error')

    expect(diagnostic?.check).toBe('verify/index-not-found')
    expect(diagnostic?.message).toBe("Index 'scratch' does not exist, or the token's user may not see it. Create a scratch index (Settings > Indexes > New Index) or name an existing one with --index.")
  })

  it('reports an unreachable port', async () => {
    const url = await startStandIn()
    await server().stop()
    standIn = undefined
    const report = await runVerify(options(url))
    const [diagnostic] = report.diagnostics

    expect(diagnostic?.check).toBe('verify/unreachable')
    expect(diagnostic?.message).toBe(`The connection to '${url}/services/server/info' was refused; check the host and port and that Splunk is running.`)
  })

  it('marks a rule failed on partial results', async () => {
    const url = await startStandIn({ partialResults: (search) => (search.includes('whoami') ? 'Search peer idx2 is down.' : undefined) })
    const report = await runVerify(options(url))

    expect(report.rules.map((rule) => rule.status)).toEqual(['failed'])
    expect(report.rules[0]?.reason).toBe("The results of search job 'sid-2' may be incomplete, so they were not compared: 'Search peer idx2 is down.'. Fix the problem Splunk reports and run verify again.")
    expect(report.cleanup).toBe('deleted')
    expect(verifyFails(report)).toBe(true)
  })

  it('marks a rule failed when its job fails', async () => {
    const url = await startStandIn({ failJob: (search) => (search.includes('whoami') ? "Error in 'search' command: Unbalanced quotes." : undefined) })
    const report = await runVerify(options(url))

    expect(report.rules[0]?.status).toBe('failed')
    expect(report.rules[0]?.reason).toBe("Search job 'sid-2' failed: 'Error in 'search' command: Unbalanced quotes.'. Run the SPL in Splunk's search page to see the error.")
  })

  it('warns when | delete is not allowed', async () => {
    const url = await startStandIn({ deleteForbidden: true })
    const report = await runVerify(options(url))
    const [warning] = report.diagnostics.filter((d) => d.check === 'verify/cleanup-failed')

    expect(report.cleanup).toBe('failed')
    expect(warning?.severity).toBe('warning')
    expect(warning?.message).toContain(`The events of run ${report.runId} were not deleted from index 'sigma_gate'`)
    expect(verifyFails(report)).toBe(false)
  })

  it('keeps events on request', async () => {
    const url = await startStandIn()
    const report = await runVerify(options(url, { keepEvents: true }))

    expect(report.cleanup).toBe('kept')
    expect(server().events).toHaveLength(3)
    expect(server().searches().some((search) => search.endsWith('| delete'))).toBe(false)
  })

  it('rejects a URL with credentials', async () => {
    const report = await runVerify(options('http://admin:changeme@127.0.0.1:1'))

    expect(report.diagnostics.map((d) => d.check)).toEqual(['verify/invalid-option'])
    expect(JSON.stringify(report)).not.toContain('changeme')
  })
})

describe('runVerify on the repository rules', () => {
  it('agrees with the stand-in on every rule', async () => {
    const url = await startStandIn()
    const report = await runVerify(options(url, { cwd: repoRoot }))

    expect(report.summary.agreed).toBeGreaterThanOrEqual(3)
    expect(report.summary.agreed).toBe(report.summary.rules - report.summary.skipped)
    expect(report.summary.failed).toBe(0)
    expect(report.summary.disagreements).toBe(0)
    expect(report.summary.events).toBeGreaterThan(10)
  })
})
