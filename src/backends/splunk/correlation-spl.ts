import { diagnosticAt, type Diagnostic, type Span } from '../../diagnostic.js'
import type { CorrelationPlan } from '../../ir/correlation-plan.js'
import type { Bound } from '../../sigma/correlation.js'
import { lowerScope, type SplConversion, type SplunkScope } from './convert-to-spl.js'
import { lowerDetection } from './lower-detection.js'
import { lowerToEval } from './lower-eval.js'
import { printEval, printSearch } from './print-spl.js'
import { formatSplNumber, isWritableFieldName, quoteSplString, writeSearchField } from './spl-literal.js'
import type { EvalNode, SearchNode } from './spl-syntax.js'

/** The Splunk side of one referenced rule: its scope, field names and query. */
export interface CorrelationTarget {
  scope: SplunkScope
  /** IR field name → Splunk field name. */
  fieldNames: Record<string, string>
  /** The rule's own converted query, used as is when it is the only rule. */
  query?: string
}

/** Source positions of the correlation's parts, for diagnostics. */
export interface CorrelationSpans {
  type: Span
  rules: Span
}

/** The field set to the reference of the rule an event matched. */
export const RULE_FIELD = 'sg_rule'

const EVAL_OPERATORS: Record<Bound['op'], '>' | '>=' | '<' | '<=' | '!=' | '='> = {
  gt: '>',
  gte: '>=',
  lt: '<',
  lte: '<=',
  neq: '!=',
  eq: '=',
}

/**
 * Convert a correlation to one SPL query. A single non-temporal rule keeps
 * its own query; otherwise one base search covers every rule and
 * `eval sg_rule=case(...)` names the first rule each event matches. Windows
 * are `bin _time span=<timespan>` buckets, the aggregate comes from
 * `stats ... by _time <group-by>` (value_percentile adds `field` to the
 * `by` list and an `eventstats` total), and `where` applies the condition.
 */
export function convertCorrelationToSpl(plan: CorrelationPlan, targets: readonly CorrelationTarget[], spans: CorrelationSpans): SplConversion {
  const diagnostics: Diagnostic[] = []
  const unsupported = (message: string, span: Span = spans.type): SplConversion => ({ queries: [], diagnostics: [...diagnostics, diagnosticAt(span, 'convert/unsupported', 'error', message)] })

  const names = [...plan.groupBy.map((group) => group.name), ...(plan.field ? [plan.field] : [])]
  const unwritable = names.find((name) => !isWritableFieldName(name))
  if (unwritable !== undefined) return unsupported(`The field name '${unwritable}' cannot be written in SPL because it is empty or contains a quote, backslash, backtick, asterisk or control character. Rename the field or alias.`)

  const single = plan.members.length === 1 && plan.type !== 'temporal' && plan.type !== 'temporal_ordered'
  const head = single ? targets[0]?.query : classifiedSearch(plan, targets, diagnostics)
  if (head === undefined || diagnostics.some((d) => d.severity === 'error')) {
    return { queries: [], diagnostics: head === undefined && single ? [...diagnostics, diagnosticAt(spans.rules, 'convert/unsupported', 'error', 'The referenced rule has no SPL, so the correlation cannot be converted. Fix the rule first.')] : diagnostics }
  }

  const fieldNames = targets[0]?.fieldNames ?? {}
  const stages = [...groupStages(plan, targets, single), ...windowStages(plan, fieldNames)]
  return { queries: [[head, ...stages].join(' | ')], diagnostics }
}

/** Write the base search over every rule's scope and indexed terms, then the rule classification. */
function classifiedSearch(plan: CorrelationPlan, targets: readonly CorrelationTarget[], diagnostics: Diagnostic[]): string {
  const prefilters: SearchNode[] = []
  const cases: EvalNode[] = []
  plan.members.forEach((member, index) => {
    const target = targets[index] as CorrelationTarget
    const ignored: Diagnostic[] = []
    const terms = [...lowerScope(target.scope, ignored), ...lowerDetection(member.expr, target.fieldNames, ignored).base]
    prefilters.push(terms.length === 1 ? (terms[0] as SearchNode) : { kind: 'and', items: terms })
    cases.push(lowerToEval(member.expr, target.fieldNames, diagnostics), { kind: 'string', text: member.reference })
  })

  // A rule with no indexed term gives an empty AND, which matches every
  // event, so the base search is then `*` and only the classification decides.
  const everything = prefilters.some((node) => node.kind === 'and' && node.items.length === 0)
  const base = everything ? '*' : printSearch(prefilters.length === 1 ? (prefilters[0] as SearchNode) : { kind: 'or', items: prefilters }, 'and')
  const classify = `eval ${RULE_FIELD}=${printEval({ kind: 'call', name: 'case', args: cases }, 'argument')}`
  return [base, classify, `search ${RULE_FIELD}=*`].join(' | ')
}

/** Copy each group-by value into the group-by name where the rule's field differs. */
function groupStages(plan: CorrelationPlan, targets: readonly CorrelationTarget[], single: boolean): string[] {
  const stages: string[] = []
  for (const group of plan.groupBy) {
    const fields = group.fields.map((field, index) => targets[index]?.fieldNames[field] ?? field)
    const output = splName(group.name, targets[0]?.fieldNames ?? {})
    if (fields.every((field) => field === output)) continue
    const value: EvalNode = single
      ? { kind: 'field', name: fields[0] as string }
      : {
          kind: 'call',
          name: 'case',
          args: plan.members.flatMap((member, index): EvalNode[] => [
            { kind: 'equals', left: { kind: 'field', name: RULE_FIELD }, right: { kind: 'string', text: member.reference } },
            { kind: 'field', name: fields[index] as string },
          ]),
        }
    stages.push(`eval ${writeSearchField(output)}=${printEval(value, 'argument')}`)
  }
  return stages
}

/** Write the window, aggregation and condition stages. */
function windowStages(plan: CorrelationPlan, fieldNames: Record<string, string>): string[] {
  const by = ['_time', ...plan.groupBy.map((group) => writeSearchField(splName(group.name, fieldNames)))].join(' ')
  const bin = `bin _time span=${plan.spanText}`
  const where = `where ${printEval(boundsCondition(plan.type, plan.bounds), 'argument')}`

  if (plan.type === 'temporal_ordered') return ['sort 0 _time', bin, ...orderedSteps(plan, by), `stats max(sg_step) as temporal_ordered by ${by}`, where]
  if (plan.type === 'value_percentile') return [bin, ...percentileStages(plan, fieldNames, by), where]
  return [bin, `stats ${aggregation(plan, fieldNames)} by ${by}`, where]
}

/**
 * Count each value of `field` per window and group, add the group's total
 * to every value's row with `eventstats`, and compute the value's share in
 * percent, which the condition then bounds.
 */
function percentileStages(plan: CorrelationPlan, fieldNames: Record<string, string>, by: string): string[] {
  const field = writeSearchField(splName(plan.field ?? '', fieldNames))
  return [
    `stats count as sg_value_count by ${by} ${field}`,
    `eventstats sum(sg_value_count) as sg_total by ${by}`,
    'eval value_percentile=sg_value_count*100/sg_total',
  ]
}

function aggregation(plan: CorrelationPlan, fieldNames: Record<string, string>): string {
  const field = plan.field === undefined ? '' : writeSearchField(splName(plan.field, fieldNames))
  switch (plan.type) {
    case 'event_count':
      return 'count as event_count'
    case 'value_count':
      return `dc(${field}) as value_count`
    case 'value_sum':
      return `sum(${field}) as value_sum`
    case 'value_avg':
      return `avg(${field}) as value_avg`
    default:
      return `dc(${RULE_FIELD}) as temporal`
  }
}

/**
 * Track, per window and group and in time order, how far the sequence of
 * rules got: `sg_tK` marks an event of rule K that follows step K - 1, and
 * the running count `sg_sK` is above 0 once step K is reached.
 */
function orderedSteps(plan: CorrelationPlan, by: string): string[] {
  const stages: string[] = []
  plan.members.forEach((member, index) => {
    const step = index + 1
    const isRule = `${RULE_FIELD}=${quoteSplString(member.reference)}`
    const condition = step === 1 ? isRule : `${isRule} AND sg_s${step - 1}>0`
    stages.push(`eval sg_t${step}=if(${condition}, 1, null())`, `streamstats count(sg_t${step}) as sg_s${step} by ${by}`)
  })
  const steps = plan.members.map((_, index) => plan.members.length - index).flatMap((step) => [`sg_s${step}>0`, String(step)])
  stages.push(`eval sg_step=case(${[...steps, 'true()', '0'].join(', ')})`)
  return stages
}

function boundsCondition(type: string, bounds: readonly Bound[]): EvalNode {
  const items = bounds.map((bound): EvalNode => {
    const right: EvalNode = { kind: 'number', text: formatSplNumber(bound.value) ?? '0' }
    const left: EvalNode = { kind: 'field', name: type }
    const op = EVAL_OPERATORS[bound.op]
    return op === '=' ? { kind: 'equals', left, right } : { kind: 'compare', op, left, right }
  })
  return items.length === 1 ? (items[0] as EvalNode) : { kind: 'and', items }
}

function splName(name: string, fieldNames: Record<string, string>): string {
  return fieldNames[name] ?? name
}
