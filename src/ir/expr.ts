import type { Span } from '../diagnostic.js'

/**
 * The detection IR: a boolean expression over field predicates. The native
 * matcher and the Splunk backend both read it, so a rule means one thing.
 */
export type Expr =
  | AndExpr
  | OrExpr
  | NotExpr
  | FieldExpr
  | KeywordExpr
  | ConstExpr

export interface AndExpr {
  kind: 'and'
  items: Expr[]
}

export interface OrExpr {
  kind: 'or'
  items: Expr[]
}

export interface NotExpr {
  kind: 'not'
  item: Expr
}

/** A test of one event field; `span` points at the rule value it came from. */
export interface FieldExpr {
  kind: 'field'
  field: string
  test: ValueTest
  span?: Span
}

/** A value searched anywhere in the event (Sigma keyword lists). */
export interface KeywordExpr {
  kind: 'keyword'
  test: StringTest
  span?: Span
}

/** A constant, e.g. an empty `1 of` pattern match or an `all` over no values. */
export interface ConstExpr {
  kind: 'const'
  value: boolean
}

/** One piece of a Sigma string value after its escapes are resolved. */
export type PatternPart =
  | { kind: 'text'; text: string }
  /** `*`: any run of characters, including none. */
  | { kind: 'any' }
  /** `?`: exactly one character. */
  | { kind: 'one' }

/**
 * A whole-value string match. `contains`, `startswith` and `endswith` are
 * already folded in as leading/trailing `any` parts.
 */
export interface StringTest {
  kind: 'string'
  parts: PatternPart[]
  /** Case-sensitive comparison (`cased` modifier); Sigma's default is false. */
  cased: boolean
}

/** `re` modifier: unanchored search, flags from `re|i`, `re|m`, `re|s`. */
export interface RegexTest {
  kind: 'regex'
  pattern: string
  flags: { i: boolean; m: boolean; s: boolean }
}

/** `gt`, `gte`, `lt`, `lte` modifiers on a numeric field. */
export interface NumberTest {
  kind: 'number'
  op: 'gt' | 'gte' | 'lt' | 'lte'
  value: number
}

/** Sigma `null`: the field is absent or empty. */
export interface NullTest {
  kind: 'null'
}

/** `exists` modifier: the field is present with a non-empty value, or not. */
export interface ExistsTest {
  kind: 'exists'
  exists: boolean
}

/** `cidr` modifier: the value is an IP address inside the network. */
export interface CidrTest {
  kind: 'cidr'
  network: string
}

/** `fieldref` modifier: the value equals another field's value. */
export interface FieldRefTest {
  kind: 'fieldref'
  field: string
  /** From the chained match modifiers (`contains`, `startswith`, `endswith`). */
  position: 'equals' | 'contains' | 'startswith' | 'endswith'
  cased: boolean
}

/**
 * `expand` modifier: a placeholder that the configuration gives no values.
 * It matches no event; the SPL calls the macro
 * `` `sigma_placeholder_<name>(<field>)` `` for the user to define.
 */
export interface PlaceholderTest {
  kind: 'placeholder'
  name: string
}

/** A part of a date that a time modifier extracts, e.g. `UtcTime|hour`. */
export type TimePart = 'minute' | 'hour' | 'day' | 'week' | 'month' | 'year'

/**
 * Time modifier (`minute` … `year`): the field holds a timestamp, and the
 * number of the given part, read as written without zone conversion, equals
 * or compares with `value` (`eq` without a comparison modifier). `week` is
 * the ISO 8601 week, 1 to 53. A value that is not a timestamp never matches.
 */
export interface TimePartTest {
  kind: 'time-part'
  part: TimePart
  op: 'eq' | 'gt' | 'gte' | 'lt' | 'lte'
  value: number
}

export type ValueTest =
  | StringTest
  | RegexTest
  | NumberTest
  | NullTest
  | ExistsTest
  | CidrTest
  | FieldRefTest
  | PlaceholderTest
  | TimePartTest

export function and(items: Expr[]): Expr {
  const flat: Expr[] = []
  for (const item of items) {
    if (item.kind === 'and') flat.push(...item.items)
    else if (item.kind === 'const' && item.value) continue
    else flat.push(item)
  }
  if (flat.some((item) => item.kind === 'const' && !item.value)) {
    return { kind: 'const', value: false }
  }
  if (flat.length === 0) return { kind: 'const', value: true }
  if (flat.length === 1) return flat[0] as Expr
  return { kind: 'and', items: flat }
}

export function or(items: Expr[]): Expr {
  const flat: Expr[] = []
  for (const item of items) {
    if (item.kind === 'or') flat.push(...item.items)
    else if (item.kind === 'const' && !item.value) continue
    else flat.push(item)
  }
  if (flat.some((item) => item.kind === 'const' && item.value)) {
    return { kind: 'const', value: true }
  }
  if (flat.length === 0) return { kind: 'const', value: false }
  if (flat.length === 1) return flat[0] as Expr
  return { kind: 'or', items: flat }
}

export function not(item: Expr): Expr {
  if (item.kind === 'not') return item.item
  if (item.kind === 'const') return { kind: 'const', value: !item.value }
  return { kind: 'not', item }
}

/** Build a string test from literal text, e.g. for pipeline conditions. */
export function literal(text: string): StringTest {
  return { kind: 'string', parts: [{ kind: 'text', text }], cased: false }
}
