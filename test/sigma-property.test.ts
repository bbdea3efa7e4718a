import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { stringify } from 'yaml'
import { compileRuleText } from './helpers.js'

/**
 * Rules and events are generated as plain data; the rule is printed as YAML
 * and compiled by sigma-gate, and a deliberately naive evaluator below reads
 * the same data directly. Both must agree on every event.
 */

const FIELDS = ['Image', 'CommandLine', 'User'] as const
const POSITIONS = ['', 'contains', 'startswith', 'endswith'] as const

interface FieldEntry {
  field: (typeof FIELDS)[number]
  position: (typeof POSITIONS)[number]
  all: boolean
  cased: boolean
  values: string[]
}

type Condition =
  | { kind: 'ref'; index: number }
  | { kind: 'and' | 'or'; left: Condition; right: Condition }
  | { kind: 'not'; item: Condition }
  | { kind: 'quantifier'; all: boolean }

const valueText = fc.string({ unit: fc.constantFrom('a', 'b', 'A', '\\', '*', '?', '-'), maxLength: 4 })
const eventText = fc.string({ unit: fc.constantFrom('a', 'b', 'A', 'B', '\\', '*', '?', '-'), maxLength: 6 })

const fieldEntry: fc.Arbitrary<FieldEntry> = fc.record({
  field: fc.constantFrom(...FIELDS),
  position: fc.constantFrom(...POSITIONS),
  all: fc.boolean(),
  cased: fc.boolean(),
  values: fc.array(valueText, { minLength: 1, maxLength: 3 }),
})

/** A selection is a map of distinct fields, AND-ed. */
const selection = fc.uniqueArray(fieldEntry, { minLength: 1, maxLength: 3, selector: (entry) => entry.field })

function condition(selections: number): fc.Arbitrary<Condition> {
  const { tree } = fc.letrec<{ tree: Condition }>((tie) => ({
    tree: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.record({ kind: fc.constant('ref' as const), index: fc.nat(selections - 1) }),
      fc.record({ kind: fc.constant('quantifier' as const), all: fc.boolean() }),
      fc.record({ kind: fc.constantFrom('and' as const, 'or' as const), left: tie('tree'), right: tie('tree') }),
      fc.record({ kind: fc.constant('not' as const), item: tie('tree') }),
    ),
  }))
  return tree
}

const ruleCase = fc
  .array(selection, { minLength: 1, maxLength: 3 })
  .chain((selections) =>
    fc.record({
      selections: fc.constant(selections),
      condition: condition(selections.length),
      events: fc.array(fc.record({ Image: eventText, CommandLine: eventText, User: eventText }, { requiredKeys: [] }), { minLength: 1, maxLength: 4 }),
    }),
  )

function printCondition(node: Condition): string {
  switch (node.kind) {
    case 'ref':
      return `sel${node.index}`
    case 'quantifier':
      return node.all ? 'all of sel*' : '1 of sel*'
    case 'not':
      return `not (${printCondition(node.item)})`
    default:
      return `(${printCondition(node.left)} ${node.kind} ${printCondition(node.right)})`
  }
}

function printRule(selections: FieldEntry[][], root: Condition): string {
  const detection: Record<string, unknown> = {}
  selections.forEach((entries, index) => {
    const map: Record<string, unknown> = {}
    for (const entry of entries) {
      const modifiers = [entry.position, entry.all ? 'all' : '', entry.cased ? 'cased' : ''].filter(Boolean)
      map[[entry.field, ...modifiers].join('|')] = entry.values.length === 1 ? entry.values[0] : entry.values
    }
    detection[`sel${index}`] = map
  })
  detection['condition'] = printCondition(root)
  return stringify({ title: 'Generated', logsource: { product: 'windows', service: 'sysmon' }, detection })
}

/** Translate a Sigma value into a JavaScript regular expression source, one character at a time. */
function referencePattern(value: string): string {
  let source = ''
  for (let i = 0; i < value.length; i++) {
    const char = value[i] as string
    const next = value[i + 1]
    if (char === '\\' && (next === '*' || next === '?' || next === '\\')) {
      source += `\\${next}`
      i++
    } else if (char === '*') source += '.*'
    else if (char === '?') source += '.'
    else source += char.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&')
  }
  return source
}

function referenceValueMatches(entry: FieldEntry, value: string, eventValue: string): boolean {
  const before = entry.position === 'contains' || entry.position === 'endswith' ? '.*' : ''
  const after = entry.position === 'contains' || entry.position === 'startswith' ? '.*' : ''
  const regex = new RegExp(`^${before}${referencePattern(value)}${after}$`, entry.cased ? 's' : 'si')
  return regex.test(eventValue)
}

function referenceSelection(entries: FieldEntry[], event: Record<string, string>): boolean {
  return entries.every((entry) => {
    const eventValue = event[entry.field]
    if (eventValue === undefined) return false
    const results = entry.values.map((value) => referenceValueMatches(entry, value, eventValue))
    return entry.all ? results.every(Boolean) : results.some(Boolean)
  })
}

function referenceCondition(node: Condition, selections: boolean[]): boolean {
  switch (node.kind) {
    case 'ref':
      return selections[node.index] as boolean
    case 'quantifier':
      return node.all ? selections.every(Boolean) : selections.some(Boolean)
    case 'not':
      return !referenceCondition(node.item, selections)
    case 'and':
      return referenceCondition(node.left, selections) && referenceCondition(node.right, selections)
    case 'or':
      return referenceCondition(node.left, selections) || referenceCondition(node.right, selections)
  }
}

describe('native matcher against a reference evaluator', () => {
  it('agrees on 10 000 generated rules and events', () => {
    fc.assert(
      fc.property(ruleCase, ({ selections, condition: root, events }) => {
        const compiled = compileRuleText(printRule(selections, root))
        const errors = compiled.diagnostics.filter((d) => d.severity === 'error')
        expect(errors).toEqual([])
        for (const event of events) {
          const expected = referenceCondition(root, selections.map((entries) => referenceSelection(entries, event)))
          expect(compiled.matches(event)).toBe(expected)
        }
      }),
      { numRuns: 10_000, seed: 20261204 },
    )
  })
})
