import type { Node } from 'yaml'
import { diagnosticAt, type Diagnostic, type Severity, type Span } from '../diagnostic.js'
import { and, not, type Expr } from '../ir/expr.js'
import { compileDetection } from './compile-rule.js'
import { findPair } from './correlation.js'
import type { Detection, Located, Logsource, Selection, SigmaRule } from './rule.js'
import { isMap, isScalar, isSeq, spanOf } from './yaml-document.js'

/** A filter document (Sigma filters specification): what it excludes, from which rules. */
export interface SigmaFilter {
  document: SigmaRule
  /** Rule ids or names; empty when the filter applies by log source alone. */
  rules: Located<string>[]
  logsource?: Logsource
  /** The filter's own condition over its selections: the events it removes. */
  expr: Expr
}

/**
 * Read a filter document: `logsource`, and under `filter` the `rules` it
 * applies to, its selections and its `condition`. Returns no filter when the
 * selections or condition cannot be compiled, so a broken filter removes
 * nothing and is reported.
 */
export function readFilter(document: SigmaRule): { filter?: SigmaFilter; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = []
  const report = (span: Span | undefined, check: string, message: string, severity: Severity = 'error'): void => {
    diagnostics.push(diagnosticAt(span ?? document.span, check, severity, message))
  }
  const where = (node: unknown): Span | undefined => spanOf(node as Node | null | undefined, document.lineCounter)

  if (!document.title) report(document.span, 'filter/missing', `The filter has no 'title'. Add a title that says what the filter removes.`)
  if (!document.logsource) report(document.span, 'filter/missing', `The filter has no 'logsource'. Add the log source of the rules it applies to, e.g. 'product: windows' and 'category: process_creation'.`)
  const pair = findPair(document.map, 'filter')
  if (!pair || !isMap(pair.value)) {
    report(where(pair?.value ?? pair?.key), 'filter/structure', `'filter' must be a map with 'rules', the selections and a 'condition'. Indent those keys under 'filter:'.`)
    return { diagnostics }
  }

  const section = pair.value
  const span = where(section) ?? document.span
  const rules: Located<string>[] = []
  const selections: Selection[] = []
  const condition: Located<string>[] = []
  for (const item of section.items) {
    const key = isScalar(item.key) ? String(item.key.value) : ''
    const keySpan = where(item.key) ?? span
    const value = item.value as Node | null
    if (key === 'rules') {
      const entries = isSeq(value) ? value.items : [value]
      for (const entry of entries) {
        if (isScalar(entry) && entry.value !== null && typeof entry.value !== 'object') rules.push({ value: String(entry.value), span: where(entry) ?? keySpan })
        else report(where(entry) ?? keySpan, 'filter/structure', `Each entry of 'rules' must be a rule id or name.`)
      }
    } else if (key === 'condition') {
      if (isScalar(value) && typeof value.value === 'string') condition.push({ value: value.value, span: where(value) ?? keySpan })
      else report(where(value) ?? keySpan, 'filter/structure', `The filter's 'condition' must be one string such as 'selection'.`)
    } else selections.push({ name: key, node: value, span: keySpan })
  }

  if (findPair(section, 'rules') === undefined || rules.length === 0) {
    report(span, 'filter/no-rules', `The filter lists no 'rules', so it applies to every rule with its log source. List the ids or names of the rules it is meant for; the specification makes 'rules' mandatory.`, 'warning')
  }
  if (condition.length === 0) {
    report(span, 'filter/missing', `The filter has no 'condition'. Add 'condition:' under 'filter:', e.g. 'condition: selection'.`)
    return { diagnostics }
  }

  const detection: Detection = { selections, condition, span }
  const compiled = compileDetection({ ...document, detection })
  diagnostics.push(...compiled.diagnostics)
  if (!compiled.expr || compiled.diagnostics.some((d) => d.severity === 'error')) return { diagnostics }
  const filter: SigmaFilter = { document, rules, expr: compiled.expr }
  if (document.logsource) filter.logsource = document.logsource
  return { filter, diagnostics }
}

/** Tell whether a filter names a rule, by the rule's id or name. */
export function filterNames(filter: SigmaFilter, rule: SigmaRule): Located<string> | undefined {
  return filter.rules.find((reference) => reference.value === rule.id?.value || reference.value === rule.name?.value)
}

/**
 * Tell whether the filter's log source covers the rule's: every attribute the
 * filter sets (product, category, service) must be equal in the rule.
 */
export function logsourceCovers(filter: SigmaFilter, rule: SigmaRule): boolean {
  for (const key of ['product', 'category', 'service'] as const) {
    const expected = filter.logsource?.[key]?.value
    if (expected !== undefined && rule.logsource?.[key]?.value !== expected) return false
  }
  return true
}

/** Apply filters to a rule's detection: the rule matches only where no filter does. */
export function applyFilters(expr: Expr, filters: readonly SigmaFilter[]): Expr {
  if (filters.length === 0) return expr
  return and([expr, ...filters.map((filter) => not(filter.expr))])
}
