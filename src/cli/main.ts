#!/usr/bin/env node
import { Command, InvalidArgumentError, Option } from 'commander'
import path from 'node:path'
import { compilePart, prepareRules, run } from '../engine.js'
import { formatCheckList } from '../lint/checks.js'
import type { Logger } from '../logger.js'
import { reportFails, type FailOn, type Report, type Verb } from '../report/report.js'
import { formatTextReport } from '../report/text-report.js'
import { defaultThreadCount, isPartWorker, servePart } from '../parallel/worker-pool.js'
import { addShardDiagnostics, parseShard, selectShard, type Shard } from '../shard.js'
import { addVerifyCommand } from '../verify/verify-command.js'

const EXIT_CLEAN = 0
const EXIT_FAILED = 1
const EXIT_USAGE = 2

interface VerbOptions {
  format: 'text' | 'json' | 'junit'
  failOn?: FailOn
  out?: string
  navigator?: string
  verbose?: boolean
  shard?: Shard
  threads?: number
}

const stderrLogger = (verbose: boolean): Logger => ({
  info: (message) => {
    if (verbose) process.stderr.write(`${message}\n`)
  },
  warning: (message) => process.stderr.write(`warning: ${message}\n`),
  debug: () => {},
  startGroup: () => {},
  endGroup: () => {},
})

async function runVerb(verb: Verb, paths: string[], options: VerbOptions): Promise<number> {
  const sharded = options.shard && (await selectShard(paths, process.cwd(), options.shard))
  const report = await run({
    verb,
    paths,
    cwd: process.cwd(),
    ...(sharded ? { only: sharded.selection } : {}),
    ...(options.failOn !== undefined ? { failOn: options.failOn } : {}),
    logger: stderrLogger(options.verbose ?? false),
    ...(options.out !== undefined ? { outDir: options.out } : {}),
    workers: { entry: new URL(import.meta.url), count: options.threads ?? defaultThreadCount() },
  })
  if (sharded) addShardDiagnostics(report, sharded.diagnostics)
  if (options.navigator !== undefined) {
    const { writeNavigatorLayer } = await import('../report/navigator-layer.js')
    await writeNavigatorLayer(path.resolve(options.navigator), report)
  }
  const text = await formatReport(report, options.format)
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`)
  return reportFails(report, report.failOn ?? 'error') ? EXIT_FAILED : EXIT_CLEAN
}

/** Format the report. The JSON and JUnit writers load only when requested, which keeps start-up short. */
async function formatReport(report: Report, format: VerbOptions['format']): Promise<string> {
  if (format === 'json') return (await import('../report/json-report.js')).formatJsonReport(report)
  if (format === 'junit') return (await import('../report/junit-report.js')).formatJunitReport(report)
  return formatTextReport(report, { color: process.stdout.isTTY === true })
}

interface MatchOptions {
  events: string[]
  format: 'text' | 'json'
  all?: boolean
}

/** Try every event on every rule on both engines, for exploring a rule. */
async function runMatch(rulePaths: string[], options: MatchOptions): Promise<number> {
  const cwd = process.cwd()
  const prepared = await prepareRules(rulePaths, cwd)
  const { loadEventFile } = await import('../events/load-events.js')
  const results: Record<string, unknown>[] = []
  const problems: string[] = prepared.diagnostics.map((d) => `${d.file ?? ''}: ${d.message}`)

  for (const eventFile of options.events) {
    const loaded = await loadEventFile(path.resolve(cwd, eventFile))
    for (const d of loaded.diagnostics) problems.push(`${eventFile}:${d.line}:${d.column}: ${d.message}`)
    for (const rule of prepared.rules) {
      const { native, spl } = rule.engines
      if (!native || !spl) continue
      for (const event of loaded.events) {
        const nativeVerdict = native(event.event)
        const splVerdict = spl(event.event)
        if (!options.all && !nativeVerdict && !splVerdict) continue
        results.push({ rule: rule.report.path, id: rule.report.id, file: eventFile, index: event.index, native: nativeVerdict, spl: splVerdict })
      }
    }
  }
  const unrunnable = prepared.rules.filter((rule) => !rule.engines.native || !rule.engines.spl)
  for (const rule of unrunnable) {
    results.push({ rule: rule.report.path, id: rule.report.id, diagnostics: rule.report.diagnostics })
  }

  if (options.format === 'json') {
    process.stdout.write(`${JSON.stringify({ version: 1, results }, null, 2)}\n`)
  } else {
    for (const result of results) {
      if ('diagnostics' in result) {
        process.stdout.write(`${String(result.rule)}: cannot run (${(result.diagnostics as { message: string }[]).map((d) => d.message).join(' ')})\n`)
        continue
      }
      let verdict = result.native ? 'match' : 'no match'
      if (result.native !== result.spl) verdict = `DISAGREE native=${String(result.native)} spl=${String(result.spl)}`
      process.stdout.write(`${String(result.rule)} ← ${String(result.file)}#${String(result.index)}: ${verdict}\n`)
    }
  }
  for (const problem of problems) process.stderr.write(`${problem}\n`)
  if (prepared.rules.length === 0) process.stderr.write('No rule could be tried: no rule files were found.\n')
  // Disagreeing engines, rules that cannot run and unreadable events all mean the comparison is incomplete.
  const disagreements = results.some((result) => 'native' in result && result.native !== result.spl)
  const incomplete = unrunnable.length > 0 || problems.length > 0 || prepared.rules.length === 0
  return disagreements || incomplete ? EXIT_FAILED : EXIT_CLEAN
}

function parseShardOption(value: string): Shard {
  const parsed = parseShard(value)
  if (!parsed.ok) throw new InvalidArgumentError(parsed.message)
  return parsed.shard
}

function parseThreads(value: string): number {
  const threads = /^\d+$/.test(value) ? Number(value) : Number.NaN
  if (threads >= 1 && threads <= 64) return threads
  throw new InvalidArgumentError(`'${value}' is not a thread count. Use a whole number from 1 to 64; 1 runs everything on one thread.`)
}

function parseFailOn(value: string): FailOn {
  if (value === 'error' || value === 'warning' || value === 'never') return value
  throw new InvalidArgumentError(`'${value}' is not a threshold. Use error, warning or never.`)
}

/** Build the command-line interface; `exit` receives the process exit code. */
export function buildProgram(exit: (code: number) => void): Command {
  const program = new Command()
  program
    .name('sigma-gate')
    .description('Lint Sigma rules, convert them to Splunk SPL for Sysmon, check the SPL on events and run regression fixtures.')
    .exitOverride((error) => {
      exit(error.exitCode === 0 ? EXIT_CLEAN : EXIT_USAGE)
      throw error
    })

  const verbs: [Verb, string][] = [
    ['lint', 'check rules: YAML, structure, metadata, ATT&CK tags'],
    ['convert', 'lint and convert rules to Splunk SPL, checked by the SPL parser'],
    ['test', 'lint, convert and run the fixtures of each rule on both engines'],
    ['check', 'lint, convert and test: everything the action does'],
  ]
  for (const [verb, description] of verbs) {
    const command = program
      .command(verb)
      .description(description)
      .argument('[paths...]', 'rule files or directories', ['rules'])
      .addOption(new Option('--format <format>', 'report format: text, json, or junit (JUnit XML: one test suite per rule, one test case per fixture test)').choices(['text', 'json', 'junit']).default('text'))
      .option('--fail-on <severity>', 'exit 1 when a diagnostic of this severity or worse is found: error, warning or never (failing fixtures always fail); default: the config file\'s fail-on, else error', parseFailOn)
      .option('-v, --verbose', 'print progress to stderr')
      .option('--shard <i/n>', 'check only part i of n of the rule files, chosen by a hash of each path, for splitting a large repository across CI runners', parseShardOption)
      .option('--threads <n>', 'split a run of many rule files across this many threads (default: one per core, at most 8, and one on a 2-core machine; the report is the same)', parseThreads)
    if (verb === 'convert' || verb === 'check') {
      command.option('--out <dir>', 'write one .spl file per rule into this directory, mirroring the rule tree')
      command.option('--navigator <file>', 'write an ATT&CK Navigator layer (format 4.5) of the techniques the converted rules cover')
    }
    command.action(async (paths: string[], options: VerbOptions) => exit(await runVerb(verb, paths, options)))
  }

  program
    .command('checks')
    .description('list every check id with its default severity and summary')
    .action(() => {
      process.stdout.write(formatCheckList())
      exit(EXIT_CLEAN)
    })

  program
    .command('match')
    .description('try each event on each rule, on the native matcher and on the SPL engine')
    .argument('<rules...>', 'rule files or directories')
    .requiredOption('--events <files...>', 'event files: JSON, NDJSON or evtx_dump JSON')
    .addOption(new Option('--format <format>', 'report format').choices(['text', 'json']).default('text'))
    .option('--all', 'list every rule and event pair, not only matches and disagreements')
    .action(async (rules: string[], options: MatchOptions) => exit(await runMatch(rules, options)))

  addVerifyCommand(program, exit)
  return program
}

async function main(): Promise<void> {
  let code = EXIT_CLEAN
  const program = buildProgram((exitCode) => {
    code = exitCode
  })
  try {
    await program.parseAsync(process.argv)
  } catch (error) {
    if (!(error instanceof Error && 'exitCode' in error)) {
      process.stderr.write(`sigma-gate: internal error: ${error instanceof Error ? error.message : String(error)}\n`)
      code = EXIT_USAGE
    }
  }
  process.exitCode = code
}

// The same file serves the parts of a large run in worker threads.
if (isPartWorker()) servePart(compilePart)
else await main()
