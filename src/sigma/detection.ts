import { RE2JS } from 're2js'
import type { LineCounter, Node } from 'yaml'
import { diagnosticAt, type Diagnostic, type Span } from '../diagnostic.js'
import {
  and,
  not,
  or,
  type Expr,
  type PatternPart,
  type TimePart,
  type ValueTest,
} from '../ir/expr.js'
import {
  KNOWN_MODIFIERS,
  TIME_MODIFIERS,
  splitFieldKey,
  type ModifierSet,
} from './modifiers.js'
import {
  base64,
  base64Offsets,
  encodeUtf16,
  expandWindash,
  parseSigmaString,
  plainPattern,
} from './string-value.js'
import { isMap, isScalar, isSeq, spanOf } from './yaml-document.js'
import { modifierConflict } from './modifier-conflicts.js'
import { parseDecimalNumber } from '../match/decimal-number.js'
import { DEFAULT_LIMITS, limitDiagnostic } from '../limits/limits.js'

type Scalar = string | number | boolean | null

/** Settings from the configuration that change how values are lowered. */
export interface DetectionOptions {
  /** Values of Sigma placeholders by name (`expand` modifier). */
  placeholders?: Readonly<Record<string, readonly string[]>>
  /** Longest `re` value accepted, in characters; longer ones get `limits/regex-length`. */
  maxRegexLength?: number
}

/** Modifiers that may accompany a time modifier. */
const TIME_PART_COMPANIONS = new Set<string>([...TIME_MODIFIERS, 'gt', 'gte', 'lt', 'lte', 'all', 'neq'])

/** A plausible value of each time part, for messages. */
const TIME_PART_EXAMPLE: Record<TimePart, number> = { minute: 30, hour: 9, day: 1, week: 17, month: 4, year: 2026 }

/** Modifiers that may accompany `expand`. */
const EXPAND_COMPANIONS = new Set(['expand', 'contains', 'startswith', 'endswith', 'cased', 'all', 'neq'])

/**
 * Lowers the selections of a rule's `detection` into the IR, reporting every
 * value or modifier it cannot give a meaning to at its line.
 */
export class DetectionLowering {
  readonly diagnostics: Diagnostic[] = []

  constructor(
    private readonly lineCounter: LineCounter,
    private readonly options: DetectionOptions = {},
  ) {}

  /** Lower one selection node: a map, a list of maps, or a keyword list. */
  selection(node: Node | null, fallback: Span): Expr {
    if (isMap(node)) return this.fieldMap(node)
    if (isSeq(node)) {
      return or(node.items.map((item) => this.selectionItem(item as Node, fallback)))
    }
    if (isScalar(node) && node.value !== null) {
      return this.keyword(node.value as Scalar, this.span(node) ?? fallback)
    }
    this.error(this.span(node) ?? fallback, 'sigma/empty-selection', `The selection is empty. Give it field values such as 'Image|endswith: \\cmd.exe', or remove it.`)
    return { kind: 'const', value: false }
  }

  private selectionItem(node: Node, fallback: Span): Expr {
    if (isMap(node)) return this.fieldMap(node)
    if (isScalar(node) && node.value !== null) {
      return this.keyword(node.value as Scalar, this.span(node) ?? fallback)
    }
    this.error(this.span(node) ?? fallback, 'sigma/structure', `A selection list may hold field maps or keyword strings, not nested lists or null.`)
    return { kind: 'const', value: false }
  }

  private fieldMap(node: Node): Expr {
    if (!isMap(node)) return { kind: 'const', value: false }
    const items: Expr[] = []
    for (const pair of node.items) {
      const keyNode = pair.key as Node
      const key = isScalar(keyNode) ? String(keyNode.value ?? '') : ''
      const span = this.span(keyNode) ?? { line: 1, column: 1 }
      items.push(this.fieldEntry(key, pair.value as Node | null, span))
    }
    return and(items)
  }

  private fieldEntry(key: string, valueNode: Node | null, keySpan: Span): Expr {
    const modifiers = splitFieldKey(key)
    const unknown = modifiers.list.filter((name) => !KNOWN_MODIFIERS.has(name))
    if (unknown.length > 0) {
      this.error(keySpan, 'sigma/unknown-modifier', `Unknown modifier '${unknown.join("', '")}' in '${key}'. Use one of the modifiers of the Sigma specification, e.g. contains, startswith, endswith, re, all.`)
      return { kind: 'const', value: false }
    }
    const conflict = modifierConflict(modifiers)
    if (conflict !== undefined) {
      this.error(keySpan, 'sigma/invalid-modifier', `The modifiers in '${key}' cannot be combined: ${conflict}`)
      return { kind: 'const', value: false }
    }
    const values = this.values(valueNode, keySpan)
    if (values === undefined) return { kind: 'const', value: false }
    if (modifiers.has('all') && values.length < 2) {
      this.warn(keySpan, 'sigma/all-single-value', `The 'all' modifier on '${key}' has a single value, so it changes nothing. Remove '|all', or list several values.`)
    }

    const tests = values.map((value) => this.valueExpr(modifiers, value.value, value.span))
    if (modifiers.field === '') {
      return modifiers.has('all') ? and(tests) : or(tests)
    }
    // `neq` means different from every listed value. An OR of the negated
    // tests would hold for any value once the list has two entries.
    return modifiers.has('all') || modifiers.has('neq') ? and(tests) : or(tests)
  }

  private values(node: Node | null, keySpan: Span): { value: Scalar; span: Span }[] | undefined {
    if (node === null || node === undefined) return [{ value: null, span: keySpan }]
    if (isScalar(node)) {
      return [{ value: node.value as Scalar, span: this.span(node) ?? keySpan }]
    }
    if (isSeq(node)) {
      const values: { value: Scalar; span: Span }[] = []
      for (const item of node.items) {
        const span = this.span(item as Node) ?? keySpan
        if (isScalar(item) && item.value === null) this.nullInList(span)
        else if (isScalar(item)) values.push({ value: item.value as Scalar, span })
        else this.error(span, 'sigma/type', `A value list may hold only strings, numbers or booleans, not maps or lists.`)
      }
      if (node.items.length === 0) {
        this.error(this.span(node) ?? keySpan, 'sigma/empty-value-list', `The value list is empty. Add values, or remove the field.`)
      }
      if (values.length === 0) return undefined
      return values
    }
    this.error(this.span(node) ?? keySpan, 'sigma/type', `A field value must be a string, number, boolean, null or a list of them; a map is not allowed here. Check the indentation.`)
    return undefined
  }

  /**
   * Report `null` inside a value list. The specification forbids it because
   * null has no type in common with the other values.
   */
  private nullInList(span: Span): void {
    this.error(span, 'sigma/invalid-value', `A value list cannot contain 'null'. Move 'Field: null' into a selection of its own and combine the selections in the condition, e.g. '1 of selection_*'.`)
  }

  /** Lower one value of a field, with the field's modifiers, into the IR. */
  private valueExpr(modifiers: ModifierSet, value: Scalar, span: Span): Expr {
    const field = modifiers.field
    const test = (valueTest: ValueTest): Expr =>
      field === '' && valueTest.kind === 'string'
        ? keywordExpr(valueTest.parts, valueTest.cased, span)
        : { kind: 'field', field, test: valueTest, span }

    if (field === '' && modifiers.list.some((name) => !['all', 'contains', 'startswith', 'endswith', 'windash', 'cased', 'base64', 'base64offset', 'utf16le', 'utf16be', 'utf16', 'wide'].includes(name))) {
      this.unsupported(span, `The modifier '${modifiers.list.join('|')}' needs a field name; keyword values take only string modifiers.`)
      return { kind: 'const', value: false }
    }
    if (modifiers.has('exists')) return this.exists(field, value, span, modifiers)
    const timeParts = TIME_MODIFIERS.filter((name) => modifiers.has(name))
    if (timeParts.length > 0 && value !== null) {
      const expr = this.timePart(modifiers, timeParts, value, span, test)
      if (!modifiers.has('neq')) return expr
      return and([{ kind: 'field', field, test: { kind: 'exists', exists: true }, span }, not(expr)])
    }
    if (value === null) {
      if (modifiers.list.length > 0) {
        this.error(span, 'sigma/invalid-modifier', `A null value takes no modifiers. Write '${field}: null' to match an absent or empty field.`)
      }
      return test({ kind: 'null' })
    }
    const negate = modifiers.has('neq')
    const expr = modifiers.has('expand') ? this.expand(modifiers, String(value), span, test) : this.positiveValueExpr(modifiers, value, span, test)
    return negate ? and([{ kind: 'field', field, test: { kind: 'exists', exists: true }, span }, not(expr)]) : expr
  }

  private positiveValueExpr(modifiers: ModifierSet, value: Exclude<Scalar, null>, span: Span, test: (t: ValueTest) => Expr): Expr {
    const comparison = (['gt', 'gte', 'lt', 'lte'] as const).find((name) => modifiers.has(name))
    if (comparison) {
      let number: number | null = null
      if (typeof value === 'number') number = value
      else if (typeof value === 'string') number = parseDecimalNumber(value)
      if (number === null || !Number.isFinite(number)) {
        this.error(span, 'sigma/invalid-value', `The '${comparison}' modifier needs a decimal number, not '${String(value)}'. Write the value in decimal digits, e.g. '${modifiers.field}|${comparison}: 16' for 0x10.`)
        return { kind: 'const', value: false }
      }
      return test({ kind: 'number', op: comparison, value: number })
    }
    const text = String(value)
    if (modifiers.has('re')) return this.regex(modifiers, text, span, test)
    if (modifiers.has('cidr')) return this.cidr(text, span, test)
    if (modifiers.has('fieldref')) {
      const position = modifiers.has('contains') ? 'contains' : modifiers.has('startswith') ? 'startswith' : modifiers.has('endswith') ? 'endswith' : 'equals'
      return test({ kind: 'fieldref', field: text, position, cased: modifiers.has('cased') })
    }
    for (const flag of ['i', 'm', 's']) {
      if (modifiers.has(flag)) {
        this.error(span, 'sigma/invalid-modifier', `The '${flag}' modifier is a flag of 're' and needs it, e.g. '|re|${flag}'.`)
        return { kind: 'const', value: false }
      }
    }
    return this.stringExpr(modifiers, text, typeof value === 'string', span, test)
  }

  private stringExpr(modifiers: ModifierSet, text: string, isString: boolean, span: Span, test: (t: ValueTest) => Expr): Expr {
    let variants = [text]
    if (modifiers.has('windash')) {
      const expanded = expandWindash(text)
      if (!expanded) {
        this.unsupported(span, `The 'windash' value '${text}' has too many flags to expand (more than 625 variants). Split it into several values.`)
        return { kind: 'const', value: false }
      }
      variants = expanded
    }

    const encoded = this.encode(modifiers, variants, span)
    if (encoded === undefined) return { kind: 'const', value: false }
    const cased = modifiers.has('cased')
    const alternatives = encoded.map((variant) => {
      // Encoded values and non-string YAML scalars have no wildcards to read.
      const readsWildcards = isString && !variant.plain
      const parts = readsWildcards ? parseSigmaString(variant.text) : plainPattern(variant.text)
      return test({ kind: 'string', parts: position(modifiers, parts, variant.contains), cased })
    })
    return or(alternatives)
  }

  /** Apply encoding modifiers; encoded values are literal, their wildcards lost. */
  private encode(modifiers: ModifierSet, variants: string[], span: Span): { text: string; plain: boolean; contains: boolean }[] | undefined {
    const utf16 = modifiers.has('utf16le') || modifiers.has('wide') ? 'le' : modifiers.has('utf16be') ? 'be' : modifiers.has('utf16') ? 'bom' : undefined
    const wantsBase64 = modifiers.has('base64') || modifiers.has('base64offset')
    if (utf16 && !wantsBase64) {
      this.unsupported(span, `A UTF-16 modifier must be followed by 'base64' or 'base64offset', because UTF-16 bytes cannot be matched as text.`)
      return undefined
    }
    if (!wantsBase64) return variants.map((text) => ({ text, plain: false, contains: false }))
    const results: { text: string; plain: boolean; contains: boolean }[] = []
    for (const text of variants) {
      const bytes = utf16 ? encodeUtf16(text, utf16) : new Uint8Array(Buffer.from(text, 'utf8'))
      if (modifiers.has('base64offset')) {
        const offsets = base64Offsets(bytes)
        // A 0- or 1-byte value leaves some shifted encoding with no stable
        // character, and an empty 'contains' term would match every event.
        if (offsets.includes('')) {
          this.error(span, 'sigma/invalid-value', `The value '${text}' is ${bytes.length} byte(s) long, too short for 'base64offset': each of its three shifted encodings needs at least 2 bytes to keep a character. Use a longer value, or match it without 'base64offset'.`)
          return undefined
        }
        for (const offset of offsets) results.push({ text: offset, plain: true, contains: true })
      } else results.push({ text: base64(bytes), plain: true, contains: false })
    }
    return results
  }

  /**
   * Lower an `expand` value. Placeholders with values in the configuration
   * become an OR of every combination; a value that is one placeholder
   * without values becomes a placeholder test, which the SPL leaves to a
   * macro the user defines and which matches no event until then.
   */
  private expand(modifiers: ModifierSet, value: string, span: Span, test: (t: ValueTest) => Expr): Expr {
    const extra = modifiers.list.filter((name) => !EXPAND_COMPANIONS.has(name))
    if (extra.length > 0) {
      this.unsupported(span, `The 'expand' modifier cannot be combined with '${extra.join("', '")}'. Use it alone or with contains, startswith, endswith, cased, all or neq.`)
      return { kind: 'const', value: false }
    }
    const segments = splitPlaceholders(value)
    const defined = this.options.placeholders ?? {}
    const missing = segments.flatMap((segment) => (segment.kind === 'placeholder' && !Object.hasOwn(defined, segment.name) ? [segment.name] : []))
    const [only] = segments
    if (missing.length > 0) {
      const alone = segments.length === 1 && only?.kind === 'placeholder' && modifiers.list.every((name) => ['expand', 'all', 'neq'].includes(name))
      if (alone && PLACEHOLDER_NAME.test(only.name)) return test({ kind: 'placeholder', name: only.name })
      this.unsupported(span, `The placeholder '%${missing[0] ?? ''}%' has no values, and only a bare placeholder of letters, digits and underscores without match modifiers can be left to a Splunk macro. Add 'placeholders: { ${missing[0] ?? ''}: [...] }' to .sigma-gate.yml.`)
      return { kind: 'const', value: false }
    }

    const variants = expandSegments(segments, defined)
    if (variants === undefined) {
      this.unsupported(span, `The value '${value}' expands to more than ${MAX_PLACEHOLDER_VARIANTS} combinations of placeholder values. Use fewer placeholders in one value, or fewer values.`)
      return { kind: 'const', value: false }
    }
    const cased = modifiers.has('cased')
    return or(variants.map((parts) => test({ kind: 'string', parts: position(modifiers, parts, false), cased })))
  }

  /**
   * Lower a time modifier such as `UtcTime|hour|gte: 9`: one time part,
   * optionally one comparison, and `all` or `neq`, on an integer value.
   */
  private timePart(modifiers: ModifierSet, parts: readonly TimePart[], value: Exclude<Scalar, null>, span: Span, test: (t: ValueTest) => Expr): Expr {
    const [part] = parts
    if (part === undefined) return { kind: 'const', value: false }
    if (parts.length > 1) {
      this.error(span, 'sigma/invalid-modifier', `A field can take one time modifier, not '${parts.join("', '")}' together. Test each part in its own field entry, e.g. 'UtcTime|hour: 9' and 'UtcTime|day: 1'.`)
      return { kind: 'const', value: false }
    }
    const extra = modifiers.list.filter((name) => !TIME_PART_COMPANIONS.has(name))
    if (extra.length > 0) {
      this.error(span, 'sigma/invalid-modifier', `The time modifier '${part}' cannot be combined with '${extra.join("', '")}'. Use it alone or with one of gt, gte, lt, lte, and with all or neq.`)
      return { kind: 'const', value: false }
    }
    const comparisons = (['gt', 'gte', 'lt', 'lte'] as const).filter((name) => modifiers.has(name))
    if (comparisons.length > 1) {
      this.error(span, 'sigma/invalid-modifier', `The time modifier '${part}' takes one comparison, not '${comparisons.join("', '")}'. Write a range as two field entries in an 'all' list or two selections.`)
      return { kind: 'const', value: false }
    }

    const number = typeof value === 'number' ? value : Number(value)
    if (typeof value === 'boolean' || String(value).trim() === '' || !Number.isInteger(number)) {
      this.error(span, 'sigma/invalid-value', `The time modifier '${part}' compares a whole number, not '${String(value)}'. Write e.g. '${modifiers.field}|${part}: ${TIME_PART_EXAMPLE[part]}'.`)
      return { kind: 'const', value: false }
    }
    return test({ kind: 'time-part', part, op: comparisons[0] ?? 'eq', value: number })
  }

  private regex(modifiers: ModifierSet, pattern: string, span: Span, test: (t: ValueTest) => Expr): Expr {
    const flags = { i: modifiers.has('i'), m: modifiers.has('m'), s: modifiers.has('s') }
    const maxLength = this.options.maxRegexLength ?? DEFAULT_LIMITS.regexLength
    if (pattern.length > maxLength) {
      this.diagnostics.push(limitDiagnostic(span, 'limits/regex-length', `The regular expression is ${pattern.length} characters long, which`, 'regexLength', maxLength))
      return { kind: 'const', value: false }
    }
    try {
      RE2JS.compile(pattern)
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error)
      this.error(span, 'sigma/invalid-regex', `The regular expression '${pattern}' cannot be run safely: ${reason}. Sigma regular expressions allow only '.', anchors, quantifiers, character classes, alternation and groups; rewrite it without backreferences or lookaround.`)
      return { kind: 'const', value: false }
    }
    return test({ kind: 'regex', pattern, flags })
  }

  private cidr(network: string, span: Span, test: (t: ValueTest) => Expr): Expr {
    if (!/^[0-9a-fA-F:.]+\/\d{1,3}$/.test(network)) {
      this.error(span, 'sigma/invalid-value', `'${network}' is not a CIDR network. Write it as an address and a prefix length, e.g. 10.0.0.0/8 or fe80::/10.`)
      return { kind: 'const', value: false }
    }
    return test({ kind: 'cidr', network })
  }

  private exists(field: string, value: Scalar, span: Span, modifiers: ModifierSet): Expr {
    if (typeof value !== 'boolean') {
      this.error(span, 'sigma/invalid-value', `The 'exists' modifier takes true or false, not '${String(value)}'.`)
      return { kind: 'const', value: false }
    }
    if (modifiers.list.length > 1) {
      this.error(span, 'sigma/invalid-modifier', `'exists' cannot be combined with other modifiers ('${modifiers.list.join('|')}').`)
    }
    return { kind: 'field', field, test: { kind: 'exists', exists: value }, span }
  }

  private keyword(value: Scalar, span: Span): Expr {
    const parts = typeof value === 'string' ? parseSigmaString(value) : plainPattern(String(value))
    return keywordExpr(parts, false, span)
  }

  private span(node: Node | null | undefined): Span | undefined {
    return spanOf(node, this.lineCounter)
  }

  private error(span: Span, check: string, message: string): void {
    this.diagnostics.push(diagnosticAt(span, check, 'error', message))
  }

  private warn(span: Span, check: string, message: string): void {
    this.diagnostics.push(diagnosticAt(span, check, 'warning', message))
  }

  private unsupported(span: Span, message: string): void {
    this.diagnostics.push(diagnosticAt(span, 'sigma/unsupported', 'error', message))
  }
}

/** Wrap a pattern in the wildcards that contains/startswith/endswith add. */
function position(modifiers: ModifierSet, parts: PatternPart[], contains: boolean): PatternPart[] {
  const any: PatternPart = { kind: 'any' }
  if (contains || modifiers.has('contains')) return [any, ...parts, any]
  if (modifiers.has('startswith')) return [...parts, any]
  if (modifiers.has('endswith')) return [any, ...parts]
  return parts
}

/**
 * A keyword matches anywhere in the event, so its pattern is wrapped in `*`
 * here once, for the native matcher and the backend alike.
 */
function keywordExpr(parts: PatternPart[], cased: boolean, span: Span): Expr {
  const wrapped: PatternPart[] = [...parts]
  if (wrapped[0]?.kind !== 'any') wrapped.unshift({ kind: 'any' })
  if (wrapped[wrapped.length - 1]?.kind !== 'any') wrapped.push({ kind: 'any' })
  return { kind: 'keyword', test: { kind: 'string', parts: wrapped, cased }, span }
}

/** A placeholder name that can be part of a Splunk macro name. */
const PLACEHOLDER_NAME = /^[A-Za-z0-9_]+$/

/** Combinations of placeholder values beyond this are reported, not built. */
export const MAX_PLACEHOLDER_VARIANTS = 1000

/** A piece of an `expand` value: Sigma string text, or a `%name%` placeholder. */
export type ValueSegment = { kind: 'text'; parts: PatternPart[] } | { kind: 'placeholder'; name: string }

/**
 * Split an `expand` value into text and `%name%` placeholders. `\%` is a
 * literal percent sign; the other escapes are those of Sigma strings.
 */
export function splitPlaceholders(value: string): ValueSegment[] {
  const segments: ValueSegment[] = []
  let text = ''
  const flush = (): void => {
    if (text !== '') segments.push({ kind: 'text', parts: parseSigmaString(text) })
    text = ''
  }

  for (let i = 0; i < value.length; i++) {
    const char = value[i] as string
    const next = value[i + 1]
    if (char === '\\' && (next === '%' || next === '\\')) {
      text += next === '%' ? '%' : '\\\\'
      i++
      continue
    }
    const end = char === '%' ? value.indexOf('%', i + 1) : -1
    if (end > i + 1) {
      flush()
      segments.push({ kind: 'placeholder', name: value.slice(i + 1, end) })
      i = end
    } else text += char
  }
  flush()
  return segments
}

/** Build every combination of placeholder values, or undefined when there are too many. */
function expandSegments(segments: ValueSegment[], values: Readonly<Record<string, readonly string[]>>): PatternPart[][] | undefined {
  let variants: PatternPart[][] = [[]]
  for (const segment of segments) {
    const choices = segment.kind === 'text' ? [segment.parts] : (values[segment.name] ?? []).map(parseSigmaString)
    if (variants.length * choices.length > MAX_PLACEHOLDER_VARIANTS) return undefined
    variants = variants.flatMap((prefix) => choices.map((choice) => [...prefix, ...choice]))
  }
  return variants
}
