import { createReadStream } from 'node:fs'
import { diagnosticAt } from '../diagnostic.js'
import { emptyFile } from './event-diagnostics.js'
import type { EventItem } from './event-stream.js'
import { normaliseEvent } from './normalise-event.js'
import { EventXmlReader, type XmlEventRecord } from './xml-events.js'

/**
 * Read the `<Event>` elements of an XML export one piece of the file at a
 * time. Events before a well-formedness error are kept, and the error is
 * reported at its line and column as `fixture/invalid-xml`.
 */
export async function* streamXml(path: string): AsyncGenerator<EventItem> {
  const reader = new EventXmlReader()
  const stream = createReadStream(path, { encoding: 'utf8' })
  let index = 0
  const toItems = (records: XmlEventRecord[]): EventItem[] =>
    records.map((record) => eventOf(record, index++))

  for await (const piece of stream as AsyncIterable<string>) {
    yield* toItems(reader.write(piece))
    if (reader.error !== undefined) break
  }
  stream.destroy()
  yield* toItems(reader.end())
  yield* xmlProblems(reader, index, path)
}

/** Read the `<Event>` elements of XML text held in memory. */
export function readXmlText(text: string, path: string): EventItem[] {
  const reader = new EventXmlReader()
  let index = 0
  const records = [...reader.write(text), ...reader.end()]
  const items: EventItem[] = records.map((record) => eventOf(record, index++))
  return [...items, ...xmlProblems(reader, index, path)]
}

function eventOf(record: XmlEventRecord, index: number): EventItem {
  return { event: normaliseEvent(record.record), index, line: record.line }
}

function xmlProblems(
  reader: EventXmlReader,
  count: number,
  path: string,
): EventItem[] {
  const error = reader.error
  if (error !== undefined) {
    const message = `The event XML is not well-formed: ${error.message}. Fix the XML at this position; the events before it are still loaded.`
    const span = { line: error.line, column: error.column }
    return [diagnosticAt(span, 'fixture/invalid-xml', 'error', message, path)]
  }
  if (count === 0) {
    return [
      emptyFile(
        path,
        'Export events as XML with <Event> elements, e.g. with wevtutil qe LOG /f:xml.',
      ),
    ]
  }
  return []
}
