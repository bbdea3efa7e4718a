import { isIPv4, isIPv6 } from 'node:net'

import { diagnosticAt } from '../../diagnostic.js'
import type { Diagnostic, Span } from '../../diagnostic.js'
import { and, not, or } from '../../ir/expr.js'
import type {
  Expr,
  FieldExpr,
  FieldRefTest,
  KeywordExpr,
  NumberTest,
  PatternPart,
  StringTest,
} from '../../ir/expr.js'
import { buildExactRegex, withFlagPrefix } from './exact-regex.js'
import { printEval } from './print-spl.js'
import { timePartCondition } from './time-part-eval.js'
import {
  formatSplNumber,
  isPlainFieldName,
  isPlainInteger,
  isWritableFieldName,
} from './spl-literal.js'
import type { PatternPiece } from './spl-literal.js'
import type {
  CompareOperator,
  EvalNode,
  SearchNode,
  SearchValue,
  Stage,
} from './spl-syntax.js'

/** The detection part of a query: base-search terms and pipeline stages. */
export interface LoweredDetection {
  base: SearchNode[]
  stages: Stage[]
}

interface Flag {
  name: string
  value: EvalNode
  /** The printed value, so that equal tests share one flag. */
  key: string
}

/**
 * Characters other than tab that stay out of search terms, so that the SPL
 * text has no line breaks (savedsearches.conf would split it) and no raw
 * control characters. Values holding them are tested with an escaped regex.
 */
const UNSEARCHABLE_CHARACTER = /[\u0000-\u0008\u000a-\u001f\u007f]/

/** The field that a keyword test searches in Splunk. */
const RAW_FIELD = '_raw'

const COMPARE_OPERATORS: Record<NumberTest['op'], CompareOperator> = {
  gt: '>',
  gte: '>=',
  lt: '<',
  lte: '<=',
}

/**
 * Lower the detection IR to search terms and stages. Top-level AND
 * conjuncts that need no flag go to the base search, so that Splunk can use
 * its index for them. The other conjuncts go to one trailing `| search`.
 */
export function lowerDetection(
  expr: Expr,
  fieldNames: Record<string, string>,
  diagnostics: Diagnostic[],
): LoweredDetection {
  const normalized = normalize(expr)
  const lowering = new Lowering(fieldNames, diagnostics)

  if (normalized.kind === 'const') {
    return normalized.value
      ? { base: [], stages: [] }
      : lowerNeverMatching(lowering)
  }

  const conjuncts = normalized.kind === 'and' ? normalized.items : [normalized]
  const base: SearchNode[] = []
  const flagged: SearchNode[] = []
  const regexStages: Stage[] = []

  for (const conjunct of conjuncts) {
    const regexStage = lowering.regexStage(conjunct)
    if (regexStage !== undefined) {
      regexStages.push(regexStage)
      continue
    }

    const usesBefore = lowering.flagUses
    const node = lowering.lower(conjunct)
    if (lowering.flagUses > usesBefore) flagged.push(node)
    else base.push(node)
  }

  const stages = [
    ...lowering.evalStages(),
    ...searchStage(flagged),
    ...regexStages,
  ]
  return { base, stages }
}

function lowerNeverMatching(lowering: Lowering): LoweredDetection {
  lowering.report(
    undefined,
    'convert/never-matches',
    'warning',
    'The condition can never be true, for example because it needs an ' +
      "empty '1 of' pattern or 'all' over no values, so the query matches " +
      'no events. Fix the condition or the selection names it refers to.',
  )

  const flag = lowering.flag({ kind: 'integer', value: 0 })
  const stages = [...lowering.evalStages(), ...searchStage([flag])]
  return { base: [], stages }
}

function searchStage(flagged: SearchNode[]): Stage[] {
  const [first, ...rest] = flagged
  if (first === undefined) return []

  const expr: SearchNode =
    rest.length === 0 ? first : { kind: 'and', items: flagged }
  return [{ kind: 'search', expr }]
}

/** Rebuild the tree with the IR helpers: constants fold, groups flatten. */
function normalize(expr: Expr): Expr {
  switch (expr.kind) {
    case 'and':
      return and(expr.items.map(normalize))
    case 'or':
      return or(expr.items.map(normalize))
    case 'not':
      return not(normalize(expr.item))
    default:
      return expr
  }
}

/** Lowering state: the flags found so far and where diagnostics go. */
class Lowering {
  readonly flags: Flag[] = []
  /** Counts every flag reference, including reused ones. */
  flagUses = 0

  constructor(
    private readonly fieldNames: Record<string, string>,
    private readonly diagnostics: Diagnostic[],
  ) {}

  report(
    span: Span | undefined,
    check: string,
    severity: Diagnostic['severity'],
    message: string,
  ): void {
    this.diagnostics.push(diagnosticAt(span, check, severity, message))
  }

  /** Return a `| regex` stage for a top-level regex test, if it can be one. */
  regexStage(conjunct: Expr): Stage | undefined {
    const negated = conjunct.kind === 'not'
    const target = conjunct.kind === 'not' ? conjunct.item : conjunct
    if (target.kind !== 'field' || target.test.kind !== 'regex') {
      return undefined
    }

    const field = this.mapField(target.field)
    if (!isPlainFieldName(field)) return undefined

    const pattern = withFlagPrefix(target.test)
    return { kind: 'regex', field, pattern, negated }
  }

  lower(expr: Expr): SearchNode {
    switch (expr.kind) {
      case 'and':
        return {
          kind: 'and',
          items: expr.items.map((item) => this.lower(item)),
        }
      case 'or':
        return this.lowerOr(expr.items)
      case 'not':
        return { kind: 'not', item: this.lower(expr.item) }
      case 'const':
        return this.flag({ kind: 'integer', value: expr.value ? 1 : 0 })
      case 'keyword':
        return this.lowerKeyword(expr)
      case 'field':
        return this.lowerField(expr)
    }
  }

  private lowerOr(items: Expr[]): SearchNode {
    const lowered = items.map((item) => this.lower(item))
    return toInList(lowered) ?? { kind: 'or', items: lowered }
  }

  private lowerKeyword(expr: KeywordExpr): SearchNode {
    const parts = wrapInWildcards(expr.test.parts)
    if (needsExactTest(parts, expr.test.cased)) {
      const regex = buildExactRegex(parts, expr.test.cased)
      return this.flagIf(matchCondition(RAW_FIELD, regex))
    }

    const pieces = toPieces(parts)
    return { kind: 'keyword', value: { kind: 'pattern', pieces } }
  }

  private lowerField(expr: FieldExpr): SearchNode {
    const field = this.resolveField(expr.field, expr.span)
    const test = expr.test

    switch (test.kind) {
      case 'string':
        return this.lowerString(field, test)
      case 'regex':
        return this.flagIf(matchCondition(field, withFlagPrefix(test)))
      case 'number':
        return this.lowerNumber(field, test, expr.span)
      case 'null':
        return { kind: 'not', item: { kind: 'present', field } }
      case 'exists':
        return test.exists
          ? { kind: 'present', field }
          : { kind: 'not', item: { kind: 'present', field } }
      case 'cidr':
        return this.lowerCidr(field, test.network, expr.span)
      case 'fieldref':
        return this.lowerFieldRef(field, test, expr.span)
      case 'placeholder':
        return this.lowerPlaceholder(field, test.name, expr.span)
      case 'time-part':
        return this.flagIf(timePartCondition(field, test))
    }
  }

  private lowerString(field: string, test: StringTest): SearchNode {
    // Splunk's `F=*` needs a non-empty value, but Sigma's `*` also matches
    // an empty one.
    const wildcardOnly = test.parts.every((part) => part.kind === 'any' || (part.kind === 'text' && part.text === ''))
    if (wildcardOnly && test.parts.some((part) => part.kind === 'any')) {
      const empty: SearchNode = { kind: 'compare', field, op: '=', value: { kind: 'pattern', pieces: [] } }
      return { kind: 'or', items: [{ kind: 'present', field }, empty] }
    }
    if (needsExactTest(test.parts, test.cased)) {
      const regex = buildExactRegex(test.parts, test.cased)
      return this.flagIf(matchCondition(field, regex))
    }

    return { kind: 'compare', field, op: '=', value: searchValueOf(test.parts) }
  }

  private lowerNumber(
    field: string,
    test: NumberTest,
    span: Span | undefined,
  ): SearchNode {
    const text = formatSplNumber(test.value)
    if (text === undefined) {
      return this.unsupported(
        span,
        `The number '${test.value}' compared with field '${field}' has no ` +
          'plain decimal form in SPL. Use a finite number written without ' +
          'an exponent.',
      )
    }

    const op = COMPARE_OPERATORS[test.op]
    return { kind: 'compare', field, op, value: { kind: 'number', text } }
  }

  private lowerCidr(
    field: string,
    network: string,
    span: Span | undefined,
  ): SearchNode {
    const text = normalizeNetwork(network)
    if (text === undefined) {
      return this.unsupported(
        span,
        `The cidr value '${network}' for field '${field}' is not an IPv4 ` +
          'or IPv6 network, and Splunk would compare it as plain text. ' +
          "Write it as address/prefix, for example '10.0.0.0/8' or " +
          "'fe80::/10'.",
      )
    }

    return { kind: 'compare', field, op: '=', value: { kind: 'string', text } }
  }

  private lowerFieldRef(
    field: string,
    test: FieldRefTest,
    span: Span | undefined,
  ): SearchNode {
    const other = this.resolveField(test.field, span)
    const fold = (name: string): EvalNode => {
      const reference: EvalNode = { kind: 'field', name }
      return test.cased ? reference : lowerCase(reference)
    }
    return this.flagIf(fieldRefCondition(fold(field), fold(other), test.position))
  }

  /**
   * Write a placeholder without values as a call of the macro the user
   * defines, with the field name as its argument.
   */
  private lowerPlaceholder(
    field: string,
    name: string,
    span: Span | undefined,
  ): SearchNode {
    if (!isPlainFieldName(field)) {
      return this.unsupported(
        span,
        `The placeholder '%${name}%' is used with the field '${field}', ` +
          'which cannot be a macro argument. Give the placeholder values ' +
          "under 'placeholders' in .sigma-gate.yml, or rename the field.",
      )
    }

    return { kind: 'macro', name: `${PLACEHOLDER_MACRO_PREFIX}${name}(${field})` }
  }

  /** Reference a flag set to `if(condition, 1, 0)`. */
  private flagIf(condition: EvalNode): SearchNode {
    return this.flag({
      kind: 'call',
      name: 'if',
      args: [
        condition,
        { kind: 'integer', value: 1 },
        { kind: 'integer', value: 0 },
      ],
    })
  }

  /** Reference the flag computed by `value`, adding an eval stage if new. */
  flag(value: EvalNode): SearchNode {
    this.flagUses += 1

    const key = printEval(value, 'argument')
    let flag = this.flags.find((candidate) => candidate.key === key)
    if (flag === undefined) {
      flag = { name: `sg_${this.flags.length + 1}`, value, key }
      this.flags.push(flag)
    }

    return { kind: 'flag', name: flag.name }
  }

  evalStages(): Stage[] {
    return this.flags.map((flag) => ({
      kind: 'eval',
      target: flag.name,
      value: flag.value,
    }))
  }

  private mapField(name: string): string {
    if (!Object.hasOwn(this.fieldNames, name)) return name
    return this.fieldNames[name] ?? name
  }

  /** Map an IR field name to its Splunk name, reporting one SPL cannot hold. */
  private resolveField(name: string, span: Span | undefined): string {
    const mapped = this.mapField(name)
    if (isWritableFieldName(mapped)) return mapped

    const origin = mapped === name ? '' : ` (mapped from '${name}')`
    this.unsupported(
      span,
      `The field name '${mapped}'${origin} cannot be written in SPL ` +
        'because it is empty or contains a quote, backslash, backtick, ' +
        'asterisk or control character. Rename the field, or map it to a ' +
        'valid Splunk field name.',
    )
    return mapped
  }

  /**
   * Report an unexpressible test. The returned placeholder is never printed,
   * because a conversion with errors yields no query.
   */
  private unsupported(span: Span | undefined, message: string): SearchNode {
    this.report(span, 'convert/unsupported', 'error', message)
    return { kind: 'present', field: RAW_FIELD }
  }
}

/** Macros named with this prefix stand for placeholders without values. */
export const PLACEHOLDER_MACRO_PREFIX = 'sigma_placeholder_'

/**
 * Build the eval condition of a fieldref test on folded values `a` and `b`.
 * Equality compares the values as they are; the positional tests prefix
 * both sides with `_` so that Splunk compares text, not numbers, and find
 * `b` with `substr`, `len`, `split` and `mvjoin`, which read it literally.
 */
function fieldRefCondition(
  a: EvalNode,
  b: EvalNode,
  position: FieldRefTest['position'],
): EvalNode {
  if (position === 'equals') return { kind: 'equals', left: a, right: b }

  const length: EvalNode = { kind: 'call', name: 'len', args: [b] }
  const asText = (node: EvalNode): EvalNode => ({
    kind: 'concat',
    items: [{ kind: 'string', text: '_' }, node],
  })
  const textEquals = (left: EvalNode, right: EvalNode): EvalNode => ({
    kind: 'equals',
    left: asText(left),
    right: asText(right),
  })

  if (position === 'startswith') {
    const head: EvalNode = {
      kind: 'call',
      name: 'substr',
      args: [a, { kind: 'integer', value: 1 }, length],
    }
    return textEquals(head, b)
  }

  const empty: EvalNode = {
    kind: 'equals',
    left: length,
    right: { kind: 'integer', value: 0 },
  }
  const present = (node: EvalNode): EvalNode => ({
    kind: 'call',
    name: 'isnotnull',
    args: [node],
  })

  if (position === 'endswith') {
    const tail: EvalNode = {
      kind: 'call',
      name: 'substr',
      args: [a, { kind: 'negate', item: length }],
    }
    return {
      kind: 'and',
      items: [present(a), { kind: 'or', items: [empty, textEquals(tail, b)] }],
    }
  }

  const split: EvalNode = { kind: 'call', name: 'split', args: [a, b] }
  const joined: EvalNode = {
    kind: 'call',
    name: 'mvjoin',
    args: [split, { kind: 'string', text: '' }],
  }
  const withoutB: EvalNode = {
    kind: 'call',
    name: 'coalesce',
    args: [joined, { kind: 'string', text: '' }],
  }
  return {
    kind: 'and',
    items: [
      present(a),
      present(b),
      {
        kind: 'or',
        items: [empty, { kind: 'not', item: textEquals(withoutB, a) }],
      },
    ],
  }
}

function lowerCase(item: EvalNode): EvalNode {
  return { kind: 'call', name: 'lower', args: [item] }
}

/** Build `isnotnull('F') AND match('F', "re")`, false when F is absent. */
function matchCondition(field: string, regex: string): EvalNode {
  const reference: EvalNode = { kind: 'field', name: field }
  return {
    kind: 'and',
    items: [
      { kind: 'call', name: 'isnotnull', args: [reference] },
      {
        kind: 'call',
        name: 'match',
        args: [reference, { kind: 'string', text: regex }],
      },
    ],
  }
}

/**
 * Tell whether a string test needs an eval flag: search terms have no
 * one-character wildcard, no literal `*`, no case-sensitive match, and here
 * no control characters.
 */
function needsExactTest(
  parts: readonly PatternPart[],
  cased: boolean,
): boolean {
  if (parts.some((part) => part.kind === 'one')) return true

  const texts = parts.flatMap((part) =>
    part.kind === 'text' ? [part.text] : [],
  )
  const unsearchable = (text: string): boolean =>
    text.includes('*') || UNSEARCHABLE_CHARACTER.test(text)
  if (texts.some(unsearchable)) return true

  return cased && texts.some(hasCaseVariants)
}

function hasCaseVariants(text: string): boolean {
  return text.toLowerCase() !== text || text.toUpperCase() !== text
}

/** Make a keyword a substring search, as Sigma keywords are. */
function wrapInWildcards(parts: readonly PatternPart[]): PatternPart[] {
  const wrapped = [...parts]
  if (wrapped[0]?.kind !== 'any') wrapped.unshift({ kind: 'any' })
  if (wrapped[wrapped.length - 1]?.kind !== 'any') wrapped.push({ kind: 'any' })
  return wrapped
}

function searchValueOf(parts: readonly PatternPart[]): SearchValue {
  const pieces = toPieces(parts)
  const [only, ...rest] = pieces
  if (only?.kind === 'text' && rest.length === 0 && isPlainInteger(only.text)) {
    return { kind: 'integer', text: only.text }
  }

  return { kind: 'pattern', pieces }
}

/** Convert IR parts to search pieces. Callers have ruled out `one` parts. */
function toPieces(parts: readonly PatternPart[]): PatternPiece[] {
  const pieces: PatternPiece[] = []

  for (const part of parts) {
    const last = pieces[pieces.length - 1]
    if (part.kind === 'text') {
      if (part.text === '') continue
      if (last?.kind === 'text') last.text += part.text
      else pieces.push({ kind: 'text', text: part.text })
    } else if (last?.kind !== 'wildcard') {
      pieces.push({ kind: 'wildcard' })
    }
  }

  return pieces
}

/**
 * Write an OR whose items are all `Field="value"` terms on one field as
 * `Field IN (...)`. An OR that mixes fields keeps its separate terms.
 */
function toInList(items: SearchNode[]): SearchNode | undefined {
  const [first] = items
  if (first?.kind !== 'compare' || items.length < 2) return undefined

  const values: SearchValue[] = []
  for (const item of items) {
    if (!isEqualityTerm(item) || item.field !== first.field) return undefined
    values.push(item.value)
  }

  return { kind: 'in', field: first.field, values }
}

function isEqualityTerm(
  item: SearchNode,
): item is Extract<SearchNode, { kind: 'compare' }> {
  return (
    item.kind === 'compare' &&
    item.op === '=' &&
    (item.value.kind === 'pattern' || item.value.kind === 'integer')
  )
}

/**
 * Check a CIDR network and return it as Splunk should see it. A bare address
 * becomes a one-host network, and anything else returns undefined.
 */
export function normalizeNetwork(network: string): string | undefined {
  const slash = network.indexOf('/')
  const address = slash < 0 ? network : network.slice(0, slash)
  const maxPrefix = isIPv4(address) ? 32 : isIPv6(address) ? 128 : undefined
  if (maxPrefix === undefined || address.includes('%')) return undefined

  if (slash < 0) return `${address}/${maxPrefix}`

  const prefix = network.slice(slash + 1)
  const valid = /^[0-9]{1,3}$/.test(prefix) && Number(prefix) <= maxPrefix
  if (!valid) return undefined
  return `${address}/${Number(prefix)}`
}
