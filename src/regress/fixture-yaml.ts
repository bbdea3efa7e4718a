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
  const lineCounter = new LineCounter()
  const document = parseDocument(text, {
    lineCounter,
    prettyErrors: false,
    merge: true,
    customTags: keepHexAndOctalAsText,
  })

  const diagnostics = yamlDiagnostics(document, lineCounter, file, check)
  const broken = document.errors.length > 0
  const source = new DocumentPositions(document, lineCounter)
  const expanded = broken ? { value: undefined } : expandDocument(() => document.toJS({ maxAliasCount: 1000 }), document, lineCounter, check)
  if ('diagnostic' in expanded) diagnostics.push({ ...expanded.diagnostic, file })
  return {
    value: 'value' in expanded ? expanded.value : undefined,
    diagnostics,
    spanOf: (path) => source.spanOf(path),
    keySpanOf: (path, key) => source.keySpanOf(path, key),
  }
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
    return spanOfRange(this.lineCounter, range[0], range[1])
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
