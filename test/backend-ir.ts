import type { Span } from '../src/diagnostic.js'
import type { Expr, PatternPart, StringTest } from '../src/ir/expr.js'

/** Hand-built IR for the Splunk backend tests, shaped like parser output. */

export const any: PatternPart = { kind: 'any' }
export const one: PatternPart = { kind: 'one' }

export function text(value: string): PatternPart {
  return { kind: 'text', text: value }
}

export function pattern(parts: PatternPart[], cased = false): StringTest {
  return { kind: 'string', parts, cased }
}

export function equals(field: string, value: string): Expr {
  return { kind: 'field', field, test: pattern([text(value)]) }
}

export function contains(field: string, value: string): Expr {
  return { kind: 'field', field, test: pattern([any, text(value), any]) }
}

export function endsWith(field: string, value: string): Expr {
  return { kind: 'field', field, test: pattern([any, text(value)]) }
}

export function startsWith(field: string, value: string): Expr {
  return { kind: 'field', field, test: pattern([text(value), any]) }
}

export function parts(
  field: string,
  values: PatternPart[],
  cased = false,
): Expr {
  return { kind: 'field', field, test: pattern(values, cased) }
}

export function regex(
  field: string,
  source: string,
  flags: Partial<{ i: boolean; m: boolean; s: boolean }> = {},
): Expr {
  const allFlags = { i: false, m: false, s: false, ...flags }
  return {
    kind: 'field',
    field,
    test: { kind: 'regex', pattern: source, flags: allFlags },
  }
}

export function keyword(values: PatternPart[], cased = false): Expr {
  return { kind: 'keyword', test: pattern(values, cased) }
}

export function allOf(...items: Expr[]): Expr {
  return { kind: 'and', items }
}

export function anyOf(...items: Expr[]): Expr {
  return { kind: 'or', items }
}

export function none(item: Expr): Expr {
  return { kind: 'not', item }
}

/** The logsource condition the pipeline adds for process creation. */
export const processCreation = equals('EventID', '1')

/** Attach the span of the rule value that a field test came from. */
export function at(line: number, column: number, expr: Expr): Expr {
  if (expr.kind !== 'field' && expr.kind !== 'keyword') return expr
  const span: Span = { line, column }
  return { ...expr, span }
}
