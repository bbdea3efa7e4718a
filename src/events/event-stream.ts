import { open } from 'node:fs/promises'
import path from 'node:path'
import type { Diagnostic } from '../diagnostic.js'
import { DEFAULT_LIMITS, limitDiagnostic, type Limits } from '../limits/limits.js'
import { readBounded } from '../limits/read-bounded.js'
import { unreadableFile } from './event-diagnostics.js'
import type { EvtxReader, LoadedEvent } from './load-events.js'
import {
  decodeText,
  detectEventFormat,
  eventsFromRecords,
  parseEventText,
} from './load-events.js'
import { streamNdjson } from './ndjson-stream.js'
import { streamXml } from './xml-stream.js'

/** An event read from a file, or a problem found on the way. */
export type EventItem = LoadedEvent | Diagnostic

/** Return true when an item of an event stream is a diagnostic. */
export function isEventDiagnostic(item: EventItem): item is Diagnostic {
  return 'check' in item
}

/** The ways an event file is read, detected from its first bytes. */
export type EventFileFormat =
  | 'evtx'
  | 'ndjson'
  | 'xml'
  | 'csv'
  /** JSON array, single object, evtx_dump JSON or a Splunk results document. */
  | 'json-text'
  /** UTF-16LE text with a byte order mark, decoded whole. */
  | 'utf16-text'

export interface StreamEventOptions {
  /**
   * Reader for binary .evtx files. Without one the built-in reader streams
   * the file one chunk at a time.
   */
  readEvtx?: EvtxReader
  /**
   * `eventsPerFixture` stops reading after that many events;
   * `eventFileBytes` bounds the files that are read whole (JSON text, UTF-16).
   * Streamed formats have no size bound, because they never hold the file.
   * The defaults apply when unset.
   */
  limits?: Pick<Limits, 'eventsPerFixture' | 'eventFileBytes'>
}

/** Bytes read to detect the format. */
const SNIFF_SIZE = 64 * 1024

const EVTX_MAGIC = Buffer.from('ElfFile\0', 'latin1')

/**
 * Read the events of one file in file order, detecting the format from the
 * content: binary EVTX, NDJSON (also Splunk's JSON export, one result per
 * line), event XML, CSV with a header (Splunk's CSV export), or JSON text
 * (object, array, evtx_dump records, Splunk `{"results": [...]}`).
 *
 * EVTX, NDJSON, XML and CSV are read in pieces, so memory stays bounded by
 * the largest record, not the file. JSON text and UTF-16 files are read
 * whole. Problems are yielded as diagnostics whose `file` is `file`; every
 * readable record is still yielded.
 */
export async function* streamEventFile(
  file: string,
  options: StreamEventOptions = {},
): AsyncGenerator<EventItem> {
  const limits = options.limits ?? DEFAULT_LIMITS
  let count = 0
  for await (const item of streamAnyFormat(file, options.readEvtx, limits)) {
    if (!isEventDiagnostic(item) && count++ >= limits.eventsPerFixture) {
      yield tooManyEvents(file, item, limits.eventsPerFixture)
      return
    }
    yield item
  }
}

async function* streamAnyFormat(
  file: string,
  readEvtxHook: EvtxReader | undefined,
  limits: Pick<Limits, 'eventFileBytes'>,
): AsyncGenerator<EventItem> {
  const sniffed = await sniffFormat(file)
  if ('check' in sniffed) {
    yield sniffed
    return
  }

  switch (sniffed.format) {
    case 'evtx':
      yield* readEvtx(file, readEvtxHook)
      return
    case 'ndjson':
      yield* streamNdjson(file)
      return
    case 'xml':
      yield* streamXml(file)
      return
    case 'csv':
      // The CSV and EVTX readers load on first use, so runs without such files start faster.
      yield* (await import('./csv-events.js')).streamCsv(file)
      return
    case 'json-text':
    case 'utf16-text':
      yield* await readWholeText(file, limits.eventFileBytes)
  }
}

function tooManyEvents(
  file: string,
  next: LoadedEvent,
  maxEvents: number,
): Diagnostic {
  const span = next.line === undefined ? undefined : { line: next.line, column: 1 }
  const what = `Event file '${file}' has more than ${maxEvents} events, which`
  return limitDiagnostic(span, 'limits/events-per-fixture', what, 'eventsPerFixture', maxEvents, file)
}

/** Detect how a file's events are stored from its first 64 KiB. */
export async function sniffFormat(
  file: string,
): Promise<{ format: EventFileFormat } | Diagnostic> {
  let head: Buffer
  let size: number
  try {
    const handle = await open(file, 'r')
    try {
      size = (await handle.stat()).size
      const buffer = Buffer.alloc(Math.min(SNIFF_SIZE, size))
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0)
      head = buffer.subarray(0, bytesRead)
    } finally {
      await handle.close()
    }
  } catch (error) {
    return unreadableFile(file, error)
  }

  return { format: formatOf(head, size, file) }
}

function formatOf(head: Buffer, size: number, file: string): EventFileFormat {
  if (head.subarray(0, EVTX_MAGIC.length).equals(EVTX_MAGIC)) return 'evtx'
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf16-text'

  const text = completeLines(head.toString('utf8'), head.length < size)
  const trimmed = text.replace(/^\uFEFF/, '').trimStart()
  if (trimmed.startsWith('<')) return 'xml'
  if (trimmed.startsWith('{') && detectEventFormat(text) === 'ndjson') {
    return 'ndjson'
  }
  if (isCsv(trimmed, file)) return 'csv'
  return 'json-text'
}

/** Drop a last line that the sniffed bytes cut off. */
function completeLines(text: string, cut: boolean): string {
  if (!cut) return text
  const end = text.lastIndexOf('\n')
  return end === -1 ? text : text.slice(0, end + 1)
}

/**
 * Return true for a `.csv` file, and for a file whose first line has a comma
 * and does not start like JSON, such as Splunk's `"_raw",EventCode,...` header.
 */
function isCsv(text: string, file: string): boolean {
  if (path.extname(file).toLowerCase() === '.csv') return true
  const firstLine = text.split('\n', 1)[0] ?? ''
  const startsLikeJson = firstLine.startsWith('{') || firstLine.startsWith('[')
  return firstLine.includes(',') && !startsLikeJson
}

async function* readEvtx(
  file: string,
  readEvtxHook: EvtxReader | undefined,
): AsyncGenerator<EventItem> {
  if (readEvtxHook === undefined) {
    yield* (await import('./evtx-file.js')).streamEvtxFile(file)
    return
  }
  const { records, diagnostics } = await readEvtxHook(file)
  const loaded = eventsFromRecords(records, file)
  yield* diagnostics
  yield* loaded.events
  yield* loaded.diagnostics
}

async function readWholeText(
  file: string,
  maxBytes: number,
): Promise<EventItem[]> {
  const read = await readBounded(file, maxBytes)
  if (!read.ok && read.reason === 'unreadable') {
    return [unreadableFile(file, new Error(read.message))]
  }
  if (!read.ok) {
    const what = `Event file '${file}' is larger than ${maxBytes} bytes and is read whole (JSON text is not streamed), which`
    return [limitDiagnostic(undefined, 'limits/file-size', what, 'eventFileBytes', maxBytes, file)]
  }
  const parsed = parseEventText(decodeText(read.bytes), file)
  return [...parsed.events, ...parsed.diagnostics]
}
