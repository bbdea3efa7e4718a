/** A bound on the number of matching events. */
export type CountKind = 'at-least' | 'exactly' | 'at-most'

/**
 * The verdict a fixture case expects of the rule. `match` means at least one
 * event matches, `no-match` none, `all` every event (the `tp:` list of a
 * fixture file), and a count kind bounds the number of matches.
 */
export type Expectation =
  | { kind: 'match' }
  | { kind: 'no-match' }
  | { kind: 'all' }
  | { kind: CountKind; count: number }

/**
 * What a case shows about a rule: `tp` that it detects something (the case
 * needs a match), `fp` that it stays quiet on something (the case allows
 * none), `other` for bounds that allow both.
 */
export type CaseRole = 'tp' | 'fp' | 'other'

export const COUNT_KINDS: readonly CountKind[] = [
  'at-least',
  'exactly',
  'at-most',
]

/**
 * Describe an expectation as fixture files write it: 'match', 'at-least 2',
 * and 'all' for a `tp:` entry.
 */
export function describeExpectation(expectation: Expectation): string {
  if (
    expectation.kind === 'match' ||
    expectation.kind === 'no-match' ||
    expectation.kind === 'all'
  ) {
    return expectation.kind
  }
  return `${expectation.kind} ${expectation.count}`
}

/**
 * Return true when `matches` matching events out of `total` satisfy the
 * expectation. `total` matters only for `all`, which also needs at least one
 * event.
 */
export function expectationMet(
  expectation: Expectation,
  matches: number,
  total: number = matches,
): boolean {
  switch (expectation.kind) {
    case 'match':
      return matches >= 1
    case 'no-match':
      return matches === 0
    case 'all':
      return total >= 1 && matches === total
    case 'at-least':
      return matches >= expectation.count
    case 'exactly':
      return matches === expectation.count
    case 'at-most':
      return matches <= expectation.count
  }
}

/**
 * Read an expectation from its YAML value: 'match', 'no-match', or a map with
 * one count kind and a whole number. Returns undefined for anything else.
 */
export function parseExpectation(value: unknown): Expectation | undefined {
  if (value === 'match' || value === 'no-match') return { kind: value }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return undefined
  }

  const entries = Object.entries(value)
  const [entry] = entries
  if (entries.length !== 1 || entry === undefined) return undefined
  const [kind, count] = entry
  if (!isCountKind(kind)) return undefined
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 0) {
    return undefined
  }
  return { kind, count }
}

/** Classify a case for the fixture policy's counts of true and false positives. */
export function caseRole(expectation: Expectation): CaseRole {
  switch (expectation.kind) {
    case 'match':
    case 'all':
      return 'tp'
    case 'no-match':
      return 'fp'
    case 'at-least':
    case 'exactly':
      return expectation.count >= 1 ? 'tp' : 'fp'
    case 'at-most':
      return expectation.count === 0 ? 'fp' : 'other'
  }
}

function isCountKind(value: string): value is CountKind {
  return (COUNT_KINDS as readonly string[]).includes(value)
}
