/**
 * Parser of the EVTX binary XML token stream into template trees. Template
 * definitions are cached per chunk by their chunk offset, because later
 * records of a chunk refer back to them instead of repeating them.
 */
import {
  BinXmlError,
  Cursor,
  readName,
  type ChunkState,
} from './cursor.js'
import {
  decodeArray,
  decodeScalar,
  hexBytes,
  VALUE_TYPE,
  type JsonScalar,
} from './values.js'

/** Maximum nesting of template instances, against self-including input. */
const MAX_NESTING = 16

/** Maximum element depth inside one stream, against stack exhaustion. */
const MAX_ELEMENT_DEPTH = 256

/** Size of a template definition header: next offset, GUID, data size. */
const DEFINITION_HEADER_SIZE = 24

/** A substitution value of a template instance, decoded. */
export type SubstitutionValue =
  | { kind: 'scalar'; value: JsonScalar }
  | { kind: 'array'; items: JsonScalar[] }
  | { kind: 'binxml'; nodes: TemplateNode[] }

/** A template instance: a parsed definition and the values it receives. */
export interface TemplateInstance {
  kind: 'instance'
  definition: TemplateNode[]
  values: SubstitutionValue[]
}

/** A node of a parsed binary XML stream or template definition. */
export type TemplateNode =
  | TemplateElement
  | TemplateInstance
  | { kind: 'text'; text: string }
  | { kind: 'substitution'; index: number }

/** An element with its attributes and content. */
export interface TemplateElement {
  kind: 'element'
  name: string
  attributes: TemplateAttribute[]
  children: TemplateNode[]
}

/** An attribute whose value is made of text and substitution parts. */
export interface TemplateAttribute {
  name: string
  parts: TemplateNode[]
}

/** Per-record parse state: nesting levels and non-fatal problems. */
interface RecordState {
  nesting: number
  depth: number
  warnings: string[]
}

const TOKEN = {
  eof: 0x00,
  openStart: 0x01,
  closeStart: 0x02,
  closeEmpty: 0x03,
  endElement: 0x04,
  value: 0x05,
  attribute: 0x06,
  cdata: 0x07,
  charRef: 0x08,
  entityRef: 0x09,
  piTarget: 0x0a,
  piData: 0x0b,
  templateInstance: 0x0c,
  normalSubstitution: 0x0d,
  optionalSubstitution: 0x0e,
  fragmentHeader: 0x0f,
  moreData: 0x40,
} as const

/** Entity references decoded to characters; others stay as `&name;`. */
const ENTITIES: Record<string, string> = {
  lt: '<',
  gt: '>',
  amp: '&',
  quot: '"',
  apos: "'",
}

const hex = (value: number) => `0x${value.toString(16).padStart(2, '0')}`

function fail(message: string, chunkOffset: number): never {
  const located = `${message} at chunk offset ${chunkOffset}`
  throw new BinXmlError(located, chunkOffset)
}

/**
 * Skips the start of an element up to its name: the dependency id (present
 * inside template definitions) and the data size. Files from other writers
 * place the dependency id differently, so a data size that overruns the
 * stream makes the reader try the other layout.
 */
function skipElementHeader(cursor: Cursor, inTemplate: boolean) {
  const start = cursor.pos
  const fits = (withDependency: boolean) => {
    const sizeAt = start + (withDependency ? 2 : 0)
    if (sizeAt + 4 > cursor.end) return false
    const size = cursor.chunk.view.getUint32(sizeAt, true)
    return sizeAt + 4 + size <= cursor.end
  }

  let withDependency = inTemplate
  if (!fits(inTemplate) && fits(!inTemplate)) withDependency = !inTemplate
  cursor.need(withDependency ? 6 : 4, 'element header')
  cursor.pos += withDependency ? 6 : 4
}

/** Tells whether `token` can be part of an attribute value. */
function isAttributePart(token: number) {
  const base = token & ~TOKEN.moreData

  return (
    base === TOKEN.value ||
    base === TOKEN.charRef ||
    base === TOKEN.entityRef ||
    token === TOKEN.normalSubstitution ||
    token === TOKEN.optionalSubstitution
  )
}

/** Parses the value of one attribute, up to the next attribute or tag end. */
function parseAttributeParts(cursor: Cursor): TemplateNode[] {
  const parts: TemplateNode[] = []

  for (let token = cursor.peek(); token !== undefined; token = cursor.peek()) {
    if (!isAttributePart(token)) break
    parts.push(parseCharacters(cursor))
  }

  return parts
}

/**
 * Parses value text, a character or entity reference, CDATA or a
 * substitution.
 */
function parseCharacters(cursor: Cursor): TemplateNode {
  const at = cursor.pos
  const token = cursor.u8('token')

  switch (token & ~TOKEN.moreData) {
    case TOKEN.value: {
      cursor.u8('value type')
      const count = cursor.u16('text length')
      return { kind: 'text', text: cursor.utf16(count, 'text') }
    }
    case TOKEN.cdata: {
      const count = cursor.u16('CDATA length')
      return { kind: 'text', text: cursor.utf16(count, 'CDATA') }
    }
    case TOKEN.charRef: {
      const code = cursor.u16('character reference')
      return { kind: 'text', text: String.fromCharCode(code) }
    }
    case TOKEN.entityRef: {
      const name = readName(cursor)
      return { kind: 'text', text: ENTITIES[name] ?? `&${name};` }
    }
  }
  if (
    token === TOKEN.normalSubstitution ||
    token === TOKEN.optionalSubstitution
  ) {
    const index = cursor.u16('substitution index')
    cursor.u8('substitution type')
    return { kind: 'substitution', index }
  }

  return fail(`unexpected token ${hex(token)}`, at)
}

/** Parses one element, from its open-start token to its end. */
function parseElement(
  cursor: Cursor,
  state: RecordState,
  inTemplate: boolean,
): TemplateElement {
  if (state.depth >= MAX_ELEMENT_DEPTH) {
    const problem = `elements nest deeper than ${MAX_ELEMENT_DEPTH} levels`
    fail(problem, cursor.pos)
  }
  const token = cursor.u8('element token')
  skipElementHeader(cursor, inTemplate)
  const name = readName(cursor)
  const element: TemplateElement = {
    kind: 'element',
    name,
    attributes: [],
    children: [],
  }

  if (token & TOKEN.moreData) {
    cursor.u32('attribute list size')
    while (((cursor.peek() ?? 0) & ~TOKEN.moreData) === TOKEN.attribute) {
      cursor.pos++
      const attribute = readName(cursor)
      const parts = parseAttributeParts(cursor)
      element.attributes.push({ name: attribute, parts })
    }
  }

  const close = cursor.u8('end of start tag')
  if (close === TOKEN.closeEmpty) return element
  if (close !== TOKEN.closeStart) {
    const problem = `element '${name}' has unexpected token ${hex(close)}`
    fail(problem, cursor.pos - 1)
  }

  state.depth++
  element.children = parseContent(cursor, state, inTemplate, 'element')
  state.depth--

  return element
}

/** Skips a processing instruction target or data token. */
function skipProcessingInstruction(cursor: Cursor, token: number) {
  cursor.pos++
  if (token === TOKEN.piTarget) {
    readName(cursor)
    return
  }

  const count = cursor.u16('PI data length')
  cursor.need(2 * count, 'PI data')
  cursor.pos += 2 * count
}

/**
 * Parses tokens until the end of the enclosing element (`until` is
 * 'element') or the end of the stream (EOF token or end of the bytes).
 */
function parseContent(
  cursor: Cursor,
  state: RecordState,
  inTemplate: boolean,
  until: 'element' | 'stream',
): TemplateNode[] {
  const nodes: TemplateNode[] = []

  for (;;) {
    const token = cursor.peek()
    if (token === undefined) {
      if (until === 'stream') return nodes
      fail('element is not closed', cursor.pos)
    }

    if (token === TOKEN.eof || token === TOKEN.endElement) {
      const closes = token === TOKEN.eof ? 'stream' : 'element'
      if (closes !== until) {
        const problem =
          token === TOKEN.eof
            ? 'end-of-stream token inside an open element'
            : 'end-element token outside any element'
        fail(problem, cursor.pos)
      }
      cursor.pos++
      return nodes
    }

    switch (token) {
      case TOKEN.openStart:
      case TOKEN.openStart | TOKEN.moreData:
        nodes.push(parseElement(cursor, state, inTemplate))
        break
      case TOKEN.fragmentHeader:
        cursor.need(4, 'fragment header')
        cursor.pos += 4
        break
      case TOKEN.templateInstance:
        nodes.push(parseTemplateInstance(cursor, state))
        break
      case TOKEN.piTarget:
      case TOKEN.piData:
        skipProcessingInstruction(cursor, token)
        break
      default:
        nodes.push(parseCharacters(cursor))
    }
  }
}

/** Parses the template definition at `offset`, or returns the cached one. */
function loadDefinition(
  chunk: ChunkState,
  offset: number,
  state: RecordState,
): { nodes: TemplateNode[]; size: number } {
  if (offset + DEFINITION_HEADER_SIZE > chunk.bytes.length) {
    const message = `template definition offset ${offset} lies outside the chunk`
    throw new BinXmlError(message, offset)
  }
  const dataSize = chunk.view.getUint32(offset + 20, true)
  const size = DEFINITION_HEADER_SIZE + dataSize
  const cached = chunk.templates.get(offset)
  if (cached !== undefined) return { nodes: cached, size }

  if (chunk.parsing.has(offset)) {
    fail('template definition includes itself', offset)
  }
  if (offset + size > chunk.bytes.length) {
    const problem = `template definition of ${dataSize} bytes runs past the chunk`
    fail(problem, offset)
  }

  chunk.parsing.add(offset)
  try {
    const bodyStart = offset + DEFINITION_HEADER_SIZE
    const body = new Cursor(chunk, bodyStart, offset + size)
    const nodes = parseContent(body, { ...state, depth: 0 }, true, 'stream')
    chunk.templates.set(offset, nodes)
    return { nodes, size }
  } finally {
    chunk.parsing.delete(offset)
  }
}

/**
 * Parses a template instance: its header, the definition (inline when its
 * offset points just past the header, else a reference into the chunk) and
 * the values.
 */
function parseTemplateInstance(
  cursor: Cursor,
  state: RecordState,
): TemplateInstance {
  if (state.nesting >= MAX_NESTING) {
    const problem = `template instances nest deeper than ${MAX_NESTING} levels`
    fail(problem, cursor.pos)
  }
  cursor.pos++
  cursor.u8('template instance version')
  cursor.u32('template id')
  const definitionOffset = cursor.u32('template definition offset')

  const inner = { ...state, nesting: state.nesting + 1 }
  const definition = loadDefinition(cursor.chunk, definitionOffset, inner)
  if (definitionOffset === cursor.pos) {
    cursor.need(definition.size, 'inline template definition')
    cursor.pos += definition.size
  }
  const values = parseValues(cursor, inner)

  return { kind: 'instance', definition: definition.nodes, values }
}

/** Parses template instance data: value count, descriptors, then values. */
function parseValues(
  cursor: Cursor,
  state: RecordState,
): SubstitutionValue[] {
  const count = cursor.u32('value count')
  cursor.need(count * 4, `${count} value descriptors`)
  const descriptors: Array<{ size: number; type: number }> = []
  for (let i = 0; i < count; i++) {
    const size = cursor.u16('value size')
    const type = cursor.u8('value type')
    cursor.pos++
    descriptors.push({ size, type })
  }

  // Always advance by the descriptor size, whatever a decoder consumed.
  const values: SubstitutionValue[] = []
  for (const [index, { size, type }] of descriptors.entries()) {
    cursor.need(size, `value ${index}`)
    values.push(decodeValue(cursor, size, type, index, state))
    cursor.pos += size
  }

  return values
}

/** Decodes one substitution value; bytes that do not fit become hex. */
function decodeValue(
  cursor: Cursor,
  size: number,
  type: number,
  index: number,
  state: RecordState,
): SubstitutionValue {
  const { bytes, view } = cursor.chunk
  const at = cursor.pos

  if (type === VALUE_TYPE.binXml) {
    const nested = new Cursor(cursor.chunk, at, at + size)
    const inner = { ...state, depth: 0 }
    const nodes = parseContent(nested, inner, false, 'stream')
    return { kind: 'binxml', nodes }
  }

  if (type & VALUE_TYPE.arrayFlag) {
    const itemType = type & ~VALUE_TYPE.arrayFlag
    const items = decodeArray(bytes, view, at, size, itemType)
    if (items !== undefined) return { kind: 'array', items }
  } else {
    const value = decodeScalar(bytes, view, at, size, type)
    if (value !== undefined) return { kind: 'scalar', value }
  }

  state.warnings.push(
    `value ${index} at chunk offset ${at} has type ${hex(type)} but ${size} bytes that do not fit it; it is rendered as hex`,
  )
  return { kind: 'scalar', value: hexBytes(bytes, at, size) }
}

/**
 * Parses the binary XML of one record between chunk offsets `start` and
 * `end`. Problems that leave the record readable go to `warnings`; others
 * throw a BinXmlError.
 */
export function parseRecordBinXml(
  chunk: ChunkState,
  start: number,
  end: number,
  warnings: string[],
): TemplateNode[] {
  const cursor = new Cursor(chunk, start, end)
  const state: RecordState = { nesting: 0, depth: 0, warnings }

  return parseContent(cursor, state, false, 'stream')
}
