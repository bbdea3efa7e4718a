import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

import type { SplEvent } from '../src/spl/index.js'
import { compileQuery } from './spl-helpers.js'

/** A small search expression model, evaluated independently of the engine. */
type Model =
  | { kind: 'and' | 'or'; items: Model[] }
  | { kind: 'not'; item: Model }
  | { kind: 'eq' | 'ne'; field: string; pattern: string }
  | { kind: 'in'; field: string; patterns: string[] }

const FIELDS = ['a', 'b', 'c']
const VALUES = ['x', 'y', 'xy', 'X', 'yx', '']
const PATTERNS = ['x', 'y', 'xy', '*', 'x*', '*y', '*x*', '']

const field = fc.constantFrom(...FIELDS)
const pattern = fc.constantFrom(...PATTERNS)

const model: fc.Arbitrary<Model> = fc.letrec<{ node: Model }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({ kind: fc.constantFrom('eq' as const, 'ne' as const), field, pattern }),
    fc.record({
      kind: fc.constant('in' as const),
      field,
      patterns: fc.array(pattern, { minLength: 1, maxLength: 3 }),
    }),
    fc.record({
      kind: fc.constantFrom('and' as const, 'or' as const),
      items: fc.array(tie('node'), { minLength: 2, maxLength: 3 }),
    }),
    fc.record({ kind: fc.constant('not' as const), item: tie('node') }),
  ),
})).node

const event: fc.Arbitrary<SplEvent> = fc
  .record(
    { a: fc.constantFrom(...VALUES), b: fc.constantFrom(...VALUES), c: fc.constantFrom(...VALUES) },
    { requiredKeys: [] },
  )
  .map((record) => ({ ...record }) as SplEvent)

/** Match a whole value against a `*` pattern, case-insensitively. */
function globMatches(patternText: string, value: string): boolean {
  const p = patternText.toLowerCase()
  const v = value.toLowerCase()
  if (p === '') return v === ''
  if (p[0] === '*') {
    for (let i = 0; i <= v.length; i++) if (globMatches(p.slice(1), v.slice(i))) return true
    return false
  }
  return v.length > 0 && v[0] === p[0] && globMatches(p.slice(1), v.slice(1))
}

/** Apply the documented rules: `*` alone needs a non-empty value. */
function termHolds(patternText: string, value: string | undefined): boolean {
  if (value === undefined) return false
  if (/^\*+$/.test(patternText)) return value !== ''
  return globMatches(patternText, value)
}

function evaluateModel(node: Model, e: SplEvent): boolean {
  const valueOf = (name: string): string | undefined => e[name] as string | undefined
  switch (node.kind) {
    case 'and':
      return node.items.every((item) => evaluateModel(item, e))
    case 'or':
      return node.items.some((item) => evaluateModel(item, e))
    case 'not':
      return !evaluateModel(node.item, e)
    case 'eq':
      return termHolds(node.pattern, valueOf(node.field))
    case 'ne': {
      const value = valueOf(node.field)
      if (value === undefined || /^\*+$/.test(node.pattern)) return false
      return !termHolds(node.pattern, value)
    }
    case 'in':
      return node.patterns.some((p) => termHolds(p, valueOf(node.field)))
  }
}

function printTerm(node: Model): string {
  switch (node.kind) {
    case 'eq':
      return `${node.field}="${node.pattern}"`
    case 'ne':
      return `${node.field}!="${node.pattern}"`
    case 'in':
      return `${node.field} IN (${node.patterns.map((p) => `"${p}"`).join(', ')})`
    default:
      throw new Error('not a term')
  }
}

/** Print with every group in parentheses. */
function printFull(node: Model): string {
  switch (node.kind) {
    case 'and':
      return `(${node.items.map(printFull).join(' AND ')})`
    case 'or':
      return `(${node.items.map(printFull).join(' OR ')})`
    case 'not':
      return `NOT ${printFull(node.item)}`
    default:
      return printTerm(node)
  }
}

const BINDING = { and: 0, or: 1, not: 2 } as const

/**
 * Print with parentheses only where SPL precedence needs them (NOT, then OR,
 * then AND), joining AND by whitespace, as pySigma does.
 */
function printMinimal(node: Model): string {
  const wrap = (child: Model, parent: number): string => {
    const text = printMinimal(child)
    const binds = child.kind in BINDING ? BINDING[child.kind as keyof typeof BINDING] : 3
    return binds < parent || (binds === parent && child.kind !== 'not') ? `(${text})` : text
  }
  switch (node.kind) {
    case 'and':
      return node.items.map((item) => wrap(item, BINDING.and + 0.5)).join(' ')
    case 'or':
      return node.items.map((item) => wrap(item, BINDING.or + 0.5)).join(' OR ')
    case 'not':
      return `NOT ${wrap(node.item, BINDING.not)}`
    default:
      return printTerm(node)
  }
}

describe('search expressions against a reference model', () => {
  it('agree when fully parenthesised', () => {
    fc.assert(
      fc.property(model, fc.array(event, { minLength: 1, maxLength: 8 }), (tree, events) => {
        const predicate = compileQuery(printFull(tree))
        for (const e of events) {
          expect(predicate(e)).toBe(evaluateModel(tree, e))
        }
      }),
      { numRuns: 500 },
    )
  })

  it('agree when parenthesised by precedence only', () => {
    fc.assert(
      fc.property(model, fc.array(event, { minLength: 1, maxLength: 8 }), (tree, events) => {
        const predicate = compileQuery(printMinimal(tree))
        for (const e of events) {
          expect(predicate(e)).toBe(evaluateModel(tree, e))
        }
      }),
      { numRuns: 500 },
    )
  })

  it('prints a known case with precedence only', () => {
    const tree: Model = {
      kind: 'and',
      items: [
        { kind: 'or', items: [{ kind: 'eq', field: 'a', pattern: 'x' }, { kind: 'eq', field: 'b', pattern: 'y' }] },
        { kind: 'not', item: { kind: 'and', items: [{ kind: 'eq', field: 'c', pattern: '*' }, { kind: 'ne', field: 'a', pattern: 'x' }] } },
      ],
    }
    expect(printMinimal(tree)).toBe('a="x" OR b="y" NOT (c="*" a!="x")')
  })
})
