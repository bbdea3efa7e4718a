import { stat } from 'node:fs/promises'
import path from 'node:path'
import type { SplunkScope } from '../backends/splunk/index.js'
import { convertToSpl } from '../backends/splunk/index.js'
import type { Diagnostic } from '../diagnostic.js'
import { diagnosticAt } from '../diagnostic.js'
import type { MatchableRule } from '../engine.js'
import { fixtureFileFor, prepareRules } from '../engine.js'
import type { SigmaEvent } from '../events/event.js'
import type { FixtureCase } from '../regress/fixture-file.js'
import { loadFixtureFile } from '../regress/fixture-file.js'
import { toSplEvent } from '../pipeline/spl-event.js'
import { loadRegressionCases } from '../regress/regression-cases.js'
import { compileSpl, parseSpl } from '../spl/index.js'

/** One fixture event as verify sends it: numbered once per run. */
export interface VerifyEvent {
  /** Position in the run, sent as the `sigma_gate_event` field. */
  number: number
  /** File the event came from, relative to the working directory. */
  file: string
  /** 0-based position of the event in `file` (or in its case, for inline events). */
  index: number
  /** 1-based line of the event in `file`, when known. */
  line?: number
  event: SigmaEvent
}

/** A rule whose SPL runs in Splunk. */
export interface VerifyRule {
  path: string
  id: string | null
  title: string | null
  document?: number
  spl: string
  /** The SPL engine's verdict on an event, presented as Splunk indexes it. */
  splMatches: (event: SigmaEvent) => boolean
  /** Numbers of the events from this rule's own fixtures. */
  ownEvents: number[]
}

/** A rule that cannot be verified, and why. */
export interface SkippedRule {
  path: string
  id: string | null
  document?: number
  reason: string
}

/** The pipeline's scope and field renames that events are rendered with for Splunk. */
export interface SplunkView {
  /** The pipeline's scope without `index` and `macro`, which verify replaces by the scratch index. */
  scope: SplunkScope
  fieldNames: Readonly<Record<string, string>>
}

export interface VerifyInput {
  rules: VerifyRule[]
  skipped: SkippedRule[]
  events: VerifyEvent[]
  view: SplunkView
  diagnostics: Diagnostic[]
}

/**
 * Load and convert the rules under `paths` with the engine, then read each
 * rule's fixtures (its `.fixtures.yml` and SigmaHQ regression data). An
 * event used by several rules is sent once. A scope `index` or `macro`
 * would point the search at production data, so each rule is converted
 * again without them. The scratch index takes their place.
 */
export async function collectVerifyInput(paths: string[], cwd: string): Promise<VerifyInput> {
  const prepared = await prepareRules(paths, cwd)
  const scoped = prepared.rules.find((rule) => Object.keys(rule.scope).length > 0) ?? prepared.rules[0]
  const view: SplunkView = { scope: verifyScope(scoped?.scope ?? {}), fieldNames: scoped?.fieldNames ?? {} }
  const input: VerifyInput = { rules: [], skipped: [], events: [], view, diagnostics: [...prepared.diagnostics] }
  if (scoped?.scope.index || scoped?.scope.macro) input.diagnostics.push(replacedScope(scoped.scope))
  const numbers = new Map<string, number>()
  const relative = (file: string): string => toPosix(path.relative(cwd, file) || '.')

  for (const candidate of prepared.rules) {
    const converted = convertForVerify(candidate)
    const document = candidate.report.document
    const identity = {
      path: candidate.report.path,
      id: candidate.report.id,
      ...(document !== undefined ? { document } : {}),
    }
    if (converted === undefined) {
      input.skipped.push({ ...identity, reason: skipReason(candidate) })
      continue
    }

    const cases = await loadCases(candidate, input.diagnostics, relative)
    const ownEvents = cases.flatMap((fixtureCase) =>
      fixtureCase.events.map((loaded) => {
        const file = relative(fixtureCase.fixture)
        const key = `${file}\u0000${loaded.line ?? ''}\u0000${loaded.index}`
        let number = numbers.get(key)
        if (number === undefined) {
          number = input.events.length
          numbers.set(key, number)
          input.events.push({ number, file, index: loaded.index, ...(loaded.line !== undefined ? { line: loaded.line } : {}), event: loaded.event })
        }
        return number
      }),
    )
    input.rules.push({ ...identity, title: candidate.report.title, ...converted, ownEvents: [...new Set(ownEvents)] })
  }
  return input
}

function verifyScope(scope: SplunkScope): SplunkScope {
  const kept: SplunkScope = {}
  if (scope.source) kept.source = scope.source
  if (scope.sourcetype) kept.sourcetype = scope.sourcetype
  return kept
}

function replacedScope(scope: SplunkScope): Diagnostic {
  const replaced = scope.macro ? `macro '${scope.macro}'` : `index '${scope.index ?? ''}'`
  const message = `The configured Splunk scope ${replaced} is left out of the SPL that verify runs, and the scratch index takes its place, so that no production data is searched. The rest of each query is unchanged.`
  return diagnosticAt(undefined, 'verify/scope-replaced', 'info', message)
}

/**
 * Convert a rule's detection with the verify scope and compile it. The
 * predicate gets each event as `toSplEvent` presents it with that scope, so
 * the SPL engine judges exactly the query that Splunk runs.
 */
function convertForVerify(rule: MatchableRule): Pick<VerifyRule, 'spl' | 'splMatches'> | undefined {
  if (rule.expr === undefined || rule.report.spl.length === 0 || rule.engines.spl === undefined) return undefined
  const scope = verifyScope(rule.scope)
  const [spl] = convertToSpl(rule.expr, { scope, fieldNames: rule.fieldNames }).queries
  if (spl === undefined) return undefined
  const parsed = parseSpl(spl)
  const compiled = parsed.ok ? compileSpl(parsed.query) : undefined
  if (!compiled?.ok) return undefined

  const { predicate } = compiled
  const fieldNames = rule.fieldNames
  return { spl, splMatches: (event) => predicate(toSplEvent(event, fieldNames, scope)) }
}

function skipReason(rule: MatchableRule): string {
  const kind = rule.rule?.kind
  if (kind !== undefined && kind !== 'rule') return `This is a ${kind} document; verify runs only the SPL of single-event rules.`
  if (rule.engines.missingReason !== undefined) return rule.engines.missingReason
  const errors = rule.report.diagnostics.filter((d) => d.severity === 'error')
  if (errors.length > 0) return `The rule has ${errors.length} error(s); fix them with 'sigma-gate check' first.`
  return "The rule was not converted to SPL; run 'sigma-gate convert' to see why."
}

async function loadCases(rule: MatchableRule, diagnostics: Diagnostic[], relative: (file: string) => string): Promise<FixtureCase[]> {
  const sigma = rule.rule
  if (sigma === undefined) return []
  const cases: FixtureCase[] = []
  const relocate = (d: Diagnostic, fallback?: string): Diagnostic => {
    const file = d.file ?? fallback
    return file === undefined ? d : { ...d, file: relative(file) }
  }

  const fixtureFile = fixtureFileFor(sigma.file)
  if (await isFile(fixtureFile)) {
    const loaded = await loadFixtureFile(fixtureFile, { root: rule.root })
    diagnostics.push(...loaded.diagnostics.map((d) => relocate(d, fixtureFile)))
    cases.push(...loaded.cases)
  }

  const regression = sigma.regressionTestsPath
  if (regression !== undefined) {
    const loaded = await loadRegressionCases(sigma.file, regression.value, regression.span, { root: rule.root })
    diagnostics.push(...loaded.diagnostics.map((d) => relocate(d, sigma.file)))
    cases.push(...loaded.cases)
  }
  return cases
}

async function isFile(file: string): Promise<boolean> {
  const info = await stat(file).catch(() => undefined)
  return info?.isFile() ?? false
}

function toPosix(file: string): string {
  return file.split(path.sep).join('/')
}
