import { readdir, stat } from 'node:fs/promises'
import path from 'node:path'
import type { BaselineAllow } from '../config/config.js'
import { diagnosticAt, type Diagnostic } from '../diagnostic.js'
import type { SigmaEvent } from '../events/event.js'
import { isEventDiagnostic, streamEventFile } from '../events/event-stream.js'
import type { LoadedEvent } from '../events/load-events.js'
import type { Limits } from '../limits/limits.js'
import { compileWildcard, type ValueMatcher } from '../match/wildcard.js'
import { summariseExplanation } from '../report/explanation-text.js'
import type { SigmaRule } from '../sigma/rule.js'
import { parseSigmaString } from '../sigma/string-value.js'
import type { CaseEngines } from './run-case.js'

/** A rule that the sweep runs, and where its findings go. */
export interface SweepRule {
  rule: SigmaRule
  engines: CaseEngines
  /** Receives the rule's `fixture/baseline-hit` findings. */
  diagnostics: Diagnostic[]
}

export interface SweepOptions {
  allow: readonly BaselineAllow[]
  /** Turns absolute paths into the report's relative ones, for messages. */
  relative: (file: string) => string
  limits?: Limits
}

/** File name endings of the event files a baseline directory may hold. */
const EVENT_FILE = /\.(json|ndjson|jsonl|xml|csv|evtx)$/i

/** Hits of one rule on one baseline file. */
interface FileHits {
  count: number
  allowed: number
  first?: LoadedEvent
}

/**
 * Run every rule over every event file under `directory` (benign activity)
 * and report each rule that matches: a `fixture/baseline-hit` error at the
 * rule's title line per file, naming the first hit's index and line and
 * explaining it. A hit counts when either engine matches. Hits whose event
 * matches a `baseline-allow` entry of the rule are accepted. Files are read
 * one event at a time, once for all rules. Returns the problems with the
 * directory and its files.
 */
export async function sweepBaseline(directory: string, rules: readonly SweepRule[], options: SweepOptions): Promise<Diagnostic[]> {
  const files = await listEventFiles(directory)
  if (files === undefined) {
    const message = `The baseline-events directory '${options.relative(directory)}' was not found. Create it with benign event files, or correct 'baseline-events' in .sigma-gate.yml.`
    return [diagnosticAt(undefined, 'fixture/missing-file', 'error', message)]
  }

  const runnable = rules.filter((entry) => entry.engines.native && entry.engines.spl)
  const allowances = runnable.map((entry) => allowancesFor(entry.rule, options.allow))
  const problems: Diagnostic[] = []
  for (const file of files) {
    const hits = runnable.map((): FileHits => ({ count: 0, allowed: 0 }))
    const limits = options.limits === undefined ? {} : { limits: options.limits }
    for await (const item of streamEventFile(file, limits)) {
      if (isEventDiagnostic(item)) problems.push(item)
      else recordHits(item, runnable, allowances, hits)
    }
    runnable.forEach((entry, index) => reportHits(entry, hits[index], file, options))
  }
  return problems
}

function recordHits(loaded: LoadedEvent, rules: readonly SweepRule[], allowances: Allowance[][], hits: FileHits[]): void {
  rules.forEach((entry, index) => {
    const { native, spl } = entry.engines
    const matched = (native?.(loaded.event) ?? false) || (spl?.(loaded.event) ?? false)
    const tally = hits[index]
    if (!matched || tally === undefined) return
    if ((allowances[index] ?? []).some((allowance) => allowance(loaded.event))) {
      tally.allowed++
      return
    }
    tally.count++
    tally.first ??= loaded
  })
}

function reportHits(entry: SweepRule, hits: FileHits | undefined, file: string, options: SweepOptions): void {
  if (hits?.first === undefined) return

  const { first, count } = hits
  const line = first.line === undefined ? '' : ` (line ${first.line})`
  const others = count > 1 ? ` and ${count - 1} more event${count > 2 ? 's' : ''} of that file` : ''
  const explain = entry.engines.explain
  const why = explain === undefined ? '' : ` ${summariseExplanation(explain(first.event, first.line === undefined ? { index: first.index } : { index: first.index, line: first.line }))}`
  const message = `The rule matches benign event ${first.index + 1}${line} of baseline file '${options.relative(file)}'${others}.${why} Narrow the rule, or accept the hit in .sigma-gate.yml under 'baseline-allow' with the rule id, a field, a pattern of its value and the reason.`
  const span = entry.rule.title?.span ?? entry.rule.span
  entry.diagnostics.push(diagnosticAt({ line: span.line, column: span.column }, 'fixture/baseline-hit', 'error', message))
}

type Allowance = (event: SigmaEvent) => boolean

function allowancesFor(rule: SigmaRule, allow: readonly BaselineAllow[]): Allowance[] {
  const id = rule.id?.value.toLowerCase()
  if (id === undefined) return []
  return allow.filter((entry) => entry.rule.toLowerCase() === id).map((entry) => allowance(entry))
}

function allowance(entry: BaselineAllow): Allowance {
  const matches: ValueMatcher = compileWildcard(parseSigmaString(entry.pattern), false)
  return (event) => {
    const value = event[entry.field]
    const values = Array.isArray(value) ? value : [value]
    return values.some((item) => item !== undefined && item !== null && matches(String(item)))
  }
}

/** List the event files under a directory, sorted; undefined when it does not exist. */
async function listEventFiles(directory: string): Promise<string[] | undefined> {
  const info = await stat(directory).catch(() => undefined)
  if (!info?.isDirectory()) return undefined

  const entries = await readdir(directory, { recursive: true, withFileTypes: true })
  return entries
    .filter((entry) => entry.isFile() && EVENT_FILE.test(entry.name))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort()
}
