import type { PatternPiece } from './spl-literal.js'

/**
 * The SPL syntax tree that the backend builds from the IR and the printer
 * writes out. Nodes contain raw user values, and only the printer, through
 * `spl-literal.ts`, turns them into SPL text.
 */

/** A value on the right of `=` or inside `IN (...)`. */
export type SearchValue =
  /** Quoted text with `*` wildcards. */
  | { kind: 'pattern'; pieces: PatternPiece[] }
  /** A plain integer, written unquoted (`EventCode=1`). */
  | { kind: 'integer'; text: string }
  /** Quoted text as given, for CIDR networks and scope values. */
  | { kind: 'string'; text: string }
  /** A number already formatted by `formatSplNumber`, written unquoted. */
  | { kind: 'number'; text: string }

export type CompareOperator = '=' | '>' | '>=' | '<' | '<='

export type SearchNode =
  | { kind: 'and'; items: SearchNode[] }
  | { kind: 'or'; items: SearchNode[] }
  | { kind: 'not'; item: SearchNode }
  | { kind: 'compare'; field: string; op: CompareOperator; value: SearchValue }
  | { kind: 'in'; field: string; values: SearchValue[] }
  /** `Field=*`: the field is present and non-empty. */
  | { kind: 'present'; field: string }
  /** A bare quoted value, matched against the raw event. */
  | { kind: 'keyword'; value: SearchValue }
  /** `sg_N=1`: the flag computed by an earlier `| eval` stage is set. */
  | { kind: 'flag'; name: string }
  | { kind: 'macro'; name: string }

export type EvalFunction =
  | 'if'
  | 'match'
  | 'isnotnull'
  | 'lower'
  | 'len'
  | 'substr'
  | 'split'
  | 'mvjoin'
  | 'coalesce'
  | 'isnull'
  | 'isnum'
  | 'cidrmatch'
  | 'strptime'
  | 'strftime'
  | 'tonumber'
  | 'case'
  | 'true'
  | 'false'
  | 'null'

export type EvalNode =
  | { kind: 'and'; items: EvalNode[] }
  | { kind: 'or'; items: EvalNode[] }
  | { kind: 'not'; item: EvalNode }
  | { kind: 'equals'; left: EvalNode; right: EvalNode }
  /** An ordering or inequality test, e.g. `'F'>5` or `'F'!=""`. */
  | {
      kind: 'compare'
      op: '<' | '<=' | '>' | '>=' | '!='
      left: EvalNode
      right: EvalNode
    }
  /** `a . b`: text concatenation, which also makes a comparison textual. */
  | { kind: 'concat'; items: EvalNode[] }
  /** Unary minus. */
  | { kind: 'negate'; item: EvalNode }
  | { kind: 'call'; name: EvalFunction; args: EvalNode[] }
  | { kind: 'field'; name: string }
  | { kind: 'string'; text: string }
  | { kind: 'integer'; value: number }
  /** A number already formatted by `formatSplNumber`. */
  | { kind: 'number'; text: string }

export type Stage =
  | { kind: 'eval'; target: string; value: EvalNode }
  | { kind: 'search'; expr: SearchNode }
  /** `| regex Field="pattern"`, or `!=` when negated. */
  | { kind: 'regex'; field: string; pattern: string; negated: boolean }

/**
 * A whole query: the base search (terms joined by implicit AND, `*` when
 * there are none) followed by pipeline stages.
 */
export interface SplQuery {
  base: SearchNode[]
  stages: Stage[]
}
