/**
 * Syntax tree of the SPL subset that sigma-gate parses. Every node carries
 * the 1-based `column` of its first character in the query text, counting a
 * newline as one character, so compile errors can point back at the text.
 */

/** A parsed query: the base search followed by the piped commands. */
export interface SplQuery {
  kind: 'query'
  stages: SplStage[]
}

export type SplStage =
  | SearchStage
  | WhereStage
  | EvalStage
  | RegexStage
  | RexStage
  | BinStage
  | StatsStage
  | SortStage

/** The stages that change or reorder the event stream as a whole. */
export type TransformStage = BinStage | StatsStage | SortStage

/** The base search or a `| search` command: keeps events matching `expr`. */
export interface SearchStage {
  kind: 'search'
  expr: SearchExpr
  column: number
}

/** `| where <eval expression>`: keeps events where the expression is true. */
export interface WhereStage {
  kind: 'where'
  expr: EvalExpr
  column: number
}

/** `| eval a=<expr>, b=<expr>`: sets fields, left to right. */
export interface EvalStage {
  kind: 'eval'
  assignments: EvalAssignment[]
  column: number
}

export interface EvalAssignment {
  field: string
  expr: EvalExpr
  column: number
}

/**
 * `| regex f="re"` (`negated` for `f!="re"`); `field` is `_raw` when the
 * command names no field. `pattern` is already unescaped.
 */
export interface RegexStage {
  kind: 'regex'
  field: string
  negated: boolean
  pattern: string
  column: number
  patternColumn: number
}

/** `| rex field=F "re"`: copies named groups of the first match into fields. */
export interface RexStage {
  kind: 'rex'
  field: string
  pattern: string
  column: number
  patternColumn: number
}

/** `| bin F span=5m`: rounds the number in F down to a multiple of the span. */
export interface BinStage {
  kind: 'bin'
  field: string
  /** The span in seconds. */
  span: number
  column: number
}

export type AggregateFunction = 'count' | 'dc' | 'sum' | 'avg' | 'min' | 'max'

/** `count`, `dc(F)`, `sum(F) as name`, ... in a stats or streamstats command. */
export interface Aggregation {
  function: AggregateFunction
  /** Absent only for a bare `count`, which counts events. */
  field?: string
  /** The output field: the `as` name, or Splunk's default such as `dc(F)`. */
  name: string
  column: number
}

/**
 * `| stats ... by F1 F2` (one row per group), `| streamstats ... by F1 F2`
 * (each event gets the running values of its group, itself included) or
 * `| eventstats ... by F1 F2` (each event gets its whole group's values).
 */
export interface StatsStage {
  kind: 'stats' | 'streamstats' | 'eventstats'
  aggregations: Aggregation[]
  by: string[]
  column: number
}

/** `| sort 0 F1 -F2`: a stable sort, ascending unless the key has `-`. */
export interface SortStage {
  kind: 'sort'
  keys: { field: string; descending: boolean }[]
  column: number
}

// Search expressions (base search and `| search`).

export type SearchExpr =
  | SearchAnd
  | SearchOr
  | SearchNot
  | SearchTerm
  | SearchIn
  | SearchCompare
  | SearchKeyword
  | SearchMacro

export interface SearchAnd {
  kind: 'and'
  items: SearchExpr[]
  column: number
}

export interface SearchOr {
  kind: 'or'
  items: SearchExpr[]
  column: number
}

export interface SearchNot {
  kind: 'not'
  item: SearchExpr
  column: number
}

/** `f=v` or `f!=v`: a whole-value, case-insensitive wildcard or CIDR test. */
export interface SearchTerm {
  kind: 'term'
  field: string
  op: '=' | '!='
  value: SearchValue
  column: number
}

/** `f IN (v1, v2, ...)`: the OR of `f=v1`, `f=v2`, ... */
export interface SearchIn {
  kind: 'in'
  field: string
  values: SearchValue[]
  column: number
}

/** `f<v`, `f<=v`, `f>v`, `f>=v`: a numeric comparison. */
export interface SearchCompare {
  kind: 'compare'
  field: string
  op: '<' | '<=' | '>' | '>='
  value: SearchValue
  column: number
}

/** A term without a field, matched against `_raw`. */
export interface SearchKeyword {
  kind: 'keyword'
  value: SearchValue
  column: number
}

/** A backtick macro such as `` `sysmon` ``; `name` excludes the backticks. */
export interface SearchMacro {
  kind: 'macro'
  name: string
  column: number
}

/** One piece of an unescaped search value. */
export type ValuePart = { kind: 'text'; text: string } | { kind: 'wildcard' }

/**
 * A value as written (`raw`, without the surrounding quotes) and after the
 * one-pass unescape, split at the wildcards that remain.
 */
export interface SearchValue {
  raw: string
  quoted: boolean
  parts: ValuePart[]
}

// Eval expressions (`| eval`, `| where`).

export type EvalExpr =
  | EvalString
  | EvalNumber
  | EvalField
  | EvalCall
  | EvalUnary
  | EvalBinary

/** A double-quoted string literal, unescaped. */
export interface EvalString {
  kind: 'string'
  value: string
  column: number
}

export interface EvalNumber {
  kind: 'number'
  value: number
  column: number
}

/** A field reference, bare or in single quotes. */
export interface EvalField {
  kind: 'field'
  name: string
  column: number
}

/** A function call; the parser accepts only known, lower-case names. */
export interface EvalCall {
  kind: 'call'
  name: string
  args: EvalExpr[]
  column: number
}

export interface EvalUnary {
  kind: 'unary'
  op: 'NOT' | '-'
  operand: EvalExpr
  column: number
}

export type EvalBinaryOp =
  | 'OR'
  | 'XOR'
  | 'AND'
  | '='
  | '=='
  | '!='
  | '<'
  | '<='
  | '>'
  | '>='
  | 'LIKE'
  | '+'
  | '-'
  | '.'
  | '*'
  | '/'
  | '%'

export interface EvalBinary {
  kind: 'binary'
  op: EvalBinaryOp
  left: EvalExpr
  right: EvalExpr
  column: number
}

/** A located problem in a query; `column` is 1-based in the query text. */
export interface SplSyntaxError {
  message: string
  column: number
}
