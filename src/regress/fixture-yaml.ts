import type { Document, Node as YamlNode, Tags } from 'yaml'
import {
  LineCounter,
  isAlias,
  isMap,
  isNode,
  isScalar,
  isSeq,
  parseDocument,
} from 'yaml'
import type { Diagnostic, Span } from '../diagnostic.js'
import { diagnosticAt } from '../diagnostic.js'
import { expandDocument } from '../limits/yaml-limits.js'
import { findTooDeepOffset } from '../sigma/compose-plain-yaml.js'
import { tooDeepDiagnostic } from '../sigma/yaml-document.js'

/** A step into a YAML value: a map key or a list index. */
export type PathSegment = string | number

/**
 * A parsed YAML file: its plain value, its syntax problems, and the source
 * positions of its nodes for diagnostics.
 */
export interface YamlSource {
  /** The document as plain data; undefined when the YAML is broken. */
  value: unknown
  diagnostics: Diagnostic[]
  /** Return the span of the node at `path`, or of its nearest existing parent. */
  spanOf(path: readonly PathSegment[]): Span
  /** Return the span of the key `key` in the map at `path`. */
  keySpanOf(path: readonly PathSegment[], key: string): Span
}

/**
 * Parse YAML with positions. Hexadecimal and octal plain scalars stay
 * strings (`0x3e7` is a logon id to match as text, not the number 999), and
 * `<<` merge keys are allowed so that cases can share a base event.
 */
export function parseYamlSource(
  text: string,
  file: string,
  check: string,
): YamlSource {
  const objects = setAsideJsonObjects(text)
  if (objects.values.length > 0) {
    const source = parseYamlText(objects.text, file, check, objects.ends)
    if (source.value === undefined || restoreJsonObjects(source, objects)) return source
  }
  return parseYamlText(text, file, check)
}

function parseYamlText(
  text: string,
  file: string,
  check: string,
  ends?: ReadonlyMap<number, number>,
): YamlSource {
  const lineCounter = new LineCounter()
  const deep = findTooDeepOffset(text)
  if (deep !== undefined) {
    const span = { line: 1, column: 1 }
    return { value: undefined, diagnostics: [{ ...tooDeepDiagnostic(text, deep), file }], spanOf: () => span, keySpanOf: () => span }
  }
  const document = parseDocument(text, {
    lineCounter,
    prettyErrors: false,
    merge: true,
    customTags: keepHexAndOctalAsText,
  })

  const diagnostics = yamlDiagnostics(document, lineCounter, file, check)
  const broken = document.errors.length > 0
  const source = new DocumentPositions(document, lineCounter, ends)
  const expanded = broken ? { value: undefined } : expandDocument(() => document.toJS({ maxAliasCount: 1000 }), document, lineCounter, check)
  if ('diagnostic' in expanded) diagnostics.push({ ...expanded.diagnostic, file })
  return {
    value: 'value' in expanded ? expanded.value : undefined,
    diagnostics,
    spanOf: (path) => source.spanOf(path),
    keySpanOf: (path, key) => source.keySpanOf(path, key),
  }
}

/**
 * A one-line JSON object that starts a list item or follows a key, such as
 * `- {"EventID": 1, "Image": "C:\\x.exe"}`. Fixture files hold many events
 * written this way.
 */
const JSON_OBJECT_LINE = /^([ \t]*(?:-[ \t]+)?(?:[A-Za-z_][\w-]*:[ \t]+)?)(\{.*\})[ \t]*$/gm

/** Start of a placeholder: a private-use character, which real event values do not use. */
const PLACEHOLDER_MARK = '\uE000'

/**
 * Replace each one-line JSON object by a short quoted placeholder padded
 * with spaces to the same length, and return the objects as `JSON.parse`
 * reads them. `JSON.parse` reads an event many times faster than the YAML
 * composer in a fresh process, and every position in the file stays where
 * it was. `ends` maps each placeholder's start offset to the end of its
 * object, so the event's span is the object's. An object that `JSON.parse`
 * rejects or that repeats a key stays for the YAML parser, which reports it.
 */
function setAsideJsonObjects(text: string): { text: string; values: unknown[]; placeholders: string[]; ends: Map<number, number> } {
  const values: unknown[] = []
  const placeholders: string[] = []
  const ends = new Map<number, number>()
  const replaced = text.replace(JSON_OBJECT_LINE, (line: string, prefix: string, json: string, offset: number) => {
    const placeholder = `${PLACEHOLDER_MARK}${values.length}`
    if (placeholder.length + 2 > json.length) return line
    let value: unknown
    try {
      value = JSON.parse(json)
    } catch {
      return line
    }
    if (hasRepeatedKey(json, value)) return line
    values.push(value)
    placeholders.push(placeholder)
    const start = offset + prefix.length
    ends.set(start, start + json.length)
    return `${prefix}${`"${placeholder}"`.padEnd(json.length, ' ')}${line.slice(prefix.length + json.length)}`
  })
  return { text: replaced, values, placeholders, ends }
}

/**
 * Put the JSON objects back in place of their placeholders. Returns false
 * unless every placeholder came back exactly once as a whole string value.
 * A placeholder inside a block scalar, for example, is only part of a
 * string, and the caller then parses the original text instead.
 */
function restoreJsonObjects(source: YamlSource, objects: { values: readonly unknown[]; placeholders: readonly string[] }): boolean {
  const restored = new Set<number>()
  let repeated = false
  const visit = (value: unknown): unknown => {
    if (typeof value === 'string' && value.startsWith(PLACEHOLDER_MARK)) {
      const index = Number(value.slice(PLACEHOLDER_MARK.length))
      if (objects.placeholders[index] !== value) return value
      if (restored.has(index)) repeated = true
      restored.add(index)
      return objects.values[index]
    }
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) value[i] = visit(value[i])
    } else if (value !== null && typeof value === 'object') {
      const record = value as Record<string, unknown>
      for (const key of Object.keys(record)) record[key] = visit(record[key])
    }
    return value
  }
  source.value = visit(source.value)
  return !repeated && restored.size === objects.values.length
}

/** A JSON string followed by a colon: in well-formed JSON, always an object key. */
const JSON_KEY = /"(?:[^"\\]|\\.)*"\s*:/g

/**
 * Tell whether some object in a JSON text has the same key twice, which
 * YAML rejects and `JSON.parse` lets pass by keeping the last. The keys
 * written in the text are counted against the keys `JSON.parse` kept.
 */
function hasRepeatedKey(json: string, value: unknown): boolean {
  return (json.match(JSON_KEY)?.length ?? 0) !== countKeys(value)
}

function countKeys(value: unknown): number {
  if (Array.isArray(value)) return value.reduce((sum: number, item) => sum + countKeys(item), 0)
  if (value === null || typeof value !== 'object') return 0
  let count = 0
  for (const item of Object.values(value)) count += 1 + countKeys(item)
  return count
}

function keepHexAndOctalAsText(tags: Tags): Tags {
  return tags.filter((tag) => {
    const format =
      typeof tag === 'object' && 'format' in tag ? tag.format : undefined
    return format !== 'HEX' && format !== 'OCT'
  })
}

function yamlDiagnostics(
  document: Document,
  lineCounter: LineCounter,
  file: string,
  check: string,
): Diagnostic[] {
  const found = [
    ...document.errors.map((error) => ({ error, severity: 'error' as const })),
    ...document.warnings.map((error) => ({
      error,
      severity: 'warning' as const,
    })),
  ]
  return found.map(({ error, severity }) => {
    const span = spanOfRange(lineCounter, error.pos[0], error.pos[1])
    const reason = error.message.replace(/\.$/, '')
    const message = `Invalid YAML: ${reason}. Fix the syntax at this position.`
    return diagnosticAt(span, check, severity, message, file)
  })
}

class DocumentPositions {
  constructor(
    private readonly document: Document,
    private readonly lineCounter: LineCounter,
    /** End offsets of the JSON objects that placeholders stand for, by start offset. */
    private readonly ends?: ReadonlyMap<number, number>,
  ) {}

  spanOf(path: readonly PathSegment[]): Span {
    let node: unknown = this.document.contents
    let found: unknown = node
    for (const segment of path) {
      node = this.child(node, segment)
      if (node === undefined) break
      found = node
    }
    return this.spanOfNode(found)
  }

  keySpanOf(path: readonly PathSegment[], key: string): Span {
    const map = this.resolve(this.nodeAt(path))
    if (!isMap(map)) return this.spanOf(path)

    const pair = map.items.find((item) => scalarValue(item.key) === key)
    return this.spanOfNode(pair?.key ?? map)
  }

  private nodeAt(path: readonly PathSegment[]): unknown {
    let node: unknown = this.document.contents
    for (const segment of path) {
      node = this.child(node, segment)
      if (node === undefined) return undefined
    }
    return node
  }

  /** Return the value node under a key or index; a key without value gives the key. */
  private child(parent: unknown, segment: PathSegment): unknown {
    const node = this.resolve(parent)
    if (isMap(node)) {
      const pair = node.items.find(
        (item) => scalarValue(item.key) === String(segment),
      )
      if (pair === undefined) return undefined
      return isNode(pair.value) ? pair.value : pair.key
    }
    if (isSeq(node) && typeof segment === 'number') return node.items[segment]
    return undefined
  }

  private resolve(node: unknown): unknown {
    return isAlias(node) ? node.resolve(this.document) : node
  }

  private spanOfNode(node: unknown): Span {
    const range = isNode(node) ? (node as YamlNode).range : undefined
    if (range === undefined || range === null) return { line: 1, column: 1 }
    return spanOfRange(this.lineCounter, range[0], this.ends?.get(range[0]) ?? range[1])
  }
}

function scalarValue(node: unknown): unknown {
  return isScalar(node) ? String(node.value) : node
}

function spanOfRange(
  lineCounter: LineCounter,
  start: number,
  end: number,
): Span {
  const from = lineCounter.linePos(start)
  const to = lineCounter.linePos(Math.max(start, end))
  return {
    line: Math.max(from.line, 1),
    column: from.col,
    endLine: Math.max(to.line, 1),
    endColumn: to.col,
  }
}
