import { createReadStream } from 'node:fs'
import { invalidJson, notAnObject } from './event-diagnostics.js'
import type { EventItem } from './event-stream.js'
import { locateJsonError } from './json-values.js'
import { isJsonObject, normaliseRecord } from './normalise-event.js'

/** One line of a text file with its 1-based number. */
export interface TextLine {
  text: string
  line: number
}

/**
 * Read a UTF-8 file line by line, holding one read buffer and one line in
 * memory. A trailing carriage return is dropped from each line.
 */
export async function* readLines(path: string): AsyncGenerator<TextLine> {
  const stream = createReadStream(path, { encoding: 'utf8' })
  let pending = ''
  let line = 1
  for await (const piece of stream as AsyncIterable<string>) {
    const parts = (pending + piece).split('\n')
    pending = parts.pop() ?? ''
    for (const text of parts) yield { text: dropCarriageReturn(text), line: line++ }
  }
  if (pending !== '') yield { text: dropCarriageReturn(pending), line }
}

/**
 * Read an NDJSON file (one JSON object per line, blank lines skipped) one
 * line at a time. Lines of Splunk's export API give their `result`. Record
 * indexes count the non-blank lines, broken ones included.
 */
export async function* streamNdjson(path: string): AsyncGenerator<EventItem> {
  let index = 0
  for await (const { text, line } of readLines(path)) {
    const start = text.length - text.trimStart().length
    if (start === text.length) continue

    yield* readNdjsonRecord(text, start, { index, line, file: path })
    index++
  }
}

interface RecordPlace {
  index: number
  line: number
  file: string
}

function* readNdjsonRecord(
  text: string,
  start: number,
  place: RecordPlace,
): Generator<EventItem> {
  const { index, line, file } = place
  let record: unknown
  try {
    record = JSON.parse(text)
  } catch (error) {
    const located = locateJsonError(text, start, text.length) ?? {
      offset: start,
      message: error instanceof Error ? error.message : String(error),
    }
    const span = { line, column: located.offset + 1 }
    yield invalidJson(located, index, span, file)
    return
  }

  if (!isJsonObject(record)) {
    yield notAnObject(record, index, { line, column: start + 1 }, file)
    return
  }
  const event = normaliseRecord(record)
  if (event !== undefined) yield { event, index, line }
}

function dropCarriageReturn(text: string): string {
  return text.endsWith('\r') ? text.slice(0, -1) : text
}
