export const id = 627;
export const ids = [627,615];
export const modules = {

/***/ 74627:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  runVerify: () => (/* binding */ runVerify)
});

// UNUSED EXPORTS: DEFAULT_HEC_PORT, DEFAULT_VERIFY_INDEX, DEFAULT_VERIFY_SOURCETYPE, DEFAULT_VERIFY_TIMING, defaultHecUrl, ruleSearch

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(77598);
// EXTERNAL MODULE: ./src/diagnostic.ts
var diagnostic = __webpack_require__(1348);
// EXTERNAL MODULE: ./src/logger.ts
var src_logger = __webpack_require__(86999);
// EXTERNAL MODULE: ./src/pipeline/spl-event.ts
var spl_event = __webpack_require__(92350);
// EXTERNAL MODULE: ./src/spl/event-context.ts
var event_context = __webpack_require__(78575);
;// CONCATENATED MODULE: ./src/verify/hec-payload.ts


/** Field naming the run an event belongs to; its value is the run id. */
const RUN_FIELD = 'sigma_gate_run';
/** Field holding an event's number in the run, to map results back. */
const EVENT_FIELD = 'sigma_gate_event';
// Splunk keeps these as index metadata, not as indexed fields, so HEC takes
// them as top-level keys of the event object.
const METADATA_FIELDS = new Set(['index', 'source', 'sourcetype', 'host']);
/**
 * Render one fixture event as an HEC event object, as the engine's SPL check
 * presents it (`toSplEvent` with the pipeline's scope and renames):
 *
 * - `event` is the `_raw` that the SPL engine uses for the presented event:
 *   its own `_raw`, or else its values (without the scope's) joined by
 *   newlines. Splunk filters `field=value` terms on the
 *   words of `_raw` before it compares fields, so every value is in it.
 * - `fields` holds every other field as an indexed field, renamed as the
 *   pipeline names it (`EventID` → `EventCode` by default), with each
 *   value as the SPL engine prints it and lists as multivalue fields.
 *   Indexed fields do not depend on the search head's props.conf, so no
 *   add-on has to be installed.
 * - `source` is the event's own or the scope's (by default
 *   `XmlWinEventLog:Microsoft-Windows-Sysmon/Operational`), or else left to
 *   HEC. `sourcetype` and `host` come from the event or the scope, or else
 *   from `settings`.
 * - `sigma_gate_run` and `sigma_gate_event` tag the event with the run id
 *   and its number in the run.
 */
function renderHecEvent(event, settings) {
    const splEvent = (0,spl_event/* toSplEvent */.f)(event.event, settings.view.fieldNames, settings.view.scope);
    const context = { event: splEvent, overlay: null, cache: (0,event_context/* cacheOf */.w7)(splEvent) };
    const first = (name) => (0,event_context/* fieldStrings */.pp)(context, name)?.[0];
    const fields = {};
    for (const name of Object.keys(splEvent)) {
        if (METADATA_FIELDS.has(name) || name.startsWith('_'))
            continue;
        const values = (0,event_context/* fieldStrings */.pp)(context, name);
        if (values === null)
            continue;
        fields[name] = values.length === 1 ? values[0] : values;
    }
    fields[RUN_FIELD] = settings.runId;
    fields[EVENT_FIELD] = String(event.number);
    const source = first('source');
    return {
        time: settings.time,
        index: settings.index,
        ...(source !== undefined ? { source } : {}),
        sourcetype: first('sourcetype') ?? settings.sourcetype,
        host: first('host') ?? settings.host,
        event: (0,event_context/* rawText */.iL)(context),
        fields,
    };
}
/**
 * Render events into HEC request bodies (event objects one after another)
 * of at most `maxBytes` each, so no request exceeds HEC's
 * `max_content_length`.
 */
function batchHecEvents(events, settings, maxBytes) {
    const batches = [];
    let current = '';
    let size = 0;
    for (const event of events) {
        const line = `${JSON.stringify(renderHecEvent(event, settings))}\n`;
        const lineSize = Buffer.byteLength(line);
        if (current !== '' && size + lineSize > maxBytes) {
            batches.push(current);
            current = '';
            size = 0;
        }
        current += line;
        size += lineSize;
    }
    if (current !== '')
        batches.push(current);
    return batches;
}

// EXTERNAL MODULE: external "node:http"
var external_node_http_ = __webpack_require__(37067);
var external_node_http_default = /*#__PURE__*/__webpack_require__.n(external_node_http_);
// EXTERNAL MODULE: external "node:https"
var external_node_https_ = __webpack_require__(44708);
var external_node_https_default = /*#__PURE__*/__webpack_require__.n(external_node_https_);
;// CONCATENATED MODULE: ./src/verify/splunk-http.ts


/** A request that failed below HTTP: no connection, TLS, time-out. */
class TransportError extends Error {
    code;
    constructor(message, code) {
        super(message);
        this.code = code;
        this.name = 'TransportError';
    }
}
// Result pages are bounded by the events one run sends, so 256 MiB is far
// above any legitimate response and stops a misbehaving server from exhausting
// memory.
const MAX_RESPONSE_BYTES = 256 * 1024 * 1024;
/**
 * Send one request with node:http or node:https. Node's global fetch would
 * need an undici Agent to turn off certificate checks, and Node 20 exposes
 * none without the undici package, so the https module's
 * `rejectUnauthorized` is used instead. Rejects only with `TransportError`.
 */
function sendRequest(request, settings) {
    const headers = {
        authorization: request.authorization,
        accept: 'application/json',
        ...request.headers,
    };
    if (request.contentType !== undefined)
        headers['content-type'] = request.contentType;
    const body = request.body === undefined ? undefined : Buffer.from(request.body, 'utf8');
    if (body !== undefined)
        headers['content-length'] = String(body.length);
    return new Promise((resolve, reject) => {
        const fail = (error) => reject(toTransportError(error, request.url, settings));
        const options = {
            method: request.method,
            headers,
            timeout: settings.requestTimeoutMs,
            rejectUnauthorized: !settings.insecureSkipTlsVerify,
        };
        const module = request.url.protocol === 'https:' ? (external_node_https_default()) : (external_node_http_default());
        const outgoing = module.request(request.url, options, (incoming) => {
            collectBody(incoming, request.url).then((text) => resolve({ status: incoming.statusCode ?? 0, body: text }), fail);
        });
        outgoing.on('timeout', () => outgoing.destroy(new TransportError('timed out', 'ETIMEDOUT')));
        outgoing.on('error', fail);
        outgoing.end(body);
    });
}
async function collectBody(incoming, url) {
    const chunks = [];
    let size = 0;
    for await (const chunk of incoming) {
        const buffer = chunk;
        size += buffer.length;
        if (size > MAX_RESPONSE_BYTES) {
            incoming.destroy();
            throw new TransportError(`The response from '${describeUrl(url)}' is larger than ${MAX_RESPONSE_BYTES} bytes`, 'ETOOLARGE');
        }
        chunks.push(buffer);
    }
    return Buffer.concat(chunks).toString('utf8');
}
function toTransportError(error, url, settings) {
    if (error instanceof TransportError && error.code === 'ETOOLARGE')
        return error;
    const code = error instanceof Error && 'code' in error && typeof error.code === 'string'
        ? error.code
        : 'EUNKNOWN';
    const where = describeUrl(url);
    return new TransportError(describeCode(code, where, settings), code);
}
function describeCode(code, where, settings) {
    switch (code) {
        case 'ECONNREFUSED':
            return `The connection to '${where}' was refused; check the host and port and that Splunk is running`;
        case 'ENOTFOUND':
        case 'EAI_AGAIN':
            return `The host of '${where}' could not be resolved; check the URL`;
        case 'ETIMEDOUT':
            return `The request to '${where}' timed out after ${settings.requestTimeoutMs} ms; check that the host is reachable from this machine`;
        case 'ECONNRESET':
        case 'EPIPE':
            return `The connection to '${where}' was closed by the server; check that the URL's scheme (http or https) matches the port`;
        case 'EPROTO':
        case 'ERR_SSL_WRONG_VERSION_NUMBER':
            return `The TLS handshake with '${where}' failed; the port probably serves plain HTTP, so use an http:// URL`;
        case 'DEPTH_ZERO_SELF_SIGNED_CERT':
        case 'SELF_SIGNED_CERT_IN_CHAIN':
        case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
        case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
        case 'CERT_HAS_EXPIRED':
        case 'ERR_TLS_CERT_ALTNAME_INVALID':
            return `The TLS certificate of '${where}' was not accepted (${code}); install a trusted certificate or pass --insecure-skip-tls-verify for a test instance`;
        default:
            return `The request to '${where}' failed (${code})`;
    }
}
/** Return scheme, host, port and path of a URL, never its credentials or query. */
function describeUrl(url) {
    return `${url.protocol}//${url.host}${url.pathname}`;
}

;// CONCATENATED MODULE: ./src/verify/verify-error.ts
/**
 * A problem that stops a verify run or one rule's search. It carries a
 * stable check id and becomes a diagnostic; it never reaches the user as a
 * stack trace.
 */
class VerifyError extends Error {
    check;
    constructor(check, message) {
        super(message);
        this.check = check;
        this.name = 'VerifyError';
    }
}
/** Sleep for `ms` milliseconds. */
function delay(ms) {
    return new Promise((resolve) => setTimeout(resolve, ms));
}
/** Return the next wait of an exponential backoff, capped at `max`. */
function nextBackoff(current, max) {
    return Math.min(max, Math.max(1, current * 2));
}

;// CONCATENATED MODULE: ./src/verify/splunk-client.ts



const HEC_EVENT_PATH = '/services/collector/event';
// HEC returns 503 with code 9 while its queues are full. A few retries
// with backoff ride out a short burst without hiding a real outage.
const HEC_BUSY_RETRIES = 4;
/**
 * Call a REST endpoint with `output_mode=json`. `form` is sent as an
 * x-www-form-urlencoded body for POST and as the query for GET and DELETE.
 * HTTP errors other than those in `accept` become `VerifyError`s that name
 * the endpoint and the fix. `what` is the purpose of the call, as in "create
 * a search job".
 */
async function callRest(connection, method, endpoint, what, form = {}, accept = []) {
    const params = new URLSearchParams({ ...form, output_mode: 'json' });
    const url = new URL(joinPath(connection.restUrl, endpoint));
    if (method !== 'POST')
        url.search = params.toString();
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
    });
    const json = parseJson(response.body);
    const success = response.status >= 200 && response.status < 300;
    if (success || accept.includes(response.status)) {
        return { status: response.status, json: json ?? {} };
    }
    throw restError(response.status, json, url, what);
}
/**
 * Send newline-separated HEC event objects in one request. Retries while HEC
 * reports that it is busy; every other HEC error becomes a `VerifyError`.
 */
async function sendHecBatch(connection, payload, channel, busyWaitMs) {
    const url = new URL(joinPath(connection.hecUrl, HEC_EVENT_PATH));
    let wait = busyWaitMs;
    for (let attempt = 0;; attempt++) {
        const response = await send(connection, {
            method: 'POST',
            url,
            authorization: `Splunk ${connection.hecToken}`,
            contentType: 'application/json',
            body: payload,
            // Needed when the token has indexer acknowledgement on (HEC code 10
            // otherwise) and ignored when it has not.
            headers: { 'x-splunk-request-channel': channel },
        });
        const answer = parseJson(response.body);
        const code = typeof answer?.['code'] === 'number' ? answer['code'] : undefined;
        if (response.status === 200 && code === 0)
            return;
        if (code === 9 && attempt < HEC_BUSY_RETRIES) {
            await delay(wait);
            wait = nextBackoff(wait, busyWaitMs * 16);
            continue;
        }
        throw hecError(response.status, code, answer, url);
    }
}
/** Return a new HEC request channel id. */
function newChannel() {
    return (0,external_node_crypto_.randomUUID)();
}
async function send(connection, request) {
    try {
        return await sendRequest(request, connection.http);
    }
    catch (error) {
        if (error instanceof TransportError) {
            throw new VerifyError('verify/unreachable', `${error.message}.`);
        }
        throw error;
    }
}
function joinPath(base, endpoint) {
    const prefix = base.pathname.replace(/\/+$/, '');
    return `${base.protocol}//${base.host}${prefix}${endpoint}`;
}
function parseJson(text) {
    try {
        const value = JSON.parse(text);
        return value !== null && typeof value === 'object' && !Array.isArray(value)
            ? value
            : undefined;
    }
    catch {
        return undefined;
    }
}
/** Return the texts of Splunk's `messages` array, shortened for a log line. */
function splunkMessages(json) {
    const messages = json?.['messages'];
    if (!Array.isArray(messages))
        return [];
    return messages.flatMap((message) => {
        const text = message?.text;
        return typeof text === 'string' ? [shorten(text)] : [];
    });
}
function shorten(text) {
    const line = text.replace(/\s+/g, ' ').trim();
    return line.length > 300 ? `${line.slice(0, 297)}...` : line;
}
function restError(status, json, url, what) {
    const where = describeUrl(url);
    const said = splunkMessages(json);
    const detail = said.length > 0 ? ` Splunk said: '${said.join(' ')}'.` : '';
    if (status === 401) {
        return new VerifyError('verify/unauthorized', `Splunk rejected the token in SPLUNK_TOKEN when trying to ${what} (HTTP 401 from '${where}').${detail} Create an authentication token under Settings > Tokens and export it as SPLUNK_TOKEN.`);
    }
    if (status === 403) {
        return new VerifyError('verify/forbidden', `The token in SPLUNK_TOKEN lacks the rights to ${what} (HTTP 403 from '${where}').${detail} Give its user a role that may search the scratch index (see docs/verify.md).`);
    }
    return new VerifyError('verify/rest-error', `Splunk answered HTTP ${status} when trying to ${what} ('${where}').${detail} Check that --splunk-url is the management port (8089 by default).`);
}
// HEC status codes from Splunk's "Troubleshoot HTTP Event Collector" page.
const HEC_CODES = {
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
};
function hecError(status, code, answer, url) {
    const where = describeUrl(url);
    const text = typeof answer?.['text'] === 'string' ? shorten(answer['text']) : undefined;
    if (code === undefined) {
        return new VerifyError('verify/hec-error', `'${where}' did not answer like the HTTP Event Collector (HTTP ${status}, no HEC status code). Check --hec-url; HEC listens on port 8088 by default.`);
    }
    const known = HEC_CODES[code];
    const said = text === undefined ? '' : ` HEC said: '${text}'.`;
    if (known !== undefined) {
        return new VerifyError(known.check, `Sending events to '${where}' failed with HEC code ${code} (HTTP ${status}) because ${known.cause}.${said} ${known.fix}.`);
    }
    return new VerifyError('verify/hec-error', `Sending events to '${where}' failed with HEC code ${code} (HTTP ${status}).${said} Check HEC's settings and the Splunk logs for the cause.`);
}

;// CONCATENATED MODULE: ./src/verify/search-jobs.ts


const JOBS = '/services/search/jobs';
/**
 * Run one search as a job: create it with `exec_mode=normal`, poll its
 * status until it is done, read every result row, then delete the job.
 * Throws `VerifyError` when the job fails, times out or reports errors
 * that make its results incomplete.
 */
async function runSearchJob(connection, search, window, timing) {
    const created = await callRest(connection, 'POST', JOBS, 'create a search job', {
        search,
        exec_mode: 'normal',
        earliest_time: String(window.earliest),
        latest_time: String(window.latest),
    });
    const sid = created.json['sid'];
    if (typeof sid !== 'string' || sid === '') {
        throw new VerifyError('verify/rest-error', 'Splunk created a search job but returned no sid. Check that --splunk-url is the management port (8089 by default).');
    }
    try {
        await waitForJob(connection, sid, timing);
        return await readResults(connection, sid);
    }
    finally {
        await deleteJob(connection, sid);
    }
}
async function waitForJob(connection, sid, timing) {
    const deadline = Date.now() + timing.timeoutMs;
    let wait = timing.pollMs;
    for (;;) {
        const status = await callRest(connection, 'GET', jobPath(sid), 'read the status of a search job');
        const content = jobContent(status.json);
        const state = String(content['dispatchState'] ?? '');
        if (content['isFailed'] === true || state === 'FAILED') {
            const said = jobMessages(content);
            throw new VerifyError('verify/search-failed', `Search job '${sid}' failed${said.length > 0 ? `: '${said.join(' ')}'` : ''}. Run the SPL in Splunk's search page to see the error.`);
        }
        if (content['isDone'] === true || state === 'DONE')
            return;
        if (Date.now() + wait > deadline) {
            throw new VerifyError('verify/timeout', `Search job '${sid}' was not done after ${timing.timeoutMs} ms (state '${state || 'unknown'}'). Raise --search-timeout or check the load on the search head.`);
        }
        await delay(wait);
        wait = nextBackoff(wait, timing.maxPollMs);
    }
}
async function readResults(connection, sid) {
    const answer = await callRest(connection, 'GET', `${jobPath(sid)}/results`, 'read the results of a search job', { count: '0' });
    const errors = resultErrors(answer.json);
    if (errors.length > 0) {
        throw new VerifyError('verify/partial-results', `The results of search job '${sid}' may be incomplete, so they were not compared: '${errors.join(' ')}'. Fix the problem Splunk reports and run verify again.`);
    }
    const results = answer.json['results'];
    if (!Array.isArray(results))
        return [];
    return results.filter((row) => row !== null && typeof row === 'object');
}
/** Delete a finished job so that it does not linger in the user's job list. */
async function deleteJob(connection, sid) {
    try {
        await callRest(connection, 'DELETE', jobPath(sid), 'delete a search job');
    }
    catch {
        // Splunk expires jobs on its own (after 10 minutes by default), so a
        // failed clean-up of one job is not worth failing the run over.
    }
}
function jobPath(sid) {
    return `${JOBS}/${encodeURIComponent(sid)}`;
}
function jobContent(json) {
    const entry = Array.isArray(json['entry']) ? json['entry'][0] : undefined;
    const content = entry?.content;
    return content !== null && typeof content === 'object' ? content : {};
}
/**
 * Return the job's messages. Splunk writes them either as a list of
 * `{ type, text }` or as an object of lists keyed by type.
 */
function jobMessages(content) {
    const messages = content['messages'];
    if (Array.isArray(messages))
        return splunkMessages(content);
    if (messages === null || typeof messages !== 'object')
        return [];
    return Object.values(messages).flatMap((list) => Array.isArray(list) ? list.filter((text) => typeof text === 'string') : []);
}
function resultErrors(json) {
    const messages = json['messages'];
    if (!Array.isArray(messages))
        return [];
    return messages.flatMap((message) => {
        const { type, text } = (message ?? {});
        const severe = type === 'ERROR' || type === 'FATAL';
        return severe && typeof text === 'string' ? [text] : [];
    });
}

// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(51455);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(76760);
var external_node_path_default = /*#__PURE__*/__webpack_require__.n(external_node_path_);
// EXTERNAL MODULE: ./src/backends/splunk/index.ts
var splunk = __webpack_require__(87857);
// EXTERNAL MODULE: ./src/engine.ts + 24 modules
var engine = __webpack_require__(95349);
// EXTERNAL MODULE: ./src/regress/fixture-file.ts + 4 modules
var fixture_file = __webpack_require__(4951);
// EXTERNAL MODULE: ./src/regress/regression-cases.ts + 1 modules
var regression_cases = __webpack_require__(76628);
// EXTERNAL MODULE: ./src/spl/index.ts + 20 modules
var src_spl = __webpack_require__(2011);
;// CONCATENATED MODULE: ./src/verify/verify-input.ts









/**
 * Load and convert the rules under `paths` with the engine, then read each
 * rule's fixtures (its `.fixtures.yml` and SigmaHQ regression data). An
 * event used by several rules is sent once. A scope `index` or `macro`
 * would point the search at production data, so each rule is converted
 * again without them. The scratch index takes their place.
 */
async function collectVerifyInput(paths, cwd) {
    const prepared = await (0,engine/* prepareRules */.Zb)(paths, cwd);
    const scoped = prepared.rules.find((rule) => Object.keys(rule.scope).length > 0) ?? prepared.rules[0];
    const view = { scope: verifyScope(scoped?.scope ?? {}), fieldNames: scoped?.fieldNames ?? {} };
    const input = { rules: [], skipped: [], events: [], view, diagnostics: [...prepared.diagnostics] };
    if (scoped?.scope.index || scoped?.scope.macro)
        input.diagnostics.push(replacedScope(scoped.scope));
    const numbers = new Map();
    const relative = (file) => toPosix(external_node_path_default().relative(cwd, file) || '.');
    for (const candidate of prepared.rules) {
        const converted = convertForVerify(candidate);
        const document = candidate.report.document;
        const identity = {
            path: candidate.report.path,
            id: candidate.report.id,
            ...(document !== undefined ? { document } : {}),
        };
        if (converted === undefined) {
            input.skipped.push({ ...identity, reason: skipReason(candidate) });
            continue;
        }
        const cases = await loadCases(candidate, input.diagnostics, relative);
        const ownEvents = cases.flatMap((fixtureCase) => fixtureCase.events.map((loaded) => {
            const file = relative(fixtureCase.fixture);
            const key = `${file}\u0000${loaded.line ?? ''}\u0000${loaded.index}`;
            let number = numbers.get(key);
            if (number === undefined) {
                number = input.events.length;
                numbers.set(key, number);
                input.events.push({ number, file, index: loaded.index, ...(loaded.line !== undefined ? { line: loaded.line } : {}), event: loaded.event });
            }
            return number;
        }));
        input.rules.push({ ...identity, title: candidate.report.title, ...converted, ownEvents: [...new Set(ownEvents)] });
    }
    return input;
}
function verifyScope(scope) {
    const kept = {};
    if (scope.source)
        kept.source = scope.source;
    if (scope.sourcetype)
        kept.sourcetype = scope.sourcetype;
    return kept;
}
function replacedScope(scope) {
    const replaced = scope.macro ? `macro '${scope.macro}'` : `index '${scope.index ?? ''}'`;
    const message = `The configured Splunk scope ${replaced} is left out of the SPL that verify runs, and the scratch index takes its place, so that no production data is searched. The rest of each query is unchanged.`;
    return (0,diagnostic/* diagnosticAt */.R)(undefined, 'verify/scope-replaced', 'info', message);
}
/**
 * Convert a rule's detection with the verify scope and compile it. The
 * predicate gets each event as `toSplEvent` presents it with that scope, so
 * the SPL engine judges exactly the query that Splunk runs.
 */
function convertForVerify(rule) {
    if (rule.expr === undefined || rule.report.spl.length === 0 || rule.engines.spl === undefined)
        return undefined;
    const scope = verifyScope(rule.scope);
    const [spl] = (0,splunk/* convertToSpl */.a)(rule.expr, { scope, fieldNames: rule.fieldNames }).queries;
    if (spl === undefined)
        return undefined;
    const parsed = (0,src_spl/* parseSpl */.Jy)(spl);
    const compiled = parsed.ok ? (0,src_spl/* compileSpl */.bq)(parsed.query) : undefined;
    if (!compiled?.ok)
        return undefined;
    const { predicate } = compiled;
    const fieldNames = rule.fieldNames;
    return { spl, splMatches: (event) => predicate((0,spl_event/* toSplEvent */.f)(event, fieldNames, scope)) };
}
function skipReason(rule) {
    const kind = rule.rule?.kind;
    if (kind !== undefined && kind !== 'rule')
        return `This is a ${kind} document; verify runs only the SPL of single-event rules.`;
    if (rule.engines.missingReason !== undefined)
        return rule.engines.missingReason;
    const errors = rule.report.diagnostics.filter((d) => d.severity === 'error');
    if (errors.length > 0)
        return `The rule has ${errors.length} error(s); fix them with 'sigma-gate check' first.`;
    return "The rule was not converted to SPL; run 'sigma-gate convert' to see why.";
}
async function loadCases(rule, diagnostics, relative) {
    const sigma = rule.rule;
    if (sigma === undefined)
        return [];
    const cases = [];
    const relocate = (d, fallback) => {
        const file = d.file ?? fallback;
        return file === undefined ? d : { ...d, file: relative(file) };
    };
    const fixtureFile = (0,engine/* fixtureFileFor */.LQ)(sigma.file);
    if (await isFile(fixtureFile)) {
        const loaded = await (0,fixture_file/* loadFixtureFile */.Oi)(fixtureFile, { root: rule.root });
        diagnostics.push(...loaded.diagnostics.map((d) => relocate(d, fixtureFile)));
        cases.push(...loaded.cases);
    }
    const regression = sigma.regressionTestsPath;
    if (regression !== undefined) {
        const loaded = await (0,regression_cases/* loadRegressionCases */.P)(sigma.file, regression.value, regression.span, { root: rule.root });
        diagnostics.push(...loaded.diagnostics.map((d) => relocate(d, sigma.file)));
        cases.push(...loaded.cases);
    }
    return cases;
}
async function isFile(file) {
    const info = await (0,promises_.stat)(file).catch(() => undefined);
    return info?.isFile() ?? false;
}
function toPosix(file) {
    return file.split((external_node_path_default()).sep).join('/');
}

// EXTERNAL MODULE: ./src/verify/verify-report.ts
var verify_report = __webpack_require__(21615);
// EXTERNAL MODULE: ./src/verify/verify-defaults.ts
var verify_defaults = __webpack_require__(39415);
;// CONCATENATED MODULE: ./src/verify/run-verify.ts











// The defaults live apart so that the CLI can list them without loading this module.

// Splunk index names: lower-case letters, digits, `_` and `-`, not starting
// with `_` or `-` (indexes.conf).
const INDEX_NAME = /^[a-z0-9][a-z0-9_-]*$/;
/**
 * Check that real Splunk returns the same events as the SPL engine for each
 * rule: send every fixture event of the selected rules to a scratch index
 * through HEC, wait until they are searchable, run each rule's SPL as a
 * search job limited to the run, compare, and delete the run's events.
 * Every problem with Splunk, the options or the fixtures becomes a
 * diagnostic in the report, and no token appears in it. It rejects only on
 * a defect in sigma-gate.
 */
async function runVerify(options) {
    const runId = `sg${(0,external_node_crypto_.randomBytes)(8).toString('hex')}`;
    const index = options.index ?? verify_defaults/* DEFAULT_VERIFY_INDEX */.F6;
    const report = emptyReport(runId, safeUrl(options.splunkUrl), index);
    try {
        await verifyRules(options, report);
    }
    catch (error) {
        if (!(error instanceof VerifyError))
            throw error;
        report.diagnostics.push((0,diagnostic/* diagnosticAt */.R)(undefined, error.check, 'error', error.message));
    }
    summarise(report);
    return redactSecrets(report, [options.restToken, options.hecToken]);
}
async function verifyRules(options, report) {
    const logger = options.logger ?? src_logger/* silentLogger */.q;
    const timing = { ...verify_defaults/* DEFAULT_VERIFY_TIMING */.PT, ...options.timing };
    const connection = buildConnection(options, timing);
    report.splunk = describeUrl(connection.restUrl);
    if (!INDEX_NAME.test(report.index)) {
        throw new VerifyError('verify/invalid-option', `Index name '${report.index}' is invalid. Use lower-case letters, digits, '_' and '-', starting with a letter or digit.`);
    }
    const input = await collectVerifyInput(options.paths, options.cwd);
    report.diagnostics.push(...input.diagnostics);
    for (const rule of input.skipped)
        report.rules.push({ ...rule, title: null, status: 'skipped', splunkMatches: null, engineMatches: null });
    if (input.rules.length === 0 || input.events.length === 0) {
        report.diagnostics.push((0,diagnostic/* diagnosticAt */.R)(undefined, 'verify/nothing-to-verify', 'warning', `Found ${input.rules.length} rules with SPL and ${input.events.length} fixture events, so nothing was sent to Splunk. Add fixtures next to the rules (see docs/fixtures.md).`));
        return;
    }
    await checkAccess(connection, report.index);
    const time = Math.floor(Date.now() / 1000);
    const window = { earliest: time - 60, latest: time + 60 };
    const run = { connection, timing, window, report, logger };
    logger.info(`Sending ${input.events.length} events to index '${report.index}' with ${RUN_FIELD}=${report.runId}`);
    try {
        await sendEvents(run, input, { sourcetype: options.sourcetype ?? verify_defaults/* DEFAULT_VERIFY_SOURCETYPE */.wA, time });
        await waitUntilSearchable(run, input.events.length);
        await searchRules(run, input);
    }
    finally {
        report.cleanup = options.keepEvents ? 'kept' : await deleteEvents(run);
    }
}
/** Parse the URLs; the HEC URL defaults to the management host on port 8088. */
function buildConnection(options, timing) {
    const restUrl = parseUrl(options.splunkUrl, '--splunk-url');
    const hecUrl = options.hecUrl !== undefined ? parseUrl(options.hecUrl, '--hec-url') : defaultHecUrl(restUrl);
    return {
        restUrl,
        hecUrl,
        restToken: options.restToken,
        hecToken: options.hecToken,
        http: { insecureSkipTlsVerify: options.insecureSkipTlsVerify ?? false, requestTimeoutMs: timing.requestTimeoutMs },
    };
}
/** Return the HEC URL that goes with a management URL: same scheme and host, port 8088. */
function defaultHecUrl(restUrl) {
    const hecUrl = new URL(restUrl.origin);
    hecUrl.port = verify_defaults/* DEFAULT_HEC_PORT */.xQ;
    return hecUrl;
}
/** Return the URL without credentials, query or fragment, for the report. */
function safeUrl(text) {
    try {
        return describeUrl(new URL(text));
    }
    catch {
        return text;
    }
}
function parseUrl(text, option) {
    let url;
    try {
        url = new URL(text);
    }
    catch {
        throw new VerifyError('verify/invalid-option', `${option} '${text}' is not a URL. Give it as https://host:port.`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
        throw new VerifyError('verify/invalid-option', `${option} '${describeUrl(url)}' must start with https:// or http://.`);
    }
    if (url.username !== '' || url.password !== '') {
        throw new VerifyError('verify/invalid-option', `${option} must not contain a user name or password. Pass tokens in SPLUNK_TOKEN and SPLUNK_HEC_TOKEN.`);
    }
    return url;
}
/** Check the REST token and that the scratch index exists before sending anything. */
async function checkAccess(connection, index) {
    await callRest(connection, 'GET', '/services/server/info', 'read the server information');
    const found = await callRest(connection, 'GET', `/services/data/indexes/${encodeURIComponent(index)}`, `read index '${index}'`, {}, [403, 404]);
    if (found.status === 404) {
        throw new VerifyError('verify/index-not-found', `Index '${index}' does not exist, or the token's user may not see it. Create a scratch index (Settings > Indexes > New Index) or name an existing one with --index.`);
    }
}
async function sendEvents(run, input, settings) {
    const { events } = input;
    const payload = { runId: run.report.runId, index: run.report.index, time: settings.time, sourcetype: settings.sourcetype, host: 'sigma-gate', view: input.view };
    const batches = batchHecEvents(events, payload, run.timing.hecBatchBytes);
    const channel = newChannel();
    // Counted before sending, so that a failure after the first batch still
    // deletes what reached the index.
    run.report.summary.events = events.length;
    for (const batch of batches)
        await sendHecBatch(run.connection, batch, channel, run.timing.pollMs);
}
/** Poll a count of the run's events until all are searchable, with backoff. */
async function waitUntilSearchable(run, expected) {
    const { report, timing } = run;
    const search = `search index=${report.index} ${RUN_FIELD}::${report.runId} | stats count`;
    const deadline = Date.now() + timing.indexTimeoutMs;
    let wait = timing.pollMs;
    let count = 0;
    for (;;) {
        const rows = await runSearchJob(run.connection, search, run.window, jobTiming(timing));
        count = Number(rows[0]?.['count'] ?? 0);
        if (count >= expected)
            return;
        if (Date.now() + wait > deadline)
            break;
        run.logger.info(`${count} of ${expected} events are searchable; checking again in ${wait} ms`);
        await delay(wait);
        wait = nextBackoff(wait, timing.maxPollMs);
    }
    throw new VerifyError('verify/not-searchable', `Only ${count} of ${expected} events sent to index '${report.index}' were searchable after ${timing.indexTimeoutMs} ms. Raise --index-timeout, or check the indexing queue and that the HEC token writes to that index.`);
}
async function searchRules(run, input) {
    for (const rule of input.rules) {
        run.logger.info(`Searching for ${rule.path}`);
        try {
            const rows = await runSearchJob(run.connection, ruleSearch(rule, run.report), run.window, jobTiming(run.timing));
            compareRule(rule, returnedEvents(rows), input.events, run.report);
        }
        catch (error) {
            if (!(error instanceof VerifyError) || !isRuleProblem(error))
                throw error;
            run.logger.warning(`The search for ${rule.path} failed (${error.check}): ${error.message}`);
            run.report.rules.push({ ...identity(rule), status: 'failed', reason: error.message, splunkMatches: null, engineMatches: null });
        }
    }
}
/**
 * Return the search for one rule: the scratch index and the run's tag in
 * front of the rule's SPL. Terms in front of a search are ANDed with all of
 * it, because OR binds tighter than the implied AND in Splunk's search
 * command. `table` keeps only the event numbers in the results.
 */
function ruleSearch(rule, report) {
    return `search index=${report.index} ${RUN_FIELD}::${report.runId} ${rule.spl} | table ${EVENT_FIELD}`;
}
function returnedEvents(rows) {
    const numbers = new Set();
    for (const row of rows) {
        const value = row[EVENT_FIELD];
        for (const item of Array.isArray(value) ? value : [value]) {
            if (typeof item === 'string' && /^\d+$/.test(item))
                numbers.add(Number(item));
        }
    }
    return numbers;
}
/** Compare Splunk's results with the SPL engine's verdict on every event of the run. */
function compareRule(rule, returned, events, report) {
    let engineMatches = 0;
    let disagreements = 0;
    for (const event of events) {
        const engine = rule.splMatches(event.event);
        const splunk = returned.has(event.number);
        if (engine)
            engineMatches++;
        if (engine === splunk)
            continue;
        disagreements++;
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
        });
    }
    const status = disagreements === 0 ? 'agreed' : 'disagreed';
    const splunkMatches = events.filter((event) => returned.has(event.number)).length;
    report.rules.push({ ...identity(rule), status, splunkMatches, engineMatches });
}
/** Delete the run's events with `| delete`, which needs the can_delete role. */
async function deleteEvents(run) {
    const { report } = run;
    if (report.summary.events === 0)
        return 'none';
    const search = `search index=${report.index} ${RUN_FIELD}::${report.runId} | delete`;
    try {
        await runSearchJob(run.connection, search, run.window, jobTiming(run.timing));
        return 'deleted';
    }
    catch (error) {
        if (!(error instanceof VerifyError))
            throw error;
        const message = `The events of run ${report.runId} were not deleted from index '${report.index}': ${error.message} Give the token's user the can_delete role, or give the scratch index a short retention (frozenTimePeriodInSecs), or pass --keep-events.`;
        run.logger.warning(message);
        report.diagnostics.push((0,diagnostic/* diagnosticAt */.R)(undefined, 'verify/cleanup-failed', 'warning', message));
        return 'failed';
    }
}
/** Errors that concern one rule's search; any other error stops the run. */
function isRuleProblem(error) {
    return ['verify/search-failed', 'verify/partial-results', 'verify/timeout', 'verify/rest-error'].includes(error.check);
}
function jobTiming(timing) {
    return { pollMs: timing.pollMs, maxPollMs: timing.maxPollMs, timeoutMs: timing.searchTimeoutMs };
}
function identity(rule) {
    return { path: rule.path, id: rule.id, title: rule.title, ...(rule.document !== undefined ? { document: rule.document } : {}) };
}
function emptyReport(runId, splunkUrl, index) {
    return {
        version: verify_report/* VERIFY_REPORT_VERSION */.K,
        runId,
        splunk: splunkUrl,
        index,
        summary: { rules: 0, agreed: 0, disagreed: 0, failed: 0, skipped: 0, events: 0, disagreements: 0 },
        cleanup: 'none',
        rules: [],
        disagreements: [],
        diagnostics: [],
    };
}
function summarise(report) {
    const count = (status) => report.rules.filter((rule) => rule.status === status).length;
    report.summary.rules = report.rules.length;
    report.summary.agreed = count('agreed');
    report.summary.disagreed = count('disagreed');
    report.summary.failed = count('failed');
    report.summary.skipped = count('skipped');
    report.summary.disagreements = report.disagreements.length;
}
/**
 * Replace every occurrence of a token in the report's text, as a last guard:
 * no message is built from a token, but a server could echo one back.
 */
function redactSecrets(report, secrets) {
    const present = secrets.filter((secret) => secret.length > 0);
    if (present.length === 0)
        return report;
    const text = JSON.stringify(report, (_key, value) => {
        if (typeof value !== 'string')
            return value;
        return present.reduce((result, secret) => result.replaceAll(secret, '***'), value);
    });
    return JSON.parse(text);
}


/***/ }),

/***/ 21615:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   K: () => (/* binding */ VERIFY_REPORT_VERSION),
/* harmony export */   formatVerifyMarkdown: () => (/* binding */ formatVerifyMarkdown),
/* harmony export */   formatVerifyText: () => (/* binding */ formatVerifyText),
/* harmony export */   verifyFails: () => (/* binding */ verifyFails)
/* harmony export */ });
/* unused harmony export formatVerifyJson */
/** Version of the JSON shape of `sigma-gate verify --format json`. */
const VERIFY_REPORT_VERSION = 1;
/** Whether a verify run should fail CI: any disagreement, failed rule or error. */
function verifyFails(report) {
    if (report.summary.disagreements > 0 || report.summary.failed > 0)
        return true;
    return report.diagnostics.some((d) => d.severity === 'error');
}
/** Format the report as indented JSON. */
function formatVerifyJson(report) {
    return `${JSON.stringify(report, null, 2)}\n`;
}
/** Format the report for a terminal or CI log. */
function formatVerifyText(report) {
    const lines = [`sigma-gate verify: run ${report.runId} on index '${report.index}' at ${report.splunk}`];
    for (const rule of report.rules)
        lines.push(...ruleLines(rule, report));
    for (const d of report.diagnostics) {
        const where = d.file === undefined ? '' : `${d.file}:${d.line}:${d.column}: `;
        lines.push(`${where}${d.severity} ${d.check}: ${d.message}`);
    }
    lines.push(summaryLine(report));
    return `${lines.join('\n')}\n`;
}
function ruleLines(rule, report) {
    const name = ruleName(rule);
    if (rule.status === 'skipped')
        return [`${name}: skipped: ${rule.reason ?? ''}`];
    if (rule.status === 'failed')
        return [`${name}: FAILED: ${rule.reason ?? ''}`];
    const counts = `Splunk returned ${rule.splunkMatches ?? 0}, the SPL engine matched ${rule.engineMatches ?? 0}`;
    if (rule.status === 'agreed')
        return [`${name}: agreed (${counts})`];
    const lines = [`${name}: DISAGREED (${counts})`];
    for (const d of disagreementsOf(rule, report))
        lines.push(`  ${eventName(d)}: ${describeVerdicts(d)}`);
    return lines;
}
/** Format the report as a Markdown section for the GitHub job summary. */
function formatVerifyMarkdown(report) {
    const { summary } = report;
    const lines = [
        '## Splunk verification',
        '',
        `Run \`${report.runId}\` on index \`${report.index}\`: ${summary.agreed} rules agreed, ${summary.disagreed} disagreed, ${summary.failed} failed, ${summary.skipped} skipped; ${summary.events} events sent, events ${report.cleanup}.`,
        '',
    ];
    if (report.disagreements.length > 0) {
        lines.push('| rule | event | Splunk | SPL engine |', '| --- | --- | --- | --- |');
        for (const d of report.disagreements) {
            lines.push(`| ${cell(d.rule)} | ${cell(eventName(d))} | ${d.splunk ? 'returned' : 'not returned'} | ${d.engine ? 'match' : 'no match'} |`);
        }
        lines.push('');
    }
    const problems = [
        ...report.rules.filter((rule) => rule.status === 'failed').map((rule) => `${ruleName(rule)}: ${rule.reason ?? ''}`),
        ...report.diagnostics.filter((d) => d.severity !== 'info').map((d) => `${d.severity} \`${d.check}\`: ${d.message}`),
    ];
    for (const problem of problems)
        lines.push(`- ${cell(problem)}`);
    return `${lines.join('\n')}\n`;
}
function disagreementsOf(rule, report) {
    return report.disagreements.filter((d) => d.rule === rule.path && d.document === rule.document);
}
function ruleName(rule) {
    return rule.document === undefined ? rule.path : `${rule.path} (document ${rule.document + 1})`;
}
function eventName(d) {
    const line = d.line === undefined ? '' : `, line ${d.line}`;
    return `${d.file}#${d.index}${line}`;
}
function describeVerdicts(d) {
    return d.splunk
        ? 'Splunk returned this event, but the SPL engine did not match it'
        : 'the SPL engine matched this event, but Splunk did not return it';
}
function summaryLine(report) {
    const { summary } = report;
    return `${summary.rules} rules: ${summary.agreed} agreed, ${summary.disagreed} disagreed, ${summary.failed} failed, ${summary.skipped} skipped; ${summary.events} events sent; ${summary.disagreements} disagreements; events ${report.cleanup}`;
}
function cell(text) {
    return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}


/***/ })

};
