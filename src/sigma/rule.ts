import type { LineCounter, Node, Pair, YAMLMap } from 'yaml'
import { diagnosticAt, type Diagnostic, type Span } from '../diagnostic.js'
import { isMap, isScalar, isSeq, spanOf } from './yaml-document.js'

/** A value from the rule file with the range it was written at. */
export interface Located<T> {
  value: T
  span: Span
}

/** One named search identifier under `detection`, still as YAML. */
export interface Selection {
  name: string
  node: Node | null
  span: Span
}

export interface Detection {
  selections: Selection[]
  condition: Located<string>[]
  span: Span
}

export interface Logsource {
  product?: Located<string>
  category?: Located<string>
  service?: Located<string>
  span: Span
}

export type RuleKind = 'rule' | 'correlation' | 'filter'

/** A Sigma rule document with every attribute located in its file. */
export interface SigmaRule {
  kind: RuleKind
  file: string
  /** 0-based position of the document in its file. */
  document: number
  span: Span
  title?: Located<string>
  id?: Located<string>
  name?: Located<string>
  status?: Located<string>
  level?: Located<string>
  description?: Located<string>
  references: Located<string>[]
  tags: Located<string>[]
  logsource?: Logsource
  detection?: Detection
  regressionTestsPath?: Located<string>
  /** The raw document map, for lint checks that need attributes not modelled here. */
  map: YAMLMap
  lineCounter: LineCounter
}

/** Top-level keys that make a YAML document a Sigma document. */
export const SIGMA_TOP_LEVEL_KEYS = ['title', 'logsource', 'detection', 'correlation', 'filter']

/**
 * Read the attributes of one YAML document into a rule. Structural problems
 * (missing `detection`, a `condition` outside it, wrong types) become
 * diagnostics; the rule is returned as far as it could be read.
 */
export function readRule(
  map: YAMLMap,
  file: string,
  document: number,
  lineCounter: LineCounter,
): { rule: SigmaRule; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = []
  const span = spanOf(map, lineCounter) ?? { line: 1, column: 1 }
  const kind: RuleKind = hasKey(map, 'correlation')
    ? 'correlation'
    : hasKey(map, 'filter')
      ? 'filter'
      : 'rule'
  const reader = new AttributeReader(map, lineCounter, diagnostics)

  const rule: SigmaRule = {
    kind,
    file,
    document,
    span,
    references: reader.stringList('references'),
    tags: reader.stringList('tags'),
    map,
    lineCounter,
  }
  assign(rule, 'title', reader.string('title'))
  assign(rule, 'id', reader.string('id'))
  assign(rule, 'name', reader.string('name'))
  assign(rule, 'status', reader.string('status'))
  assign(rule, 'level', reader.string('level'))
  assign(rule, 'description', reader.string('description'))
  assign(rule, 'regressionTestsPath', reader.string('regression_tests_path'))
  assign(rule, 'logsource', readLogsource(reader))
  if (kind === 'rule') {
    assign(rule, 'detection', readDetection(map, reader, span))
  }
  return { rule, diagnostics }
}

function assign<K extends keyof SigmaRule>(rule: SigmaRule, key: K, value: SigmaRule[K] | undefined): void {
  if (value !== undefined) rule[key] = value
}

function hasKey(map: YAMLMap, key: string): boolean {
  return map.items.some((pair) => isScalar(pair.key) && pair.key.value === key)
}

function readLogsource(reader: AttributeReader): Logsource | undefined {
  const pair = reader.pair('logsource')
  if (!pair) return undefined
  const span = reader.span(pair.value as Node) ?? reader.span(pair.key as Node)
  if (!isMap(pair.value)) {
    reader.report(pair.value ?? pair.key, 'sigma/structure', `'logsource' must be a map with 'product', 'category' and/or 'service'. Indent those keys under 'logsource:'.`)
    return undefined
  }
  const inner = reader.nested(pair.value)
  const logsource: Logsource = { span: span ?? { line: 1, column: 1 } }
  for (const key of ['product', 'category', 'service'] as const) {
    const value = inner.string(key)
    if (value) logsource[key] = value
  }
  return logsource
}

function readDetection(map: YAMLMap, reader: AttributeReader, ruleSpan: Span): Detection | undefined {
  const pair = reader.pair('detection')
  const strayCondition = reader.pair('condition')
  if (!pair) {
    reader.reportAt(ruleSpan, 'sigma/missing-detection', `The rule has no 'detection' section. Add 'detection:' with at least one selection and a 'condition'.`)
    return undefined
  }
  if (!isMap(pair.value)) {
    reader.report(pair.value ?? pair.key, 'sigma/structure', `'detection' must be a map of selections and a 'condition'. Indent the selections and the condition under 'detection:'.`)
    return undefined
  }
  const detectionMap = pair.value
  const span = reader.span(detectionMap) ?? ruleSpan
  const selections: Selection[] = []
  const condition: Located<string>[] = []

  for (const item of detectionMap.items) {
    const name = isScalar(item.key) ? String(item.key.value) : ''
    const keySpan = reader.span(item.key as Node) ?? span
    if (name === 'condition') {
      condition.push(...readCondition(item, reader))
    } else if (name === 'timeframe') {
      continue
    } else {
      selections.push({ name, node: (item.value as Node | null) ?? null, span: keySpan })
    }
  }

  if (condition.length === 0) {
    const where = strayCondition ? reader.span(strayCondition.key as Node) : undefined
    const hint = where
      ? ` A top-level 'condition' key was found at line ${where.line}: it probably belongs inside 'detection' (indent it under 'detection:').`
      : ` Add 'condition:' under 'detection:', e.g. 'condition: selection'.`
    reader.reportAt(where ?? reader.span(pair.key as Node) ?? span, 'sigma/missing-condition', `The detection block has no condition.${hint}`)
  }
  void map
  return { selections, condition, span }
}

function readCondition(item: Pair, reader: AttributeReader): Located<string>[] {
  const value = item.value as Node | null
  if (isScalar(value) && typeof value.value === 'string') {
    return [{ value: value.value, span: reader.span(value) ?? { line: 1, column: 1 } }]
  }
  if (isSeq(value)) {
    const list: Located<string>[] = []
    for (const entry of value.items) {
      if (isScalar(entry) && typeof entry.value === 'string') {
        list.push({ value: entry.value, span: reader.span(entry) ?? { line: 1, column: 1 } })
      } else reader.report(entry as Node, 'sigma/structure', `A condition must be a string such as 'selection and not filter'.`)
    }
    return list
  }
  reader.report(value ?? (item.key as Node), 'sigma/structure', `'condition' must be a string such as 'selection and not filter', or a list of them.`)
  return []
}

/** Reads typed attributes from a YAML map, reporting wrong types at their nodes. */
export class AttributeReader {
  constructor(
    private readonly map: YAMLMap,
    private readonly lineCounter: LineCounter,
    private readonly diagnostics: Diagnostic[],
  ) {}

  nested(map: YAMLMap): AttributeReader {
    return new AttributeReader(map, this.lineCounter, this.diagnostics)
  }

  pair(key: string): Pair | undefined {
    return this.map.items.find((pair) => isScalar(pair.key) && pair.key.value === key)
  }

  span(node: Node | null | undefined): Span | undefined {
    return spanOf(node, this.lineCounter)
  }

  string(key: string): Located<string> | undefined {
    const pair = this.pair(key)
    if (!pair) return undefined
    const value = pair.value as Node | null
    if (isScalar(value) && value.value !== null && typeof value.value !== 'object') {
      return { value: String(value.value), span: this.span(value) ?? { line: 1, column: 1 } }
    }
    this.report(value ?? (pair.key as Node), 'sigma/type', `'${key}' must be a single text value.`)
    return undefined
  }

  stringList(key: string): Located<string>[] {
    const pair = this.pair(key)
    if (!pair) return []
    const value = pair.value as Node | null
    if (!isSeq(value)) {
      if (isScalar(value) && value.value !== null) {
        this.report(value, 'sigma/type', `'${key}' must be a list. Write each entry on its own line starting with '- '.`)
        return [{ value: String(value.value), span: this.span(value) ?? { line: 1, column: 1 } }]
      }
      return []
    }
    const list: Located<string>[] = []
    for (const entry of value.items) {
      if (isScalar(entry) && entry.value !== null && typeof entry.value !== 'object') {
        list.push({ value: String(entry.value), span: this.span(entry) ?? { line: 1, column: 1 } })
      } else this.report(entry as Node, 'sigma/type', `Each entry of '${key}' must be a single text value.`)
    }
    return list
  }

  report(node: Node | null | undefined | unknown, check: string, message: string): void {
    this.reportAt(this.span(node as Node) ?? { line: 1, column: 1 }, check, message)
  }

  reportAt(span: Span, check: string, message: string): void {
    this.diagnostics.push(diagnosticAt(span, check, 'error', message))
  }
}
