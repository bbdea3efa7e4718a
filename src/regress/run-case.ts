import type { SigmaEvent } from '../events/event.js'
import type { TestResult } from '../report/report.js'
import { describeExpectation, expectationMet, type FixtureCase } from './fixture-file.js'

/** The two engines a case runs on; `spl` is absent when the rule did not convert. */
export interface CaseEngines {
  native?: (event: SigmaEvent) => boolean
  spl?: (event: SigmaEvent) => boolean
  /** The reason an engine is missing, for the failure message. */
  missingReason?: string
}

/**
 * Run one fixture case on both engines. It passes only when the native
 * verdict, the SPL verdict and the expectation agree.
 */
export function runCase(fixtureCase: FixtureCase, engines: CaseEngines, relative: (file: string) => string): TestResult {
  const expected = describeExpectation(fixtureCase.expect)
  const result: TestResult = {
    name: fixtureCase.name,
    fixture: relative(fixtureCase.fixture),
    expected,
    native: 0,
    spl: 0,
    passed: false,
    caseFile: relative(fixtureCase.file),
    line: fixtureCase.span.line,
  }
  if (!engines.native || !engines.spl) {
    result.reason = engines.missingReason ?? 'The rule could not be compiled, so the case did not run.'
    return result
  }

  const disagreements: number[] = []
  for (const loaded of fixtureCase.events) {
    const native = engines.native(loaded.event)
    const spl = engines.spl(loaded.event)
    if (native) result.native++
    if (spl) result.spl++
    if (native !== spl) disagreements.push(loaded.index)
  }

  const nativeMet = expectationMet(fixtureCase.expect, result.native)
  const splMet = expectationMet(fixtureCase.expect, result.spl)
  result.passed = nativeMet && splMet && disagreements.length === 0
  if (disagreements.length > 0) {
    const events = disagreements.slice(0, 5).join(', ')
    result.reason = `The native matcher and the SPL disagree on event ${events} of ${fixtureCase.events.length}: the SPL does not mean what the rule means.`
  } else if (!nativeMet) {
    result.reason = `Expected ${expected}, but ${result.native} of ${fixtureCase.events.length} events matched.`
  }
  return result
}
