import type { FieldValue, SigmaEvent } from '../events/event.js'
import type { CorrelationPlan } from '../ir/correlation-plan.js'
import type { Bound } from '../sigma/correlation.js'
import { compileMatcher, type EventPredicate } from './compile-matcher.js'

/** One firing of a correlation: a window, the group's values and the aggregate. */
export interface CorrelationRow {
  /** Start of the window, in seconds since the epoch. */
  time: number
  /**
   * The values of the group-by fields, in `group-by` order; value_percentile
   * adds the value of `field` whose share fired.
   */
  group: string[]
  value: number
}

/** An event of the stream with its time in seconds since the epoch. */
export interface TimedEvent {
  event: SigmaEvent
  time: number
}

/** Runs a correlation over a time-ordered stream and returns the rows that fire. */
export type CorrelationEvaluator = (events: readonly TimedEvent[]) => CorrelationRow[]

interface Member {
  index: number
  event: SigmaEvent
  time: number
}

const NUMBER_TEXT = /^\s*[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\s*$/

/**
 * Compile a correlation plan for the native engine. An event belongs to the
 * first referenced rule it matches; its window is `floor(time / span) * span`;
 * it joins one group per combination of its group-by values and none when a
 * group-by field is missing. Each window and group gives one aggregate, and a
 * row fires when every bound holds.
 */
export function compileCorrelation(plan: CorrelationPlan): CorrelationEvaluator {
  const matchers = plan.members.map((member) => compileMatcher(member.expr))
  return (events) => {
    const groups = new Map<string, { time: number; group: string[]; members: Member[] }>()
    for (const timed of events) {
      const index = classify(matchers, timed.event)
      if (index < 0) continue
      const time = Math.floor(timed.time / plan.span) * plan.span
      for (const group of groupValues(plan, index, timed.event)) {
        const key = JSON.stringify([time, group])
        let entry = groups.get(key)
        if (!entry) groups.set(key, (entry = { time, group, members: [] }))
        entry.members.push({ index, event: timed.event, time: timed.time })
      }
    }

    const rows: CorrelationRow[] = []
    for (const entry of groups.values()) {
      if (plan.type === 'value_percentile') {
        rows.push(...percentileRows(plan, entry))
        continue
      }
      const value = aggregate(plan, entry.members)
      if (value !== undefined && boundsHold(plan.bounds, value)) rows.push({ time: entry.time, group: entry.group, value })
    }
    return rows
  }
}

/**
 * Return the value_percentile rows of one window and group: each distinct
 * value of `field` with its share, in percent, of the events that carry
 * the field there. An event counts once for each of its distinct values,
 * as Splunk's `stats count by` counts it, and events without the field do
 * not count.
 */
function percentileRows(plan: CorrelationPlan, entry: { time: number; group: string[]; members: Member[] }): CorrelationRow[] {
  const counts = new Map<string, number>()
  for (const member of entry.members) {
    for (const value of new Set(fieldTexts(plan, member))) counts.set(value, (counts.get(value) ?? 0) + 1)
  }
  const total = [...counts.values()].reduce((sum, count) => sum + count, 0)

  const rows: CorrelationRow[] = []
  for (const [value, count] of counts) {
    // The same expression as the SPL's eval, so both round alike.
    const percent = (count * 100) / total
    if (boundsHold(plan.bounds, percent)) rows.push({ time: entry.time, group: [...entry.group, value], value: percent })
  }
  return rows
}

function classify(matchers: EventPredicate[], event: SigmaEvent): number {
  return matchers.findIndex((matches) => matches(event))
}

/** List every combination of the event's group-by values, or none when one is missing. */
function groupValues(plan: CorrelationPlan, member: number, event: SigmaEvent): string[][] {
  let combinations: string[][] = [[]]
  for (const field of plan.groupBy) {
    const values = [...new Set(textValues(event[field.fields[member] as string]))]
    if (values.length === 0) return []
    combinations = combinations.flatMap((prefix) => values.map((value) => [...prefix, value]))
  }
  return combinations
}

function aggregate(plan: CorrelationPlan, members: Member[]): number | undefined {
  switch (plan.type) {
    case 'event_count':
      return members.length
    case 'value_count':
      return new Set(members.flatMap((member) => fieldTexts(plan, member))).size
    case 'value_sum':
    case 'value_avg': {
      const numbers = members.flatMap((member) => fieldTexts(plan, member)).filter((text) => NUMBER_TEXT.test(text)).map(Number)
      if (numbers.length === 0) return undefined
      const sum = numbers.reduce((total, number) => total + number, 0)
      return plan.type === 'value_sum' ? sum : sum / numbers.length
    }
    case 'temporal':
      return new Set(members.map((member) => member.index)).size
    case 'temporal_ordered':
      return orderedSteps(members)
    case 'value_percentile':
      // percentileRows gives value_percentile one row per value instead.
      return undefined
  }
}

/**
 * Return how many referenced rules, counted from the first, occurred in
 * order: step k is reached by an event of rule k at or after an event that
 * reached step k - 1. Events with equal times keep their stream order.
 */
function orderedSteps(members: Member[]): number {
  const ordered = members.map((member, position) => ({ member, position })).sort((a, b) => a.member.time - b.member.time || a.position - b.position)
  const reached: boolean[] = []
  for (const { member } of ordered) {
    if (member.index === 0 || reached[member.index - 1]) reached[member.index] = true
  }
  let steps = 0
  while (reached[steps]) steps++
  return steps
}

function fieldTexts(plan: CorrelationPlan, member: Member): string[] {
  return plan.field === undefined ? [] : textValues(member.event[plan.field])
}

function textValues(value: FieldValue | undefined): string[] {
  if (value === undefined || value === null) return []
  if (Array.isArray(value)) return value.flatMap(textValues)
  return [String(value)]
}

const HOLDS: Record<Bound['op'], (value: number, limit: number) => boolean> = {
  gt: (value, limit) => value > limit,
  gte: (value, limit) => value >= limit,
  lt: (value, limit) => value < limit,
  lte: (value, limit) => value <= limit,
  eq: (value, limit) => value === limit,
  neq: (value, limit) => value !== limit,
}

export function boundsHold(bounds: readonly Bound[], value: number): boolean {
  return bounds.every((bound) => HOLDS[bound.op](value, bound.value))
}
