import type { FixtureMinimum, FixturePolicy } from '../config/config.js'
import { diagnosticAt, type Diagnostic } from '../diagnostic.js'
import type { TestResult } from '../report/report.js'
import type { SigmaRule } from '../sigma/rule.js'

/**
 * Check a rule's fixture tests against `fixture-policy`: the `all` minimum
 * and the minimum for the rule's status, whichever is higher per kind. A
 * test counts as a true positive when its expectation needs a match (`match`,
 * `all`, `at-least N` or `exactly N` with N ≥ 1) and as a false positive when
 * it allows none (`no-match`, `exactly 0`, `at-most 0`). Returns one
 * `fixture/missing-tests` error at the rule's title line, or none.
 */
export function checkFixturePolicy(rule: SigmaRule, tests: readonly TestResult[], policy: FixturePolicy): Diagnostic[] {
  const status = rule.status?.value
  const required = highest(policy.all, status === undefined ? undefined : policy.status[status])
  if (required === undefined) return []

  const counts = countRoles(tests)
  const missing: string[] = []
  if (counts.tp < required.tp) missing.push(`${required.tp} true-positive (found ${counts.tp})`)
  if (counts.fp < required.fp) missing.push(`${required.fp} false-positive (found ${counts.fp})`)
  if (missing.length === 0) return []

  const source = status !== undefined && policy.status[status] !== undefined ? `for status '${status}'` : 'for every rule'
  const message = `The fixture policy ${source} needs at least ${missing.join(' and ')} fixture tests. Add cases to the rule's .fixtures.yml: 'tp:' entries with events the rule must match and 'fp:' entries with benign look-alikes it must not.`
  const span = rule.title?.span ?? rule.span
  return [diagnosticAt({ line: span.line, column: span.column }, 'fixture/missing-tests', 'error', message)]
}

/** Count the true-positive and false-positive tests by their expectation. */
export function countRoles(tests: readonly TestResult[]): FixtureMinimum {
  const counts = { tp: 0, fp: 0 }
  for (const test of tests) {
    const role = roleOfExpected(test.expected)
    if (role === 'tp') counts.tp++
    else if (role === 'fp') counts.fp++
  }
  return counts
}

/** Classify a report's expectation text (`match`, `exactly 0`, ...). */
function roleOfExpected(expected: string): 'tp' | 'fp' | 'other' {
  if (expected === 'match' || expected === 'all') return 'tp'
  if (expected === 'no-match') return 'fp'
  const [kind, count] = expected.split(' ')
  const number = Number(count)
  if (kind === 'at-most') return number === 0 ? 'fp' : 'other'
  return number >= 1 ? 'tp' : 'fp'
}

function highest(first: FixtureMinimum | undefined, second: FixtureMinimum | undefined): FixtureMinimum | undefined {
  if (first === undefined) return second
  if (second === undefined) return first
  return { tp: Math.max(first.tp, second.tp), fp: Math.max(first.fp, second.fp) }
}
