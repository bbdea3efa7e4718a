import type { Diagnostic } from '../diagnostic.js'
import type { SigmaEvent } from '../events/event.js'
import type { LoadedEvent } from '../events/load-events.js'
import { isEventDiagnostic, streamEventFile } from '../events/event-stream.js'
import type { Limits } from '../limits/limits.js'
import { closeness, type Explainer, type Explanation } from '../match/explain.js'
import type { TestResult } from '../report/report.js'
import { describeExpectation, expectationMet, type FixtureCase } from './fixture-file.js'

/** The two engines a case runs on; `spl` is absent when the rule did not convert. */
export interface CaseEngines {
  native?: (event: SigmaEvent) => boolean
  spl?: (event: SigmaEvent) => boolean
  /** The reason an engine is missing, for the failure message. */
  missingReason?: string
  /** Explains the native verdict on one event, for failing cases. */
  explain?: Explainer
}

export interface RunCaseOptions {
  /** Bounds on the events read from a streamed event file. */
  limits?: Limits
}

/** A case's test result and the problems met reading its event file. */
export interface CaseRun {
  test: TestResult
  /** Problems in a streamed event file; `file` is the absolute path. */
  diagnostics: Diagnostic[]
}

/** Events that failing cases may explain; a bounded sample of the misses. */
const MAX_EXPLAIN_CANDIDATES = 200

/** Start a case's result: located, nothing counted, not yet passed. */
export function pendingTestResult(fixtureCase: FixtureCase, relative: (file: string) => string): TestResult {
  return {
    name: fixtureCase.name,
    fixture: relative(fixtureCase.fixture),
    expected: describeExpectation(fixtureCase.expect),
    native: 0,
    spl: 0,
    passed: false,
    caseFile: relative(fixtureCase.file),
    line: fixtureCase.span.line,
  }
}

/**
 * Run one fixture case on both engines. It passes only when the native
 * verdict, the SPL verdict and the expectation agree. Events from a streamed
 * event file are read one at a time and only counted, so the file's size
 * does not bound memory. A failing case carries an explanation of one event.
 */
export async function runCase(fixtureCase: FixtureCase, engines: CaseEngines, relative: (file: string) => string, options: RunCaseOptions = {}): Promise<CaseRun> {
  const test = pendingTestResult(fixtureCase, relative)
  const { native, spl } = engines
  if (!native || !spl) {
    test.reason = engines.missingReason ?? 'The rule could not be compiled, so the case did not run.'
    return { test, diagnostics: [] }
  }

  const tally = new Tally()
  const diagnostics: Diagnostic[] = []
  for await (const item of caseEvents(fixtureCase, options)) {
    if (isEventDiagnostic(item)) diagnostics.push(item)
    else tally.add(item, native(item.event), spl(item.event))
  }

  test.native = tally.native
  test.spl = tally.spl
  judge(test, fixtureCase, tally)
  if (!test.passed && engines.explain) {
    const explanation = explainFailure(fixtureCase, tally, engines.explain)
    if (explanation !== undefined) test.explanation = explanation
  }
  return { test, diagnostics }
}

/** Yield a case's events: its inline or loaded list, or its streamed file. */
export async function* caseEvents(fixtureCase: FixtureCase, options: RunCaseOptions = {}): AsyncGenerator<LoadedEvent | Diagnostic> {
  if (fixtureCase.streamEvents !== true || fixtureCase.eventFile === undefined) {
    yield* fixtureCase.events
    return
  }
  const limits = options.limits === undefined ? {} : { limits: options.limits }
  yield* streamEventFile(fixtureCase.eventFile, limits)
}

/** Counts of one case's run, plus the few events a failure may explain. */
class Tally {
  native = 0
  spl = 0
  total = 0
  readonly disagreements: LoadedEvent[] = []
  disagreementCount = 0
  firstMatch: LoadedEvent | undefined
  readonly misses: LoadedEvent[] = []

  add(loaded: LoadedEvent, native: boolean, spl: boolean): void {
    this.total++
    if (native) this.native++
    if (spl) this.spl++
    if (native !== spl) {
      this.disagreementCount++
      if (this.disagreements.length < 5) this.disagreements.push(loaded)
    }
    if (native) this.firstMatch ??= loaded
    else if (this.misses.length < MAX_EXPLAIN_CANDIDATES) this.misses.push(loaded)
  }
}

function judge(test: TestResult, fixtureCase: FixtureCase, tally: Tally): void {
  const expectation = fixtureCase.expect
  const nativeMet = expectationMet(expectation, tally.native, tally.total)
  const splMet = expectationMet(expectation, tally.spl, tally.total)
  test.passed = nativeMet && splMet && tally.disagreementCount === 0
  if (tally.disagreementCount > 0) {
    const events = tally.disagreements.map((loaded) => loaded.index).join(', ')
    test.reason = `The native matcher and the SPL disagree on event ${events} of ${tally.total}: the SPL does not mean what the rule means.`
  } else if (!nativeMet && expectation.kind === 'all') {
    test.reason = `Expected every event to match, but ${tally.native} of ${tally.total} events matched.`
  } else if (!nativeMet) {
    test.reason = `Expected ${test.expected}, but ${tally.native} of ${tally.total} events matched.`
  }
}

/**
 * Pick the event that shows best why a case failed and explain it. That is
 * the first disagreement if there is one. Otherwise it is the miss that came
 * closest to matching when too few events matched, and the first match when
 * too many did.
 */
function explainFailure(fixtureCase: FixtureCase, tally: Tally, explain: Explainer): Explanation | undefined {
  const [disagreement] = tally.disagreements
  if (disagreement !== undefined) return explainEvent(disagreement, explain)
  if (needsMoreMatches(fixtureCase, tally) || tally.firstMatch === undefined) {
    return closestMiss(tally.misses, explain)
  }
  return explainEvent(tally.firstMatch, explain)
}

function needsMoreMatches(fixtureCase: FixtureCase, tally: Tally): boolean {
  const expectation = fixtureCase.expect
  switch (expectation.kind) {
    case 'match':
    case 'at-least':
    case 'all':
      return true
    case 'exactly':
      return tally.native < expectation.count
    default:
      return false
  }
}

function closestMiss(misses: LoadedEvent[], explain: Explainer): Explanation | undefined {
  let best: Explanation | undefined
  let bestScore = -1
  for (const loaded of misses) {
    const explanation = explainEvent(loaded, explain)
    const score = closeness(explanation)
    if (score > bestScore) {
      best = explanation
      bestScore = score
    }
  }
  return best
}

function explainEvent(loaded: LoadedEvent, explain: Explainer): Explanation {
  const where = loaded.line === undefined ? { index: loaded.index } : { index: loaded.index, line: loaded.line }
  return explain(loaded.event, where)
}
