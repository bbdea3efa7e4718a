// Benchmark sigma-gate on the shared SigmaHQ corpus and print one table.
//
// Run with `npm run bench`, which compiles the sources to build/ first. Each
// figure is the median of several runs in this process; times are given as
// ratios to a floor measured in the same run, before and after the corpus
// runs (read every rule file and parse it with the yaml package). Peak RSS
// comes from one child process per measure. The table is also written to
// bench/results.json; with --docs it also rewrites docs/benchmarks.md. A benchmark never fails the build: a
// measure that cannot run prints why instead of a number.

import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseAllDocuments, Parser } from 'yaml'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const BUILD = path.join(ROOT, 'build', 'src')
const CORPUS = path.resolve(ROOT, '..', 'shared', 'corpus', 'sigmahq')
const RULE_DIRS = ['rules', 'rules-threat-hunting'].map((dir) => path.join(CORPUS, dir))
const QUICK = process.env.BENCH_QUICK === '1'
const RUNS = QUICK ? 1 : 5
const MATCH_EVENTS = QUICK ? 50_000 : 1_000_000

const child = process.argv[2] === '--child' ? process.argv.slice(3) : undefined
if (child) await runChild(child)
else await main()

async function main() {
  if (!existsSync(CORPUS)) {
    console.log(`No corpus at ${CORPUS}; nothing to measure.`)
    return
  }
  const rows = []
  const add = (row) => {
    rows.push(row)
    const figures = [row.ms === undefined ? '' : `${Math.round(row.ms)} ms`, row.eventsPerSec === undefined ? '' : `${row.eventsPerSec} events/s`, row.note ?? '']
    process.stderr.write(`  ${row.measure}: ${figures.filter(Boolean).join(', ')}\n`)
  }
  const files = RULE_DIRS.flatMap((dir) => walk(dir, /\.ya?ml$/i)).sort()

  // The floor is measured before and after the corpus runs, so a machine
  // that slows down or speeds up meanwhile moves both sides of the ratios.
  const floorTimes = repeat(RUNS, () => time(() => parseFloor(files)))
  const floorRow = { measure: 'floor: read + yaml parseAllDocuments', ms: median(floorTimes), rules: files.length }
  add(floorRow)
  add({ measure: 'yaml CST only (Parser, no Composer)', ms: median(repeat(RUNS, () => time(() => parseCst(files)))), rules: files.length })

  const engine = await import(path.join(BUILD, 'engine.js'))
  const workers = await workerOption()
  // Two runs first, so every figure below is a warm run, as the floor's median is.
  for (let i = 0; i < 2; i++) await engine.run({ verb: 'check', paths: RULE_DIRS, cwd: CORPUS, workers })
  for (const [verb, threads] of [['lint', workers.count], ['convert', workers.count], ['check', workers.count], ['check', 1]]) {
    let rules = 0
    const times = []
    for (let i = 0; i < RUNS; i++) {
      const start = performance.now()
      const report = await engine.run({ verb, paths: RULE_DIRS, cwd: CORPUS, workers: { ...workers, count: threads } })
      times.push(performance.now() - start)
      rules = report.summary.rules
    }
    const rss = childRss(['verb', verb, String(threads)])
    add({ measure: `${verb} corpus, ${threads === 1 ? 'one thread' : `${threads} threads`}`, ms: median(times), rules, rssMb: rss })
  }
  floorTimes.push(...repeat(RUNS, () => time(() => parseFloor(files))))
  const floor = median(floorTimes)
  floorRow.ms = floor
  process.stderr.write(`  floor, before and after the corpus runs: ${Math.round(floor)} ms\n`)
  const cli = path.join(ROOT, 'dist', 'cli', 'index.js')
  if (existsSync(cli)) {
    const ms = median(repeat(RUNS, () => wallOf(['node', cli, 'check', ...RULE_DIRS, '--fail-on', 'never', '--format', 'json'], {})))
    add({ measure: 'check corpus as a whole process (dist/cli, cold, default threads)', ms, rules: files.length, rssMb: childRss(['cli', '']) })
    const threaded = median(repeat(RUNS, () => wallOf(['node', cli, 'check', ...RULE_DIRS, '--fail-on', 'never', '--format', 'json', '--threads', String(workers.count)], {})))
    add({ measure: `check corpus as a whole process (dist/cli, cold, ${workers.count} threads)`, ms: threaded, rules: files.length, rssMb: childRss(['cli', String(workers.count)]) })
  }
  await growthOfCheck(engine, files, add)

  const { rules, events } = await loadMatcherInput(files)
  await benchNative(rules, events, add)
  await benchSpl(rules, events, add)

  coldStarts(files, add)
  await changedOnly(add)
  await growthOfMatcher(rules, events, add)
  await streaming(events, add)

  const table = formatTable(rows, floor)
  console.log(table)
  mkdirSync(path.join(ROOT, 'bench'), { recursive: true })
  const machine = describeMachine()
  writeFileSync(path.join(ROOT, 'bench', 'results.json'), `${JSON.stringify({ machine, floorMs: floor, rows }, null, 2)}\n`)
  if (process.argv.includes('--docs')) writeDocs(table, machine)
}

/** The floor: read each rule file and parse it with the yaml package's public API. */
function parseFloor(files) {
  for (const file of files) parseAllDocuments(readFileSync(file, 'utf8'))
}

/** The lower-level CST pass alone, to show what composing the documents costs. */
function parseCst(files) {
  for (const file of files) for (const token of new Parser().parse(readFileSync(file, 'utf8'))) void token
}

/** Compile every corpus rule to the IR the engine uses, and pool the regression events. */
async function loadMatcherInput(files) {
  const { parseRuleFile } = await import(path.join(BUILD, 'sigma/load-rule-file.js'))
  const { compileDetection } = await import(path.join(BUILD, 'sigma/compile-rule.js'))
  const { applySysmonLogsource, sysmonMapping } = await import(path.join(BUILD, 'pipeline/sysmon.js'))
  const { parseEventText } = await import(path.join(BUILD, 'events/load-events.js'))

  const rules = []
  for (const file of files) {
    for (const { rule } of parseRuleFile(file, readFileSync(file, 'utf8')).rules) {
      if (rule.kind !== 'rule') continue
      const detection = compileDetection(rule)
      if (detection.expr) rules.push({ id: `${path.relative(CORPUS, file)}#${rules.length}`, expr: applySysmonLogsource(detection.expr, sysmonMapping(rule)) })
    }
  }
  const eventFiles = walk(path.join(CORPUS, 'regression_data'), /\.json$/i).sort()
  const events = eventFiles.flatMap((file) => parseEventText(readFileSync(file, 'utf8'), file).events.map((loaded) => loaded.event))
  return { rules, events }
}

async function benchNative(rules, events, add) {
  const { buildRuleIndex } = await import(path.join(BUILD, 'match/rule-index.js'))
  const routed = buildRuleIndex(rules)
  const chunk = Math.ceil(MATCH_EVENTS / 5)
  add({ measure: `native matcher, routed + prefilter (${rules.length} rules, ${fmtCount(MATCH_EVENTS)} events)`, ...matchRate(routed, events, chunk, 5) })
  const routeOnly = buildRuleIndex(rules, { prefilter: false })
  add({ measure: 'native matcher, routing only', ...matchRate(routeOnly, events, events.length, RUNS) })
  const plain = buildRuleIndex(rules, { routing: false, prefilter: false })
  add({ measure: 'native matcher, no routing (closure per rule)', ...matchRate(plain, events, events.length, RUNS) })
}

async function benchSpl(rules, events, add) {
  const { convertToSpl, DEFAULT_SYSMON_SCOPE } = await import(path.join(BUILD, 'backends/splunk/index.js'))
  const { SPLUNK_SYSMON_FIELD_NAMES } = await import(path.join(BUILD, 'pipeline/sysmon.js'))
  const { toSplEvent } = await import(path.join(BUILD, 'pipeline/spl-event.js'))
  const { parseSpl } = await import(path.join(BUILD, 'spl/index.js'))
  const { buildSplIndex } = await import(path.join(BUILD, 'spl/spl-index.js'))

  const queries = []
  for (const rule of rules) {
    const [query] = convertToSpl(rule.expr, { scope: DEFAULT_SYSMON_SCOPE, fieldNames: SPLUNK_SYSMON_FIELD_NAMES }).queries
    const parsed = query === undefined ? undefined : parseSpl(query)
    if (parsed?.ok) queries.push({ id: rule.id, query: parsed.query })
  }
  const splEvents = events.map((event) => toSplEvent(event, SPLUNK_SYSMON_FIELD_NAMES, {}))
  const routed = buildSplIndex(queries)
  const count = QUICK ? 5_000 : 100_000
  add({ measure: `SPL engine, routed + prefilter (${queries.length} queries, ${fmtCount(count)} events)`, ...matchRate(routed, splEvents, Math.ceil(count / 5), 5) })
  const plain = buildSplIndex(queries, { routing: false, prefilter: false })
  add({ measure: 'SPL engine, no routing', ...matchRate(plain, splEvents, splEvents.length, RUNS) })
}

/**
 * Match `perRun` events (fresh shallow copies, so no per-event cache
 * carries over) in each of `runs` runs; the rate is per CPU second of this
 * single-threaded process, the median over the runs.
 */
function matchRate(index, events, perRun, runs) {
  const rates = []
  const wall = []
  let matches = 0
  for (let run = 0; run < runs; run++) {
    const cpu = process.cpuUsage()
    const start = performance.now()
    for (let done = 0; done < perRun; ) {
      for (const event of events) {
        if (done++ >= perRun) break
        matches += index.matchAll({ ...event }).length
      }
    }
    const used = process.cpuUsage(cpu)
    rates.push(perRun / ((used.user + used.system) / 1e6))
    wall.push(perRun / ((performance.now() - start) / 1000))
  }
  return { eventsPerSec: Math.round(median(rates)), wallEventsPerSec: Math.round(median(wall)), note: `${(matches / (perRun * runs)).toFixed(2)} matches/event` }
}

function coldStarts(files, add) {
  const one = files.find((file) => file.includes('proc_creation_win_whoami_execution')) ?? files[0]
  const cli = path.join(ROOT, 'dist', 'cli', 'index.js')
  if (existsSync(cli)) add({ measure: 'cold start: dist/cli check ONE_RULE.yml', ms: median(repeat(RUNS + 2, () => wallOf(['node', cli, 'check', one, '--fail-on', 'never'], {}))) })
  else add({ measure: 'cold start: dist/cli check ONE_RULE.yml', note: 'not available (no dist/cli)' })
  add({ measure: 'cold start: build/src/cli check ONE_RULE.yml (unbundled)', ms: median(repeat(RUNS + 2, () => wallOf(['node', path.join(BUILD, 'cli', 'main.js'), 'check', one, '--fail-on', 'never'], {}))) })

  const action = path.join(ROOT, 'dist', 'action', 'index.js')
  if (!existsSync(action)) return add({ measure: 'cold start: dist/action on rules/', note: 'not available (no dist/action)' })
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'sigma-gate-bench-'))
  const env = {
    GITHUB_WORKSPACE: ROOT,
    GITHUB_OUTPUT: path.join(scratch, 'output'),
    GITHUB_STEP_SUMMARY: path.join(scratch, 'summary.md'),
    RUNNER_TEMP: scratch,
    INPUT_PATHS: 'rules',
    'INPUT_FAIL-ON': 'never',
    'INPUT_OUTPUT-DIR': path.join(scratch, 'out'),
    'INPUT_UPLOAD-ARTIFACTS': 'false',
    INPUT_COMMENT: 'false',
  }
  add({ measure: 'cold start: dist/action on rules/', ms: median(repeat(RUNS + 2, () => wallOf(['node', action], env, ROOT))) })
  rmSync(scratch, { recursive: true, force: true })
}

/** A changed-only pull request run of the action bundle with one changed rule. */
async function changedOnly(add) {
  const { measureChangedOnly } = await import('./bench-changed-only.mjs')
  add({ measure: 'changed-only check, one changed rule', ...measureChangedOnly(RUNS) })
}

/**
 * Return the worker threads of the threaded rows: one per core, at least 2
 * and at most 8. On a 2-core machine the CLI's default is one thread, since
 * a cold process gains nothing from the second; these warm runs do.
 */
async function workerOption() {
  return { entry: path.join(BUILD, 'cli', 'main.js'), count: Math.max(2, Math.min(8, os.availableParallelism())) }
}

async function growthOfCheck(engine, files, add) {
  const workers = await workerOption()
  for (const share of [0.25, 0.5, 1]) {
    const subset = files.filter((_, index) => index % Math.round(1 / share) === 0)
    const times = []
    for (let i = 0; i < RUNS; i++) {
      const start = performance.now()
      await engine.run({ verb: 'check', paths: subset, cwd: CORPUS, workers })
      times.push(performance.now() - start)
    }
    add({ measure: `growth: check ${share * 100} % of the corpus`, ms: median(times), rules: subset.length })
  }
}

async function growthOfMatcher(rules, events, add) {
  const { buildRuleIndex } = await import(path.join(BUILD, 'match/rule-index.js'))
  const index = buildRuleIndex(rules)
  const base = QUICK ? 5_000 : 50_000
  for (const factor of [1, 2, 4]) {
    const { eventsPerSec } = matchRate(index, events, base * factor, 1)
    add({ measure: `growth: native matcher, ${fmtCount(base * factor)} events`, ms: ((base * factor) / eventsPerSec) * 1000, eventsPerSec })
  }
}

/** Stream a generated 200 MB NDJSON (and a 100 MB .evtx) through the routed matcher in a child. */
async function streaming(events, add) {
  if (!existsSync(path.join(BUILD, 'events', 'event-stream.js'))) {
    add({ measure: 'streaming 200 MB NDJSON', note: 'not available' })
    add({ measure: 'streaming 100 MB .evtx', note: 'not available' })
    return
  }
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'sigma-gate-stream-'))
  try {
    const ndjson = path.join(scratch, 'events.ndjson')
    writeNdjson(ndjson, events, (QUICK ? 20 : 200) * 1024 * 1024)
    add({ measure: `streaming ${QUICK ? 20 : 200} MB NDJSON through the routed matcher`, ...childStream(ndjson) })

    const evtx = path.join(scratch, 'events.evtx')
    const made = writeEvtx(evtx, (QUICK ? 10 : 100) * 1024 * 1024)
    if (made) add({ measure: `streaming ${QUICK ? 10 : 100} MB .evtx through the routed matcher`, ...childStream(evtx) })
    else add({ measure: 'streaming 100 MB .evtx', note: 'not available (no corpus .evtx to repeat)' })
  } finally {
    rmSync(scratch, { recursive: true, force: true })
  }
}

/** Write NDJSON of the pooled regression events, repeated with a running record number. */
function writeNdjson(file, events, bytes) {
  const lines = []
  let size = 0
  for (let n = 0; size < bytes; n++) {
    const line = JSON.stringify({ ...events[n % events.length], BenchRecord: n })
    lines.push(line)
    size += line.length + 1
    if (lines.length === 10_000) {
      writeFileSync(file, `${lines.join('\n')}\n`, { flag: 'a' })
      lines.length = 0
    }
  }
  if (lines.length > 0) writeFileSync(file, `${lines.join('\n')}\n`, { flag: 'a' })
}

/**
 * Write an .evtx file by repeating the 64 KiB chunks of the corpus's .evtx
 * files behind one file header whose chunk count and checksum are updated.
 */
function writeEvtx(file, bytes) {
  const sources = walk(path.join(CORPUS, 'regression_data'), /\.evtx$/i).sort()
  const chunks = []
  let header
  for (const source of sources) {
    const data = readFileSync(source)
    header ??= Buffer.from(data.subarray(0, 4096))
    for (let offset = 4096; offset + 65536 <= data.length; offset += 65536) {
      // Preallocated chunk slots are zero; only chunks with records are repeated.
      const chunk = data.subarray(offset, offset + 65536)
      if (chunk.subarray(0, 8).toString('latin1') === 'ElfChnk\0') chunks.push(chunk)
    }
  }
  if (!header || chunks.length === 0) return false
  const count = Math.ceil((bytes - 4096) / 65536)
  header.writeBigUInt64LE(0n, 8)
  header.writeBigUInt64LE(BigInt(count - 1), 16)
  header.writeUInt16LE(Math.min(count, 0xffff), 42)
  header.writeUInt32LE(header.readUInt32LE(120) & ~1, 120)
  header.writeUInt32LE(crc32(header.subarray(0, 120)), 124)
  const parts = [header]
  for (let i = 0; i < count; i++) parts.push(chunks[i % chunks.length])
  writeFileSync(file, Buffer.concat(parts))
  return true
}

function crc32(bytes) {
  let crc = ~0
  for (const byte of bytes) {
    crc ^= byte
    for (let bit = 0; bit < 8; bit++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1))
  }
  return ~crc >>> 0
}

function childStream(file) {
  const result = spawnSync('node', [fileURLToPath(import.meta.url), '--child', 'stream', file], { encoding: 'utf8', maxBuffer: 1 << 24 })
  const line = (result.stdout ?? '').trim().split('\n').pop() ?? ''
  try {
    return JSON.parse(line)
  } catch {
    return { note: `failed: ${(result.stderr ?? '').trim().split('\n').slice(-1)[0] ?? 'no output'}` }
  }
}

function childRss(args) {
  const result = spawnSync('node', [fileURLToPath(import.meta.url), '--child', ...args], { encoding: 'utf8', maxBuffer: 1 << 24 })
  const line = (result.stdout ?? '').trim().split('\n').pop() ?? ''
  try {
    return JSON.parse(line).rssMb
  } catch {
    return undefined
  }
}

/** Work done in a child process, so its peak RSS is its own. */
async function runChild([kind, arg, threads]) {
  const start = performance.now()
  if (kind === 'cli') {
    // The CLI bundle runs as it would from a shell; only this process's peak RSS goes to the parent.
    const write = process.stdout.write.bind(process.stdout)
    process.stdout.write = () => true
    process.on('exit', () => write(`${JSON.stringify({ rssMb: process.resourceUsage().maxRSS / 1024 })}\n`))
    const cli = path.join(ROOT, 'dist', 'cli', 'index.js')
    process.argv = [process.argv[0], cli, 'check', ...RULE_DIRS, '--fail-on', 'never', '--format', 'json', ...(arg ? ['--threads', arg] : [])]
    await import(cli)
    return
  }
  if (kind === 'verb') {
    const { run } = await import(path.join(BUILD, 'engine.js'))
    await run({ verb: arg, paths: RULE_DIRS, cwd: CORPUS, workers: { ...(await workerOption()), count: Number(threads) } })
    console.log(JSON.stringify({ ms: performance.now() - start, rssMb: process.resourceUsage().maxRSS / 1024 }))
    return
  }
  const files = RULE_DIRS.flatMap((dir) => walk(dir, /\.ya?ml$/i)).sort()
  const { rules } = await loadMatcherInput(files)
  const { buildRuleIndex } = await import(path.join(BUILD, 'match/rule-index.js'))
  const { streamEventFile, isEventDiagnostic } = await import(path.join(BUILD, 'events', 'event-stream.js'))
  const index = buildRuleIndex(rules)
  const begin = performance.now()
  let events = 0
  let problems = 0
  let firstProblem = ''
  for await (const item of streamEventFile(arg, { limits: { eventsPerFixture: Number.MAX_SAFE_INTEGER, eventFileBytes: 64 * 1024 * 1024 } })) {
    if (isEventDiagnostic(item)) {
      problems++
      firstProblem ||= item.message
      continue
    }
    events++
    index.matchAll(item.event)
  }
  const ms = performance.now() - begin
  const note = problems > 0 ? `${problems} diagnostics, first: ${firstProblem.slice(0, 80)}` : `${fmtCount(events)} events`
  console.log(JSON.stringify({ ms, eventsPerSec: Math.round(events / (ms / 1000)), rssMb: process.resourceUsage().maxRSS / 1024, note }))
}

function wallOf(command, env, cwd = CORPUS) {
  const start = performance.now()
  spawnSync(command[0], command.slice(1), { cwd, env: { ...process.env, ...env }, stdio: 'ignore' })
  return performance.now() - start
}

function formatTable(rows, floor) {
  const header = ['measure', 'time', 'rules/s', 'events/s (CPU)', '× floor', 'peak RSS', 'note']
  const lines = rows.map((row) => [
    row.measure,
    row.ms === undefined ? '' : `${(row.ms / 1000).toFixed(2)} s`,
    row.rules && row.ms ? String(Math.round(row.rules / (row.ms / 1000))) : '',
    row.eventsPerSec === undefined ? '' : fmtCount(row.eventsPerSec),
    row.ms === undefined ? '' : (row.ms / floor).toFixed(2),
    row.rssMb === undefined ? '' : `${Math.round(row.rssMb)} MB`,
    row.note ?? '',
  ])
  const widths = header.map((title, column) => Math.max(title.length, ...lines.map((line) => line[column].length)))
  const format = (cells) => `| ${cells.map((cell, column) => cell.padEnd(widths[column])).join(' | ')} |`
  return [format(header), format(widths.map((width) => '-'.repeat(width))), ...lines.map(format)].join('\n')
}

function describeMachine() {
  const cpus = os.cpus()
  return { cpu: cpus[0]?.model ?? 'unknown', cores: cpus.length, memoryGb: Math.round(os.totalmem() / 2 ** 30), node: process.version, platform: `${os.platform()} ${os.release()}`, date: new Date().toISOString().slice(0, 10) }
}

function writeDocs(table, machine) {
  const file = path.join(ROOT, 'docs', 'benchmarks.md')
  const text = readFileSync(file, 'utf8')
  const start = text.indexOf('<!-- bench:start -->')
  const end = text.indexOf('<!-- bench:end -->')
  if (start < 0 || end < 0) return
  const body = `<!-- bench:start -->\nMachine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGb} GiB, Node ${machine.node}, ${machine.platform}; run on ${machine.date}.\n\n${table}\n`
  writeFileSync(file, text.slice(0, start) + body + text.slice(end))
}

function walk(dir, pattern, out = []) {
  if (!existsSync(dir)) return out
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) walk(full, pattern, out)
    else if (pattern.test(entry.name)) out.push(full)
  }
  return out
}

function time(action) {
  const start = performance.now()
  action()
  return performance.now() - start
}

function repeat(count, action) {
  return Array.from({ length: count }, action)
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

function fmtCount(value) {
  return Math.round(value).toLocaleString('en-US')
}
