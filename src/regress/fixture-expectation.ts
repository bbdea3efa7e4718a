/** A bound on the number of matching events. */
export type CountKind = 'at-least' | 'exactly' | 'at-most'

/**
 * The verdict a fixture case expects of the rule. `match` means at least one
 * event matches, `no-match` none, and a count kind bounds the number of
 * matches.
 */
export type Expectation =
  { kind: 'match' } | { kind: 'no-match' } | { kind: CountKind; count: number }

export const COUNT_KINDS: readonly CountKind[] = [
  'at-least',
  'exactly',
  'at-most',
]

/** Describe an expectation as fixture files write it: 'match', 'at-least 2'. */
export function describeExpectation(expectation: Expectation): string {
  if (expectation.kind === 'match' || expectation.kind === 'no-match') {
    return expectation.kind
  }
  return `${expectation.kind} ${expectation.count}`
}

/** Return true when `matches` matching events satisfy the expectation. */
export function expectationMet(
  expectation: Expectation,
  matches: number,
): boolean {
  switch (expectation.kind) {
    case 'match':
      return matches >= 1
    case 'no-match':
      return matches === 0
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

function isCountKind(value: string): value is CountKind {
  return (COUNT_KINDS as readonly string[]).includes(value)
}
