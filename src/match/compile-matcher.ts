import { RE2JS } from 're2js'
import type { FieldValue, SigmaEvent } from '../events/event.js'
import type { Expr, FieldExpr, FieldRefTest, StringTest, ValueTest } from '../ir/expr.js'
import { networkContains, parseIp, parseNetwork } from './ip-network.js'
import { parseDecimalNumber } from './decimal-number.js'
import { parseTimestampFields, timePartOf } from './time-part.js'
import { compileLowerWildcard, compileWildcard, lowerExactText } from './wildcard.js'

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
    case 'or':
      return compileOr(expr.items)
    case 'not': {
      const item = compileMatcher(expr.item)
      return (event) => !item(event)
    }
    case 'keyword': {
      if (!expr.test.cased) {
        const matches = compileLowerWildcard(expr.test.parts)
        return (event) => {
          for (const field in event) {
            for (const value of lowerValues(event, field)) if (matches(value)) return true
          }
          return false
        }
      }
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
  // A placeholder without configured values stands for an empty value list.
  if (test.kind === 'placeholder') return () => false
  if (test.kind === 'null') return (event) => isEmpty(event[field])
  if (test.kind === 'exists') {
    const exists = test.exists
    return (event) => isEmpty(event[field]) !== exists
  }
  if (test.kind === 'string' && !test.cased) {
    const matches = compileLowerWildcard(test.parts)
    return (event) => lowerValues(event, field).some(matches)
  }
  const matches = compileValueTest(test)
  return (event) => anyValue(event[field], matches)
}

/** An uncased string test of one field, which an OR can merge with its siblings. */
type LowerStringExpr = FieldExpr & { test: StringTest }

function isLowerString(expr: Expr): expr is LowerStringExpr {
  return expr.kind === 'field' && expr.test.kind === 'string' && !expr.test.cased
}

/**
 * Compile an OR. Uncased string tests of the same field (a Sigma value
 * list) become one test that folds the field once, looks exact values up in
 * a set and tries the patterns in turn; OR is order-free, so the verdict is
 * the same.
 */
function compileOr(items: Expr[]): EventPredicate {
  const byField = new Map<string, LowerStringExpr[]>()
  const others: EventPredicate[] = []
  for (const item of items) {
    if (isLowerString(item)) {
      const group = byField.get(item.field)
      if (group) group.push(item)
      else byField.set(item.field, [item])
    } else others.push(compileMatcher(item))
  }
  const tests = [...[...byField].map(([field, group]) => compileValueList(field, group)), ...others]
  if (tests.length === 1) return tests[0] as EventPredicate
  return (event) => tests.some((test) => test(event))
}

function compileValueList(field: string, group: LowerStringExpr[]): EventPredicate {
  if (group.length === 1) return compileField(group[0] as LowerStringExpr)
  const exact = new Set<string>()
  const patterns: ((value: string) => boolean)[] = []
  for (const item of group) {
    const text = lowerExactText(item.test.parts)
    if (text !== undefined) exact.add(text)
    else patterns.push(compileLowerWildcard(item.test.parts))
  }
  const matches = (value: string): boolean => exact.has(value) || patterns.some((pattern) => pattern(value))
  return (event) => lowerValues(event, field).some(matches)
}

/** Compile a test of one scalar value, already turned into text. */
function compileValueTest(test: Exclude<ValueTest, { kind: 'fieldref' | 'null' | 'exists' | 'placeholder' }>): (value: string) => boolean {
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
        const number = parseDecimalNumber(value)
        return number !== null && compare(number, limit)
      }
    }
    case 'time-part': {
      const part = test.part
      const limit = test.value
      const compare = test.op === 'eq' ? (a: number, b: number) => a === b : COMPARE[test.op]
      return (value) => {
        const fields = parseTimestampFields(value)
        return fields !== undefined && compare(timePartOf(fields, part), limit)
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

/** Check whether any value of a (possibly multi-valued) field passes the test. */
function anyValue(value: FieldValue | undefined, matches: (text: string) => boolean): boolean {
  if (value === undefined || value === null) return false
  if (Array.isArray(value)) return value.some((item) => anyValue(item, matches))
  return matches(String(value))
}

// The lower-cased values of each field of the last event matched, shared by
// every test of every rule: callers try many rules on one event in a row.
// Events are read-only once matching starts. Field names get a slot each,
// so a new event only bumps the epoch instead of allocating a map. Names
// beyond MAX_SLOTS, from events with ever-new field names, share an
// overflow map that each new event clears.
const MAX_SLOTS = 4096
const slots = new Map<string, number>()
let slotEpoch = new Uint32Array(64)
const slotValues: string[][] = []
const overflow = new Map<string, string[]>()
let lastEvent: SigmaEvent | undefined
let epoch = 0

/**
 * Return the lower-cased text of each value of a field, empty when absent or
 * null; computed once per field of the last event asked about.
 */
export function lowerValues(event: SigmaEvent, field: string): string[] {
  if (event !== lastEvent) nextEvent(event)
  const slot = slots.get(field) ?? addSlot(field)
  if (slot < 0) return overflowValues(event, field)
  if (slotEpoch[slot] === epoch) return slotValues[slot] as string[]

  const values = lowerTexts(event[field])
  slotEpoch[slot] = epoch
  slotValues[slot] = values
  return values
}

function nextEvent(event: SigmaEvent): void {
  lastEvent = event
  overflow.clear()
  if (++epoch < 0xffffffff) return
  epoch = 1
  slotEpoch.fill(0)
}

function addSlot(field: string): number {
  if (slots.size >= MAX_SLOTS) return -1
  const slot = slots.size
  slots.set(field, slot)
  if (slot >= slotEpoch.length) {
    const grown = new Uint32Array(slotEpoch.length * 2)
    grown.set(slotEpoch)
    slotEpoch = grown
  }
  return slot
}

function overflowValues(event: SigmaEvent, field: string): string[] {
  let values = overflow.get(field)
  if (values === undefined) {
    values = lowerTexts(event[field])
    overflow.set(field, values)
  }
  return values
}

function lowerTexts(value: FieldValue | undefined): string[] {
  if (value === undefined || value === null) return []
  if (typeof value === 'string') return [value.toLowerCase()]
  return textValues(value).map((text) => text.toLowerCase())
}

function textValues(value: FieldValue | undefined): string[] {
  if (value === undefined || value === null) return []
  if (Array.isArray(value)) return value.flatMap(textValues)
  return [String(value)]
}

/** Treat absent, null and empty values as missing, as Splunk's `f=*` does. */
function isEmpty(value: FieldValue | undefined): boolean {
  if (value === undefined || value === null || value === '') return true
  if (Array.isArray(value)) return value.every(isEmpty)
  return false
}
