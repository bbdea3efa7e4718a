import { diagnosticAt, type Diagnostic, type Span } from '../../diagnostic.js'
import type { Expr, FieldExpr, NumberTest, PatternPart } from '../../ir/expr.js'
import { buildExactRegex, withFlagPrefix } from './exact-regex.js'
import { normalizeNetwork } from './lower-detection.js'
import { formatSplNumber, isWritableFieldName } from './spl-literal.js'
import type { EvalNode } from './spl-syntax.js'
import { timePartCondition } from './time-part-eval.js'

const COMPARE: Record<NumberTest['op'], '<' | '<=' | '>' | '>='> = { gt: '>', gte: '>=', lt: '<', lte: '<=' }

/**
 * Lower a detection to one eval condition, for `| eval x=case(...)` where a
 * search expression cannot go. Every leaf is true or false, never null, so
 * `NOT` keeps the native meaning for events that lack a field. String tests
 * become anchored `match()` regexes, as the search lowering uses for tests
 * a search term cannot state.
 */
export function lowerToEval(expr: Expr, fieldNames: Readonly<Record<string, string>>, diagnostics: Diagnostic[]): EvalNode {
  switch (expr.kind) {
    case 'and':
      return { kind: 'and', items: expr.items.map((item) => lowerToEval(item, fieldNames, diagnostics)) }
    case 'or':
      return { kind: 'or', items: expr.items.map((item) => lowerToEval(item, fieldNames, diagnostics)) }
    case 'not':
      return { kind: 'not', item: lowerToEval(expr.item, fieldNames, diagnostics) }
    case 'const':
      return call(expr.value ? 'true' : 'false')
    case 'keyword':
      return matchCondition('_raw', buildExactRegex(withWildcards(expr.test.parts), expr.test.cased))
    case 'field':
      return lowerField(expr, fieldNames, diagnostics)
  }
}

function lowerField(expr: FieldExpr, fieldNames: Readonly<Record<string, string>>, diagnostics: Diagnostic[]): EvalNode {
  const field = fieldNames[expr.field] ?? expr.field
  if (!isWritableFieldName(field)) return unsupported(diagnostics, expr.span, `The field name '${field}' cannot be written in SPL because it is empty or contains a quote, backslash, backtick, asterisk or control character. Rename the field.`)
  const reference: EvalNode = { kind: 'field', name: field }
  const test = expr.test

  switch (test.kind) {
    case 'string':
      return matchCondition(field, buildExactRegex(test.parts, test.cased))
    case 'regex':
      return matchCondition(field, withFlagPrefix(test))
    case 'number': {
      const text = formatSplNumber(test.value)
      if (text === undefined) return unsupported(diagnostics, expr.span, `The number '${test.value}' compared with field '${field}' has no plain decimal form in SPL. Use a finite number written without an exponent.`)
      return { kind: 'and', items: [call('isnum', reference), { kind: 'compare', op: COMPARE[test.op], left: reference, right: { kind: 'number', text } }] }
    }
    case 'null':
      return { kind: 'not', item: present(reference) }
    case 'exists':
      return test.exists ? present(reference) : { kind: 'not', item: present(reference) }
    case 'cidr': {
      const network = normalizeNetwork(test.network)
      if (network === undefined) return unsupported(diagnostics, expr.span, `The cidr value '${test.network}' for field '${field}' is not an IPv4 or IPv6 network. Write it as address/prefix, for example '10.0.0.0/8'.`)
      return { kind: 'and', items: [call('isnotnull', reference), call('cidrmatch', { kind: 'string', text: network }, reference)] }
    }
    case 'fieldref': {
      const other = fieldNames[test.field] ?? test.field
      if (test.position !== 'equals' || !isWritableFieldName(other)) {
        return unsupported(diagnostics, expr.span, `The fieldref test of field '${field}' against '${other}' with '${test.position}' cannot be used in a correlation's rule classification. Compare whole values (fieldref without contains, startswith or endswith).`)
      }
      const fold = (node: EvalNode): EvalNode => (test.cased ? node : call('lower', node))
      return { kind: 'equals', left: fold(reference), right: fold({ kind: 'field', name: other }) }
    }
    case 'time-part':
      // `if` turns the null of an unparsable timestamp into false, so NOT
      // around it holds as it does natively.
      return call('if', timePartCondition(field, test), call('true'), call('false'))
    case 'placeholder':
      return unsupported(diagnostics, expr.span, `The placeholder '%${test.name}%' of field '${field}' has no values, so a correlation cannot classify events by it. Give the placeholder values in .sigma-gate.yml.`)
  }
}

/** `isnotnull('F') AND 'F'!=""`: present and non-empty, as Splunk's `F=*` is. */
function present(reference: EvalNode): EvalNode {
  return { kind: 'and', items: [call('isnotnull', reference), { kind: 'compare', op: '!=', left: reference, right: { kind: 'string', text: '' } }] }
}

function matchCondition(field: string, regex: string): EvalNode {
  const reference: EvalNode = { kind: 'field', name: field }
  return { kind: 'and', items: [call('isnotnull', reference), call('match', reference, { kind: 'string', text: regex })] }
}

function call(name: Extract<EvalNode, { kind: 'call' }>['name'], ...args: EvalNode[]): EvalNode {
  return { kind: 'call', name, args }
}

function withWildcards(parts: readonly PatternPart[]): PatternPart[] {
  const wrapped = [...parts]
  if (wrapped[0]?.kind !== 'any') wrapped.unshift({ kind: 'any' })
  if (wrapped[wrapped.length - 1]?.kind !== 'any') wrapped.push({ kind: 'any' })
  return wrapped
}

function unsupported(diagnostics: Diagnostic[], span: Span | undefined, message: string): EvalNode {
  diagnostics.push(diagnosticAt(span, 'convert/unsupported', 'error', message))
  return call('false')
}
