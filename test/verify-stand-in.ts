import http from 'node:http'
import https from 'node:https'
import type { AddressInfo } from 'node:net'
import type { SigmaEvent } from '../src/events/event.js'
import { compileSpl, parseSpl } from '../src/spl/index.js'

/** One request as the stand-in received it. */
export interface RecordedRequest {
  method: string
  path: string
  query: Record<string, string>
  headers: http.IncomingHttpHeaders
  body: string
  /** The form fields of an x-www-form-urlencoded body. */
  form: Record<string, string>
}

/** An event as HEC stored it. */
export interface StoredEvent {
  time: number
  index: string
  source: string
  sourcetype: string
  host: string
  event: string
  fields: Record<string, string | string[]>
}

/** How the stand-in misbehaves in one test. */
export interface StandInBehaviour {
  restToken: string
  hecToken: string
  indexes: string[]
  /** Count searches that see none of the events before all become visible. */
  hiddenCountSearches?: number
  /** Status polls that report RUNNING before a job is done. */
  runningPolls?: number
  /** HEC answer instead of success: HTTP status and HEC code. */
  hecFailure?: { status: number; code: number; text: string }
  /** HEC answers "server busy" (code 9) this many times before accepting. */
  hecBusyTimes?: number
  /** Event numbers to return for a rule's SPL instead of evaluating it. */
  cannedAnswer?: (spl: string) => number[] | undefined
  /** Make the job of a search fail with this message. */
  failJob?: (search: string) => string | undefined
  /** Add an ERROR message to the results of a search. */
  partialResults?: (search: string) => string | undefined
  /** Reject `| delete` like Splunk does without the can_delete role. */
  deleteForbidden?: boolean
}

interface Job {
  search: string
  rows: Record<string, unknown>[]
  failure?: string
  partial?: string
  pollsLeft: number
}

/**
 * A stand-in for Splunk's REST API and HTTP Event Collector on 127.0.0.1.
 * It answers rule searches by running sigma-gate's SPL engine on the events
 * it received, as Splunk would see them: the indexed fields, the metadata
 * (index, source, sourcetype, host) and `_raw`.
 */
export class SplunkStandIn {
  readonly requests: RecordedRequest[] = []
  readonly events: StoredEvent[] = []
  private readonly jobs = new Map<string, Job>()
  private countSearches = 0
  private hecBusyAnswers = 0
  private server: http.Server | undefined

  constructor(readonly behaviour: StandInBehaviour) {}

  /** Start listening on an ephemeral port; returns the base URL. */
  async start(tls?: { key: string; cert: string }): Promise<string> {
    const handler = (request: http.IncomingMessage, response: http.ServerResponse): void => {
      void this.handle(request, response)
    }
    this.server = tls ? https.createServer(tls, handler) : http.createServer(handler)
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve))
    const { port } = this.server.address() as AddressInfo
    return `${tls ? 'https' : 'http'}://127.0.0.1:${port}`
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()))
  }

  /** Requests to one path, in order. */
  requestsTo(path: string): RecordedRequest[] {
    return this.requests.filter((request) => request.path === path)
  }

  /** The `search` of every created job, in order. */
  searches(): string[] {
    return this.requestsTo('/services/search/jobs').map((request) => request.form['search'] ?? '')
  }

  private async handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = []
    for await (const chunk of request) chunks.push(chunk as Buffer)
    const body = Buffer.concat(chunks).toString('utf8')
    const url = new URL(request.url ?? '/', 'http://stand-in')
    const isForm = request.headers['content-type'] === 'application/x-www-form-urlencoded'
    const recorded: RecordedRequest = {
      method: request.method ?? '',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: request.headers,
      body,
      form: isForm ? Object.fromEntries(new URLSearchParams(body)) : {},
    }
    this.requests.push(recorded)
    const [status, answer] = this.route(recorded)
    response.writeHead(status, { 'content-type': 'application/json' })
    response.end(JSON.stringify(answer))
  }

  private route(request: RecordedRequest): [number, unknown] {
    if (request.path === '/services/collector/event') return this.collect(request)
    if (request.headers.authorization !== `Bearer ${this.behaviour.restToken}`) {
      return [401, { messages: [{ type: 'WARN', text: 'call not properly authenticated' }] }]
    }
    if (request.path === '/services/server/info') return [200, { entry: [{ content: { version: '9.3.0' } }] }]

    const index = /^\/services\/data\/indexes\/([^/]+)$/.exec(request.path)
    if (index) {
      const name = decodeURIComponent(index[1] ?? '')
      return this.behaviour.indexes.includes(name) ? [200, { entry: [{ name }] }] : [404, { messages: [{ type: 'ERROR', text: `Object id=${name} not found` }] }]
    }
    if (request.path === '/services/search/jobs' && request.method === 'POST') return this.createJob(request)

    const job = /^\/services\/search\/jobs\/([^/]+)(\/results)?$/.exec(request.path)
    const found = job ? this.jobs.get(decodeURIComponent(job[1] ?? '')) : undefined
    if (!job || !found) return [404, { messages: [{ type: 'ERROR', text: 'Unknown endpoint or sid' }] }]
    if (request.method === 'DELETE') return [200, {}]
    return job[2] ? this.results(found) : this.status(found)
  }

  private collect(request: RecordedRequest): [number, unknown] {
    if (request.headers.authorization !== `Splunk ${this.behaviour.hecToken}`) return [403, { text: 'Invalid token', code: 4 }]
    if (this.behaviour.hecFailure) {
      const { status, code, text } = this.behaviour.hecFailure
      return [status, { text, code }]
    }
    if (this.hecBusyAnswers < (this.behaviour.hecBusyTimes ?? 0)) {
      this.hecBusyAnswers++
      return [503, { text: 'Server is busy', code: 9 }]
    }
    for (const object of splitConcatenatedJson(request.body)) {
      const stored = object as StoredEvent
      if (!this.behaviour.indexes.includes(stored.index)) return [400, { text: 'Incorrect index', code: 7, 'invalid-event-number': 0 }]
      this.events.push(stored)
    }
    return [200, { text: 'Success', code: 0 }]
  }

  private createJob(request: RecordedRequest): [number, unknown] {
    const search = request.form['search'] ?? ''
    const sid = `sid-${this.jobs.size + 1}`
    const job: Job = { search, rows: [], pollsLeft: this.behaviour.runningPolls ?? 0 }
    const failure = this.behaviour.failJob?.(search)
    const partial = this.behaviour.partialResults?.(search)
    if (failure !== undefined) job.failure = failure
    if (partial !== undefined) job.partial = partial
    if (failure === undefined) this.evaluate(job, request.form)
    this.jobs.set(sid, job)
    return [201, { sid }]
  }

  private evaluate(job: Job, form: Record<string, string>): void {
    const parsed = /^search index=(\S+) sigma_gate_run::(\S+) (.*)$/s.exec(job.search)
    if (!parsed) throw new Error(`The stand-in cannot answer '${job.search}'`)
    const [, index, runId, rest = ''] = parsed
    const earliest = Number(form['earliest_time'])
    const latest = Number(form['latest_time'])
    const inRun = this.events.filter((event) => event.index === index && event.fields['sigma_gate_run'] === runId && event.time >= earliest && event.time < latest)

    if (rest === '| stats count') {
      this.countSearches++
      const visible = this.countSearches > (this.behaviour.hiddenCountSearches ?? 0)
      job.rows = [{ count: String(visible ? inRun.length : 0) }]
      return
    }
    if (rest === '| delete') {
      if (this.behaviour.deleteForbidden) {
        job.partial = 'You have insufficient privileges to delete events.'
        return
      }
      for (const event of inRun) this.events.splice(this.events.indexOf(event), 1)
      job.rows = [{ index, deleted: String(inRun.length), errors: '0' }]
      return
    }
    const spl = rest.replace(/ \| table sigma_gate_event$/, '')
    const numbers = this.behaviour.cannedAnswer?.(spl) ?? this.matchingNumbers(spl, inRun)
    job.rows = numbers.map((number) => ({ sigma_gate_event: String(number) }))
  }

  private matchingNumbers(spl: string, events: StoredEvent[]): number[] {
    const parsed = parseSpl(spl)
    if (!parsed.ok) throw new Error(`The stand-in cannot parse '${spl}'`)
    const compiled = compileSpl(parsed.query)
    if (!compiled.ok) throw new Error(`The stand-in cannot compile '${spl}'`)
    return events.filter((event) => compiled.predicate(asSplunkSees(event))).map((event) => Number(event.fields['sigma_gate_event']))
  }

  private status(job: Job): [number, unknown] {
    if (job.pollsLeft > 0) {
      job.pollsLeft--
      return [200, { entry: [{ content: { dispatchState: 'RUNNING', isDone: false, isFailed: false, messages: [] } }] }]
    }
    if (job.failure !== undefined) {
      return [200, { entry: [{ content: { dispatchState: 'FAILED', isDone: true, isFailed: true, messages: [{ type: 'FATAL', text: job.failure }] } }] }]
    }
    return [200, { entry: [{ content: { dispatchState: 'DONE', isDone: true, isFailed: false, messages: [] } }] }]
  }

  private results(job: Job): [number, unknown] {
    const messages = job.partial === undefined ? [] : [{ type: 'ERROR', text: job.partial }]
    return [200, { preview: false, init_offset: 0, messages, results: job.rows }]
  }
}

/** Present a stored event the way Splunk's search sees it. */
function asSplunkSees(stored: StoredEvent): SigmaEvent {
  return {
    ...stored.fields,
    index: stored.index,
    source: stored.source,
    sourcetype: stored.sourcetype,
    host: stored.host,
    _raw: stored.event,
  }
}

/** Split HEC's batch format: JSON objects written one after another. */
export function splitConcatenatedJson(text: string): unknown[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as unknown)
}
