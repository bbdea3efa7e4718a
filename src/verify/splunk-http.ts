import http from 'node:http'
import https from 'node:https'

/** One request to Splunk's REST API or HTTP Event Collector. */
export interface HttpRequest {
  method: 'GET' | 'POST' | 'DELETE'
  url: URL
  /** Sent as is; carries the token, so it never appears in a message. */
  authorization: string
  contentType?: string
  body?: string
  headers?: Record<string, string>
}

export interface HttpResponse {
  status: number
  body: string
}

/** TLS and time-out settings shared by every request of a run. */
export interface HttpSettings {
  /** Accept any server certificate, e.g. a self-signed one. */
  insecureSkipTlsVerify: boolean
  /** Time-out of one request in milliseconds, from connecting to the last byte. */
  requestTimeoutMs: number
}

/** A request that failed below HTTP: no connection, TLS, time-out. */
export class TransportError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message)
    this.name = 'TransportError'
  }
}

// Result pages are bounded by the events one run sends, so 256 MiB is far
// above any legitimate response and stops a misbehaving server from exhausting
// memory.
const MAX_RESPONSE_BYTES = 256 * 1024 * 1024

/**
 * Send one request with node:http or node:https. Node's global fetch would
 * need an undici Agent to turn off certificate checks, and Node 20 exposes
 * none without the undici package, so the https module's
 * `rejectUnauthorized` is used instead. Rejects only with `TransportError`.
 */
export function sendRequest(
  request: HttpRequest,
  settings: HttpSettings,
): Promise<HttpResponse> {
  const headers: Record<string, string> = {
    authorization: request.authorization,
    accept: 'application/json',
    ...request.headers,
  }
  if (request.contentType !== undefined)
    headers['content-type'] = request.contentType
  const body =
    request.body === undefined ? undefined : Buffer.from(request.body, 'utf8')
  if (body !== undefined) headers['content-length'] = String(body.length)

  return new Promise((resolve, reject) => {
    const fail = (error: unknown): void =>
      reject(toTransportError(error, request.url, settings))
    const options = {
      method: request.method,
      headers,
      timeout: settings.requestTimeoutMs,
      rejectUnauthorized: !settings.insecureSkipTlsVerify,
    }
    const module = request.url.protocol === 'https:' ? https : http
    const outgoing = module.request(request.url, options, (incoming) => {
      collectBody(incoming, request.url).then(
        (text) => resolve({ status: incoming.statusCode ?? 0, body: text }),
        fail,
      )
    })
    outgoing.on('timeout', () =>
      outgoing.destroy(new TransportError('timed out', 'ETIMEDOUT')),
    )
    outgoing.on('error', fail)
    outgoing.end(body)
  })
}

async function collectBody(
  incoming: http.IncomingMessage,
  url: URL,
): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of incoming) {
    const buffer = chunk as Buffer
    size += buffer.length
    if (size > MAX_RESPONSE_BYTES) {
      incoming.destroy()
      throw new TransportError(
        `The response from '${describeUrl(url)}' is larger than ${MAX_RESPONSE_BYTES} bytes`,
        'ETOOLARGE',
      )
    }
    chunks.push(buffer)
  }
  return Buffer.concat(chunks).toString('utf8')
}

function toTransportError(
  error: unknown,
  url: URL,
  settings: HttpSettings,
): TransportError {
  if (error instanceof TransportError && error.code === 'ETOOLARGE')
    return error
  const code =
    error instanceof Error && 'code' in error && typeof error.code === 'string'
      ? error.code
      : 'EUNKNOWN'
  const where = describeUrl(url)
  return new TransportError(describeCode(code, where, settings), code)
}

function describeCode(
  code: string,
  where: string,
  settings: HttpSettings,
): string {
  switch (code) {
    case 'ECONNREFUSED':
      return `The connection to '${where}' was refused; check the host and port and that Splunk is running`
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `The host of '${where}' could not be resolved; check the URL`
    case 'ETIMEDOUT':
      return `The request to '${where}' timed out after ${settings.requestTimeoutMs} ms; check that the host is reachable from this machine`
    case 'ECONNRESET':
    case 'EPIPE':
      return `The connection to '${where}' was closed by the server; check that the URL's scheme (http or https) matches the port`
    case 'EPROTO':
    case 'ERR_SSL_WRONG_VERSION_NUMBER':
      return `The TLS handshake with '${where}' failed; the port probably serves plain HTTP, so use an http:// URL`
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
    case 'CERT_HAS_EXPIRED':
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return `The TLS certificate of '${where}' was not accepted (${code}); install a trusted certificate or pass --insecure-skip-tls-verify for a test instance`
    default:
      return `The request to '${where}' failed (${code})`
  }
}

/** Return scheme, host, port and path of a URL, never its credentials or query. */
export function describeUrl(url: URL): string {
  return `${url.protocol}//${url.host}${url.pathname}`
}
