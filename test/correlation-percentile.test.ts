import { describe, expect, it } from 'vitest'
import type { CorrelationPlan } from '../src/ir/correlation-plan.js'
import { literal } from '../src/ir/expr.js'
import { compileCorrelation } from '../src/match/correlation-matcher.js'
import { compileSplStream } from '../src/spl/compile-stream.js'
import { parseSpl } from '../src/spl/parse-spl.js'

const PLAN: CorrelationPlan = {
  type: 'value_percentile',
  members: [{ reference: 'any', expr: { kind: 'field', field: 'EventID', test: literal('1') } }],
  groupBy: [{ name: 'Computer', fields: ['Computer'] }],
  span: 3600,
  spanText: '1h',
  bounds: [{ op: 'lte', value: 25, span: { line: 1, column: 1 } }],
  field: 'Image',
}

const QUERY =
  'EventID=1 | bin _time span=1h | stats count as sg_value_count by _time Computer Image' +
  ' | eventstats sum(sg_value_count) as sg_total by _time Computer' +
  " | eval value_percentile=sg_value_count*100/sg_total | where 'value_percentile'<=25"

function event(time: number, computer: string, image?: string | string[]) {
  return { time, event: { EventID: 1, Computer: computer, ...(image === undefined ? {} : { Image: image }) } }
}

const EVENTS = [
  event(10, 'A', 'x'),
  event(20, 'A', 'x'),
  event(30, 'A', 'x'),
  event(40, 'A', 'y'),
  event(50, 'A', 'x'),
  event(60, 'A'),
  event(70, 'B', 'z'),
  event(3700, 'A', 'y'),
]

function splRows(): string[] {
  const parsed = parseSpl(QUERY)
  if (!parsed.ok) throw new Error(parsed.error.message)
  const stream = compileSplStream(parsed.query)
  if (!stream.ok) throw new Error(stream.error.message)
  const rows = stream.run(EVENTS.map(({ time, event }) => ({ ...event, _time: time })))
  return rows.map((row) => `${String(row['_time'])} ${String(row['Computer'])} ${String(row['Image'])} ${String(row['value_percentile'])}`)
}

describe('value_percentile', () => {
  it('native rows per rare value', () => {
    const rows = compileCorrelation(PLAN)(EVENTS)
    expect(rows).toEqual([{ time: 0, group: ['A', 'y'], value: 20 }])
  })

  it('SPL rows per rare value', () => {
    expect(splRows()).toEqual(['0 A y 20'])
  })

  it('multi-valued field counts each value', () => {
    const rows = compileCorrelation(PLAN)([event(1, 'C', ['p', 'q']), event(2, 'C', 'p'), event(3, 'C', 'p'), event(4, 'C', 'p')])
    expect(rows).toEqual([{ time: 0, group: ['C', 'q'], value: 20 }])
  })
})

describe('eventstats', () => {
  it('adds group totals in record order', () => {
    const parsed = parseSpl('* | eventstats sum(n) as total, count by g')
    if (!parsed.ok) throw new Error(parsed.error.message)
    const stream = compileSplStream(parsed.query)
    if (!stream.ok) throw new Error(stream.error.message)
    const rows = stream.run([{ g: 'a', n: 1 }, { g: 'b', n: 5 }, { g: 'a', n: 2 }, { n: 7 }])
    expect(rows).toEqual([
      { g: 'a', n: 1, total: 3, count: 2 },
      { g: 'b', n: 5, total: 5, count: 1 },
      { g: 'a', n: 2, total: 3, count: 2 },
      { n: 7 },
    ])
  })
})
