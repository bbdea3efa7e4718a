import { eventTime } from '../events/event-time.js'
import type { TimedEvent } from '../match/correlation-matcher.js'
import type { TestResult } from '../report/report.js'
import { expectationMet, type FixtureCase } from './fixture-file.js'
import { pendingTestResult } from './run-case.js'

/**
 * The two engines a correlation case runs on. Each returns one key per
 * firing (window start and group values), so the firings can be compared.
 */
export interface CorrelationEngines {
  native?: (events: readonly TimedEvent[]) => string[]
  spl?: (events: readonly TimedEvent[]) => string[]
  /** The reason an engine is missing, for the failure message. */
  missingReason?: string
}

/**
 * Run one fixture case of a correlation: the case's events, in their order,
 * form the stream, and the count checked against the expectation is the
 * number of times the correlation fires. It passes only when both engines
 * fire for the same windows and groups and the expectation holds.
 */
export function runCorrelationCase(fixtureCase: FixtureCase, engines: CorrelationEngines, relative: (file: string) => string): TestResult {
  const result = pendingTestResult(fixtureCase, relative)
  const expected = result.expected
  if (!engines.native || !engines.spl) {
    result.reason = engines.missingReason ?? 'The correlation could not be compiled, so the case did not run.'
    return result
  }

  const timed: TimedEvent[] = []
  for (const loaded of fixtureCase.events) {
    const time = eventTime(loaded.event)
    if (time === undefined) {
      result.reason = `Event ${loaded.index + 1} (line ${loaded.line}) has no time, which a correlation needs: add 'UtcTime' (e.g. '2026-04-24 10:15:02.311') or the System 'TimeCreated' 'SystemTime' attribute.`
      return result
    }
    timed.push({ event: loaded.event, time })
  }

  const native = engines.native(timed).sort()
  const spl = engines.spl(timed).sort()
  result.native = native.length
  result.spl = spl.length
  const agree = native.length === spl.length && native.every((key, index) => key === spl[index])
  const nativeMet = expectationMet(fixtureCase.expect, native.length)
  result.passed = agree && nativeMet && expectationMet(fixtureCase.expect, spl.length)
  if (!agree) {
    result.reason = `The native engine and the SPL fire for different windows or groups (native: ${describeKeys(native)}; SPL: ${describeKeys(spl)}): the SPL does not mean what the correlation means.`
  } else if (!nativeMet) {
    result.reason = `Expected ${expected}, but the correlation fired ${native.length} times over ${fixtureCase.events.length} events.`
  }
  return result
}

function describeKeys(keys: string[]): string {
  if (keys.length === 0) return 'none'
  const listed = keys.slice(0, 3).join(', ')
  return keys.length > 3 ? `${listed} and ${keys.length - 3} more` : listed
}
