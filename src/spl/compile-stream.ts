import type { FieldValue } from '../events/event.js'
import type { Aggregation, BinStage, SortStage, SplQuery, SplStage, SplSyntaxError, StatsStage } from './ast.js'
import { SplCompileFailure } from './compile-failure.js'
import { compileStage, type StageTest } from './compile-spl.js'
import { cacheOf, type EventContext, type SplEvent } from './event-context.js'
import { asNumber, formatNumber } from './eval-value.js'

/** Runs a whole query over an ordered event stream and returns its results. */
export type SplStream = (events: readonly SplEvent[]) => SplEvent[]

export type SplStreamResult = { ok: true; run: SplStream } | { ok: false; error: SplSyntaxError }

type StreamStep = (records: SplEvent[]) => SplEvent[]

/**
 * Compile a parsed query into a function over an ordered event stream.
 * Streaming commands (search, where, eval, regex, rex) run on each event as
 * `compileSpl` runs them, and `bin`, `stats`, `streamstats`, `eventstats` and `sort` work
 * on the results so far. A query without transforming commands returns the
 * events that pass, with the fields that eval and rex set.
 */
export function compileSplStream(query: SplQuery): SplStreamResult {
  try {
    const steps = buildSteps(query.stages)
    return {
      ok: true,
      run: (events) => steps.reduce<SplEvent[]>((records, step) => step(records), [...events]),
    }
  } catch (error) {
    if (error instanceof SplCompileFailure) return { ok: false, error: { message: error.message, column: error.column } }
    throw error
  }
}

function buildSteps(stages: SplStage[]): StreamStep[] {
  const steps: StreamStep[] = []
  let streaming: StageTest[] = []
  for (const stage of stages) {
    if (stage.kind === 'bin' || stage.kind === 'stats' || stage.kind === 'streamstats' || stage.kind === 'eventstats' || stage.kind === 'sort') {
      if (streaming.length > 0) steps.push(streamingStep(streaming))
      streaming = []
      steps.push(transformStep(stage))
    } else streaming.push(compileStage(stage))
  }
  if (streaming.length > 0) steps.push(streamingStep(streaming))
  return steps
}

/** Run consecutive streaming commands on each record and keep the fields they set. */
function streamingStep(tests: StageTest[]): StreamStep {
  return (records) => {
    const output: SplEvent[] = []
    for (const record of records) {
      const overlay = new Map<string, FieldValue>()
      const context: EventContext = { event: record, overlay, cache: cacheOf(record) }
      if (tests.every((test) => test(context))) output.push(withOverlay(record, overlay))
    }
    return output
  }
}

function withOverlay(record: SplEvent, overlay: Map<string, FieldValue>): SplEvent {
  if (overlay.size === 0) return record
  const merged: SplEvent = { ...record }
  for (const [field, value] of overlay) {
    if (value === null) delete merged[field]
    else merged[field] = value
  }
  return merged
}

function transformStep(stage: BinStage | StatsStage | SortStage): StreamStep {
  switch (stage.kind) {
    case 'bin':
      return binStep(stage)
    case 'sort':
      return sortStep(stage)
    case 'stats':
      return statsStep(stage)
    case 'streamstats':
      return streamstatsStep(stage)
    case 'eventstats':
      return eventstatsStep(stage)
  }
}

/** `bin`: round the field down to a multiple of the span; other values stay. */
function binStep(stage: BinStage): StreamStep {
  const { field, span } = stage
  return (records) =>
    records.map((record) => {
      const number = asNumber(single(record[field]))
      if (number === null) return record
      return { ...record, [field]: Math.floor(number / span) * span }
    })
}

/** `sort`: stable; numbers before text, numbers numerically; missing values last. */
function sortStep(stage: SortStage): StreamStep {
  return (records) =>
    records
      .map((record, position) => ({ record, position }))
      .sort((a, b) => {
        for (const key of stage.keys) {
          const order = compareValues(a.record[key.field], b.record[key.field])
          if (order !== 0) return key.descending ? -order : order
        }
        return a.position - b.position
      })
      .map(({ record }) => record)
}

function compareValues(a: FieldValue | undefined, b: FieldValue | undefined): number {
  const x = single(a)
  const y = single(b)
  if (x === null && y === null) return 0
  if (x === null) return 1
  if (y === null) return -1
  const nx = asNumber(x)
  const ny = asNumber(y)
  if (nx !== null && ny !== null) return Math.sign(nx - ny)
  if (nx !== null) return -1
  if (ny !== null) return 1
  const sx = String(x)
  const sy = String(y)
  if (sx === sy) return 0
  return sx < sy ? -1 : 1
}

/**
 * `stats`: one row per combination of by-field values, sorted by those
 * values. A record missing a by-field joins no group; a multi-valued
 * by-field puts the record in one group per value. Without `by`, there is
 * exactly one row, even for no records.
 */
function statsStep(stage: StatsStage): StreamStep {
  return (records) => {
    const groups = new Map<string, { values: string[]; state: Accumulator[] }>()
    if (stage.by.length === 0) groups.set('[]', { values: [], state: stage.aggregations.map(newAccumulator) })
    for (const record of records) {
      for (const values of byValues(record, stage.by)) {
        const key = JSON.stringify(values)
        let group = groups.get(key)
        if (!group) groups.set(key, (group = { values, state: stage.aggregations.map(newAccumulator) }))
        group.state.forEach((accumulator) => accumulator.add(record))
      }
    }

    const rows = [...groups.values()].sort((a, b) => compareGroups(a.values, b.values))
    return rows.map(({ values, state }) => {
      const row: SplEvent = {}
      stage.by.forEach((field, index) => (row[field] = values[index] as string))
      state.forEach((accumulator) => setResult(row, accumulator))
      return row
    })
  }
}

/** `streamstats`: each record gets its group's running values, itself included. */
function streamstatsStep(stage: StatsStage): StreamStep {
  return (records) => {
    const groups = new Map<string, Accumulator[]>()
    return records.map((record) => {
      const combinations = byValues(record, stage.by)
      // NOTE: a record with a multi-valued by-field is counted in the first
      // group only; Splunk's behaviour for that case is not documented.
      const values = combinations[0]
      if (values === undefined) return record
      const key = JSON.stringify(values)
      let state = groups.get(key)
      if (!state) groups.set(key, (state = stage.aggregations.map(newAccumulator)))
      const row: SplEvent = { ...record }
      for (const accumulator of state) {
        accumulator.add(record)
        setResult(row, accumulator)
      }
      return row
    })
  }
}

/**
 * `eventstats`: each record gets the values of its whole group, computed
 * over every record, and keeps its order and other fields.
 */
function eventstatsStep(stage: StatsStage): StreamStep {
  return (records) => {
    const groups = new Map<string, Accumulator[]>()
    // NOTE: as in streamstats, a record with a multi-valued by-field joins
    // the first group only.
    const keys = records.map((record) => {
      const values = byValues(record, stage.by)[0]
      if (values === undefined) return undefined
      const key = JSON.stringify(values)
      let state = groups.get(key)
      if (!state) groups.set(key, (state = stage.aggregations.map(newAccumulator)))
      state.forEach((accumulator) => accumulator.add(record))
      return key
    })

    return records.map((record, index) => {
      const state = groups.get(keys[index] ?? '')
      if (state === undefined) return record
      const row: SplEvent = { ...record }
      state.forEach((accumulator) => setResult(row, accumulator))
      return row
    })
  }
}

function compareGroups(a: string[], b: string[]): number {
  for (let index = 0; index < a.length; index++) {
    const order = compareValues(a[index], b[index])
    if (order !== 0) return order
  }
  return 0
}

function byValues(record: SplEvent, by: string[]): string[][] {
  let combinations: string[][] = [[]]
  for (const field of by) {
    const values = [...new Set(texts(record[field]))]
    if (values.length === 0) return []
    combinations = combinations.flatMap((prefix) => values.map((value) => [...prefix, value]))
  }
  return combinations
}

function setResult(row: SplEvent, accumulator: Accumulator): void {
  const value = accumulator.result()
  if (value === null) delete row[accumulator.name]
  else row[accumulator.name] = value
}

interface Accumulator {
  name: string
  add(record: SplEvent): void
  /** The aggregate, or null when it has no value (e.g. the sum of no numbers). */
  result(): number | null
}

function newAccumulator(aggregation: Aggregation): Accumulator {
  const { field, name } = aggregation
  const valuesOf = (record: SplEvent): string[] => (field === undefined ? [] : texts(record[field]))
  const numbersOf = (record: SplEvent): number[] => valuesOf(record).flatMap((text) => numberOrNothing(text))

  switch (aggregation.function) {
    case 'count': {
      let count = 0
      const add = field === undefined ? () => count++ : (record: SplEvent) => void (count += valuesOf(record).length)
      return { name, add, result: () => count }
    }
    case 'dc': {
      const seen = new Set<string>()
      return { name, add: (record) => valuesOf(record).forEach((value) => seen.add(value)), result: () => seen.size }
    }
    case 'sum':
    case 'avg': {
      let sum = 0
      let count = 0
      const add = (record: SplEvent): void => numbersOf(record).forEach((number) => ((sum += number), count++))
      const average = aggregation.function === 'avg'
      const result = (): number | null => {
        if (count === 0) return null
        return average ? sum / count : sum
      }
      return { name, add, result }
    }
    case 'min':
    case 'max': {
      let best: number | null = null
      const better = aggregation.function === 'min' ? (a: number, b: number) => a < b : (a: number, b: number) => a > b
      const add = (record: SplEvent): void => numbersOf(record).forEach((number) => (best = best === null || better(number, best) ? number : best))
      return { name, add, result: () => best }
    }
  }
}

function numberOrNothing(text: string): number[] {
  const number = asNumber(text)
  return number === null ? [] : [number]
}

/** Return the string form of each value of a field; numbers print as eval prints them. */
function texts(value: FieldValue | undefined): string[] {
  if (value === undefined || value === null) return []
  if (Array.isArray(value)) return value.flatMap(texts)
  return [typeof value === 'number' ? formatNumber(value) : String(value)]
}

function single(value: FieldValue | undefined): string | number | null {
  if (value === undefined || value === null) return null
  if (Array.isArray(value)) return single(value[0])
  return typeof value === 'boolean' ? String(value) : value
}
