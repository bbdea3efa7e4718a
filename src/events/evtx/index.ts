/**
 * Reader of Windows binary event logs (.evtx). Each record's event comes out
 * in the JSON shape of evtx_dump (the omerbenamram/evtx Rust crate), and
 * damaged input yields diagnostics instead of exceptions, together with
 * every record that could still be read.
 */
import type { Diagnostic } from '../../diagnostic.js'
import { CHUNK_SIZE } from './cursor.js'
import { crc32 } from './crc32.js'
import {
  evtxDiagnostic,
  isAllZero,
  readChunk,
  type EvtxRecord,
} from './read-chunk.js'

export type { EvtxRecord } from './read-chunk.js'

/** Options of {@link readEvtx}. */
export interface ReadEvtxOptions {
  /** Stop after this many records. */
  maxRecords?: number
}

const FILE_MAGIC = 'ElfFile\u0000'
const CHUNK_MAGIC = 'ElfChnk\u0000'
const FILE_HEADER_BLOCK_SIZE = 4096
const FILE_FLAG_DIRTY = 0x1

const readAscii = (bytes: Uint8Array, offset: number) =>
  String.fromCharCode(...bytes.subarray(offset, offset + 8))

/** Tells whether an item from {@link iterateEvtx} is a diagnostic. */
export function isDiagnostic(
  item: EvtxRecord | Diagnostic,
): item is Diagnostic {
  return 'check' in item
}

/**
 * Checks the file header. `head` is the start of the file (at least the
 * header block and the first chunk's signature when the file has them) and
 * `size` the file's length. Returns false when no chunk can be read: the
 * file is too short, or neither the file nor the first chunk has its
 * signature.
 */
function* checkFileHeader(
  head: Uint8Array,
  size: number,
): Generator<Diagnostic, boolean> {
  const hasChunk =
    size >= FILE_HEADER_BLOCK_SIZE + 8 &&
    head.length >= FILE_HEADER_BLOCK_SIZE + 8 &&
    readAscii(head, FILE_HEADER_BLOCK_SIZE) === CHUNK_MAGIC

  if (size < 8 || readAscii(head, 0) !== FILE_MAGIC) {
    yield evtxDiagnostic(
      'evtx/not-evtx',
      'error',
      `The file does not start with the EVTX signature 'ElfFile'. Supply a Windows event log saved as .evtx (for example with 'wevtutil epl').`,
    )
    return hasChunk
  }
  if (size < FILE_HEADER_BLOCK_SIZE) {
    yield truncated(
      `The EVTX file is ${size} bytes long, shorter than its 4096-byte file header, so it contains no records. Copy the complete file again.`,
    )
    return false
  }

  yield* checkHeaderFields(head)
  return true
}

/** Checks the header CRC, the dirty flag and the header block size. */
function* checkHeaderFields(bytes: Uint8Array): Generator<Diagnostic> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const storedCrc = view.getUint32(124, true)
  const crc = crc32(bytes.subarray(0, 120))

  if (crc !== storedCrc) {
    yield evtxDiagnostic(
      'evtx/bad-checksum',
      'warning',
      `The EVTX file header at byte offset 0 has CRC-32 ${hex32(crc)} but stores ${hex32(storedCrc)}, so the header was changed after it was written. The chunks were read anyway, because the header only describes them.`,
    )
  }
  if (view.getUint32(120, true) & FILE_FLAG_DIRTY) {
    yield evtxDiagnostic(
      'evtx/dirty-header',
      'warning',
      `The EVTX file header at byte offset 120 has the dirty flag set, so the log was copied while open or not closed cleanly and its header counts may be stale. All chunks present were read; export the log with 'wevtutil epl' for a clean copy.`,
    )
  }
  const blockSize = view.getUint16(40, true)
  if (blockSize !== FILE_HEADER_BLOCK_SIZE) {
    yield evtxDiagnostic(
      'evtx/bad-header',
      'warning',
      `The EVTX file header at byte offset 40 gives a header block size of ${blockSize} instead of 4096. Chunks were read from byte offset 4096, where Windows writes them.`,
    )
  }
}

const hex32 = (value: number) => `0x${value.toString(16).padStart(8, '0')}`

function truncated(message: string): Diagnostic {
  return evtxDiagnostic('evtx/truncated', 'error', message)
}

/**
 * Reports a file that ends on a chunk boundary but contains fewer chunks
 * than its header counts. A cut inside a chunk is reported where it is met.
 */
function* checkChunkCount(
  head: Uint8Array,
  size: number,
): Generator<Diagnostic> {
  if ((size - FILE_HEADER_BLOCK_SIZE) % CHUNK_SIZE !== 0) return
  if (readAscii(head, 0) !== FILE_MAGIC) return

  const present = (size - FILE_HEADER_BLOCK_SIZE) / CHUNK_SIZE
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength)
  const counted = view.getUint16(42, true)
  if (present < counted) {
    yield truncated(
      `The EVTX file ends at byte offset ${size} after ${present} chunks, but its header counts ${counted}, so the missing chunks and their records are lost. Copy the complete file again.`,
    )
  }
}

/** Random access to the bytes of an .evtx file, for {@link iterateEvtxBlocks}. */
export interface EvtxBlocks {
  /** Length of the file in bytes. */
  size: number
  /** Returns up to `length` bytes from `offset`; fewer at the end of the file. */
  read(offset: number, length: number): Uint8Array
}

/**
 * Reads an .evtx file record by record, yielding each record and each
 * diagnostic in file order. Damaged input gives diagnostics, because every
 * record decode is guarded. The number of chunks comes from the file size,
 * because the header count can be stale.
 */
export function* iterateEvtx(
  bytes: Uint8Array,
): Generator<EvtxRecord | Diagnostic> {
  yield* iterateEvtxBlocks({
    size: bytes.length,
    read: (offset, length) => bytes.subarray(offset, offset + length),
  })
}

/**
 * Reads an .evtx file through `blocks` like {@link iterateEvtx}, holding one
 * 64 KiB chunk at a time, so that a large log on disk is read in bounded
 * memory.
 */
export function* iterateEvtxBlocks(
  blocks: EvtxBlocks,
): Generator<EvtxRecord | Diagnostic> {
  const { size } = blocks
  const head = blocks.read(0, FILE_HEADER_BLOCK_SIZE + 8)
  if (!(yield* checkFileHeader(head, size))) return
  yield* checkChunkCount(head, size)

  for (
    let offset = FILE_HEADER_BLOCK_SIZE;
    offset < size;
    offset += CHUNK_SIZE
  ) {
    const chunk = blocks.read(offset, CHUNK_SIZE)

    if (chunk.length < CHUNK_SIZE) {
      yield truncated(
        `The EVTX file ends at byte offset ${size}, inside the chunk that starts at byte offset ${offset} (${chunk.length} of 65536 bytes present), so records after the cut are missing. Copy the complete file again.`,
      )
    }
    // Unused chunk slots are all zero, also between used chunks.
    if (isAllZero(chunk)) continue
    yield* readChunk(chunk, offset)
  }
}

/**
 * Reads all records of an .evtx file (or the first `maxRecords`), with the
 * diagnostics about damaged parts, which {@link iterateEvtx} yields.
 */
export function readEvtx(
  bytes: Uint8Array,
  options: ReadEvtxOptions = {},
): { records: EvtxRecord[]; diagnostics: Diagnostic[] } {
  const records: EvtxRecord[] = []
  const diagnostics: Diagnostic[] = []
  const maxRecords = options.maxRecords ?? Infinity

  if (maxRecords <= 0) return { records, diagnostics }
  for (const item of iterateEvtx(bytes)) {
    if (isDiagnostic(item)) {
      diagnostics.push(item)
      continue
    }
    records.push(item)
    if (records.length >= maxRecords) break
  }

  return { records, diagnostics }
}
