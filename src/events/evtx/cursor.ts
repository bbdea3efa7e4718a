/**
 * Chunk-wide parse state and a bounded cursor over one chunk. Every offset
 * inside binary XML is relative to the start of its 64 KiB chunk, so the
 * cursor works on chunk offsets and never reads past its end offset.
 */
import type { TemplateNode } from './binxml.js'

/** Size of a chunk in bytes. */
export const CHUNK_SIZE = 0x10000

/** A structural problem in binary XML, at a chunk offset. */
export class BinXmlError extends Error {
  constructor(
    message: string,
    readonly chunkOffset: number,
  ) {
    super(message)
  }
}

/** State shared by all records of one chunk. */
export interface ChunkState {
  bytes: Uint8Array
  view: DataView
  /** Names by chunk offset; later records refer back to them. */
  names: Map<number, string>
  /** Parsed template definitions by chunk offset. */
  templates: Map<number, TemplateNode[]>
  /** Definitions being parsed now, to stop one that includes itself. */
  parsing: Set<number>
}

/** Creates the chunk state for a chunk buffer of at most 64 KiB. */
export function createChunkState(bytes: Uint8Array): ChunkState {
  return {
    bytes,
    view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength),
    names: new Map(),
    templates: new Map(),
    parsing: new Set(),
  }
}

const utf16Decoder = new TextDecoder('utf-16le')

/** A cursor over chunk offsets `pos` up to `end`. */
export class Cursor {
  constructor(
    readonly chunk: ChunkState,
    public pos: number,
    readonly end: number,
  ) {}

  /** Throws a BinXmlError unless `count` more bytes lie before `end`. */
  need(count: number, what: string) {
    if (this.pos + count <= this.end) return

    const remaining = Math.max(0, this.end - this.pos)
    const message = `${what} at chunk offset ${this.pos} needs ${count} bytes but only ${remaining} remain`
    throw new BinXmlError(message, this.pos)
  }

  u8(what: string) {
    this.need(1, what)
    return this.chunk.view.getUint8(this.pos++)
  }

  u16(what: string) {
    this.need(2, what)
    const value = this.chunk.view.getUint16(this.pos, true)
    this.pos += 2
    return value
  }

  u32(what: string) {
    this.need(4, what)
    const value = this.chunk.view.getUint32(this.pos, true)
    this.pos += 4
    return value
  }

  /** Returns the next byte without consuming it, or undefined at the end. */
  peek() {
    if (this.pos >= this.end) return undefined
    return this.chunk.view.getUint8(this.pos)
  }

  utf16(count: number, what: string) {
    this.need(count * 2, what)
    const start = this.pos
    this.pos += count * 2
    return utf16Decoder.decode(this.chunk.bytes.subarray(start, this.pos))
  }
}

/**
 * Reads a name structure at `offset` (next offset u32, hash u16, count u16,
 * UTF-16 text, NUL) and returns the name and the structure's size.
 */
function readNameAt(chunk: ChunkState, offset: number): [string, number] {
  const cursor = new Cursor(chunk, offset, chunk.bytes.length)
  cursor.need(6, 'name header')
  cursor.pos += 6
  const count = cursor.u16('name length')
  const name = cursor.utf16(count, 'name')

  return [name, 10 + count * 2]
}

/**
 * Reads a name reference. When the offset points just past itself, the name
 * structure follows inline. Otherwise it was written earlier in the chunk,
 * so it is read there or taken from the cache.
 */
export function readName(cursor: Cursor): string {
  const offset = cursor.u32('name offset')

  if (offset === cursor.pos) {
    const [name, size] = readNameAt(cursor.chunk, offset)
    cursor.need(size, 'inline name')
    cursor.pos += size
    cursor.chunk.names.set(offset, name)
    return name
  }

  const cached = cursor.chunk.names.get(offset)
  if (cached !== undefined) return cached

  if (offset + 10 > cursor.chunk.bytes.length) {
    const message = `name offset ${offset} lies outside the chunk`
    throw new BinXmlError(message, cursor.pos - 4)
  }
  const [name] = readNameAt(cursor.chunk, offset)
  cursor.chunk.names.set(offset, name)

  return name
}
