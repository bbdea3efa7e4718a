import type { EvalBinary, EvalExpr } from './ast.js'
import { buildEvalFunction } from './eval-functions.js'
import { fieldValue } from './event-context.js'
import type { EventContext } from './event-context.js'
import { allTexts, asNumber, asText, fromField } from './eval-value.js'
import type { EvalValue } from './eval-value.js'
import { likeMatcher } from './like.js'

/** A compiled eval expression. */
export type Evaluator = (context: EventContext) => EvalValue

/** Compile an eval expression into a closure over an event context. */
export function compileEval(expr: EvalExpr): Evaluator {
  switch (expr.kind) {
    case 'string': {
      const value = expr.value
      return () => value
    }
    case 'number': {
      const value = expr.value
      return () => value
    }
    case 'field': {
      const name = expr.name
      return (context) => fromField(fieldValue(context, name))
    }
    case 'call':
      return buildEvalFunction(expr, compileEval)
    case 'unary':
      return compileUnary(expr.op, compileEval(expr.operand))
    case 'binary':
      return compileBinary(expr)
  }
}

/** Return true only for the boolean `true`: a null condition is not true. */
export function isTrue(value: EvalValue): boolean {
  return value === true
}

function compileUnary(op: 'NOT' | '-', operand: Evaluator): Evaluator {
  if (op === 'NOT') return (context) => !isTrue(operand(context))
  return (context) => {
    const n = asNumber(operand(context))
    return n === null ? null : -n
  }
}

function compileBinary(expr: EvalBinary): Evaluator {
  const left = compileEval(expr.left)
  const right = compileEval(expr.right)
  switch (expr.op) {
    case 'AND':
      return (context) => isTrue(left(context)) && isTrue(right(context))
    case 'OR':
      return (context) => isTrue(left(context)) || isTrue(right(context))
    case 'XOR':
      return (context) => isTrue(left(context)) !== isTrue(right(context))
    case 'LIKE':
      return compileLike(left, expr.right, right)
    case '.':
      return (context) => concatenate(left(context), right(context))
    case '+':
      return (context) => add(left(context), right(context))
    case '-':
    case '*':
    case '/':
    case '%': {
      const apply = ARITHMETIC[expr.op]
      return (context) => arithmetic(left(context), right(context), apply)
    }
    default: {
      const holds = COMPARISONS[expr.op] as Ordering
      return (context) => compare(left(context), right(context), holds)
    }
  }
}

const ARITHMETIC: Record<'-' | '*' | '/' | '%', (a: number, b: number) => number> = {
  '-': (a, b) => a - b,
  '*': (a, b) => a * b,
  '/': (a, b) => a / b,
  '%': (a, b) => a % b,
}

function arithmetic(
  a: EvalValue,
  b: EvalValue,
  apply: (a: number, b: number) => number,
): EvalValue {
  const x = asNumber(a)
  const y = asNumber(b)
  if (x === null || y === null) return null
  const result = apply(x, y)
  return Number.isFinite(result) ? result : null
}

/** `+` adds two numbers and joins two strings; anything else is null. */
function add(a: EvalValue, b: EvalValue): EvalValue {
  const x = asNumber(a)
  const y = asNumber(b)
  if (x !== null && y !== null) return x + y
  if (typeof a === 'string' && typeof b === 'string') return a + b
  return null
}

/** `.` joins the text of both sides; a null side makes the result null. */
function concatenate(a: EvalValue, b: EvalValue): EvalValue {
  const x = asText(a)
  const y = asText(b)
  return x === null || y === null ? null : x + y
}

type Ordering = (order: number) => boolean

const COMPARISONS: Record<string, Ordering> = {
  '=': (order) => order === 0,
  '==': (order) => order === 0,
  '!=': (order) => order !== 0,
  '<': (order) => order < 0,
  '<=': (order) => order <= 0,
  '>': (order) => order > 0,
  '>=': (order) => order >= 0,
}

/**
 * Compare two values, case-sensitively: as numbers when both read as
 * numbers, else as text by code unit. A null side makes every comparison
 * false, `!=` included; a multi-valued side holds when any value does.
 */
function compare(a: EvalValue, b: EvalValue, holds: Ordering): boolean {
  if (a === null || b === null) return false
  const lefts = typeof a === 'boolean' ? [String(a)] : allTexts(a)
  const rights = typeof b === 'boolean' ? [String(b)] : allTexts(b)
  return lefts.some((x) => rights.some((y) => holds(order(x, y))))
}

function order(x: string, y: string): number {
  const nx = asNumber(x)
  const ny = asNumber(y)
  if (nx !== null && ny !== null) return Math.sign(nx - ny)
  if (x === y) return 0
  return x < y ? -1 : 1
}

/** `s LIKE "pattern"`: compiled once when the pattern is a literal. */
function compileLike(
  subject: Evaluator,
  patternExpr: EvalExpr,
  pattern: Evaluator,
): Evaluator {
  if (patternExpr.kind === 'string') {
    const matches = likeMatcher(patternExpr.value)
    return (context) => allTexts(subject(context)).some(matches)
  }
  return (context) => {
    const text = asText(pattern(context))
    if (text === null) return false
    const matches = likeMatcher(text)
    return allTexts(subject(context)).some(matches)
  }
}
