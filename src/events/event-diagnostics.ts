import type { Diagnostic, Span } from '../diagnostic.js'
import { diagnosticAt } from '../diagnostic.js'
import type { JsonSyntaxError } from './json-values.js'

/**
 * Diagnostics that every event file reader reports in the same words, so
 * that a broken record reads alike in JSON, NDJSON and Splunk exports.
 */

/** Report a record that is not valid JSON, at the error's position. */
export function invalidJson(
  error: Pick<JsonSyntaxError, 'message'>,
  index: number | undefined,
  span: Span | undefined,
  file: string,
): Diagnostic {
  const where = index === undefined ? 'Event file' : `Record ${index + 1}`
  const message = `${where} is not valid JSON: ${error.message}. Fix the JSON at this position; the other records are still loaded.`
  return diagnosticAt(span, 'fixture/invalid-json', 'error', message, file)
}

/** Report a record that is valid JSON but not an object. */
export function notAnObject(
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

/** Report an event file that holds no events. */
export function emptyFile(file: string, hint: string): Diagnostic {
  const message = `Event file '${file}' contains no events. ${hint}`
  return diagnosticAt(undefined, 'fixture/empty-file', 'warning', message, file)
}

/** Report an event file that cannot be read at all. */
export function unreadableFile(file: string, error: unknown): Diagnostic {
  const reason = error instanceof Error ? error.message : String(error)
  const message = `Event file '${file}' could not be read (${reason}). Check that the path exists and is a readable file.`
  return diagnosticAt(undefined, 'fixture/missing-file', 'error', message, file)
}
