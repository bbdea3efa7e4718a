/**
 * Reading of one 64 KiB chunk: header checks, then the event records that
 * follow the 512-byte chunk header.
 */
import {
  diagnosticAt,
  type Diagnostic,
  type Severity,
} from '../../diagnostic.js'
import { parseRecordBinXml } from './binxml.js'
import { CHUNK_SIZE, createChunkState, type ChunkState } from './cursor.js'
import { crc32 } from './crc32.js'
import { instantiateRecord } from './instantiate.js'
import { renderDocument } from './render-json.js'
import { formatFileTime } from './values.js'

/** One event record with its event in evtx_dump's JSON shape. */
export interface EvtxRecord {
  /** EventRecordID from the record header. */
  recordId: number
  /** Time the log service wrote the record (ISO 8601, six digits, UTC). */
  timestamp: string
  /**
   * The event in evtx_dump's JSON shape, `{ Event: { '#attributes',
   * System, EventData or UserData } }`. Integers are numbers, except 64-bit
   * values beyond 2^53, which are decimal strings so that no digit is lost.
   */
  event: unknown
}

const CHUNK_MAGIC = 'ElfChnk\u0000'
const RECORD_MAGIC = 0x00002a2a
const CHUNK_HEADER_SIZE = 512
const RECORD_HEADER_SIZE = 24
const MIN_RECORD_SIZE = 28
const CHUNK_FLAG_NO_CRC = 0x4

/** Creates an EVTX diagnostic; binary files have no lines, so line 1. */
export function evtxDiagnostic(
  check: string,
  severity: Severity,
  message: string,
): Diagnostic {
  return diagnosticAt(undefined, check, severity, message)
}

/** Tells whether every byte of `bytes` is zero. */
export function isAllZero(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if (bytes[i] !== 0) return false
  return true
}

/** Checks the chunk header CRC and the records CRC. */
function* checkChunkCrcs(
  chunk: ChunkState,
  fileOffset: number,
): Generator<Diagnostic> {
  const { bytes, view } = chunk
  // The header CRC skips the flags and the CRC itself at bytes 120..127.
  const headerStart = crc32(bytes.subarray(0, 120))
  const headerCrc = crc32(bytes.subarray(128, CHUNK_HEADER_SIZE), headerStart)
  const storedHeaderCrc = view.getUint32(124, true)

  if (headerCrc !== storedHeaderCrc) {
    yield evtxDiagnostic(
      'evtx/bad-checksum',
      'warning',
      `EVTX chunk header at byte offset ${fileOffset} has CRC-32 ${hex32(headerCrc)} but stores ${hex32(storedHeaderCrc)}, so the chunk was changed or damaged after it was written. Its records were read anyway; re-export the log if values look wrong.`,
    )
  }

  const freeSpace = view.getUint32(48, true)
  const flags = view.getUint32(120, true)
  if (flags & CHUNK_FLAG_NO_CRC) return
  if (freeSpace < CHUNK_HEADER_SIZE || freeSpace > bytes.length) return

  const recordsCrc = crc32(bytes.subarray(CHUNK_HEADER_SIZE, freeSpace))
  const storedRecordsCrc = view.getUint32(52, true)
  if (recordsCrc !== storedRecordsCrc) {
    yield evtxDiagnostic(
      'evtx/bad-checksum',
      'warning',
      `EVTX chunk at byte offset ${fileOffset} has records CRC-32 ${hex32(recordsCrc)} but stores ${hex32(storedRecordsCrc)}, so a record was changed or damaged after it was written. The readable records were returned; re-export the log if values look wrong.`,
    )
  }
}

const hex32 = (value: number) => `0x${value.toString(16).padStart(8, '0')}`

/**
 * Reads the chunk in `bytes` (a full chunk, or the readable start of a cut
 * one) that starts at `fileOffset`, yielding its records and diagnostics.
 */
export function* readChunk(
  bytes: Uint8Array,
  fileOffset: number,
): Generator<EvtxRecord | Diagnostic> {
  // A chunk cut inside its header has no readable records; the caller has
  // already reported the truncation.
  if (bytes.length < CHUNK_HEADER_SIZE) return

  const magic = String.fromCharCode(...bytes.subarray(0, 8))
  if (magic !== CHUNK_MAGIC) {
    yield evtxDiagnostic(
      'evtx/bad-chunk',
      'error',
      `EVTX chunk at byte offset ${fileOffset} does not start with the chunk signature 'ElfChnk', so its records were skipped. The file is damaged; re-export the log.`,
    )
    return
  }

  const chunk = createChunkState(bytes)
  yield* checkChunkCrcs(chunk, fileOffset)
  yield* readRecords(chunk, fileOffset)
}

/** Walks the records from chunk offset 512 until a stop rule holds. */
function* readRecords(
  chunk: ChunkState,
  fileOffset: number,
): Generator<EvtxRecord | Diagnostic> {
  const { bytes, view } = chunk
  const lastRecordId = view.getBigUint64(32, true)
  // Writers may leave a free space offset that is too large, so zero bytes
  // at a record position end the chunk as well.
  const freeSpace = Math.min(view.getUint32(48, true), CHUNK_SIZE)
  let offset = CHUNK_HEADER_SIZE

  while (offset < freeSpace && offset + RECORD_HEADER_SIZE <= bytes.length) {
    const magic = view.getUint32(offset, true)
    if (magic === 0) return

    const problem = recordProblem(chunk, offset, magic)
    if (problem === 'cut') return
    if (problem !== undefined) {
      yield skippedChunkRest(fileOffset + offset, problem)
      return
    }

    const size = view.getUint32(offset + 4, true)
    yield* readRecord(chunk, offset, size, fileOffset)
    if (view.getBigUint64(offset + 8, true) === lastRecordId) return
    offset += size
  }
}

/**
 * Checks a record header. Returns 'cut' when the record runs past the
 * readable bytes of a truncated chunk, and a message when it is invalid.
 */
function recordProblem(chunk: ChunkState, offset: number, magic: number) {
  if (magic !== RECORD_MAGIC) {
    return `does not start with the record signature '**' (found ${hex32(magic)})`
  }

  const size = chunk.view.getUint32(offset + 4, true)
  if (size < MIN_RECORD_SIZE || offset + size > CHUNK_SIZE) {
    return `has size ${size}, which does not fit between ${MIN_RECORD_SIZE} bytes and the end of the chunk`
  }
  if (offset + size > chunk.bytes.length) return 'cut'

  const sizeCopy = chunk.view.getUint32(offset + size - 4, true)
  if (sizeCopy !== size) {
    return `has size ${size} but its closing copy of the size is ${sizeCopy}, so it was cut while being written`
  }

  return undefined
}

/** Reports a record header so broken that the rest of the chunk is lost. */
function skippedChunkRest(offset: number, problem: string) {
  return evtxDiagnostic(
    'evtx/bad-record',
    'error',
    `EVTX record at byte offset ${offset} ${problem}. The rest of its chunk was skipped; re-export the log or replace the fixture.`,
  )
}

/** Parses and renders one record whose header has been checked. */
function* readRecord(
  chunk: ChunkState,
  offset: number,
  size: number,
  fileOffset: number,
): Generator<EvtxRecord | Diagnostic> {
  const { view } = chunk
  const recordId = Number(view.getBigUint64(offset + 8, true))
  const timestamp = formatFileTime(view.getBigUint64(offset + 16, true))
  const where = `EVTX record ${recordId} at byte offset ${fileOffset + offset}`
  const warnings: string[] = []

  let event: unknown
  try {
    const start = offset + RECORD_HEADER_SIZE
    const nodes = parseRecordBinXml(chunk, start, offset + size - 4, warnings)
    event = renderDocument(instantiateRecord(nodes, warnings))
  } catch (error) {
    yield unreadableRecord(where, error)
    return
  }

  for (const warning of warnings) {
    yield evtxDiagnostic(
      'evtx/bad-record',
      'warning',
      `${where} has a damaged value: ${warning}. The record was still returned; check the value or replace the fixture.`,
    )
  }
  yield { recordId, timestamp, event }
}

/**
 * Turns a parse failure into a diagnostic, so that the next record is still
 * read. Besides format errors this catches RangeError from reads past the
 * buffer and from stack exhaustion.
 */
function unreadableRecord(where: string, error: unknown) {
  const message = error instanceof Error ? error.message : String(error)

  return evtxDiagnostic(
    'evtx/bad-record',
    'error',
    `${where} could not be decoded: ${message}. The record was skipped and the next one read; re-export the log or replace the fixture.`,
  )
}
