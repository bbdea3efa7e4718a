import { toSplEvent } from '../pipeline/spl-event.js'
import type { EventContext } from '../spl/event-context.js'
import { cacheOf, fieldStrings, rawText } from '../spl/event-context.js'
import type { SplunkView, VerifyEvent } from './verify-input.js'

/** Field naming the run an event belongs to; its value is the run id. */
export const RUN_FIELD = 'sigma_gate_run'

/** Field holding an event's number in the run, to map results back. */
export const EVENT_FIELD = 'sigma_gate_event'

/** Settings shared by every event of a run. */
export interface PayloadSettings {
  runId: string
  index: string
  /** Event time in epoch seconds; every event of a run gets the same one. */
  time: number
  /** Sourcetype for events that carry none of their own. */
  sourcetype: string
  /** Host for events that carry none of their own. */
  host: string
  view: SplunkView
}

// Splunk keeps these as index metadata, not as indexed fields, so HEC takes
// them as top-level keys of the event object.
const METADATA_FIELDS = new Set(['index', 'source', 'sourcetype', 'host'])

/**
 * Render one fixture event as an HEC event object, as the engine's SPL check
 * presents it (`toSplEvent` with the pipeline's scope and renames):
 *
 * - `event` is the `_raw` that the SPL engine uses for the presented event:
 *   its own `_raw`, or else its values (without the scope's) joined by
 *   newlines. Splunk filters `field=value` terms on the
 *   words of `_raw` before it compares fields, so every value is in it.
 * - `fields` holds every other field as an indexed field, renamed as the
 *   pipeline names it (`EventID` → `EventCode` by default), with each
 *   value as the SPL engine prints it and lists as multivalue fields.
 *   Indexed fields do not depend on the search head's props.conf, so no
 *   add-on has to be installed.
 * - `source` is the event's own or the scope's (by default
 *   `XmlWinEventLog:Microsoft-Windows-Sysmon/Operational`), or else left to
 *   HEC. `sourcetype` and `host` come from the event or the scope, or else
 *   from `settings`.
 * - `sigma_gate_run` and `sigma_gate_event` tag the event with the run id
 *   and its number in the run.
 */
export function renderHecEvent(event: VerifyEvent, settings: PayloadSettings): Record<string, unknown> {
  const splEvent = toSplEvent(event.event, settings.view.fieldNames, settings.view.scope)
  const context: EventContext = { event: splEvent, overlay: null, cache: cacheOf(splEvent) }
  const first = (name: string): string | undefined => fieldStrings(context, name)?.[0]

  const fields: Record<string, string | string[]> = {}
  for (const name of Object.keys(splEvent)) {
    if (METADATA_FIELDS.has(name) || name.startsWith('_')) continue
    const values = fieldStrings(context, name)
    if (values === null) continue
    fields[name] = values.length === 1 ? (values[0] as string) : values
  }
  fields[RUN_FIELD] = settings.runId
  fields[EVENT_FIELD] = String(event.number)

  const source = first('source')
  return {
    time: settings.time,
    index: settings.index,
    ...(source !== undefined ? { source } : {}),
    sourcetype: first('sourcetype') ?? settings.sourcetype,
    host: first('host') ?? settings.host,
    event: rawText(context),
    fields,
  }
}

/**
 * Render events into HEC request bodies (event objects one after another)
 * of at most `maxBytes` each, so no request exceeds HEC's
 * `max_content_length`.
 */
export function batchHecEvents(events: VerifyEvent[], settings: PayloadSettings, maxBytes: number): string[] {
  const batches: string[] = []
  let current = ''
  let size = 0
  for (const event of events) {
    const line = `${JSON.stringify(renderHecEvent(event, settings))}\n`
    const lineSize = Buffer.byteLength(line)
    if (current !== '' && size + lineSize > maxBytes) {
      batches.push(current)
      current = ''
      size = 0
    }
    current += line
    size += lineSize
  }
  if (current !== '') batches.push(current)
  return batches
}
