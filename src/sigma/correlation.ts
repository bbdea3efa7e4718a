import type { Node, Pair, YAMLMap } from 'yaml'
import { diagnosticAt, type Diagnostic, type Severity, type Span } from '../diagnostic.js'
import type { Located, SigmaRule } from './rule.js'
import { isMap, isScalar, isSeq, spanOf } from './yaml-document.js'

export const CORRELATION_TYPES = [
  'event_count',
  'value_count',
  'temporal',
  'temporal_ordered',
  'value_sum',
  'value_avg',
  'value_percentile',
] as const

export type CorrelationType = (typeof CORRELATION_TYPES)[number]

export const BOUND_OPERATORS = ['gt', 'gte', 'lt', 'lte', 'eq', 'neq'] as const

export type BoundOperator = (typeof BOUND_OPERATORS)[number]

/** One criterion of a correlation condition, such as `gte: 100`. */
export interface Bound {
  op: BoundOperator
  value: number
  span: Span
}

/** An entry of `aliases`: one group-by name, a field for each rule. */
export interface CorrelationAlias {
  name: string
  span: Span
  /** Rule reference (as written in `rules`) → field name in that rule's events. */
  fields: Map<string, Located<string>>
}

/** The `correlation` section of a correlation document, checked. */
export interface Correlation {
  type: Located<CorrelationType>
  rules: Located<string>[]
  groupBy: Located<string>[]
  timespan: Located<string> & { seconds: number }
  /** The criteria, AND-ed; empty for temporal types without a condition. */
  bounds: Bound[]
  /** The field that value_* types aggregate. */
  field?: Located<string>
  aliases: CorrelationAlias[]
  /** Whether the referenced rules also get stand-alone queries. */
  generate: boolean
  span: Span
}

const TIMESPAN = /^([1-9][0-9]*)([smhd])$/
const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 }
const KNOWN_KEYS = ['type', 'rules', 'group-by', 'timespan', 'condition', 'aliases', 'generate']

/** Tell whether a type's condition compares an aggregate of `field`. */
export function aggregatesField(type: CorrelationType): boolean {
  return type.startsWith('value_')
}

export function isTemporal(type: CorrelationType): boolean {
  return type === 'temporal' || type === 'temporal_ordered'
}

/**
 * Read and check the `correlation` section of a correlation document.
 * Returns no correlation when a mandatory part is missing or invalid, so a
 * broken correlation never fires. References to other rules are resolved
 * later, once every rule of the run is known.
 */
export function readCorrelation(rule: SigmaRule): { correlation?: Correlation; diagnostics: Diagnostic[] } {
  const reader = new SectionReader(rule, [])
  const correlation = reader.read()
  return correlation ? { correlation, diagnostics: reader.diagnostics } : { diagnostics: reader.diagnostics }
}

class SectionReader {
  private broken = false

  constructor(
    private readonly rule: SigmaRule,
    readonly diagnostics: Diagnostic[],
  ) {}

  read(): Correlation | undefined {
    const rule = this.rule
    if (!rule.title) this.report(rule.span, 'correlation/missing', `The correlation has no 'title'. Add a title that says what the correlation detects.`)
    const pair = findPair(rule.map, 'correlation')
    if (!pair || !isMap(pair.value)) {
      this.report(this.spanOf(pair?.value ?? pair?.key) ?? rule.span, 'correlation/structure', `'correlation' must be a map with 'type', 'rules', 'group-by', 'timespan' and 'condition'. Indent those keys under 'correlation:'.`)
      return undefined
    }
    const section = pair.value
    const span = this.spanOf(section) ?? rule.span
    this.reportUnknownKeys(section)

    const type = this.readType(section, span)
    const rules = this.readStringList(section, 'rules', span, true)
    const groupBy = this.readStringList(section, 'group-by', span, false)
    const timespan = this.readTimespan(section, span)
    const aliases = this.readAliases(section, rules)
    const generate = this.readGenerate(section)
    const condition = type ? this.readCondition(section, type.value, span) : undefined

    if (groupBy.length === 0 && findPair(section, 'group-by') === undefined) {
      this.report(span, 'correlation/no-group-by', `The correlation has no 'group-by', so all events of a time window form one group. Add 'group-by' with the fields that must be equal, e.g. Computer and User.`, 'warning')
    }
    this.checkAliasesUsed(aliases, groupBy)
    if (this.broken || !type || !timespan || !condition) return undefined
    return { type, rules, groupBy, timespan, bounds: condition.bounds, ...(condition.field ? { field: condition.field } : {}), aliases, generate, span }
  }

  private readType(section: YAMLMap, span: Span): Located<CorrelationType> | undefined {
    const pair = findPair(section, 'type')
    if (!pair) {
      this.report(span, 'correlation/missing', `The correlation has no 'type'. Add 'type:' with one of ${CORRELATION_TYPES.join(', ')}.`)
      return undefined
    }
    const value = isScalar(pair.value) ? String(pair.value.value) : ''
    const where = this.spanOf(pair.value ?? pair.key) ?? span
    if (!(CORRELATION_TYPES as readonly string[]).includes(value)) {
      this.report(where, 'correlation/invalid-type', `The correlation type '${value}' is not defined by Sigma. Use one of ${CORRELATION_TYPES.join(', ')}.`)
      return undefined
    }
    return { value: value as CorrelationType, span: where }
  }

  private readStringList(section: YAMLMap, key: string, span: Span, required: boolean): Located<string>[] {
    const pair = findPair(section, key)
    if (!pair) {
      if (required) this.report(span, 'correlation/missing', `The correlation has no '${key}'. Add '${key}:' with a list of rule ids or names.`)
      return []
    }
    const items = isSeq(pair.value) ? pair.value.items : isScalar(pair.value) ? [pair.value] : []
    const list: Located<string>[] = []
    for (const item of items) {
      if (isScalar(item) && item.value !== null && typeof item.value !== 'object') {
        list.push({ value: String(item.value), span: this.spanOf(item as Node) ?? span })
      } else this.report(this.spanOf(item as Node) ?? span, 'correlation/structure', `Each entry of '${key}' must be a single text value.`)
    }
    if (list.length === 0 && items.length === 0) {
      this.report(this.spanOf(pair.value ?? pair.key) ?? span, 'correlation/structure', `'${key}' must be a list with at least one entry, each on its own line starting with '- '.`)
    }
    return list
  }

  private readTimespan(section: YAMLMap, span: Span): Correlation['timespan'] | undefined {
    const pair = findPair(section, 'timespan')
    if (!pair) {
      this.report(span, 'correlation/missing', `The correlation has no 'timespan'. Add 'timespan:' with a number and a unit (s, m, h or d), e.g. 5m.`)
      return undefined
    }
    const where = this.spanOf(pair.value ?? pair.key) ?? span
    const text = isScalar(pair.value) ? String(pair.value.value) : ''
    const match = TIMESPAN.exec(text)
    if (!match) {
      this.report(where, 'correlation/invalid-timespan', `The timespan '${text}' is not a number followed by s, m, h or d. Write it as e.g. 90s, 5m, 1h or 1d; write 1h30 as 90m.`)
      return undefined
    }
    const seconds = Number(match[1]) * (UNIT_SECONDS[match[2] as string] as number)
    return { value: text, span: where, seconds }
  }

  private readCondition(section: YAMLMap, type: CorrelationType, span: Span): { bounds: Bound[]; field?: Located<string> } | undefined {
    const pair = findPair(section, 'condition')
    if (!pair) {
      if (isTemporal(type)) return { bounds: [] }
      this.report(span, 'correlation/missing', `The ${type} correlation has no 'condition'. Add 'condition:' with a criterion such as 'gte: 10'.`)
      return undefined
    }
    const where = this.spanOf(pair.value ?? pair.key) ?? span
    if (!isMap(pair.value)) {
      this.report(where, 'correlation/invalid-condition', `'condition' must be a map of criteria such as 'gte: 10'; use gt, gte, lt, lte, eq or neq.`)
      return undefined
    }

    const bounds: Bound[] = []
    let field: Located<string> | undefined
    for (const item of pair.value.items) {
      const key = isScalar(item.key) ? String(item.key.value) : ''
      const itemSpan = this.spanOf(item.key as Node) ?? where
      if (key === 'field') field = this.readField(item, type, itemSpan)
      else {
        const bound = this.readBound(key, item, itemSpan)
        if (bound) bounds.push(bound)
      }
    }
    if (bounds.length === 0) {
      this.report(where, 'correlation/invalid-condition', `The condition has no criterion. Add one of gt, gte, lt, lte, eq or neq with a number, e.g. 'gte: 10'.`)
      return undefined
    }
    if (aggregatesField(type) && !field) {
      this.report(where, 'correlation/missing', `The ${type} correlation needs 'field' in its condition: the field whose values are aggregated, e.g. 'field: User'.`)
      return undefined
    }
    return field ? { bounds, field } : { bounds }
  }

  private readField(item: Pair, type: CorrelationType, span: Span): Located<string> | undefined {
    const value = item.value as Node | null
    if (!aggregatesField(type)) {
      this.report(span, 'correlation/invalid-condition', `'field' applies only to value_count, value_sum, value_avg and value_percentile, not to ${type}. Remove it, or change the type.`)
      return undefined
    }
    if (isScalar(value) && typeof value.value === 'string' && value.value !== '') {
      return { value: value.value, span: this.spanOf(value) ?? span }
    }
    // NOTE: the specification links several `field` values by AND but does
    // not define what that aggregates, so a list is rejected rather than guessed.
    this.report(this.spanOf(value) ?? span, 'correlation/invalid-condition', `'field' must be one field name, e.g. 'field: User'. To test several fields, write one correlation per field.`)
    return undefined
  }

  private readBound(key: string, item: Pair, span: Span): Bound | undefined {
    if (!(BOUND_OPERATORS as readonly string[]).includes(key)) {
      this.report(span, 'correlation/invalid-condition', `'${key}' is not a condition criterion. Use gt, gte, lt, lte, eq or neq with a number, or 'field' for value_* types.`)
      return undefined
    }
    const value = item.value as Node | null
    const number = isScalar(value) && typeof value.value === 'number' ? value.value : undefined
    if (number === undefined || !Number.isFinite(number)) {
      const written = isScalar(value) ? String(value.value) : ''
      this.report(this.spanOf(value) ?? span, 'correlation/invalid-condition', `The criterion '${key}' needs a number, not '${written}'. Write e.g. '${key}: 10'.`)
      return undefined
    }
    return { op: key as BoundOperator, value: number, span }
  }

  private readAliases(section: YAMLMap, rules: Located<string>[]): CorrelationAlias[] {
    const pair = findPair(section, 'aliases')
    if (!pair) return []
    if (!isMap(pair.value)) {
      this.report(this.spanOf(pair.value ?? pair.key) ?? this.rule.span, 'correlation/invalid-alias', `'aliases' must map each alias name to a map of rule name → field name.`)
      return []
    }
    const aliases: CorrelationAlias[] = []
    for (const item of pair.value.items) {
      const alias = this.readAlias(item, rules)
      if (alias) aliases.push(alias)
    }
    return aliases
  }

  private readAlias(item: Pair, rules: Located<string>[]): CorrelationAlias | undefined {
    const name = isScalar(item.key) ? String(item.key.value) : ''
    const span = this.spanOf(item.key as Node) ?? this.rule.span
    if (!isMap(item.value)) {
      this.report(span, 'correlation/invalid-alias', `The alias '${name}' must map each rule name to the field that holds the value in that rule's events.`)
      return undefined
    }
    const fields = new Map<string, Located<string>>()
    for (const entry of item.value.items) {
      const rule = isScalar(entry.key) ? String(entry.key.value) : ''
      const where = this.spanOf(entry.key as Node) ?? span
      const value = entry.value as Node | null
      if (!rules.some((reference) => reference.value === rule)) {
        this.report(where, 'correlation/invalid-alias', `The alias '${name}' names the rule '${rule}', which is not in the correlation's 'rules'. Use a name listed under 'rules'.`)
      } else if (isScalar(value) && typeof value.value === 'string' && value.value !== '') {
        fields.set(rule, { value: value.value, span: this.spanOf(value) ?? where })
      } else this.report(where, 'correlation/invalid-alias', `The alias '${name}' must give a field name for the rule '${rule}'.`)
    }
    const missing = rules.filter((reference) => !fields.has(reference.value))
    if (missing.length > 0 && fields.size === item.value.items.length) {
      this.report(span, 'correlation/invalid-alias', `The alias '${name}' gives no field for the rule${missing.length > 1 ? 's' : ''} ${missing.map((m) => `'${m.value}'`).join(', ')}. Add the field that holds the value in each referenced rule's events.`)
    }
    return { name, span, fields }
  }

  private checkAliasesUsed(aliases: CorrelationAlias[], groupBy: Located<string>[]): void {
    for (const alias of aliases) {
      if (groupBy.some((field) => field.value === alias.name)) continue
      this.report(alias.span, 'correlation/invalid-alias', `The alias '${alias.name}' is not used in 'group-by'. Add it to 'group-by' or remove it.`, 'warning')
    }
  }

  private readGenerate(section: YAMLMap): boolean {
    const pair = findPair(section, 'generate')
    if (!pair) return false
    if (isScalar(pair.value) && typeof pair.value.value === 'boolean') return pair.value.value
    this.report(this.spanOf(pair.value ?? pair.key) ?? this.rule.span, 'correlation/structure', `'generate' must be true or false.`)
    return false
  }

  private reportUnknownKeys(section: YAMLMap): void {
    for (const item of section.items) {
      const key = isScalar(item.key) ? String(item.key.value) : ''
      if (KNOWN_KEYS.includes(key)) continue
      this.report(this.spanOf(item.key as Node) ?? this.rule.span, 'correlation/structure', `'${key}' is not an attribute of a correlation. Use ${KNOWN_KEYS.join(', ')}.`)
    }
  }

  private spanOf(node: unknown): Span | undefined {
    return spanOf(node as Node | null | undefined, this.rule.lineCounter)
  }

  private report(span: Span, check: string, message: string, severity: Severity = 'error'): void {
    if (severity === 'error') this.broken = true
    this.diagnostics.push(diagnosticAt(span, check, severity, message))
  }
}

export function findPair(map: YAMLMap, key: string): Pair | undefined {
  return map.items.find((pair) => isScalar(pair.key) && pair.key.value === key)
}
