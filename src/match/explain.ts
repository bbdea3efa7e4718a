import type { LineCounter, Node } from 'yaml'
import type { Span } from '../diagnostic.js'
import type { FieldValue, SigmaEvent } from '../events/event.js'
import type { Expr, FieldExpr, KeywordExpr, PatternPart } from '../ir/expr.js'
import type { SigmaRule } from '../sigma/rule.js'
import { splitFieldKey } from '../sigma/modifiers.js'
import { isMap, isScalar, isSeq, spanOf } from '../sigma/yaml-document.js'
import { compileMatcher, type EventPredicate } from './compile-matcher.js'

/**
 * Why one event matched a rule or not: the verdict of every selection and of
 * every field test in it, and the filters that excluded the event.
 */
export interface Explanation {
  /** 0-based position of the event in its file or case. */
  index: number
  /** 1-based line of the event in its file, when the file has lines. */
  line?: number
  /** The native matcher's verdict on the whole rule. */
  matched: boolean
  /** Selections in the order the rule writes them; `logsource` comes first. */
  selections: SelectionExplanation[]
  /** Filters (selections under `not`) that matched, so excluded the event. */
  excludedBy: string[]
}

/** One selection's verdict and the tests that decided it. */
export interface SelectionExplanation {
  /** The selection's name, or `logsource` for the Sysmon event id test. */
  name: string
  /** `filter` when the condition uses the selection under `not`. */
  role: 'selection' | 'filter' | 'logsource'
  matched: boolean
  fields: FieldExplanation[]
}

/** One key of a selection (`CommandLine|contains|all`) against the event. */
export interface FieldExplanation {
  /** The event field tested; `*` for keywords, which search every field. */
  field: string
  /** The key as the rule writes it, with its modifiers. */
  key: string
  /** The rule's values as written. */
  expected: string[]
  /** The event's value; absent when the event has no such field. */
  actual?: FieldValue
  matched: boolean
  /**
   * The deciding test: the modifier and the value that matched
   * (`endswith '\cmd.exe'`), or the modifier with `no value matched`.
   */
  decidedBy: string
  /** Line of the key in the rule file. */
  line: number
}

/** Builds explanations for one compiled rule, compiling each test once. */
export type Explainer = (
  event: SigmaEvent,
  where: { index: number; line?: number },
) => Explanation

/** A key of a selection as the YAML writes it, for the tests lowered from it. */
interface WrittenKey {
  selection: string
  key: string
  values: string[]
  /** `line:column` of each value, in the order of `values`. */
  valueSpans: string[]
  span: Span
}

/** A field or keyword test and the key it was lowered from. */
interface Leaf {
  expr: FieldExpr | KeywordExpr
  predicate: EventPredicate
  key: WrittenKey | undefined
}

interface SelectionPlan {
  name: string
  role: SelectionExplanation['role']
  predicate: EventPredicate
  leaves: Leaf[]
}

const LOGSOURCE = 'logsource'

/**
 * Build an explainer for a rule: `expr` is the rule's IR after the Sysmon
 * pipeline, `selections` the selection table of `compileDetection`, whose
 * nodes occur inside `expr` by identity. Field tests that belong to no
 * selection (the pipeline's event id test) are reported as `logsource`.
 */
export function createExplainer(
  rule: SigmaRule,
  selections: ReadonlyMap<string, Expr>,
  expr: Expr,
): Explainer {
  const keys = indexWrittenKeys(rule)
  const owners = ownerOfLeaves(selections)
  const plans = planSelections(expr, selections, owners, keys)
  const verdict = compileMatcher(expr)

  return (event, where) => {
    const explained = plans.map((plan) => explainSelection(plan, event))
    const excludedBy = explained
      .filter((item) => item.role === 'filter' && item.matched)
      .map((item) => item.name)
    return {
      index: where.index,
      ...(where.line === undefined ? {} : { line: where.line }),
      matched: verdict(event),
      selections: explained,
      excludedBy,
    }
  }
}

/**
 * Score how close an event comes to matching: the number of field tests
 * that hold in selections, and of filters that do not. Failing cases
 * explain the closest event, which shows the one test that kept it out.
 */
export function closeness(explanation: Explanation): number {
  let score = 0
  for (const selection of explanation.selections) {
    if (selection.role === 'filter') {
      if (!selection.matched) score += 1
      continue
    }
    score += selection.fields.filter((field) => field.matched).length
    if (selection.matched) score += 10
  }
  return score
}

/** Map every node of each selection's expression to the selection's name. */
function ownerOfLeaves(selections: ReadonlyMap<string, Expr>): Map<Expr, string> {
  const owners = new Map<Expr, string>()
  for (const [name, selection] of selections) {
    for (const node of walk(selection)) {
      if (!owners.has(node)) owners.set(node, name)
    }
  }
  return owners
}

function* walk(expr: Expr): Generator<Expr> {
  yield expr
  if (expr.kind === 'and' || expr.kind === 'or') {
    for (const item of expr.items) yield* walk(item)
  } else if (expr.kind === 'not') {
    yield* walk(expr.item)
  }
}

/** Find each selection's role from where its tests occur in the rule's IR. */
function planSelections(
  expr: Expr,
  selections: ReadonlyMap<string, Expr>,
  owners: Map<Expr, string>,
  keys: Map<string, WrittenKey>,
): SelectionPlan[] {
  const negated = new Set<string>()
  const seen = new Set<string>()
  const logsourceLeaves: Array<FieldExpr | KeywordExpr> = []
  const visit = (node: Expr, negations: number): void => {
    if (node.kind === 'and' || node.kind === 'or') {
      for (const item of node.items) visit(item, negations)
      return
    }
    if (node.kind === 'not') return visit(node.item, negations + 1)
    if (node.kind === 'const') return

    const owner = owners.get(node)
    if (owner === undefined) logsourceLeaves.push(node)
    else {
      seen.add(owner)
      if (negations % 2 === 1) negated.add(owner)
    }
  }
  visit(expr, 0)

  const plans: SelectionPlan[] = []
  if (logsourceLeaves.length > 0) {
    const leaves = logsourceLeaves.map((leaf) => toLeaf(leaf, undefined))
    const predicate = (event: SigmaEvent): boolean =>
      leaves.some((leaf) => leaf.predicate(event))
    plans.push({ name: LOGSOURCE, role: 'logsource', predicate, leaves })
  }
  for (const [name, selection] of selections) {
    if (!seen.has(name)) continue
    const leaves = [...walk(selection)]
      .filter(isLeaf)
      .map((leaf) => toLeaf(leaf, keys.get(spanKey(leaf.span))))
    const role = negated.has(name) ? 'filter' : 'selection'
    plans.push({ name, role, predicate: compileMatcher(selection), leaves })
  }
  return plans
}

function isLeaf(expr: Expr): expr is FieldExpr | KeywordExpr {
  return expr.kind === 'field' || expr.kind === 'keyword'
}

function toLeaf(expr: FieldExpr | KeywordExpr, key: WrittenKey | undefined): Leaf {
  return { expr, predicate: compileMatcher(expr), key }
}

function explainSelection(
  plan: SelectionPlan,
  event: SigmaEvent,
): SelectionExplanation {
  return {
    name: plan.name,
    role: plan.role,
    matched: plan.predicate(event),
    fields: explainKeys(plan.leaves, event),
  }
}

/**
 * Group a selection's tests by the key they were lowered from and judge each
 * key: every value must hold under `|all`, one value otherwise. A value that
 * expands to several tests (`windash`, `base64offset`) holds when any does.
 */
function explainKeys(leaves: Leaf[], event: SigmaEvent): FieldExplanation[] {
  const groups = new Map<string, Leaf[]>()
  for (const leaf of leaves) {
    const id = leaf.key === undefined ? `test:${describeLeafField(leaf.expr)}` : `key:${spanKey(leaf.key.span)}`
    const group = groups.get(id)
    if (group === undefined) groups.set(id, [leaf])
    else group.push(leaf)
  }
  return [...groups.values()].map((group) => explainKey(group, event))
}

function explainKey(group: Leaf[], event: SigmaEvent): FieldExplanation {
  const [first] = group as [Leaf, ...Leaf[]]
  const field = describeLeafField(first.expr)
  const written = first.key
  const key = written?.key ?? field
  const modifiers = splitFieldKey(key)
  const decider = first.expr.kind === 'keyword' ? 'keyword' : describeModifiers(modifiers.list)

  const byValue = groupByValue(group)
  const verdicts = byValue.map((leaves) => ({
    value: writtenValue(leaves[0] as Leaf),
    matched: leaves.some((leaf) => leaf.predicate(event)),
  }))
  const all = modifiers.has('all')
  const matched = all
    ? verdicts.every((verdict) => verdict.matched)
    : verdicts.some((verdict) => verdict.matched)

  const deciding = all
    ? verdicts.find((verdict) => !verdict.matched)
    : verdicts.find((verdict) => verdict.matched)
  let decidedBy: string
  if (deciding !== undefined) {
    const verb = deciding.matched ? '' : 'no match for '
    decidedBy = `${verb}${decider} '${deciding.value}'`
  } else {
    decidedBy = all
      ? `${decider}: every value matched`
      : `${decider}: no value matched`
  }

  const explanation: FieldExplanation = {
    field,
    key,
    expected: written?.values ?? verdicts.map((verdict) => verdict.value),
    matched,
    decidedBy,
    line: written?.span.line ?? first.expr.span?.line ?? 0,
  }
  const actual = first.expr.kind === 'field' ? event[first.expr.field] : undefined
  if (actual !== undefined) explanation.actual = actual
  return explanation
}

function groupByValue(group: Leaf[]): Leaf[][] {
  const byValue = new Map<string, Leaf[]>()
  for (const leaf of group) {
    const id = leaf.expr.span === undefined ? `leaf:${byValue.size}` : spanKey(leaf.expr.span)
    const leaves = byValue.get(id)
    if (leaves === undefined) byValue.set(id, [leaf])
    else leaves.push(leaf)
  }
  return [...byValue.values()]
}

/** Return the rule's value as written for a test, or a rendering of the test. */
function writtenValue(leaf: Leaf): string {
  const span = leaf.expr.span
  const written = span === undefined ? undefined : leaf.key?.values[leaf.key.valueSpans.indexOf(spanKey(span))]
  if (written !== undefined) return written
  return describeTest(leaf.expr)
}

function describeLeafField(expr: FieldExpr | KeywordExpr): string {
  return expr.kind === 'field' ? expr.field : '*'
}

/** Name the modifiers that decide a comparison, `equals` when there are none. */
function describeModifiers(list: readonly string[]): string {
  const deciding = list.filter((name) => name !== 'all')
  return deciding.length === 0 ? 'equals' : deciding.join('|')
}

function describeTest(expr: FieldExpr | KeywordExpr): string {
  const test = expr.test
  switch (test.kind) {
    case 'string':
      return test.parts.map(describePart).join('')
    case 'regex':
      return test.pattern
    case 'number':
      return `${test.op} ${test.value}`
    case 'cidr':
      return test.network
    case 'time-part':
      return `${test.part} ${test.op} ${test.value}`
    case 'exists':
      return String(test.exists)
    case 'null':
      return 'null'
    case 'fieldref':
      return test.field
    default:
      return test.kind
  }
}

function describePart(part: PatternPart): string {
  if (part.kind === 'text') return part.text
  return part.kind === 'any' ? '*' : '?'
}

function spanKey(span: Span | undefined): string {
  return span === undefined ? '' : `${span.line}:${span.column}`
}

/**
 * Index the keys of every selection by the position of each value, which
 * is the span the lowering gives the tests made from that value. A key
 * without a value (`Field:` alone means null) is indexed at the key.
 */
function indexWrittenKeys(rule: SigmaRule): Map<string, WrittenKey> {
  const index = new Map<string, WrittenKey>()
  const lineCounter = rule.lineCounter
  for (const selection of rule.detection?.selections ?? []) {
    for (const map of selectionMaps(selection.node)) {
      for (const pair of map.items) indexPair(selection.name, pair as { key: unknown; value: unknown }, lineCounter, index)
    }
    indexKeywords(selection.name, selection.node, lineCounter, index)
  }
  return index
}

function selectionMaps(node: Node | null): Array<{ items: unknown[] }> {
  if (isMap(node)) return [node]
  if (isSeq(node)) return node.items.filter((item): item is never => isMap(item))
  return []
}

function indexPair(
  selection: string,
  pair: { key: unknown; value: unknown },
  lineCounter: LineCounter,
  index: Map<string, WrittenKey>,
): void {
  const keyNode = pair.key as Node
  const keySpan = spanOf(keyNode, lineCounter)
  if (!isScalar(keyNode) || keySpan === undefined) return

  const valueNode = pair.value as Node | null
  const valueNodes = isSeq(valueNode) ? (valueNode.items as Node[]) : [valueNode]
  const entry = {
    selection,
    key: String(keyNode.value ?? ''),
    values: [] as string[],
    valueSpans: [] as string[],
    span: keySpan,
  }
  for (const node of valueNodes) {
    const span = spanOf(node, lineCounter) ?? keySpan
    const value = isScalar(node) ? node.value : null
    entry.values.push(value === null ? 'null' : String(value))
    entry.valueSpans.push(spanKey(span))
    index.set(spanKey(span), entry)
  }
}

function indexKeywords(
  selection: string,
  node: Node | null,
  lineCounter: LineCounter,
  index: Map<string, WrittenKey>,
): void {
  const items = isSeq(node) ? (node.items as Node[]) : isScalar(node) ? [node] : []
  const scalars = items.filter((item) => isScalar(item))
  if (scalars.length === 0) return

  const span = spanOf(scalars[0], lineCounter) ?? { line: 1, column: 1 }
  const entry = { selection, key: 'keywords', values: [] as string[], valueSpans: [] as string[], span }
  for (const item of scalars) {
    const itemSpan = spanOf(item, lineCounter)
    if (itemSpan === undefined || !isScalar(item)) continue
    entry.values.push(String(item.value))
    entry.valueSpans.push(spanKey(itemSpan))
    index.set(spanKey(itemSpan), entry)
  }
}
