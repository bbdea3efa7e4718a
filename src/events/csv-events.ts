import { createReadStream } from 'node:fs'
import { parse, type CsvError } from 'csv-parse'
import { diagnosticAt, type Diagnostic } from '../diagnostic.js'
import type { EventItem } from './event-stream.js'
import { normaliseSplunkResult } from './normalise-event.js'

/**
 * Read a CSV file with a header line, as Splunk exports search results
 * (`outputcsv`, the export API with `output_mode=csv`, "Export" in the UI),
 * one record at a time. csv-parse reads the quoting of RFC 4180, including
 * values that span lines. Each record is a Splunk result: its event comes
 * from `_raw` when `_raw` contains the event XML, else from the extracted fields.
 * A malformed record is reported at its line and skipped.
 */
export async function* streamCsv(path: string): AsyncGenerator<EventItem> {
  const skipped: Diagnostic[] = []
  const parser = parse({
    bom: true,
    columns: true,
    info: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    on_skip: (error) => {
      if (error !== undefined) skipped.push(invalidCsv(error, path))
      return undefined
    },
  })
  createReadStream(path).pipe(parser)

  let index = 0
  for await (const item of parser as AsyncIterable<CsvItem>) {
    yield* skipped.splice(0)
    yield {
      event: normaliseSplunkResult(item.record),
      index: index++,
      line: item.info.lines,
    }
  }
  yield* skipped.splice(0)
}

/** A record as csv-parse gives it with `info: true`. */
interface CsvItem {
  record: Record<string, string>
  info: { lines: number }
}

function invalidCsv(error: CsvError, file: string): Diagnostic {
  const line = typeof error.lines === 'number' ? error.lines : 1
  const reason = error.message.replace(/\.$/, '')
  const message = `A CSV record is invalid: ${reason}. Fix the quoting or the number of values on this line; the other records are still loaded.`
  return diagnosticAt({ line, column: 1 }, 'fixture/invalid-csv', 'error', message, file)
}
