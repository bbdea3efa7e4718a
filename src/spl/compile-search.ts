import type { SearchExpr, SearchValue, ValuePart } from './ast.js'
import { parseNetwork } from './cidr.js'
import { lowerFieldStrings, lowerRawText } from './event-context.js'
import type { EventContext } from './event-context.js'
import { partsToText } from './unescape.js'

/** Macros named so stand for Sigma placeholders without values. */
export const PLACEHOLDER_MACRO_PREFIX = 'sigma_placeholder_'

/** A compiled test of one event. */
export type EventTest = (context: EventContext) => boolean

/**
 * Fields of the deployment scope. A test on one of them is satisfied when
 * the event does not carry the field, because fixtures describe the event
 * itself and not where Splunk indexed it.
 */
const SCOPE_FIELDS = new Set(['index', 'source', 'sourcetype'])

/** Compile a search expression into a closure over an event context. */
export function compileSearch(expr: SearchExpr): EventTest {
  switch (expr.kind) {
    case 'and':
      return allOf(byCost(expr.items).map(compileSearch))
    case 'or':
      return anyOf(expr.items.map(compileSearch))
    case 'not': {
      const item = compileSearch(expr.item)
      return (context) => !item(context)
    }
    case 'term':
      return compileTerm(expr.field, expr.op, expr.value)
    case 'in':
      return compileIn(expr.field, expr.values)
    case 'compare':
      return compileCompare(expr.field, expr.op, expr.value)
    case 'keyword':
      return compileKeyword(expr.value)
    case 'macro': {
      // NOTE: a macro's definition is not known here, so the scope macro of
      // the deployment is taken to select every fixture event, and a
      // placeholder macro (no values configured) to select none.
      const selects = !expr.name.startsWith(PLACEHOLDER_MACRO_PREFIX)
      return () => selects
    }
  }
}

/**
 * Order the operands of an AND so cheap tests run first. Every test is pure
 * and total, so the order changes the time taken and never the verdict.
 */
function byCost(items: SearchExpr[]): SearchExpr[] {
  const costs = new Map(items.map((item) => [item, estimateCost(item)]))
  return [...items].sort((a, b) => (costs.get(a) ?? 0) - (costs.get(b) ?? 0))
}

/** Estimate the work of a test in string comparisons; `_raw` scans cost most. */
function estimateCost(expr: SearchExpr): number {
  switch (expr.kind) {
    case 'and':
    case 'or':
      return expr.items.reduce((sum, item) => sum + estimateCost(item), 0)
    case 'not':
      return estimateCost(expr.item)
    case 'term':
      return valueCost(expr.value)
    case 'in':
      return 1 + expr.values.reduce((sum, value) => sum + valueCost(value) - 1, 0)
    case 'compare':
      return 2
    case 'keyword':
      return 20
    case 'macro':
      return 0
  }
}

/** Return the cost of a value: one lookup, plus one search per wildcard. */
function valueCost(value: SearchValue): number {
  return 1 + value.parts.filter((part) => part.kind === 'wildcard').length
}

function allOf(tests: EventTest[]): EventTest {
  return (context) => {
    for (const test of tests) if (!test(context)) return false
    return true
  }
}

function anyOf(tests: EventTest[]): EventTest {
  return (context) => {
    for (const test of tests) if (test(context)) return true
    return false
  }
}

/**
 * Compile `f=v`, true when any value of `f` matches, or `f!=v`, true when
 * `f` is present and no value matches. Unlike `NOT f=v`, `f!=v` is false for
 * an absent field.
 */
function compileTerm(field: string, op: '=' | '!=', value: SearchValue): EventTest {
  const matches = compileValueMatcher(value.parts)
  const scopeDefault = SCOPE_FIELDS.has(field)
  if (op === '=') {
    return (context) => {
      const values = lowerFieldStrings(context, field)
      if (values === null) return scopeDefault
      return anyValueMatches(values, matches)
    }
  }

  // `f!=*` would need a present field with an empty value, which `f=*`
  // already treats as absent, so it is always false.
  if (isOnlyWildcards(value.parts)) return () => false
  return (context) => {
    const values = lowerFieldStrings(context, field)
    if (values === null) return scopeDefault
    return !anyValueMatches(values, matches)
  }
}

function anyValueMatches(values: string[], matches: (value: string) => boolean): boolean {
  for (const value of values) if (matches(value)) return true
  return false
}

/** Exact values go into a set, so long lists cost one lookup per value. */
function compileIn(field: string, values: SearchValue[]): EventTest {
  const exact = new Set<string>()
  const matchers: Array<(value: string) => boolean> = []
  for (const value of values) {
    const text = exactText(value.parts)
    if (text !== null) exact.add(text.toLowerCase())
    else matchers.push(compileValueMatcher(value.parts))
  }

  const matches = (v: string): boolean => {
    if (exact.has(v)) return true
    for (const matcher of matchers) if (matcher(v)) return true
    return false
  }
  const scopeDefault = SCOPE_FIELDS.has(field)
  return (context) => {
    const fieldValues = lowerFieldStrings(context, field)
    if (fieldValues === null) return scopeDefault
    return anyValueMatches(fieldValues, matches)
  }
}

/** Return the text of a value without wildcards that is not a network. */
function exactText(parts: ValuePart[]): string | null {
  if (parts.length === 0) return ''
  const only = parts[0]
  if (parts.length !== 1 || only?.kind !== 'text') return null
  return parseNetwork(only.text) === null ? only.text : null
}

/**
 * `f<v` and friends compare numbers. A value that is not a number, on either
 * side, never matches, so a typo cannot turn into a string comparison.
 */
function compileCompare(
  field: string,
  op: '<' | '<=' | '>' | '>=',
  value: SearchValue,
): EventTest {
  const bound = parseSearchNumber(partsToText(value.parts))
  if (bound === null) return () => false

  const holds = numericComparison(op, bound)
  return (context) => {
    const values = lowerFieldStrings(context, field)
    if (values === null) return SCOPE_FIELDS.has(field)
    return anyValueMatches(values, (v) => {
      const n = parseSearchNumber(v)
      return n !== null && holds(n)
    })
  }
}

function numericComparison(
  op: '<' | '<=' | '>' | '>=',
  bound: number,
): (n: number) => boolean {
  switch (op) {
    case '<':
      return (n) => n < bound
    case '<=':
      return (n) => n <= bound
    case '>':
      return (n) => n > bound
    case '>=':
      return (n) => n >= bound
  }
}

const SEARCH_NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?$/i

/** Parse a decimal number (optional sign, fraction and exponent), or null. */
export function parseSearchNumber(text: string): number | null {
  const trimmed = text.trim()
  return SEARCH_NUMBER.test(trimmed) ? Number(trimmed) : null
}

/** Compile a keyword: a case-insensitive wildcard match of `*value*` on `_raw`. */
function compileKeyword(value: SearchValue): EventTest {
  const parts: ValuePart[] = [
    { kind: 'wildcard' },
    ...value.parts,
    { kind: 'wildcard' },
  ]
  const matches = globMatcher(lowerParts(parts))
  return (context) => matches(lowerRawText(context))
}

function isOnlyWildcards(parts: ValuePart[]): boolean {
  return parts.length > 0 && parts.every((part) => part.kind === 'wildcard')
}

/**
 * Build the test of one lower-cased field value against a search value:
 * `*` alone means present and non-empty, an IPv4 or IPv6 network means a
 * subnet test, anything else a whole-value wildcard match.
 */
export function compileValueMatcher(parts: ValuePart[]): (value: string) => boolean {
  if (isOnlyWildcards(parts)) return (v) => v.length > 0

  if (parts.length === 1 && parts[0]?.kind === 'text') {
    const network = parseNetwork(parts[0].text)
    if (network !== null) return network
  }
  return globMatcher(lowerParts(parts))
}

function lowerParts(parts: ValuePart[]): ValuePart[] {
  return parts.map((part) =>
    part.kind === 'text' ? { kind: 'text', text: part.text.toLowerCase() } : part,
  )
}

/**
 * Build an anchored matcher for text pieces joined by `*`. The first piece
 * must start the value and the last must end it. The middle pieces are found
 * left to right, which is exact when `*` is the only wildcard. The common
 * shapes `v`, `v*`, `*v` and `*v*` get their own string tests.
 */
export function globMatcher(parts: ValuePart[]): (value: string) => boolean {
  const pieces = splitAtWildcards(parts)
  const head = pieces[0] as string
  const tail = pieces[pieces.length - 1] as string
  if (pieces.length === 1) return (v) => v === head
  if (pieces.length === 2 && tail === '') return (v) => v.startsWith(head)
  if (pieces.length === 2 && head === '') return (v) => v.endsWith(tail)

  const middle = pieces.slice(1, -1).filter((piece) => piece !== '')
  if (head === '' && tail === '' && middle.length === 1) {
    const needle = middle[0] as string
    return (v) => v.includes(needle)
  }

  const minimum = head.length + tail.length
  return (v) => {
    if (v.length < minimum || !v.startsWith(head) || !v.endsWith(tail)) {
      return false
    }
    let position = head.length
    const limit = v.length - tail.length
    for (const piece of middle) {
      const found = v.indexOf(piece, position)
      if (found < 0 || found + piece.length > limit) return false
      position = found + piece.length
    }
    return true
  }
}

/** Return the text between wildcards: n wildcards give n + 1 pieces. */
function splitAtWildcards(parts: ValuePart[]): string[] {
  const pieces = ['']
  for (const part of parts) {
    if (part.kind === 'wildcard') pieces.push('')
    else pieces[pieces.length - 1] += part.text
  }
  return pieces
}
