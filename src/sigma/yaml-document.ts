import {
  LineCounter,
  isMap,
  isScalar,
  isSeq,
  parseAllDocuments,
  type Document,
  type Node,
  type YAMLError,
} from 'yaml'
import { diagnosticAt, type Diagnostic, type Span } from '../diagnostic.js'
import { composePlainYaml, findTooDeepOffset, MAX_YAML_DEPTH } from './compose-plain-yaml.js'

/** A YAML file parsed with source positions kept for every node. */
export interface YamlSource {
  text: string
  documents: Document.Parsed[]
  lineCounter: LineCounter
  diagnostics: Diagnostic[]
}

/** A parsed YAML document, as far as the rule reader looks at it. */
export interface YamlDocument {
  readonly contents: Node | null
}

/** A rule file's YAML: its documents' root nodes, with positions. */
export interface RuleYaml {
  text: string
  documents: readonly YamlDocument[]
  lineCounter: LineCounter
  diagnostics: Diagnostic[]
}

/**
 * Parse a rule file's YAML: with `composePlainYaml` when the file keeps to
 * its subset (nearly every rule), else with `parseYamlSource`, which also
 * reports any problem.
 */
export function parseRuleYaml(text: string): RuleYaml {
  const lineCounter = new LineCounter()
  const map = composePlainYaml(text, lineCounter)
  if (map) return { text, documents: [{ contents: map }], lineCounter, diagnostics: [] }
  return parseYamlSource(text)
}

/**
 * Parse every YAML document of a file, turning syntax errors into located
 * diagnostics. A file whose indentation looks lost gets a hint saying so,
 * because flattened YAML often parses into a wrong but valid shape.
 */
export function parseYamlSource(text: string): YamlSource {
  const lineCounter = new LineCounter()
  const deep = findTooDeepOffset(text)
  if (deep !== undefined) return { text, documents: [], lineCounter, diagnostics: [tooDeepDiagnostic(text, deep)] }
  const documents = parseAllDocuments(text, {
    lineCounter,
    keepSourceTokens: false,
    prettyErrors: false,
    uniqueKeys: true,
  })
  const list = Array.isArray(documents) ? documents : []
  const diagnostics: Diagnostic[] = []
  const flattened = looksFlattened(text)

  for (const document of list) {
    for (const error of document.errors) {
      diagnostics.push(yamlErrorDiagnostic(error, lineCounter, flattened))
    }
  }
  return { text, documents: list, lineCounter, diagnostics }
}

/** Report YAML nested deeper than the parser may go, at the first collection too deep. */
export function tooDeepDiagnostic(text: string, offset: number): Diagnostic {
  // Lines are counted as yaml counts them: only '\n' ends one.
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1
  let line = 1
  for (let at = text.indexOf('\n'); at !== -1 && at < offset; at = text.indexOf('\n', at + 1)) line++
  const col = offset - lineStart + 1
  const message = `The YAML is nested more than ${MAX_YAML_DEPTH} levels deep here, which the parser cannot read. Flatten the nesting; Sigma rules need only a few levels.`
  return diagnosticAt({ line, column: col }, 'limits/nesting-depth', 'error', message)
}

function yamlErrorDiagnostic(
  error: YAMLError,
  lineCounter: LineCounter,
  flattened: boolean,
): Diagnostic {
  const start = lineCounter.linePos(error.pos[0])
  const end = lineCounter.linePos(error.pos[1])
  const reason = firstLine(error.message).replace(/ at line \d+, column \d+:?$/, '')
  let check = 'yaml/syntax'
  if (error.code === 'DUPLICATE_KEY') check = 'yaml/duplicate-key'
  if (error.code === 'RESOURCE_EXHAUSTION') check = 'limits/nesting-depth'
  let message = `Invalid YAML: ${reason}.`
  // The yaml package reports its own stack overflow on deep nesting this way.
  if (error.code === 'RESOURCE_EXHAUSTION') message = 'The YAML is nested too deeply for the parser. Flatten the nesting; Sigma rules need only a few levels.'
  else if (flattened) message += ` ${FLATTENED_HINT}`
  else if (error.code === 'TAB_AS_INDENT' || /tab/i.test(reason)) {
    message += ' Indent with spaces; YAML does not allow tab characters for indentation.'
  } else message += ' Fix the YAML syntax at this position.'
  return diagnosticAt(
    { line: start.line, column: start.col, endLine: end.line, endColumn: end.col },
    check,
    'error',
    message,
  )
}

export const FLATTENED_HINT =
  "The rule's indentation looks lost: every line starts at column 1. Indent the entries of 'logsource', 'detection' and each selection under their keys, and the text of block scalars such as 'description: >'."

/**
 * Whether a file looks like a Sigma rule whose indentation was stripped: a key
 * with an empty value followed by more keys, and no indented line at all.
 */
export function looksFlattened(text: string): boolean {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '' && !line.trimStart().startsWith('#'))
  if (lines.length < 6) return false
  if (lines.some((line) => /^\s/.test(line))) return false
  return lines.some((line) => /^(logsource|detection|selection\w*|filter\w*):\s*$/.test(line))
}

function firstLine(message: string): string {
  return message.split('\n')[0]?.trim() ?? message
}

/** The 1-based source range of a node, or undefined for nodes without one. */
export function spanOf(node: Node | null | undefined, lineCounter: LineCounter): Span | undefined {
  const range = node?.range
  if (!range) return undefined
  const start = lineCounter.linePos(range[0])
  const end = lineCounter.linePos(range[1])
  return { line: start.line, column: start.col, endLine: end.line, endColumn: end.col }
}

export { isMap, isScalar, isSeq }

/**
 * Convert a YAML node to plain data, as `toJSON` does for the maps, lists
 * and scalars of a rule. Walking the nodes directly costs a fraction of
 * `toJSON`, which matters once per rule in a large run. Returns undefined
 * for a node this walk does not convert (an alias, a complex key), so the
 * caller can fall back to `toJSON`.
 */
export function plainValue(node: unknown): unknown {
  if (node === null || node === undefined) return null
  if (isScalar(node)) return node.value
  if (isSeq(node)) {
    const items: unknown[] = []
    for (const item of node.items) {
      const value = plainValue(item)
      if (value === undefined) return undefined
      items.push(value)
    }
    return items
  }
  if (isMap(node)) {
    const object: Record<string, unknown> = {}
    for (const pair of node.items) {
      const keyValue = isScalar(pair.key) ? pair.key.value : undefined
      if (typeof keyValue !== 'string' && typeof keyValue !== 'number' && typeof keyValue !== 'boolean') return undefined
      const key = String(keyValue)
      const value = plainValue(pair.value)
      if (value === undefined || key === '__proto__') return undefined
      object[key] = value
    }
    return object
  }
  return undefined
}
