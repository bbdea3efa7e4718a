import { LineCounter } from 'yaml'
import type { Diagnostic, Span } from '../diagnostic.js'
import { DEFAULT_LIMITS, limitDiagnostic, type Limits } from '../limits/limits.js'
import type { SigmaEvent } from './event.js'
import { emptyFile, invalidJson, notAnObject } from './event-diagnostics.js'
import { isEventDiagnostic, streamEventFile } from './event-stream.js'
import type { JsonSlice } from './json-values.js'
import {
  findValueEnd,
  locateJsonError,
  skipWhitespace,
  splitArray,
  splitLines,
} from './json-values.js'
import {
  isJsonObject,
  normaliseRecord,
  normaliseSplunkResult,
  splunkResultsOf,
} from './normalise-event.js'
import { readXmlText } from './xml-stream.js'

/** One event read from a file, with where it came from. */
export interface LoadedEvent {
  event: SigmaEvent
  /** 0-based position of the record in its file, counting broken records. */
  index: number
  /** 1-based line where the record starts, when the source has lines. */
  line?: number
}

/** Events read from one source and the problems found on the way. */
export interface LoadedEvents {
  events: LoadedEvent[]
  diagnostics: Diagnostic[]
}

/** Raw records read from a binary .evtx file, in evtx_dump's JSON shape. */
export type EvtxReader = (
  path: string,
) => Promise<{ records: unknown[]; diagnostics: Diagnostic[] }>

export interface LoadEventOptions {
  /** Reader for binary .evtx files; without one the built-in reader is used. */
  readEvtx?: EvtxReader
  /**
   * Bounds on event count, and on the size of files that are read whole
   * (JSON text); the defaults apply when unset.
   */
  limits?: Limits
}

/**
 * Layout of the records in a text event file: one JSON array, one object per
 * line (NDJSON), or values written one after another (a single object, or
 * evtx_dump's concatenated pretty-printed records).
 */
export type EventTextFormat = 'json-array' | 'ndjson' | 'json-stream'

/**
 * Read all events of one file into memory, in any format that
 * `streamEventFile` reads. Problems become diagnostics whose `file` is
 * `path`, sorted by position; every readable record is still returned. Use
 * `streamEventFile` for files too large to hold.
 */
export async function loadEventFile(
  path: string,
  options: LoadEventOptions = {},
): Promise<LoadedEvents> {
  const result: LoadedEvents = { events: [], diagnostics: [] }
  for await (const item of streamEventFile(path, options)) {
    if (isEventDiagnostic(item)) result.diagnostics.push(item)
    else result.events.push(item)
  }
  result.diagnostics.sort(
    (left, right) => left.line - right.line || left.column - right.column,
  )
  return result
}

/** Decode UTF-8, or UTF-16LE when the file starts with its byte order mark. */
export function decodeText(bytes: Buffer): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) {
    return bytes.subarray(2).toString('utf16le')
  }
  return bytes.toString('utf8').replace(/^\uFEFF/, '')
}

/**
 * Normalise records that a reader produced without text positions, such as
 * the binary EVTX reader. Records that are not objects are reported.
 */
export function eventsFromRecords(
  records: unknown[],
  file: string,
): LoadedEvents {
  const result: LoadedEvents = { events: [], diagnostics: [] }
  records.forEach((record, index) => {
    if (isJsonObject(record)) {
      const event = normaliseRecord(record)
      if (event !== undefined) result.events.push({ event, index })
    } else {
      result.diagnostics.push(notAnObject(record, index, undefined, file))
    }
  })
  return result
}

/** Detect how the records of an event file's text are laid out. */
export function detectEventFormat(text: string): EventTextFormat {
  const first = text[skipWhitespace(text, 0)]
  if (first === '[') return 'json-array'

  const lines = text.split('\n').map((line) => line.trim())
  const filled = lines.filter((line) => line !== '')
  const oneObjectPerLine = filled.every(
    (line) => line.startsWith('{') && line !== '{',
  )
  return filled.length > 1 && oneObjectPerLine ? 'ndjson' : 'json-stream'
}

/**
 * Parse the text of an event file held in memory: event XML, a Splunk
 * results document, or JSON in any layout of `EventTextFormat`. `file` names
 * the file in diagnostics.
 */
export function parseEventText(
  text: string,
  file: string,
  maxEvents: number = DEFAULT_LIMITS.eventsPerFixture,
): LoadedEvents {
  const result: LoadedEvents = { events: [], diagnostics: [] }
  const start = skipWhitespace(text, 0)
  if (start >= text.length) {
    const hint = 'Add at least one JSON object with the event\'s fields.'
    result.diagnostics.push(emptyFile(file, hint))
    return result
  }
  if (text[start] === '<') return splitItems(readXmlText(text, file))

  const results = splunkResultsIn(text)
  if (results !== undefined) return eventsFromSplunkResults(results, file)

  const positions = lineCounterFor(text)
  const reader: RecordReader = { text, positions, file, result, maxEvents }
  const format = detectEventFormat(text)
  if (format === 'json-stream') readStream(reader, start)
  else readSlices(reader, format)
  result.diagnostics.sort(
    (left, right) => left.line - right.line || left.column - right.column,
  )
  return result
}

/** Return the results of a Splunk `{"results": [...]}` document, if it is one. */
function splunkResultsIn(text: string): unknown[] | undefined {
  if (!/^\s*\{\s*"(preview|init_offset|messages|fields|results|highlighted)"/.test(text)) {
    return undefined
  }
  try {
    return splunkResultsOf(JSON.parse(text))
  } catch {
    return undefined
  }
}

function eventsFromSplunkResults(results: unknown[], file: string): LoadedEvents {
  const loaded: LoadedEvents = { events: [], diagnostics: [] }
  results.forEach((item, index) => {
    if (isJsonObject(item)) {
      loaded.events.push({ event: normaliseSplunkResult(item), index })
    } else {
      loaded.diagnostics.push(notAnObject(item, index, undefined, file))
    }
  })
  return loaded
}

function splitItems(items: Array<LoadedEvent | Diagnostic>): LoadedEvents {
  const loaded: LoadedEvents = { events: [], diagnostics: [] }
  for (const item of items) {
    if ('check' in item) loaded.diagnostics.push(item)
    else loaded.events.push(item)
  }
  return loaded
}

/** The text being read and where its events and diagnostics go. */
interface RecordReader {
  text: string
  positions: LineCounter
  file: string
  result: LoadedEvents
  /** Reading stops with a `limits/events-per-fixture` finding after this many records. */
  maxEvents: number
}

function readSlices(reader: RecordReader, format: EventTextFormat): void {
  const { text } = reader
  const { slices, errors } =
    format === 'json-array'
      ? splitArray(text, skipWhitespace(text, 0))
      : { slices: splitLines(text), errors: [] }
  for (const error of errors) {
    const span = spanAt(reader.positions, error.offset)
    reader.result.diagnostics.push(
      invalidJson(error, undefined, span, reader.file),
    )
  }
  for (const [index, slice] of slices.entries()) {
    if (reachedEventLimit(reader, slice.start)) return
    readRecord(reader, slice, index)
  }
}

/** Report and return true when the next record would exceed the event limit. */
function reachedEventLimit(reader: RecordReader, offset: number): boolean {
  if (reader.result.events.length < reader.maxEvents) return false
  const what = `Event file '${reader.file}' has more than ${reader.maxEvents} events, which`
  reader.result.diagnostics.push(limitDiagnostic(spanAt(reader.positions, offset), 'limits/events-per-fixture', what, 'eventsPerFixture', reader.maxEvents, reader.file))
  return true
}

/**
 * Read values written one after another. A record with an unclosed bracket
 * would swallow the records after it, so reading resumes at the next line
 * that starts with '{', where evtx_dump starts each record. After any other
 * broken record it resumes at the next '{', so a line such as `not json`
 * is one broken record, not one per word.
 */
function readStream(reader: RecordReader, start: number): void {
  const { text } = reader
  let offset = start
  for (let index = 0; offset < text.length; index++) {
    if (reachedEventLimit(reader, offset)) return
    const end = findValueEnd(text, offset)
    const parsed = readRecord(reader, { start: offset, end }, index)
    offset = skipWhitespace(
      text,
      parsed ? end : nextRecordStart(text, offset, end),
    )
  }
}

function nextRecordStart(text: string, start: number, end: number): number {
  const found = text.indexOf('\n{', start)
  if (found !== -1 && found < end) return found + 1
  const next = text.indexOf('{', end)
  return next === -1 ? text.length : next
}

/** Parse and normalise one record; return false when it is not valid JSON. */
function readRecord(
  reader: RecordReader,
  slice: JsonSlice,
  index: number,
): boolean {
  const { text, positions, file, result } = reader
  const line = positions.linePos(slice.start).line
  let record: unknown
  try {
    // NOTE: integers above 2^53 (a 64-bit EventRecordID, for one) lose their
    // last digits here, because SigmaEvent values have no bigint.
    record = JSON.parse(text.slice(slice.start, slice.end))
  } catch (error) {
    const located = locateJsonError(text, slice.start, slice.end) ?? {
      offset: slice.start,
      message: error instanceof Error ? error.message : String(error),
    }
    const span = spanAt(positions, located.offset)
    result.diagnostics.push(invalidJson(located, index, span, file))
    return false
  }

  if (isJsonObject(record)) {
    const event = normaliseRecord(record)
    if (event !== undefined) result.events.push({ event, index, line })
  } else {
    const span = spanAt(positions, slice.start)
    result.diagnostics.push(notAnObject(record, index, span, file))
  }
  return true
}

function lineCounterFor(text: string): LineCounter {
  const counter = new LineCounter()
  counter.addNewLine(0)
  for (
    let offset = text.indexOf('\n');
    offset !== -1;
    offset = text.indexOf('\n', offset + 1)
  ) {
    counter.addNewLine(offset + 1)
  }
  return counter
}

function spanAt(positions: LineCounter, offset: number): Span {
  const { line, col } = positions.linePos(offset)
  return { line, column: col }
}
