import { RE2JS } from 're2js'
import type { FieldValue, SigmaEvent } from '../events/event.js'
import type { Expr, FieldExpr, FieldRefTest, ValueTest } from '../ir/expr.js'
import { networkContains, parseIp, parseNetwork } from './ip-network.js'
import { compileWildcard } from './wildcard.js'

/** A compiled rule: whether one event matches. */
export type EventPredicate = (event: SigmaEvent) => boolean

/**
 * Compile an IR expression once into a closure tree over flat events. The
 * semantics are those of docs/semantics.md, which the SPL output shares.
 */
export function compileMatcher(expr: Expr): EventPredicate {
  switch (expr.kind) {
    case 'const': {
      const value = expr.value
      return () => value
    }
    case 'and': {
      const items = expr.items.map(compileMatcher)
      return (event) => items.every((item) => item(event))
    }
    case 'or': {
      const items = expr.items.map(compileMatcher)
      return (event) => items.some((item) => item(event))
    }
    case 'not': {
      const item = compileMatcher(expr.item)
      return (event) => !item(event)
    }
    case 'keyword': {
      const matches = compileWildcard(expr.test.parts, expr.test.cased)
      return (event) => Object.values(event).some((value) => anyValue(value, matches))
    }
    case 'field':
      return compileField(expr)
  }
}

function compileField(expr: FieldExpr): EventPredicate {
  const field = expr.field
  const test = expr.test
  if (test.kind === 'fieldref') return compileFieldRef(field, test)
  if (test.kind === 'null') return (event) => isEmpty(event[field])
  if (test.kind === 'exists') {
    const exists = test.exists
    return (event) => isEmpty(event[field]) !== exists
  }
  const matches = compileValueTest(test)
  return (event) => anyValue(event[field], matches)
}

/** A test of one scalar value, already turned into text. */
function compileValueTest(test: Exclude<ValueTest, { kind: 'fieldref' | 'null' | 'exists' }>): (value: string) => boolean {
  switch (test.kind) {
    case 'string':
      return compileWildcard(test.parts, test.cased)
    case 'regex': {
      const flags = (test.flags.i ? RE2JS.CASE_INSENSITIVE : 0) | (test.flags.m ? RE2JS.MULTILINE : 0) | (test.flags.s ? RE2JS.DOTALL : 0)
      const regex = RE2JS.compile(test.pattern, flags)
      return (value) => regex.test(value)
    }
    case 'number': {
      const limit = test.value
      const compare = COMPARE[test.op]
      return (value) => {
        if (value.trim() === '') return false
        const number = Number(value)
        return Number.isFinite(number) && compare(number, limit)
      }
    }
    case 'cidr': {
      const network = parseNetwork(test.network)
      if (!network) return () => false
      return (value) => {
        const address = parseIp(value)
        return address !== undefined && networkContains(network, address)
      }
    }
  }
}

const COMPARE = {
  gt: (a: number, b: number) => a > b,
  gte: (a: number, b: number) => a >= b,
  lt: (a: number, b: number) => a < b,
  lte: (a: number, b: number) => a <= b,
}

function compileFieldRef(field: string, test: FieldRefTest): EventPredicate {
  const fold = test.cased ? (text: string) => text : (text: string) => text.toLowerCase()
  const position = test.position
  return (event) => {
    const left = textValues(event[field])
    const right = textValues(event[test.field])
    return left.some((a) =>
      right.some((b) => {
        const value = fold(a)
        const other = fold(b)
        if (position === 'contains') return value.includes(other)
        if (position === 'startswith') return value.startsWith(other)
        if (position === 'endswith') return value.endsWith(other)
        return value === other
      }),
    )
  }
}

/** Whether any value of a (possibly multi-valued) field passes the test. */
function anyValue(value: FieldValue | undefined, matches: (text: string) => boolean): boolean {
  if (value === undefined || value === null) return false
  if (Array.isArray(value)) return value.some((item) => anyValue(item, matches))
  return matches(String(value))
}

function textValues(value: FieldValue | undefined): string[] {
  if (value === undefined || value === null) return []
  if (Array.isArray(value)) return value.flatMap(textValues)
  return [String(value)]
}

/** Absent, null and empty values count as missing, as Splunk's `f=*` sees them. */
function isEmpty(value: FieldValue | undefined): boolean {
  if (value === undefined || value === null || value === '') return true
  if (Array.isArray(value)) return value.every(isEmpty)
  return false
}
