import { randomUUID } from 'node:crypto'
import type { HttpResponse, HttpSettings } from './splunk-http.js'
import { describeUrl, sendRequest, TransportError } from './splunk-http.js'
import { delay, nextBackoff, VerifyError } from './verify-error.js'

/** Splunk's URLs and tokens for one run; the tokens leave it only in request headers. */
export interface SplunkConnection {
  /** Management (REST) base URL, e.g. `https://splunk.example.com:8089`. */
  restUrl: URL
  /** HTTP Event Collector base URL, e.g. `https://splunk.example.com:8088`. */
  hecUrl: URL
  /** Splunk authentication token, sent as `Authorization: Bearer <token>`. */
  restToken: string
  /** HEC token, sent as `Authorization: Splunk <token>`. */
  hecToken: string
  http: HttpSettings
}

/** The parsed JSON body of a REST response. */
export type JsonObject = Record<string, unknown>

const HEC_EVENT_PATH = '/services/collector/event'

// HEC returns 503 with code 9 while its queues are full. A few retries
// with backoff ride out a short burst without hiding a real outage.
const HEC_BUSY_RETRIES = 4

/**
 * Call a REST endpoint with `output_mode=json`. `form` is sent as an
 * x-www-form-urlencoded body for POST and as the query for GET and DELETE.
 * HTTP errors other than those in `accept` become `VerifyError`s that name
 * the endpoint and the fix. `what` is the purpose of the call, as in "create
 * a search job".
 */
export async function callRest(
  connection: SplunkConnection,
  method: 'GET' | 'POST' | 'DELETE',
  endpoint: string,
  what: string,
  form: Record<string, string> = {},
  accept: readonly number[] = [],
): Promise<{ status: number; json: JsonObject }> {
  const params = new URLSearchParams({ ...form, output_mode: 'json' })
  const url = new URL(joinPath(connection.restUrl, endpoint))
  if (method !== 'POST') url.search = params.toString()

  const response = await send(connection, {
    method,
    url,
    authorization: `Bearer ${connection.restToken}`,
    ...(method === 'POST'
      ? {
          contentType: 'application/x-www-form-urlencoded',
          body: params.toString(),
        }
      : {}),
  })
  const json = parseJson(response.body)
  const success = response.status >= 200 && response.status < 300
  if (success || accept.includes(response.status)) {
    return { status: response.status, json: json ?? {} }
  }
  throw restError(response.status, json, url, what)
}

/**
 * Send newline-separated HEC event objects in one request. Retries while HEC
 * reports that it is busy; every other HEC error becomes a `VerifyError`.
 */
export async function sendHecBatch(
  connection: SplunkConnection,
  payload: string,
  channel: string,
  busyWaitMs: number,
): Promise<void> {
  const url = new URL(joinPath(connection.hecUrl, HEC_EVENT_PATH))
  let wait = busyWaitMs

  for (let attempt = 0; ; attempt++) {
    const response = await send(connection, {
      method: 'POST',
      url,
      authorization: `Splunk ${connection.hecToken}`,
      contentType: 'application/json',
      body: payload,
      // Needed when the token has indexer acknowledgement on (HEC code 10
      // otherwise) and ignored when it has not.
      headers: { 'x-splunk-request-channel': channel },
    })
    const answer = parseJson(response.body)
    const code = typeof answer?.['code'] === 'number' ? answer['code'] : undefined
    if (response.status === 200 && code === 0) return
    if (code === 9 && attempt < HEC_BUSY_RETRIES) {
      await delay(wait)
      wait = nextBackoff(wait, busyWaitMs * 16)
      continue
    }
    throw hecError(response.status, code, answer, url)
  }
}

/** Return a new HEC request channel id. */
export function newChannel(): string {
  return randomUUID()
}

async function send(
  connection: SplunkConnection,
  request: Parameters<typeof sendRequest>[0],
): Promise<HttpResponse> {
  try {
    return await sendRequest(request, connection.http)
  } catch (error) {
    if (error instanceof TransportError) {
      throw new VerifyError('verify/unreachable', `${error.message}.`)
    }
    throw error
  }
}

function joinPath(base: URL, endpoint: string): string {
  const prefix = base.pathname.replace(/\/+$/, '')
  return `${base.protocol}//${base.host}${prefix}${endpoint}`
}

function parseJson(text: string): JsonObject | undefined {
  try {
    const value: unknown = JSON.parse(text)
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as JsonObject)
      : undefined
  } catch {
    return undefined
  }
}

/** Return the texts of Splunk's `messages` array, shortened for a log line. */
export function splunkMessages(json: JsonObject | undefined): string[] {
  const messages = json?.['messages']
  if (!Array.isArray(messages)) return []
  return messages.flatMap((message: unknown) => {
    const text = (message as { text?: unknown } | null)?.text
    return typeof text === 'string' ? [shorten(text)] : []
  })
}

function shorten(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim()
  return line.length > 300 ? `${line.slice(0, 297)}...` : line
}

function restError(
  status: number,
  json: JsonObject | undefined,
  url: URL,
  what: string,
): VerifyError {
  const where = describeUrl(url)
  const said = splunkMessages(json)
  const detail = said.length > 0 ? ` Splunk said: '${said.join(' ')}'.` : ''
  if (status === 401) {
    return new VerifyError(
      'verify/unauthorized',
      `Splunk rejected the token in SPLUNK_TOKEN when trying to ${what} (HTTP 401 from '${where}').${detail} Create an authentication token under Settings > Tokens and export it as SPLUNK_TOKEN.`,
    )
  }
  if (status === 403) {
    return new VerifyError(
      'verify/forbidden',
      `The token in SPLUNK_TOKEN lacks the rights to ${what} (HTTP 403 from '${where}').${detail} Give its user a role that may search the scratch index (see docs/verify.md).`,
    )
  }
  return new VerifyError(
    'verify/rest-error',
    `Splunk answered HTTP ${status} when trying to ${what} ('${where}').${detail} Check that --splunk-url is the management port (8089 by default).`,
  )
}

// HEC status codes from Splunk's "Troubleshoot HTTP Event Collector" page.
const HEC_CODES: Record<number, { check: string; cause: string; fix: string }> = {
  1: {
    check: 'verify/hec-disabled',
    cause: 'HEC or this HEC token is disabled',
    fix: 'Enable HEC under Settings > Data inputs > HTTP Event Collector > Global Settings, and enable the token',
  },
  2: {
    check: 'verify/hec-unauthorized',
    cause: 'HEC received no token',
    fix: 'Export the HEC token as SPLUNK_HEC_TOKEN',
  },
  3: {
    check: 'verify/hec-unauthorized',
    cause: 'HEC rejected the authorization header',
    fix: 'Check that SPLUNK_HEC_TOKEN holds an HEC token, not a REST token',
  },
  4: {
    check: 'verify/hec-unauthorized',
    cause: 'HEC does not know the token in SPLUNK_HEC_TOKEN',
    fix: 'Copy it again from Settings > Data inputs > HTTP Event Collector',
  },
  7: {
    check: 'verify/index-not-found',
    cause: 'the scratch index does not exist or the HEC token may not write to it',
    fix: "Create the index and add it to the token's allowed indexes",
  },
}

function hecError(
  status: number,
  code: number | undefined,
  answer: JsonObject | undefined,
  url: URL,
): VerifyError {
  const where = describeUrl(url)
  const text = typeof answer?.['text'] === 'string' ? shorten(answer['text']) : undefined
  if (code === undefined) {
    return new VerifyError(
      'verify/hec-error',
      `'${where}' did not answer like the HTTP Event Collector (HTTP ${status}, no HEC status code). Check --hec-url; HEC listens on port 8088 by default.`,
    )
  }
  const known = HEC_CODES[code]
  const said = text === undefined ? '' : ` HEC said: '${text}'.`
  if (known !== undefined) {
    return new VerifyError(
      known.check,
      `Sending events to '${where}' failed with HEC code ${code} (HTTP ${status}) because ${known.cause}.${said} ${known.fix}.`,
    )
  }
  return new VerifyError(
    'verify/hec-error',
    `Sending events to '${where}' failed with HEC code ${code} (HTTP ${status}).${said} Check HEC's settings and the Splunk logs for the cause.`,
  )
}
