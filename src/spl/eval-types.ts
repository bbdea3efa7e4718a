import type { EvalExpr } from './ast.js'
import { SplCompileFailure } from './compile-failure.js'

/** The kind of result of an eval expression, as far as the syntax shows. */
type StaticType = 'condition' | 'value' | 'either'

const CONDITION_FUNCTIONS = new Set([
  'cidrmatch',
  'false',
  'in',
  'isnotnull',
  'isnull',
  'isnum',
  'isstr',
  'like',
  'match',
  'true',
])
const CONDITION_OPERATORS = new Set([
  'AND',
  'OR',
  'XOR',
  'LIKE',
  '=',
  '==',
  '!=',
  '<',
  '<=',
  '>',
  '>=',
])
const BRANCHING_FUNCTIONS = new Set(['if', 'case', 'coalesce'])

/**
 * Fail where Splunk rejects a query for mixing conditions and values: eval
 * cannot store a condition in a field, and where, if(), case() and the
 * boolean operators need conditions.
 */
export function checkEvalTypes(expr: EvalExpr, expected: StaticType): void {
  const actual = staticType(expr)
  if (expected !== 'either' && actual !== 'either' && actual !== expected) {
    throw new SplCompileFailure(mismatchMessage(expected), expr.column)
  }
  checkOperands(expr)
}

function mismatchMessage(expected: StaticType): string {
  if (expected === 'value') {
    return 'This expression is a condition, which eval cannot store in a field: wrap it as if(condition, 1, 0).'
  }
  return 'This expression is a value where a condition is needed: compare it, for example field="value", or test it with isnotnull().'
}

function checkOperands(expr: EvalExpr): void {
  switch (expr.kind) {
    case 'unary':
      checkEvalTypes(expr.operand, expr.op === 'NOT' ? 'condition' : 'value')
      return
    case 'binary': {
      const logical = expr.op === 'AND' || expr.op === 'OR' || expr.op === 'XOR'
      const operand = logical ? 'condition' : 'value'
      checkEvalTypes(expr.left, operand)
      checkEvalTypes(expr.right, operand)
      return
    }
    case 'call':
      checkCallArguments(expr.name, expr.args)
      return
    default:
      return
  }
}

function checkCallArguments(name: string, args: EvalExpr[]): void {
  args.forEach((arg, index) => {
    checkEvalTypes(arg, argumentType(name, index))
  })
}

function argumentType(name: string, index: number): StaticType {
  if (name === 'if') return index === 0 ? 'condition' : 'either'
  if (name === 'case') return index % 2 === 0 ? 'condition' : 'either'
  if (name === 'coalesce') return 'either'
  return 'value'
}

function staticType(expr: EvalExpr): StaticType {
  switch (expr.kind) {
    case 'string':
    case 'number':
    case 'field':
      return 'value'
    case 'unary':
      return expr.op === 'NOT' ? 'condition' : 'value'
    case 'binary':
      return CONDITION_OPERATORS.has(expr.op) ? 'condition' : 'value'
    case 'call':
      return callType(expr.name, expr.args)
  }
}

function callType(name: string, args: EvalExpr[]): StaticType {
  if (CONDITION_FUNCTIONS.has(name)) return 'condition'
  if (!BRANCHING_FUNCTIONS.has(name)) return 'value'

  let results = args
  if (name === 'if') results = args.slice(1)
  if (name === 'case') results = args.filter((_, i) => i % 2 === 1)
  const types = new Set(results.map(staticType))
  return types.size === 1 ? ([...types][0] as StaticType) : 'either'
}
