import fc from 'fast-check'
import { describe, expect, test } from 'vitest'

import { convertToSpl } from '../src/backends/splunk/index.js'
import type { Expr } from '../src/ir/expr.js'
import { allOf, anyOf, equals, none } from './backend-ir.js'

type Event = Record<string, string | undefined>

/** A search expression parsed from the printed SPL, for evaluation. */
type Parsed =
  | { kind: 'and' | 'or'; items: Parsed[] }
  | { kind: 'not'; item: Parsed }
  | { kind: 'term'; field: string; values: string[] }

const TOKEN = /\s*(\(|\)|NOT\b|OR\b|[A-Z]+ IN \([^)]*\)|[A-Z]+="[^"]*")/y

function tokenize(query: string): string[] {
  const tokens: string[] = []
  TOKEN.lastIndex = 0

  while (TOKEN.lastIndex < query.length) {
    const match = TOKEN.exec(query)
    if (match === null) {
      throw new Error(`cannot tokenize at ${TOKEN.lastIndex}: ${query}`)
    }
    tokens.push(match[1] ?? '')
  }

  return tokens
}

/**
 * Parse search syntax with NOT binding tightest and either OR above the
 * implicit AND (Splunk's documented order) or the reverse.
 */
function parseSearch(query: string, orBindsTighter: boolean): Parsed {
  const tokens = tokenize(query)
  let position = 0

  const peek = (): string | undefined => tokens[position]
  const startsOperand = (token: string | undefined): boolean =>
    token !== undefined && token !== ')' && token !== 'OR'

  function parseAnd(): Parsed {
    const inner = orBindsTighter ? parseOr : parseNot
    const items = [inner()]
    while (startsOperand(peek())) items.push(inner())
    return items.length === 1 ? (items[0] as Parsed) : { kind: 'and', items }
  }

  function parseOr(): Parsed {
    const inner = orBindsTighter ? parseNot : parseAnd
    const items = [inner()]
    while (peek() === 'OR') {
      position += 1
      items.push(inner())
    }
    return items.length === 1 ? (items[0] as Parsed) : { kind: 'or', items }
  }

  function parseNot(): Parsed {
    const token = tokens[position]
    position += 1
    if (token === 'NOT') return { kind: 'not', item: parseNot() }
    if (token === '(') {
      const inner = parseTop()
      expect(tokens[position]).toBe(')')
      position += 1
      return inner
    }
    return parseTerm(token ?? '')
  }

  const parseTop = orBindsTighter ? parseAnd : parseOr
  const tree = parseTop()
  expect(position).toBe(tokens.length)
  return tree
}

function parseTerm(token: string): Parsed {
  const inList = /^([A-Z]+) IN \((.*)\)$/.exec(token)
  if (inList !== null) {
    const values = (inList[2] ?? '')
      .split(', ')
      .map((value) => value.slice(1, -1))
    return { kind: 'term', field: inList[1] ?? '', values }
  }

  const [field = '', value = ''] = token.split('=')
  return { kind: 'term', field, values: [value.slice(1, -1)] }
}

function evaluateParsed(node: Parsed, event: Event): boolean {
  switch (node.kind) {
    case 'and':
      return node.items.every((item) => evaluateParsed(item, event))
    case 'or':
      return node.items.some((item) => evaluateParsed(item, event))
    case 'not':
      return !evaluateParsed(node.item, event)
    case 'term':
      return node.values.includes(event[node.field] ?? '\u0000absent')
  }
}

/** Evaluate the hand-built IR, whose leaves are single-text equality tests. */
function evaluateExpr(expr: Expr, event: Event): boolean {
  switch (expr.kind) {
    case 'and':
      return expr.items.every((item) => evaluateExpr(item, event))
    case 'or':
      return expr.items.some((item) => evaluateExpr(item, event))
    case 'not':
      return !evaluateExpr(expr.item, event)
    case 'field': {
      const part = expr.test.kind === 'string' ? expr.test.parts[0] : undefined
      return part?.kind === 'text' && event[expr.field] === part.text
    }
    default:
      throw new Error(`unexpected ${expr.kind} in generated IR`)
  }
}

const FIELDS = ['A', 'B', 'C'] as const
const VALUES = ['x', 'y'] as const

const { node: conditionArbitrary } = fc.letrec<{
  node: Expr
  leaf: Expr
  and: Expr
  or: Expr
  not: Expr
}>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    tie('leaf'),
    tie('and'),
    tie('or'),
    tie('not'),
  ),
  leaf: fc
    .tuple(fc.constantFrom(...FIELDS), fc.constantFrom(...VALUES))
    .map(([field, value]) => equals(field, value)),
  and: fc
    .array(tie('node'), { minLength: 2, maxLength: 3 })
    .map((items) => allOf(...items)),
  or: fc
    .array(tie('node'), { minLength: 2, maxLength: 3 })
    .map((items) => anyOf(...items)),
  not: tie('node').map(none),
}))

const eventArbitrary = fc.record({
  A: fc.constantFrom('x', 'y', undefined),
  B: fc.constantFrom('x', 'y', undefined),
  C: fc.constantFrom('x', 'y', undefined),
})

const eventsArbitrary = fc.array(eventArbitrary, { minLength: 1, maxLength: 8 })

describe('convertToSpl grouping semantics', () => {
  test('parser reads the documented and the disputed order differently', () => {
    const event = { A: 'x', B: 'y', C: 'y' }
    const query = 'A="x" OR B="x" C="x"'

    expect(evaluateParsed(parseSearch(query, true), event)).toBe(false)
    expect(evaluateParsed(parseSearch(query, false), event)).toBe(true)
  })

  test('SPL means the IR under either precedence reading', () => {
    fc.assert(
      fc.property(conditionArbitrary, eventsArbitrary, (expr, events) => {
        const result = convertToSpl(expr, { scope: {}, fieldNames: {} })
        const query = result.queries[0] ?? ''
        expect(result.diagnostics).toEqual([])
        expect(query).not.toContain('|')

        const documented = parseSearch(query, true)
        const disputed = parseSearch(query, false)
        for (const event of events) {
          const expected = evaluateExpr(expr, event)
          expect(evaluateParsed(documented, event)).toBe(expected)
          expect(evaluateParsed(disputed, event)).toBe(expected)
        }
      }),
      { numRuns: 3000 },
    )
  })
})
