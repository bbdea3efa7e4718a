import { randomBytes } from 'node:crypto'
import { diagnosticAt } from '../diagnostic.js'
import type { Logger } from '../logger.js'
import { silentLogger } from '../logger.js'
import { batchHecEvents, EVENT_FIELD, RUN_FIELD } from './hec-payload.js'
import type { JobTiming, ResultRow, SearchWindow } from './search-jobs.js'
import { runSearchJob } from './search-jobs.js'
import type { SplunkConnection } from './splunk-client.js'
import { callRest, newChannel, sendHecBatch } from './splunk-client.js'
import { describeUrl } from './splunk-http.js'
import { delay, nextBackoff, VerifyError } from './verify-error.js'
import type { VerifyEvent, VerifyInput, VerifyRule } from './verify-input.js'
import { collectVerifyInput } from './verify-input.js'
import type { CleanupStatus, RuleVerification, VerifyReport } from './verify-report.js'
import { VERIFY_REPORT_VERSION } from './verify-report.js'
import { DEFAULT_HEC_PORT, DEFAULT_VERIFY_INDEX, DEFAULT_VERIFY_SOURCETYPE, DEFAULT_VERIFY_TIMING, type VerifyTiming } from './verify-defaults.js'

// The defaults live apart so that the CLI can list them without loading this module.
export { DEFAULT_HEC_PORT, DEFAULT_VERIFY_INDEX, DEFAULT_VERIFY_SOURCETYPE, DEFAULT_VERIFY_TIMING, type VerifyTiming }

export interface VerifyOptions {
  paths: string[]
  cwd: string
  /** Management URL, e.g. `https://splunk.example.com:8089`. */
  splunkUrl: string
  /** HEC URL; defaults to the management host on port 8088. */
  hecUrl?: string
  restToken: string
  hecToken: string
  /** Existing scratch index that the HEC token may write to. */
  index?: string
  /** Sourcetype of events that carry none. */
  sourcetype?: string
  insecureSkipTlsVerify?: boolean
  /** Leave the run's events in the index instead of deleting them. */
  keepEvents?: boolean
  timing?: Partial<VerifyTiming>
  logger?: Logger
}

// Splunk index names: lower-case letters, digits, `_` and `-`, not starting
// with `_` or `-` (indexes.conf).
const INDEX_NAME = /^[a-z0-9][a-z0-9_-]*$/

/**
 * Check that real Splunk returns the same events as the SPL engine for each
 * rule: send every fixture event of the selected rules to a scratch index
 * through HEC, wait until they are searchable, run each rule's SPL as a
 * search job limited to the run, compare, and delete the run's events.
 * Every problem with Splunk, the options or the fixtures becomes a
 * diagnostic in the report, and no token appears in it. It rejects only on
 * a defect in sigma-gate.
 */
export async function runVerify(options: VerifyOptions): Promise<VerifyReport> {
  const runId = `sg${randomBytes(8).toString('hex')}`
  const index = options.index ?? DEFAULT_VERIFY_INDEX
  const report = emptyReport(runId, safeUrl(options.splunkUrl), index)
  try {
    await verifyRules(options, report)
  } catch (error) {
    if (!(error instanceof VerifyError)) throw error
    report.diagnostics.push(diagnosticAt(undefined, error.check, 'error', error.message))
  }
  summarise(report)
  return redactSecrets(report, [options.restToken, options.hecToken])
}

async function verifyRules(options: VerifyOptions, report: VerifyReport): Promise<void> {
  const logger = options.logger ?? silentLogger
  const timing = { ...DEFAULT_VERIFY_TIMING, ...options.timing }
  const connection = buildConnection(options, timing)
  report.splunk = describeUrl(connection.restUrl)
  if (!INDEX_NAME.test(report.index)) {
    throw new VerifyError('verify/invalid-option', `Index name '${report.index}' is invalid. Use lower-case letters, digits, '_' and '-', starting with a letter or digit.`)
  }

  const input = await collectVerifyInput(options.paths, options.cwd)
  report.diagnostics.push(...input.diagnostics)
  for (const rule of input.skipped) report.rules.push({ ...rule, title: null, status: 'skipped', splunkMatches: null, engineMatches: null })
  if (input.rules.length === 0 || input.events.length === 0) {
    report.diagnostics.push(diagnosticAt(undefined, 'verify/nothing-to-verify', 'warning', `Found ${input.rules.length} rules with SPL and ${input.events.length} fixture events, so nothing was sent to Splunk. Add fixtures next to the rules (see docs/fixtures.md).`))
    return
  }

  await checkAccess(connection, report.index)
  const time = Math.floor(Date.now() / 1000)
  const window: SearchWindow = { earliest: time - 60, latest: time + 60 }
  const run: RunContext = { connection, timing, window, report, logger }
  logger.info(`Sending ${input.events.length} events to index '${report.index}' with ${RUN_FIELD}=${report.runId}`)
  try {
    await sendEvents(run, input, { sourcetype: options.sourcetype ?? DEFAULT_VERIFY_SOURCETYPE, time })
    await waitUntilSearchable(run, input.events.length)
    await searchRules(run, input)
  } finally {
    report.cleanup = options.keepEvents ? 'kept' : await deleteEvents(run)
  }
}

interface RunContext {
  connection: SplunkConnection
  timing: VerifyTiming
  window: SearchWindow
  report: VerifyReport
  logger: Logger
}

/** Parse the URLs; the HEC URL defaults to the management host on port 8088. */
function buildConnection(options: VerifyOptions, timing: VerifyTiming): SplunkConnection {
  const restUrl = parseUrl(options.splunkUrl, '--splunk-url')
  const hecUrl = options.hecUrl !== undefined ? parseUrl(options.hecUrl, '--hec-url') : defaultHecUrl(restUrl)
  return {
    restUrl,
    hecUrl,
    restToken: options.restToken,
    hecToken: options.hecToken,
    http: { insecureSkipTlsVerify: options.insecureSkipTlsVerify ?? false, requestTimeoutMs: timing.requestTimeoutMs },
  }
}

/** Return the HEC URL that goes with a management URL: same scheme and host, port 8088. */
export function defaultHecUrl(restUrl: URL): URL {
  const hecUrl = new URL(restUrl.origin)
  hecUrl.port = DEFAULT_HEC_PORT
  return hecUrl
}

/** Return the URL without credentials, query or fragment, for the report. */
function safeUrl(text: string): string {
  try {
    return describeUrl(new URL(text))
  } catch {
    return text
  }
}

function parseUrl(text: string, option: string): URL {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw new VerifyError('verify/invalid-option', `${option} '${text}' is not a URL. Give it as https://host:port.`)
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new VerifyError('verify/invalid-option', `${option} '${describeUrl(url)}' must start with https:// or http://.`)
  }
  if (url.username !== '' || url.password !== '') {
    throw new VerifyError('verify/invalid-option', `${option} must not contain a user name or password. Pass tokens in SPLUNK_TOKEN and SPLUNK_HEC_TOKEN.`)
  }
  return url
}

/** Check the REST token and that the scratch index exists before sending anything. */
async function checkAccess(connection: SplunkConnection, index: string): Promise<void> {
  await callRest(connection, 'GET', '/services/server/info', 'read the server information')
  const found = await callRest(connection, 'GET', `/services/data/indexes/${encodeURIComponent(index)}`, `read index '${index}'`, {}, [403, 404])
  if (found.status === 404) {
    throw new VerifyError('verify/index-not-found', `Index '${index}' does not exist, or the token's user may not see it. Create a scratch index (Settings > Indexes > New Index) or name an existing one with --index.`)
  }
}

async function sendEvents(run: RunContext, input: VerifyInput, settings: { sourcetype: string; time: number }): Promise<void> {
  const { events } = input
  const payload = { runId: run.report.runId, index: run.report.index, time: settings.time, sourcetype: settings.sourcetype, host: 'sigma-gate', view: input.view }
  const batches = batchHecEvents(events, payload, run.timing.hecBatchBytes)
  const channel = newChannel()
  // Counted before sending, so that a failure after the first batch still
  // deletes what reached the index.
  run.report.summary.events = events.length
  for (const batch of batches) await sendHecBatch(run.connection, batch, channel, run.timing.pollMs)
}

/** Poll a count of the run's events until all are searchable, with backoff. */
async function waitUntilSearchable(run: RunContext, expected: number): Promise<void> {
  const { report, timing } = run
  const search = `search index=${report.index} ${RUN_FIELD}::${report.runId} | stats count`
  const deadline = Date.now() + timing.indexTimeoutMs
  let wait = timing.pollMs
  let count = 0

  for (;;) {
    const rows = await runSearchJob(run.connection, search, run.window, jobTiming(timing))
    count = Number(rows[0]?.['count'] ?? 0)
    if (count >= expected) return
    if (Date.now() + wait > deadline) break
    run.logger.info(`${count} of ${expected} events are searchable; checking again in ${wait} ms`)
    await delay(wait)
    wait = nextBackoff(wait, timing.maxPollMs)
  }
  throw new VerifyError('verify/not-searchable', `Only ${count} of ${expected} events sent to index '${report.index}' were searchable after ${timing.indexTimeoutMs} ms. Raise --index-timeout, or check the indexing queue and that the HEC token writes to that index.`)
}

async function searchRules(run: RunContext, input: VerifyInput): Promise<void> {
  for (const rule of input.rules) {
    run.logger.info(`Searching for ${rule.path}`)
    try {
      const rows = await runSearchJob(run.connection, ruleSearch(rule, run.report), run.window, jobTiming(run.timing))
      compareRule(rule, returnedEvents(rows), input.events, run.report)
    } catch (error) {
      if (!(error instanceof VerifyError) || !isRuleProblem(error)) throw error
      run.logger.warning(`The search for ${rule.path} failed (${error.check}): ${error.message}`)
      run.report.rules.push({ ...identity(rule), status: 'failed', reason: error.message, splunkMatches: null, engineMatches: null })
    }
  }
}

/**
 * Return the search for one rule: the scratch index and the run's tag in
 * front of the rule's SPL. Terms in front of a search are ANDed with all of
 * it, because OR binds tighter than the implied AND in Splunk's search
 * command. `table` keeps only the event numbers in the results.
 */
export function ruleSearch(rule: Pick<VerifyRule, 'spl'>, report: Pick<VerifyReport, 'index' | 'runId'>): string {
  return `search index=${report.index} ${RUN_FIELD}::${report.runId} ${rule.spl} | table ${EVENT_FIELD}`
}

function returnedEvents(rows: ResultRow[]): Set<number> {
  const numbers = new Set<number>()
  for (const row of rows) {
    const value = row[EVENT_FIELD]
    for (const item of Array.isArray(value) ? value : [value]) {
      if (typeof item === 'string' && /^\d+$/.test(item)) numbers.add(Number(item))
    }
  }
  return numbers
}

/** Compare Splunk's results with the SPL engine's verdict on every event of the run. */
function compareRule(rule: VerifyRule, returned: Set<number>, events: VerifyEvent[], report: VerifyReport): void {
  let engineMatches = 0
  let disagreements = 0
  for (const event of events) {
    const engine = rule.splMatches(event.event)
    const splunk = returned.has(event.number)
    if (engine) engineMatches++
    if (engine === splunk) continue
    disagreements++
    report.disagreements.push({
      rule: rule.path,
      id: rule.id,
      ...(rule.document !== undefined ? { document: rule.document } : {}),
      file: event.file,
      index: event.index,
      ...(event.line !== undefined ? { line: event.line } : {}),
      event: event.number,
      splunk,
      engine,
    })
  }
  const status = disagreements === 0 ? 'agreed' : 'disagreed'
  const splunkMatches = events.filter((event) => returned.has(event.number)).length
  report.rules.push({ ...identity(rule), status, splunkMatches, engineMatches })
}

/** Delete the run's events with `| delete`, which needs the can_delete role. */
async function deleteEvents(run: RunContext): Promise<CleanupStatus> {
  const { report } = run
  if (report.summary.events === 0) return 'none'
  const search = `search index=${report.index} ${RUN_FIELD}::${report.runId} | delete`
  try {
    await runSearchJob(run.connection, search, run.window, jobTiming(run.timing))
    return 'deleted'
  } catch (error) {
    if (!(error instanceof VerifyError)) throw error
    const message = `The events of run ${report.runId} were not deleted from index '${report.index}': ${error.message} Give the token's user the can_delete role, or give the scratch index a short retention (frozenTimePeriodInSecs), or pass --keep-events.`
    run.logger.warning(message)
    report.diagnostics.push(diagnosticAt(undefined, 'verify/cleanup-failed', 'warning', message))
    return 'failed'
  }
}

/** Errors that concern one rule's search; any other error stops the run. */
function isRuleProblem(error: VerifyError): boolean {
  return ['verify/search-failed', 'verify/partial-results', 'verify/timeout', 'verify/rest-error'].includes(error.check)
}

function jobTiming(timing: VerifyTiming): JobTiming {
  return { pollMs: timing.pollMs, maxPollMs: timing.maxPollMs, timeoutMs: timing.searchTimeoutMs }
}

function identity(rule: VerifyRule): Pick<RuleVerification, 'path' | 'id' | 'title' | 'document'> {
  return { path: rule.path, id: rule.id, title: rule.title, ...(rule.document !== undefined ? { document: rule.document } : {}) }
}

function emptyReport(runId: string, splunkUrl: string, index: string): VerifyReport {
  return {
    version: VERIFY_REPORT_VERSION,
    runId,
    splunk: splunkUrl,
    index,
    summary: { rules: 0, agreed: 0, disagreed: 0, failed: 0, skipped: 0, events: 0, disagreements: 0 },
    cleanup: 'none',
    rules: [],
    disagreements: [],
    diagnostics: [],
  }
}

function summarise(report: VerifyReport): void {
  const count = (status: RuleVerification['status']): number => report.rules.filter((rule) => rule.status === status).length
  report.summary.rules = report.rules.length
  report.summary.agreed = count('agreed')
  report.summary.disagreed = count('disagreed')
  report.summary.failed = count('failed')
  report.summary.skipped = count('skipped')
  report.summary.disagreements = report.disagreements.length
}

/**
 * Replace every occurrence of a token in the report's text, as a last guard:
 * no message is built from a token, but a server could echo one back.
 */
function redactSecrets(report: VerifyReport, secrets: string[]): VerifyReport {
  const present = secrets.filter((secret) => secret.length > 0)
  if (present.length === 0) return report
  const text = JSON.stringify(report, (_key, value: unknown) => {
    if (typeof value !== 'string') return value
    return present.reduce((result, secret) => result.replaceAll(secret, '***'), value)
  })
  return JSON.parse(text) as VerifyReport
}
