/**
 * The SPL engine: a hand-written parser and evaluator for the Splunk SPL that
 * sigma-gate's backend emits (see docs/spl-dialect.md), used to check that
 * SPL on fixture events.
 *
 * `parseSpl` turns a query into a syntax tree, rejecting invalid or
 * unsupported SPL with a 1-based column. `compileSpl` turns the tree into a
 * predicate made of closures, so an event is tested without re-parsing.
 *
 * The search command follows Splunk's own rules. Parentheses bind tightest,
 * then `NOT`, then `OR`, then `AND` (also written as whitespace). Values and
 * keywords match case-insensitively and field names case-sensitively. `*` is
 * the only wildcard, and a value must match a field's whole value. `NOT f=v`
 * is true for an event without `f`, but `f!=v` is false. The eval and where
 * commands bind `AND` before `OR`, compare case-sensitively, and treat any
 * comparison with a missing field as false. Regular expressions (regex, rex,
 * match, replace) run on re2js in linear time; a pattern that needs
 * backtracking is a compile error.
 */
export type { FieldValue } from '../events/event.js'
export type * from './ast.js'
export type { SplEvent } from './event-context.js'
export { parseSpl } from './parse-spl.js'
export type { SplParseResult } from './parse-spl.js'
export { compileSpl } from './compile-spl.js'
export type { SplCompileResult } from './compile-spl.js'
export { compileSplStream } from './compile-stream.js'
export type { SplStream, SplStreamResult } from './compile-stream.js'
