import { RE2JS } from 're2js'
import { diagnosticAt, type Diagnostic, type Span } from '../diagnostic.js'
import { and, not, or, type Expr } from '../ir/expr.js'
import { DEFAULT_LIMITS, limitDiagnostic, type Limits } from '../limits/limits.js'
import type { Located } from './rule.js'

/** The condition's view of the selections: name → lowered expression. */
export type SelectionTable = ReadonlyMap<string, Expr>

interface Token {
  text: string
  /** 0-based offset in the condition string. */
  offset: number
}

/**
 * Parses a Sigma condition with the specification's precedence (loosest to
 * tightest: `or`, `and`, `not`, `x of`, parentheses) into the IR, resolving
 * selection names against the table. Returns undefined after reporting when
 * the condition cannot be read.
 */
export function parseCondition(
  condition: Located<string>,
  selections: SelectionTable,
  used: Set<string>,
  limits: Limits = DEFAULT_LIMITS,
): { expr?: Expr; diagnostics: Diagnostic[] } {
  const parser = new ConditionParser(condition, selections, used, limits)
  const expr = parser.parse()
  return expr ? { expr, diagnostics: parser.diagnostics } : { diagnostics: parser.diagnostics }
}

class ConditionParser {
  readonly diagnostics: Diagnostic[] = []
  private readonly tokens: Token[]
  private position = 0
  /** Open parentheses and `not`s around the current token; bounded so deep input cannot overflow the stack. */
  private depth = 0

  constructor(
    private readonly condition: Located<string>,
    private readonly selections: SelectionTable,
    private readonly used: Set<string>,
    private readonly limits: Limits,
  ) {
    this.tokens = tokenize(condition.value)
  }

  parse(): Expr | undefined {
    const pipe = this.condition.value.indexOf('|')
    if (pipe >= 0) {
      this.fail(pipe, 'sigma/unsupported', `Aggregations after '|' in a condition ('${this.condition.value.slice(pipe).trim()}') are Sigma 1 syntax. Write a correlation rule instead.`)
      return undefined
    }
    if (this.tokens.length === 0) {
      this.fail(0, 'sigma/condition-syntax', `The condition is empty. Write an expression such as 'selection and not filter'.`)
      return undefined
    }
    try {
      const expr = this.orExpr()
      const rest = this.peek()
      if (rest && ['AND', 'OR', 'NOT'].includes(rest.text)) {
        throw this.syntax(rest, `'${rest.text}' is not an operator: Sigma operators are lower case: write '${rest.text.toLowerCase()}'.`)
      }
      if (rest) throw this.syntax(rest, `Unexpected '${rest.text}' after a complete expression. Join expressions with 'and' or 'or'.`)
      return expr
    } catch (error) {
      if (error instanceof ConditionError) {
        this.diagnostics.push(error.diagnostic)
        return undefined
      }
      throw error
    }
  }

  private orExpr(): Expr {
    const items = [this.andExpr()]
    while (this.accept('or')) items.push(this.andExpr())
    return or(items)
  }

  private andExpr(): Expr {
    const items = [this.notExpr()]
    while (this.accept('and')) items.push(this.notExpr())
    return and(items)
  }

  private notExpr(): Expr {
    const token = this.peek()
    if (token && this.accept('not')) {
      this.enter(token)
      const inner = this.notExpr()
      this.depth--
      return not(inner)
    }
    return this.primary()
  }

  private primary(): Expr {
    const token = this.next('an expression')
    if (token.text === '(') {
      this.enter(token)
      const inner = this.orExpr()
      this.depth--
      const close = this.peek()
      if (close?.text !== ')') {
        throw this.syntax(close ?? token, `Missing ')' for the '(' at column ${this.column(token)}.`)
      }
      this.position++
      return inner
    }
    if (token.text === ')') throw this.syntax(token, `Unexpected ')'. Check that parentheses are balanced.`)
    if (isOperator(token.text)) throw this.syntax(token, `Expected a selection name or '(' but found '${token.text}'.`)

    if (this.peek()?.text === 'of') return this.quantified(token)
    return this.identifier(token)
  }

  private quantified(quantifier: Token): Expr {
    this.position++
    const target = this.next("a selection pattern or 'them' after 'of'")
    const names = this.resolvePattern(target)
    if (quantifier.text === 'all') return and(names.map((name) => this.reference(name)))

    const count = Number(quantifier.text)
    if (!Number.isInteger(count) || count < 1) {
      throw this.syntax(quantifier, `'${quantifier.text} of' is not a quantifier. Use '1 of', 'all of' or a positive number such as '2 of'.`)
    }
    if (count === 1) return or(names.map((name) => this.reference(name)))
    const terms = binomial(names.length, count)
    if (terms > this.limits.conditionTerms) {
      const subject = `'${quantifier.text} of ${target.text}' over ${names.length} selections expands to ${terms} combinations, which`
      throw new ConditionError(limitDiagnostic(this.tokenSpan(quantifier), 'limits/condition-terms', subject, 'conditionTerms', this.limits.conditionTerms))
    }
    return or(combinations(names, count).map((group) => and(group.map((name) => this.reference(name)))))
  }

  private resolvePattern(target: Token): string[] {
    if (target.text === 'them') {
      const names = [...this.selections.keys()].filter((name) => !name.startsWith('_'))
      for (const name of names) this.used.add(name)
      return names
    }
    if (isOperator(target.text) || target.text === '(' || target.text === ')') {
      throw this.syntax(target, `Expected a selection pattern such as 'selection_*' or 'them' after 'of', not '${target.text}'.`)
    }
    const matches = selectionNameMatcher(target.text)
    const names = [...this.selections.keys()].filter(matches)
    if (names.length === 0) {
      throw this.syntax(target, `No selection matches '${target.text}'. Define a selection whose name matches it, or fix the pattern.`, 'sigma/undefined-selection')
    }
    for (const name of names) this.used.add(name)
    return names
  }

  private identifier(token: Token): Expr {
    if (!this.selections.has(token.text)) {
      const upper = ['AND', 'OR', 'NOT'].includes(token.text) ? ` Sigma operators are lower case: write '${token.text.toLowerCase()}'.` : ' Define it under detection or fix the name.'
      throw this.syntax(token, `The condition uses '${token.text}', which is not a selection of this rule.${upper}`, 'sigma/undefined-selection')
    }
    this.used.add(token.text)
    return this.reference(token.text)
  }

  private reference(name: string): Expr {
    return this.selections.get(name) ?? { kind: 'const', value: false }
  }

  private enter(token: Token): void {
    this.depth++
    if (this.depth <= this.limits.nestingDepth) return
    const subject = `The condition nests parentheses and 'not' more than ${this.limits.nestingDepth} levels deep, which`
    throw new ConditionError(limitDiagnostic(this.tokenSpan(token), 'limits/nesting-depth', subject, 'nestingDepth', this.limits.nestingDepth))
  }

  private accept(text: string): boolean {
    if (this.peek()?.text !== text) return false
    this.position++
    return true
  }

  private peek(): Token | undefined {
    return this.tokens[this.position]
  }

  private next(expected: string): Token {
    const token = this.tokens[this.position]
    if (!token) {
      const end = { text: '', offset: this.condition.value.length }
      throw this.syntax(end, `The condition ends where ${expected} was expected.`)
    }
    this.position++
    return token
  }

  private column(token: Token): number {
    return this.condition.span.column + token.offset
  }

  private syntax(token: Token, message: string, check = 'sigma/condition-syntax'): ConditionError {
    return new ConditionError(diagnosticAt(this.tokenSpan(token), check, 'error', message))
  }

  private fail(offset: number, check: string, message: string): void {
    this.diagnostics.push(diagnosticAt(this.tokenSpan({ text: '', offset }), check, 'error', message))
  }

  private tokenSpan(token: Token): Span {
    const line = this.condition.span.line
    const column = this.column(token)
    return { line, column, endLine: line, endColumn: column + Math.max(token.text.length, 1) }
  }
}

class ConditionError extends Error {
  constructor(readonly diagnostic: Diagnostic) {
    super(diagnostic.message)
  }
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = []
  const pattern = /[()]|[^\s()]+/g
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
    tokens.push({ text: match[0], offset: match.index })
  }
  return tokens
}

function isOperator(text: string): boolean {
  return text === 'and' || text === 'or' || text === 'not' || text === 'of'
}

/**
 * Compile a selection-name pattern. Nearly every rule writes `prefix*`,
 * which needs no regular expression; other patterns go through RE2, which
 * keeps `a*a*a*…` linear on long names.
 */
function selectionNameMatcher(pattern: string): (name: string) => boolean {
  const star = pattern.indexOf('*')
  if (star === -1) return (name) => name === pattern
  if (star === pattern.length - 1) {
    const prefix = pattern.slice(0, -1)
    return (name) => name.startsWith(prefix)
  }
  const source = pattern
    .split('*')
    .map((part) => RE2JS.quote(part))
    .join('.*')
  const regex = RE2JS.compile(`^${source}$`)
  return (name) => regex.test(name)
}

/** Count the ways of choosing `size` of `total` names, capped at infinity for huge counts. */
function binomial(total: number, size: number): number {
  if (size > total) return 0
  let result = 1
  for (let i = 1; i <= Math.min(size, total - size); i++) result = (result * (total - i + 1)) / i
  return Math.round(result)
}

/** List every way of choosing `size` names, for `N of` with N > 1. */
function combinations(names: string[], size: number): string[][] {
  if (size > names.length) return []
  if (size === 0) return [[]]
  const [first, ...rest] = names
  if (first === undefined) return []
  const withFirst = combinations(rest, size - 1).map((group) => [first, ...group])
  return [...withFirst, ...combinations(rest, size)]
}
