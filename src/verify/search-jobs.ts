import type { JsonObject, SplunkConnection } from './splunk-client.js'
import { callRest, splunkMessages } from './splunk-client.js'
import { delay, nextBackoff, VerifyError } from './verify-error.js'

/** The event-time range a search covers, in epoch seconds. */
export interface SearchWindow {
  earliest: number
  latest: number
}

/** Polling of one search job. */
export interface JobTiming {
  /** First wait between two status polls, in milliseconds; it doubles up to `maxPollMs`. */
  pollMs: number
  maxPollMs: number
  /** Time-out of the whole job, from creation to results, in milliseconds. */
  timeoutMs: number
}

/** One result row: field name to value, multivalue fields as arrays. */
export type ResultRow = Record<string, unknown>

const JOBS = '/services/search/jobs'

/**
 * Run one search as a job: create it with `exec_mode=normal`, poll its
 * status until it is done, read every result row, then delete the job.
 * Throws `VerifyError` when the job fails, times out or reports errors
 * that make its results incomplete.
 */
export async function runSearchJob(
  connection: SplunkConnection,
  search: string,
  window: SearchWindow,
  timing: JobTiming,
): Promise<ResultRow[]> {
  const created = await callRest(connection, 'POST', JOBS, 'create a search job', {
    search,
    exec_mode: 'normal',
    earliest_time: String(window.earliest),
    latest_time: String(window.latest),
  })
  const sid = created.json['sid']
  if (typeof sid !== 'string' || sid === '') {
    throw new VerifyError(
      'verify/rest-error',
      'Splunk created a search job but returned no sid. Check that --splunk-url is the management port (8089 by default).',
    )
  }

  try {
    await waitForJob(connection, sid, timing)
    return await readResults(connection, sid)
  } finally {
    await deleteJob(connection, sid)
  }
}

async function waitForJob(
  connection: SplunkConnection,
  sid: string,
  timing: JobTiming,
): Promise<void> {
  const deadline = Date.now() + timing.timeoutMs
  let wait = timing.pollMs

  for (;;) {
    const status = await callRest(connection, 'GET', jobPath(sid), 'read the status of a search job')
    const content = jobContent(status.json)
    const state = String(content['dispatchState'] ?? '')
    if (content['isFailed'] === true || state === 'FAILED') {
      const said = jobMessages(content)
      throw new VerifyError(
        'verify/search-failed',
        `Search job '${sid}' failed${said.length > 0 ? `: '${said.join(' ')}'` : ''}. Run the SPL in Splunk's search page to see the error.`,
      )
    }
    if (content['isDone'] === true || state === 'DONE') return

    if (Date.now() + wait > deadline) {
      throw new VerifyError(
        'verify/timeout',
        `Search job '${sid}' was not done after ${timing.timeoutMs} ms (state '${state || 'unknown'}'). Raise --search-timeout or check the load on the search head.`,
      )
    }
    await delay(wait)
    wait = nextBackoff(wait, timing.maxPollMs)
  }
}

async function readResults(
  connection: SplunkConnection,
  sid: string,
): Promise<ResultRow[]> {
  const answer = await callRest(connection, 'GET', `${jobPath(sid)}/results`, 'read the results of a search job', { count: '0' })
  const errors = resultErrors(answer.json)
  if (errors.length > 0) {
    throw new VerifyError(
      'verify/partial-results',
      `The results of search job '${sid}' may be incomplete, so they were not compared: '${errors.join(' ')}'. Fix the problem Splunk reports and run verify again.`,
    )
  }
  const results = answer.json['results']
  if (!Array.isArray(results)) return []
  return results.filter((row): row is ResultRow => row !== null && typeof row === 'object')
}

/** Delete a finished job so that it does not linger in the user's job list. */
async function deleteJob(connection: SplunkConnection, sid: string): Promise<void> {
  try {
    await callRest(connection, 'DELETE', jobPath(sid), 'delete a search job')
  } catch {
    // Splunk expires jobs on its own (after 10 minutes by default), so a
    // failed clean-up of one job is not worth failing the run over.
  }
}

function jobPath(sid: string): string {
  return `${JOBS}/${encodeURIComponent(sid)}`
}

function jobContent(json: JsonObject): JsonObject {
  const entry: unknown = Array.isArray(json['entry']) ? json['entry'][0] : undefined
  const content = (entry as { content?: unknown } | undefined)?.content
  return content !== null && typeof content === 'object' ? (content as JsonObject) : {}
}

/**
 * Return the job's messages. Splunk writes them either as a list of
 * `{ type, text }` or as an object of lists keyed by type.
 */
function jobMessages(content: JsonObject): string[] {
  const messages = content['messages']
  if (Array.isArray(messages)) return splunkMessages(content)
  if (messages === null || typeof messages !== 'object') return []
  return Object.values(messages).flatMap((list: unknown) =>
    Array.isArray(list) ? list.filter((text): text is string => typeof text === 'string') : [],
  )
}

function resultErrors(json: JsonObject): string[] {
  const messages = json['messages']
  if (!Array.isArray(messages)) return []
  return messages.flatMap((message: unknown) => {
    const { type, text } = (message ?? {}) as { type?: unknown; text?: unknown }
    const severe = type === 'ERROR' || type === 'FATAL'
    return severe && typeof text === 'string' ? [text] : []
  })
}
