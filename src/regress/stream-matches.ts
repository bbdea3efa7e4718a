import type { Diagnostic } from '../diagnostic.js'
import { prepareRules } from '../engine.js'
import { isEventDiagnostic, streamEventFile, type EventItem } from '../events/event-stream.js'
import { DEFAULT_LIMITS, type Limits } from '../limits/limits.js'
import type { CaseEngines } from './run-case.js'

/** Counts of one rule over a stream of events. */
export interface StreamCounts {
  events: number
  /** Events the native matcher matched. */
  native: number
  /** Events the generated SPL matched. */
  spl: number
  /** Events on which the two engines disagree. */
  disagreements: number
  /** Problems met reading the events. */
  diagnostics: Diagnostic[]
}

/**
 * Run one rule's engines over a stream of events and count the matches,
 * holding no event after it is judged. For benchmarks and large files.
 */
export async function countMatches(engines: CaseEngines, events: AsyncIterable<EventItem> | Iterable<EventItem>): Promise<StreamCounts> {
  const counts: StreamCounts = { events: 0, native: 0, spl: 0, disagreements: 0, diagnostics: [] }
  const { native, spl } = engines
  for await (const item of events) {
    if (isEventDiagnostic(item)) {
      counts.diagnostics.push(item)
      continue
    }
    counts.events++
    const nativeVerdict = native?.(item.event) ?? false
    const splVerdict = spl?.(item.event) ?? false
    if (nativeVerdict) counts.native++
    if (splVerdict) counts.spl++
    if (nativeVerdict !== splVerdict) counts.disagreements++
  }
  return counts
}

/**
 * Compile the first rule of `ruleFile` and count its matches over the events
 * of `eventFile` in any supported format, streamed (NDJSON, XML, CSV, EVTX
 * one record at a time). The event count is unbounded unless `limits` sets
 * one. Returns undefined, with the rule's problems, when it cannot run.
 */
export async function countRuleMatchesInFile(
  ruleFile: string,
  eventFile: string,
  options: { cwd?: string; limits?: Partial<Limits> } = {},
): Promise<{ counts?: StreamCounts; diagnostics: Diagnostic[] }> {
  const prepared = await prepareRules([ruleFile], options.cwd ?? process.cwd())
  const [rule] = prepared.rules
  if (rule === undefined || !rule.engines.native || !rule.engines.spl) {
    return { diagnostics: [...prepared.diagnostics, ...(rule?.report.diagnostics ?? [])] }
  }
  const limits = { ...DEFAULT_LIMITS, eventsPerFixture: Infinity, ...options.limits }
  const counts = await countMatches(rule.engines, streamEventFile(eventFile, { limits }))
  return { counts, diagnostics: prepared.diagnostics }
}
