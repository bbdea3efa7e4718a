import { closeSync, fstatSync, openSync, readSync } from 'node:fs'
import type { Diagnostic } from '../diagnostic.js'
import { unreadableFile } from './event-diagnostics.js'
import type { EventItem } from './event-stream.js'
import {
  isDiagnostic,
  iterateEvtxBlocks,
  type EvtxRecord,
} from './evtx/index.js'
import type { EvtxReader } from './load-events.js'
import { isJsonObject, normaliseEvent } from './normalise-event.js'

/**
 * Read the records of a binary .evtx file from disk one 64 KiB chunk at a
 * time, with the reader's diagnostics about damaged parts. A file that
 * cannot be opened gives one `fixture/missing-file` diagnostic.
 */
export function* iterateEvtxFile(
  path: string,
): Generator<EvtxRecord | Diagnostic> {
  let descriptor: number
  try {
    descriptor = openSync(path, 'r')
  } catch (error) {
    yield unreadableFile(path, error)
    return
  }

  try {
    const size = fstatSync(descriptor).size
    const read = (offset: number, length: number): Uint8Array => {
      const buffer = Buffer.alloc(Math.max(0, Math.min(length, size - offset)))
      const count = readSync(descriptor, buffer, 0, buffer.length, offset)
      return buffer.subarray(0, count)
    }
    yield* iterateEvtxBlocks({ size, read })
  } finally {
    closeSync(descriptor)
  }
}

/**
 * Read a binary .evtx file as events: each record normalised, in file
 * order, with `index` counting the records. Diagnostics name `path`.
 */
export function* streamEvtxFile(path: string): Generator<EventItem> {
  let index = 0
  for (const item of iterateEvtxFile(path)) {
    if (isDiagnostic(item)) {
      yield { ...item, file: item.file ?? path }
      continue
    }
    const event = item.event
    if (isJsonObject(event)) yield { event: normaliseEvent(event), index }
    index++
  }
}

/**
 * Read all records of a binary .evtx file, for the `EvtxReader` hook of
 * `loadEventFile`. It holds every record in memory; `streamEvtxFile` does not.
 */
export const readEvtxFile: EvtxReader = async (path) => {
  const records: unknown[] = []
  const diagnostics: Diagnostic[] = []
  for (const item of iterateEvtxFile(path)) {
    if (isDiagnostic(item)) diagnostics.push({ ...item, file: item.file ?? path })
    else records.push(item.event)
  }
  return { records, diagnostics }
}
