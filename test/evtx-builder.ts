/**
 * A writer of small synthetic .evtx files for tests: one chunk, records of
 * hand-written binary XML, correct sizes and CRCs. It covers token and value
 * shapes that the corpus lacks.
 */
import { crc32 } from 'node:zlib'

const CHUNK_OFFSET = 4096
const CHUNK_SIZE = 0x10000

/** Writes the content of an element or attribute. */
export type Content = (writer: ChunkWriter) => void

/** A template instance value: a type and a writer of its bytes. */
export interface ValueSpec {
  type: number
  write: Content
}

/** Options of {@link ChunkWriter.element}. */
export interface ElementOptions {
  attributes?: Array<[string, Content]>
  content?: Content
  /** Write the dependency id; true inside template definitions. */
  dependency?: boolean
}

/** Writes binary XML into a chunk buffer at chunk offsets. */
export class ChunkWriter {
  readonly chunk = new Uint8Array(CHUNK_SIZE)
  readonly view = new DataView(this.chunk.buffer)
  pos = 512
  private readonly names = new Map<string, number>()
  private readonly recordStarts: number[] = []
  private readonly recordIds: bigint[] = []
  /** Whether elements written now get a dependency id. */
  inTemplate = false

  u8(value: number) {
    this.view.setUint8(this.pos, value)
    this.pos += 1
  }

  u16(value: number) {
    this.view.setUint16(this.pos, value, true)
    this.pos += 2
  }

  u32(value: number) {
    this.view.setUint32(this.pos, value, true)
    this.pos += 4
  }

  u64(value: bigint) {
    this.view.setBigUint64(this.pos, value, true)
    this.pos += 8
  }

  bytes(values: ArrayLike<number>) {
    this.chunk.set(Array.from(values), this.pos)
    this.pos += values.length
  }

  utf16(text: string) {
    for (let i = 0; i < text.length; i++) this.u16(text.charCodeAt(i))
  }

  /** Writes a name reference, inline the first time the chunk uses it. */
  name(text: string) {
    const known = this.names.get(text)
    if (known !== undefined) {
      this.u32(known)
      return
    }

    const offset = this.pos + 4
    this.names.set(text, offset)
    this.u32(offset)
    this.u32(0)
    this.u16(0)
    this.u16(text.length)
    this.utf16(text)
    this.u16(0)
  }

  /** Writes a u32 placeholder and returns a function that fills in a size. */
  private sizeField() {
    const at = this.pos
    this.u32(0)
    return () => this.view.setUint32(at, this.pos - at - 4, true)
  }

  element(name: string, options: ElementOptions = {}) {
    const attributes = options.attributes ?? []
    this.u8(attributes.length > 0 ? 0x41 : 0x01)
    if (options.dependency ?? this.inTemplate) this.u16(0xffff)
    const closeElement = this.sizeField()
    this.name(name)

    if (attributes.length > 0) {
      const closeAttributes = this.sizeField()
      for (const [index, [attribute, content]] of attributes.entries()) {
        this.u8(index < attributes.length - 1 ? 0x46 : 0x06)
        this.name(attribute)
        content(this)
      }
      closeAttributes()
    }

    if (options.content === undefined) {
      this.u8(0x03)
    } else {
      this.u8(0x02)
      options.content(this)
      this.u8(0x04)
    }
    closeElement()
  }

  text(value: string) {
    this.u8(0x05)
    this.u8(0x01)
    this.u16(value.length)
    this.utf16(value)
  }

  substitution(index: number, type: number, optional = true) {
    this.u8(optional ? 0x0e : 0x0d)
    this.u16(index)
    this.u8(type)
  }

  fragmentHeader() {
    this.bytes([0x0f, 0x01, 0x01, 0x00])
  }

  /**
   * Writes a template instance. With `body` the definition follows inline
   * and its chunk offset is returned; with a number the instance refers
   * back to that definition.
   */
  templateInstance(body: Content | number, values: ValueSpec[]): number {
    this.u8(0x0c)
    this.u8(0x01)
    this.u32(0x11223344)

    let definition: number
    if (typeof body === 'number') {
      definition = body
      this.u32(definition)
    } else {
      definition = this.pos + 4
      this.u32(definition)
      this.definition(body)
    }

    this.values(values)
    return definition
  }

  private definition(body: Content) {
    this.u32(0)
    this.bytes([0x44, 0x33, 0x22, 0x11, ...new Array<number>(12).fill(0xaa)])
    const closeDefinition = this.sizeField()
    const outer = this.inTemplate
    this.inTemplate = true
    this.fragmentHeader()
    body(this)
    this.u8(0x00)
    this.inTemplate = outer
    closeDefinition()
  }

  private values(values: ValueSpec[]) {
    this.u32(values.length)
    const descriptors = values.map((value) => {
      const at = this.pos
      this.u16(0)
      this.u8(value.type)
      this.u8(0)
      return at
    })

    for (const [index, value] of values.entries()) {
      const start = this.pos
      const outer = this.inTemplate
      this.inTemplate = false
      value.write(this)
      this.inTemplate = outer
      this.view.setUint16(descriptors[index] ?? 0, this.pos - start, true)
    }
  }

  /** Writes one record around `body` (the record's binary XML). */
  record(id: bigint, body: Content, fileTime = 134058229084971709n) {
    const start = this.pos
    this.u32(0x2a2a)
    const sizeAt = this.pos
    this.u32(0)
    this.u64(id)
    this.u64(fileTime)
    body(this)
    while ((this.pos + 4 - start) % 8 !== 0) this.u8(0)
    const size = this.pos + 4 - start
    this.u32(size)
    this.view.setUint32(sizeAt, size, true)
    this.recordStarts.push(start)
    this.recordIds.push(id)
  }

  /** Finishes the chunk header and returns a whole .evtx file. */
  file(): Uint8Array {
    this.writeChunkHeader()
    const header = new Uint8Array(CHUNK_OFFSET)
    const view = new DataView(header.buffer)
    header.set(new TextEncoder().encode('ElfFile\u0000'), 0)
    view.setBigUint64(24, (this.recordIds.at(-1) ?? 0n) + 1n, true)
    view.setUint32(32, 128, true)
    view.setUint16(36, 2, true)
    view.setUint16(38, 3, true)
    view.setUint16(40, CHUNK_OFFSET, true)
    view.setUint16(42, 1, true)
    view.setUint32(124, crc32(header.subarray(0, 120)), true)

    const file = new Uint8Array(CHUNK_OFFSET + CHUNK_SIZE)
    file.set(header, 0)
    file.set(this.chunk, CHUNK_OFFSET)
    return file
  }

  private writeChunkHeader() {
    const view = this.view
    this.chunk.set(new TextEncoder().encode('ElfChnk\u0000'), 0)
    const first = this.recordIds[0] ?? 0n
    const last = this.recordIds.at(-1) ?? 0n
    view.setBigUint64(8, first, true)
    view.setBigUint64(16, last, true)
    view.setBigUint64(24, first, true)
    view.setBigUint64(32, last, true)
    view.setUint32(40, 128, true)
    view.setUint32(44, this.recordStarts.at(-1) ?? 0, true)
    view.setUint32(48, this.pos, true)
    view.setUint32(52, crc32(this.chunk.subarray(512, this.pos)), true)
    view.setUint32(120, 1, true)
    const headerStart = crc32(this.chunk.subarray(0, 120))
    const headerCrc = crc32(this.chunk.subarray(128, 512), headerStart)
    view.setUint32(124, headerCrc, true)
  }
}

/** Little-endian bytes of an unsigned integer of `size` bytes. */
export function le(value: bigint | number, size: number): number[] {
  let rest = BigInt(value)
  const out: number[] = []
  for (let i = 0; i < size; i++) {
    out.push(Number(rest & 0xffn))
    rest >>= 8n
  }
  return out
}

/** UTF-16LE bytes of a string. */
export function utf16le(text: string): number[] {
  const out: number[] = []
  for (let i = 0; i < text.length; i++) out.push(...le(text.charCodeAt(i), 2))
  return out
}

/** Builds a value spec from raw bytes. */
export function raw(type: number, bytes: ArrayLike<number>): ValueSpec {
  return { type, write: (writer) => writer.bytes(bytes) }
}
