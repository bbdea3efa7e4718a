import { readFile } from 'node:fs/promises'
import { LineCounter } from 'yaml'
import type { Diagnostic, Span } from '../diagnostic.js'
import { diagnosticAt } from '../diagnostic.js'
import type { SigmaEvent } from './event.js'
import type { JsonSlice, JsonSyntaxError } from './json-values.js'
import {
  findValueEnd,
  locateJsonError,
  skipWhitespace,
  splitArray,
  splitLines,
} from './json-values.js'
import { isJsonObject, normaliseEvent } from './normalise-event.js'

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
  /** Reader for binary .evtx files; without one they are reported. */
  readEvtx?: EvtxReader
}

/**
 * Layout of the records in a text event file: one JSON array, one object per
 * line (NDJSON), or values written one after another (a single object, or
 * evtx_dump's concatenated pretty-printed records).
 */
export type EventTextFormat = 'json-array' | 'ndjson' | 'json-stream'

const EVTX_MAGIC = Buffer.from('ElfFile\0', 'latin1')

/**
 * Read the events of one file. The format is detected from the content:
 * JSON object, JSON array, NDJSON, evtx_dump JSON, or binary EVTX when
 * `options.readEvtx` is given. Problems become diagnostics whose `file` is
 * `path`; every readable record is still returned.
 */
export async function loadEventFile(
  path: string,
  options: LoadEventOptions = {},
): Promise<LoadedEvents> {
  let bytes: Buffer
  try {
    bytes = await readFile(path)
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    const message = `Event file '${path}' could not be read (${reason}). Check that the path exists and is a readable file.`
    return failed('fixture/missing-file', message, path)
  }

  if (bytes.subarray(0, EVTX_MAGIC.length).equals(EVTX_MAGIC)) {
    return loadEvtxFile(path, options.readEvtx)
  }
  return parseEventText(decodeText(bytes), path)
}

async function loadEvtxFile(
  path: string,
  readEvtx: EvtxReader | undefined,
): Promise<LoadedEvents> {
  if (readEvtx === undefined) {
    const message = `Event file '${path}' is a binary EVTX log, which this command cannot read. Export it to JSON with evtx_dump and point the fixture at the .json file.`
    return failed('fixture/unsupported-format', message, path)
  }

  const { records, diagnostics } = await readEvtx(path)
  const loaded = eventsFromRecords(records, path)
  return {
    events: loaded.events,
    diagnostics: [...diagnostics, ...loaded.diagnostics],
  }
}

/** Decode UTF-8, or UTF-16LE when the file starts with its byte order mark. */
function decodeText(bytes: Buffer): string {
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
      result.events.push({ event: normaliseEvent(record), index })
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

/** Parse the text of an event file; `file` names it in diagnostics. */
export function parseEventText(text: string, file: string): LoadedEvents {
  const positions = lineCounterFor(text)
  const result: LoadedEvents = { events: [], diagnostics: [] }
  const start = skipWhitespace(text, 0)
  if (start >= text.length) {
    const message = `Event file '${file}' contains no events. Add at least one JSON object with the event's fields.`
    result.diagnostics.push(
      diagnosticAt(undefined, 'fixture/empty-file', 'warning', message, file),
    )
    return result
  }
  if (text[start] === '<') {
    const message = `Event file '${file}' looks like XML, which is not a supported event format. Convert the events to JSON, NDJSON or evtx_dump JSON.`
    return failed('fixture/unsupported-format', message, file)
  }

  const reader: RecordReader = { text, positions, file, result }
  const format = detectEventFormat(text)
  if (format === 'json-stream') readStream(reader, start)
  else readSlices(reader, format)
  result.diagnostics.sort(
    (left, right) => left.line - right.line || left.column - right.column,
  )
  return result
}

/** The text being read and where its events and diagnostics go. */
interface RecordReader {
  text: string
  positions: LineCounter
  file: string
  result: LoadedEvents
}

function readSlices(reader: RecordReader, format: EventTextFormat): void {
  const { text } = reader
  const { slices, errors } =
    format === 'json-array'
      ? splitArray(text, skipWhitespace(text, 0))
      : { slices: splitLines(text), errors: [] }
  for (const error of errors) {
    reader.result.diagnostics.push(
      invalidJson(error, undefined, reader.positions, reader.file),
    )
  }
  slices.forEach((slice, index) => readRecord(reader, slice, index))
}

/**
 * Read values written one after another. A record with an unclosed bracket
 * would swallow the records after it, so reading resumes at the next line
 * that starts with '{', where evtx_dump starts each record.
 */
function readStream(reader: RecordReader, start: number): void {
  const { text } = reader
  let offset = start
  for (let index = 0; offset < text.length; index++) {
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
  return found === -1 || found >= end ? end : found + 1
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
    result.diagnostics.push(invalidJson(located, index, positions, file))
    return false
  }

  if (isJsonObject(record)) {
    result.events.push({ event: normaliseEvent(record), index, line })
  } else {
    const span = spanAt(positions, slice.start)
    result.diagnostics.push(notAnObject(record, index, span, file))
  }
  return true
}

function invalidJson(
  error: JsonSyntaxError,
  index: number | undefined,
  positions: LineCounter,
  file: string,
): Diagnostic {
  const where = index === undefined ? 'Event file' : `Record ${index + 1}`
  const message = `${where} is not valid JSON: ${error.message}. Fix the JSON at this position; the other records are still loaded.`
  return diagnosticAt(
    spanAt(positions, error.offset),
    'fixture/invalid-json',
    'error',
    message,
    file,
  )
}

function notAnObject(
  record: unknown,
  index: number,
  span: Span | undefined,
  file: string,
): Diagnostic {
  const kind =
    record === null
      ? 'null'
      : Array.isArray(record)
        ? 'an array'
        : `a ${typeof record}`
  const value = JSON.stringify(record).slice(0, 40)
  const message = `Record ${index + 1} is ${kind} ('${value}'), not a JSON object. Write each event as an object of field names and values.`
  return diagnosticAt(span, 'fixture/invalid-event', 'error', message, file)
}

function failed(check: string, message: string, file: string): LoadedEvents {
  return {
    events: [],
    diagnostics: [diagnosticAt(undefined, check, 'error', message, file)],
  }
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
