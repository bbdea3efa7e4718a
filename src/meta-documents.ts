import { convertCorrelationToSpl, type CorrelationTarget } from './backends/splunk/correlation-spl.js'
import type { SplunkScope } from './backends/splunk/index.js'
import { diagnosticAt, type Diagnostic } from './diagnostic.js'
import { DEFAULT_LIMITS } from './limits/limits.js'
import { readTextForScan } from './limits/read-bounded.js'
import type { CorrelationPlan, GroupField } from './ir/correlation-plan.js'
import { or, type Expr } from './ir/expr.js'
import { compileCorrelation, type TimedEvent } from './match/correlation-matcher.js'
import { toSplEvent } from './pipeline/spl-event.js'
import type { CorrelationEngines } from './regress/run-correlation-case.js'
import type { RuleReport } from './report/report.js'
import { readCorrelation, type Correlation } from './sigma/correlation.js'
import { applyFilters, filterNames, logsourceCovers, readFilter, type SigmaFilter } from './sigma/filter.js'
import { parseRuleFile } from './sigma/load-rule-file.js'
import type { SigmaRule } from './sigma/rule.js'
import { compileSplStream, parseSpl } from './spl/index.js'
import type { FieldValue } from './events/event.js'

/**
 * Correlation and filter documents in a run. Filters are read before any
 * rule is compiled, because they change the rules they name. Correlations
 * are resolved after every rule is compiled, because they use those rules.
 */

/** The parts of the engine's compiled rule that correlations and filters read and set. */
export interface MetaEntry {
  rule?: SigmaRule
  report: RuleReport
  expr?: Expr
  spl?: string
  scope: SplunkScope
  fieldNames: Record<string, string>
  skipped?: string
  correlation?: CompiledCorrelation
  /** Set when a correlation in the same file references the rule, so unkeyed fixture cases skip it. */
  referencedInFile?: boolean
}

/** A correlation document after resolution and conversion. */
export interface CompiledCorrelation {
  correlation?: Correlation
  plan?: CorrelationPlan
  spl?: string
  /** The Splunk scope and field names of the first referenced rule, which the fixture events get. */
  scope: SplunkScope
  fieldNames: Record<string, string>
  missingReason?: string
}

/** A top-level `filter` key, also quoted, as an explicit key (`? filter`) or after a byte order mark. */
const FILTER_KEY = /^\uFEFF?(?:\?[ \t]*)?["']?filter["']?[ \t]*(?::|$)/m

/** A top-level `correlation` or `filter` key, spelled as `FILTER_KEY` allows. */
const META_DOCUMENT_KEY = /^\uFEFF?(?:\?[ \t]*)?["']?(?:correlation|filter)["']?[ \t]*(?::|$)/m

/**
 * A document written as a flow map, such as `{title: x, correlation: {...}}`,
 * at the start of a line or after `---`. Its keys may stand anywhere on its
 * lines, so any such key counts.
 */
const FLOW_DOCUMENT = /^\uFEFF?(?:---[ \t]+)?\{/m
const ANY_FILTER_KEY = /\bfilter["']?[ \t]*:/
const ANY_META_KEY = /\b(?:correlation|filter)["']?[ \t]*:/

/** Tell from a file's text whether it may hold a filter document. */
export function mayHoldFilter(text: string): boolean {
  return FILTER_KEY.test(text) || (FLOW_DOCUMENT.test(text) && ANY_FILTER_KEY.test(text))
}

/** Tell from a file's text whether it may hold a correlation or filter document. */
export function mayHoldMetaDocument(text: string): boolean {
  return META_DOCUMENT_KEY.test(text) || (FLOW_DOCUMENT.test(text) && ANY_META_KEY.test(text))
}

/** Read the filter documents of every rule file in the run. Their diagnostics are reported when the document itself is compiled. */
export async function collectFilters(files: readonly { path: string; text?: string }[]): Promise<SigmaFilter[]> {
  const filters: SigmaFilter[] = []
  for (const file of files) {
    const text = file.text ?? readTextForScan(file.path, DEFAULT_LIMITS.ruleFileBytes)
    if (!mayHoldFilter(text)) continue
    for (const { rule } of parseRuleFile(file.path, text).rules) {
      if (rule.kind !== 'filter') continue
      const read = readFilter(rule)
      if (read.filter) filters.push(read.filter)
    }
  }
  return filters
}

/**
 * Apply the filters that name a rule (or name no rules) and whose log
 * source covers the rule's. A filter that names the rule under another log
 * source is reported and not applied.
 */
export function filterRule(rule: SigmaRule, expr: Expr, filters: readonly SigmaFilter[]): { expr: Expr; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = []
  const applied: SigmaFilter[] = []
  for (const filter of filters) {
    const named = filterNames(filter, rule)
    if (!named && filter.rules.length > 0) continue
    const title = filter.document.title?.value ?? filter.document.id?.value ?? 'untitled'
    if (!logsourceCovers(filter, rule)) {
      if (named) diagnostics.push(diagnosticAt(rule.logsource?.span ?? rule.span, 'filter/logsource-mismatch', 'warning', `The filter '${title}' names this rule but its log source differs from the rule's, so it was not applied. Give the filter the rule's log source, or remove the rule from its 'rules'.`))
      continue
    }
    applied.push(filter)
    diagnostics.push(diagnosticAt(rule.detection?.span ?? rule.span, 'filter/applied', 'info', `The filter '${title}' applies to this rule, so the rule matches only events that the filter's condition does not match.`))
  }
  return { expr: applyFilters(expr, applied), diagnostics }
}

/** Report the rule references of a filter document that no rule of the run has. */
export function checkFilterReferences(document: SigmaRule, rules: readonly SigmaRule[]): Diagnostic[] {
  const read = readFilter(document)
  if (!read.filter) return []
  return read.filter.rules
    .filter((reference) => !rules.some((rule) => rule.kind === 'rule' && (rule.id?.value === reference.value || rule.name?.value === reference.value)))
    .map((reference) => diagnosticAt(reference.span, 'filter/unknown-rule', 'warning', `The filter names the rule '${reference.value}', but no rule in the checked paths has that id or name, so it filters nothing there. Correct the id or name, or check the rule together with the filter.`))
}

/** Read a correlation document's own section; references are resolved later. */
export function readCorrelationDocument(rule: SigmaRule): { compiled: CompiledCorrelation; diagnostics: Diagnostic[] } {
  const read = readCorrelation(rule)
  const compiled: CompiledCorrelation = { scope: {}, fieldNames: {} }
  if (read.correlation) compiled.correlation = read.correlation
  else compiled.missingReason = 'The correlation has errors, so it was not compiled; fix its diagnostics first.'
  return { compiled, diagnostics: read.diagnostics }
}

/**
 * Resolve every correlation's rule references against the run, build its
 * plan and SPL, and mark the rules it references. Referenced rules that the
 * correlation does not `generate` lose their stand-alone query.
 */
export function compileCorrelations(entries: readonly MetaEntry[]): void {
  for (const entry of entries) {
    const compiled = entry.correlation
    if (!entry.rule || !compiled?.correlation) continue
    const diagnostics = entry.report.diagnostics
    const members = resolveMembers(entry.rule, compiled.correlation, entries, diagnostics)
    if (!members) {
      compiled.missingReason = 'A rule the correlation references is missing or unusable; fix the correlation diagnostics first.'
      continue
    }
    for (const member of members) markReferenced(entry, member, compiled.correlation)
    buildCorrelation(compiled, members, diagnostics)
    if (!compiled.spl) continue
    // The outputs take the query from `spl` and look for placeholders in `expr`.
    entry.report.spl = [compiled.spl]
    entry.spl = compiled.spl
    entry.expr = or(members.map((member) => member.expr as Expr))
  }
}

function resolveMembers(document: SigmaRule, correlation: Correlation, entries: readonly MetaEntry[], diagnostics: Diagnostic[]): MetaEntry[] | undefined {
  const members: MetaEntry[] = []
  let usable = true
  for (const reference of correlation.rules) {
    const candidates = entries.filter((entry) => entry.rule && entry.rule !== document && (entry.rule.id?.value === reference.value || entry.rule.name?.value === reference.value))
    const found = candidates.find((entry) => entry.rule?.file === document.file) ?? candidates[0]
    if (!found?.rule) {
      diagnostics.push(diagnosticAt(reference.span, 'correlation/unknown-rule', 'error', `The correlation references '${reference.value}', but no rule or correlation in this file or the checked paths has that id or name. Correct the reference, or check the referenced rule together with the correlation.`))
      usable = false
    } else if (found.rule.kind === 'correlation') {
      diagnostics.push(diagnosticAt(reference.span, 'convert/unsupported', 'error', `The correlation references the correlation '${reference.value}'. Chained correlations are valid Sigma, but sigma-gate cannot evaluate or convert them into one query yet; reference the base rules directly, or check the inner correlation on its own.`))
      usable = false
    } else if (found.rule.kind !== 'rule' || !found.expr) {
      diagnostics.push(diagnosticAt(reference.span, 'correlation/unusable-rule', 'error', `The referenced rule '${reference.value}' has errors or is not a detection rule, so the correlation cannot use it. Fix the rule's diagnostics first.`))
      usable = false
    } else members.push(found)
  }
  return usable ? members : undefined
}

function markReferenced(correlationEntry: MetaEntry, member: MetaEntry, correlation: Correlation): void {
  if (member.rule?.file === correlationEntry.rule?.file) member.referencedInFile = true
  if (correlation.generate || member.report.spl.length === 0) return
  member.report.spl = []
  member.skipped ??= 'correlation'
  const title = correlationEntry.rule?.title?.value ?? correlationEntry.rule?.id?.value ?? 'untitled'
  member.report.diagnostics.push(diagnosticAt(member.rule?.span, 'correlation/not-generated', 'info', `The correlation '${title}' references this rule without 'generate: true', so only the correlation query is generated and this rule gets no query of its own. Set 'generate: true' in the correlation to also deploy the rule.`))
}

function buildCorrelation(compiled: CompiledCorrelation, members: MetaEntry[], diagnostics: Diagnostic[]): void {
  const correlation = compiled.correlation as Correlation
  const plan = planOf(correlation, members)
  const first = members[0] as MetaEntry
  compiled.scope = first.scope
  compiled.fieldNames = first.fieldNames
  diagnostics.push(diagnosticAt(correlation.timespan.span, 'correlation/fixed-window', 'info', `Windows are fixed ${correlation.timespan.value} buckets aligned to the epoch in UTC ('bin _time span=${correlation.timespan.value}'), so events on both sides of a bucket boundary are not correlated even when they are less than ${correlation.timespan.value} apart.`))

  const targets: CorrelationTarget[] = members.map((member) => ({ scope: member.scope, fieldNames: member.fieldNames, ...(member.spl ? { query: member.spl } : {}) }))
  const conversion = convertCorrelationToSpl(plan, targets, { type: correlation.type.span, rules: correlation.rules[0]?.span ?? correlation.span })
  diagnostics.push(...conversion.diagnostics)
  compiled.plan = plan
  const [query] = conversion.queries
  if (query === undefined) {
    compiled.missingReason = 'The correlation was not converted to SPL, so the SPL side of the case could not run.'
    return
  }
  const parsed = parseSpl(query)
  const stream = parsed.ok ? compileSplStream(parsed.query) : undefined
  if (!parsed.ok || !stream?.ok) {
    let error = parsed.ok ? undefined : parsed.error
    if (stream && !stream.ok) error = stream.error
    diagnostics.push(diagnosticAt(correlation.span, 'spl/syntax', 'error', `The generated correlation SPL is invalid at column ${error?.column ?? 1}: ${error?.message ?? 'unknown error'}. This is a sigma-gate defect; please report it with the rule.`))
    compiled.missingReason = 'The generated SPL could not be compiled.'
    return
  }
  compiled.spl = query
}

function planOf(correlation: Correlation, members: MetaEntry[]): CorrelationPlan {
  const references = correlation.rules.map((reference) => reference.value)
  const groupBy: GroupField[] = correlation.groupBy.map((group) => {
    const alias = correlation.aliases.find((candidate) => candidate.name === group.value)
    return { name: group.value, fields: references.map((reference) => alias?.fields.get(reference)?.value ?? group.value) }
  })
  const bounds = correlation.bounds.length > 0 ? correlation.bounds : [{ op: 'gte' as const, value: members.length, span: correlation.type.span }]
  return {
    type: correlation.type.value,
    members: members.map((member, index) => ({ reference: references[index] as string, expr: member.expr as Expr })),
    groupBy,
    span: correlation.timespan.seconds,
    spanText: correlation.timespan.value,
    bounds,
    ...(correlation.field ? { field: correlation.field.value } : {}),
  }
}

/** Build both engines of a correlation for its fixture cases. */
export function correlationEngines(compiled: CompiledCorrelation | undefined): CorrelationEngines {
  if (!compiled?.plan) return { missingReason: compiled?.missingReason ?? 'The correlation could not be compiled, so the case did not run.' }
  const plan = compiled.plan
  const evaluate = compileCorrelation(plan)
  const native = (events: readonly TimedEvent[]): string[] => evaluate(events).map((row) => rowKey(plan, row.time, row.group))
  if (!compiled.spl) return { native, missingReason: compiled.missingReason ?? 'The correlation has no SPL.' }

  const parsed = parseSpl(compiled.spl)
  const stream = parsed.ok ? compileSplStream(parsed.query) : undefined
  if (!stream?.ok) return { native, missingReason: 'The generated SPL could not be compiled.' }
  const { scope, fieldNames } = compiled
  const outputs = rowFields(plan).map((name) => fieldNames[name] ?? name)
  const spl = (events: readonly TimedEvent[]): string[] => {
    const rows = stream.run(events.map(({ event, time }) => ({ ...toSplEvent(event, fieldNames, scope), _time: time })))
    return rows.map((row) => rowKey(plan, Number(row['_time']), outputs.map((name) => firstText(row[name]))))
  }
  return { native, spl }
}

/** Describe one firing: its window start and group values, e.g. `2026-04-24T10:15:00Z User='alice'`. */
function rowKey(plan: CorrelationPlan, time: number, group: string[]): string {
  const start = Number.isFinite(time) ? new Date(time * 1000).toISOString().replace('.000Z', 'Z') : String(time)
  return [start, ...rowFields(plan).map((name, index) => `${name}='${group[index] ?? ''}'`)].join(' ')
}

/** Name the fields that tell firings apart: the group-by names, and `field` for value_percentile. */
function rowFields(plan: CorrelationPlan): string[] {
  const names = plan.groupBy.map((group) => group.name)
  return plan.type === 'value_percentile' && plan.field !== undefined ? [...names, plan.field] : names
}

function firstText(value: FieldValue | undefined): string {
  if (value === undefined || value === null) return ''
  if (Array.isArray(value)) return firstText(value[0])
  return String(value)
}
