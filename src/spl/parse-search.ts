import type { SearchExpr, SearchValue } from './ast.js'
import { SplParseFailure } from './lexer.js'
import type { Token } from './lexer.js'
import { describeToken } from './token-stream.js'
import type { TokenStream } from './token-stream.js'
import { splitSearchValue, unescapeString } from './unescape.js'

/** Deepest parenthesis nesting accepted, so a hostile query cannot exhaust the stack. */
export const MAX_NESTING = 200

const COMPARISONS = new Set(['=', '!=', '<', '<=', '>', '>='])

/**
 * Parse a search expression up to the `|` or end that closes the command.
 * Precedence, tightest first: parentheses, `NOT`, `OR`, then `AND`, written
 * or implied by whitespace, so `A OR B C` is `(A OR B) AND C`. Only upper-case
 * `AND`, `OR`, `NOT` and `IN` are operators; other spellings are keywords.
 */
export function parseSearchExpression(stream: TokenStream): SearchExpr {
  if (stream.atEnd()) {
    throw new SplParseFailure(
      'The search is empty: write at least one term, such as field="value" or *.',
      stream.peek().start,
    )
  }

  const expr = new SearchParser(stream).parseAnd(0)
  if (stream.at(')')) {
    throw new SplParseFailure(
      "This ')' has no matching '(': remove it or add the '(' it closes.",
      stream.peek().start,
    )
  }
  return expr
}

class SearchParser {
  constructor(private readonly stream: TokenStream) {}

  parseAnd(depth: number): SearchExpr {
    const column = this.stream.peek().start + 1
    const items = [this.parseOr(depth)]
    while (!this.stream.atEnd() && !this.stream.at(')')) {
      if (isOperator(this.stream.peek(), 'AND')) {
        this.requireOperand(this.stream.next())
      }
      items.push(this.parseOr(depth))
    }
    return items.length === 1 ? (items[0] as SearchExpr) : { kind: 'and', items, column }
  }

  private parseOr(depth: number): SearchExpr {
    const column = this.stream.peek().start + 1
    const items = [this.parseNot(depth)]
    while (isOperator(this.stream.peek(), 'OR')) {
      this.requireOperand(this.stream.next())
      items.push(this.parseNot(depth))
    }
    return items.length === 1 ? (items[0] as SearchExpr) : { kind: 'or', items, column }
  }

  private parseNot(depth: number): SearchExpr {
    const token = this.stream.peek()
    if (!isOperator(token, 'NOT')) return this.parseAtom(depth)

    this.stream.next()
    this.requireOperand(token)
    return { kind: 'not', item: this.parseNot(depth), column: token.start + 1 }
  }

  /** Fail unless a term follows the operator `token`. */
  private requireOperand(token: Token): void {
    const next = this.stream.peek()
    const missing =
      this.stream.atEnd() ||
      next.type === ')' ||
      isOperator(next, 'AND') ||
      isOperator(next, 'OR')
    if (missing) {
      throw new SplParseFailure(
        `'${token.text}' needs a search term after it, but ${describeToken(next)} follows: add the term or remove '${token.text}'.`,
        next.start,
      )
    }
  }

  private parseAtom(depth: number): SearchExpr {
    const token = this.stream.peek()
    switch (token.type) {
      case '(':
        return this.parseGroup(depth)
      case 'macro':
        this.stream.next()
        return { kind: 'macro', name: token.text, column: token.start + 1 }
      case 'word':
      case 'string':
        return this.parseTermOrKeyword()
      default:
        throw unexpectedInSearch(token)
    }
  }

  private parseGroup(depth: number): SearchExpr {
    const open = this.stream.next()
    if (depth >= MAX_NESTING) {
      throw new SplParseFailure(
        `Parentheses are nested more than ${MAX_NESTING} deep: flatten the expression.`,
        open.start,
      )
    }
    if (this.stream.at(')')) {
      throw new SplParseFailure(
        "The parentheses are empty: put a search term between '(' and ')' or remove them.",
        open.start,
      )
    }

    const expr = this.parseAnd(depth + 1)
    if (!this.stream.at(')')) {
      throw new SplParseFailure(
        `This '(' is not closed before ${describeToken(this.stream.peek())}: add the matching ')'.`,
        open.start,
      )
    }
    this.stream.next()
    return expr
  }

  private parseTermOrKeyword(): SearchExpr {
    const token = this.stream.next()
    if (token.type === 'word' && (token.text === 'OR' || token.text === 'AND')) {
      throw new SplParseFailure(
        `'${token.text}' must be between two search terms, but nothing comes before it here: remove it or add the term it joins.`,
        token.start,
      )
    }
    rejectUnsupportedWord(token, this.stream.peek())

    if (this.stream.at('op')) return this.parseComparison(token)
    if (this.stream.at('word', 'IN')) return this.parseIn(token)
    return {
      kind: 'keyword',
      value: searchValue(token),
      column: token.start + 1,
    }
  }

  private parseComparison(fieldToken: Token): SearchExpr {
    const field = fieldName(fieldToken)
    const op = this.stream.next()
    if (!COMPARISONS.has(op.text)) {
      throw new SplParseFailure(
        `The search command has no '${op.text}' operator: use '=' to compare a field with a value.`,
        op.start,
      )
    }

    const value = this.readValue(op)
    const column = fieldToken.start + 1
    if (op.text === '=' || op.text === '!=') {
      return { kind: 'term', field, op: op.text, value, column }
    }
    const compareOp = op.text as '<' | '<=' | '>' | '>='
    return { kind: 'compare', field, op: compareOp, value, column }
  }

  private parseIn(fieldToken: Token): SearchExpr {
    const field = fieldName(fieldToken)
    const inToken = this.stream.next()
    this.stream.expect(
      '(',
      "'IN' needs a parenthesised list of values, such as Image IN (\"a\", \"b\").",
    )

    const values: SearchValue[] = [this.readValue(inToken)]
    while (this.stream.at(',')) {
      const comma = this.stream.next()
      values.push(this.readValue(comma))
    }
    this.stream.expect(
      ')',
      `The IN list of '${field}' is not closed here: separate values with commas and end the list with ')'.`,
    )
    return { kind: 'in', field, values, column: fieldToken.start + 1 }
  }

  /** Read the value after `after` (an operator, `IN (` or a comma). */
  private readValue(after: Token): SearchValue {
    const token = this.stream.peek()
    const isValue =
      token.type === 'string' ||
      (token.type === 'word' && !['AND', 'OR', 'NOT'].includes(token.text))
    if (!isValue) {
      throw new SplParseFailure(
        `A value must follow '${after.text}', but ${describeToken(token)} does: write the value in double quotes.`,
        token.start,
      )
    }
    this.stream.next()
    return searchValue(token)
  }
}

/** Return true when `token` is the bare upper-case operator `word`. */
function isOperator(token: Token, word: string): boolean {
  return token.type === 'word' && token.text === word
}

function searchValue(token: Token): SearchValue {
  return {
    raw: token.text,
    quoted: token.type === 'string',
    parts: splitSearchValue(token.text),
  }
}

function fieldName(token: Token): string {
  const name = token.type === 'string' ? unescapeString(token.text) : token.text
  if (name === '') {
    throw new SplParseFailure(
      'The field name is empty: write the name before the operator.',
      token.start,
    )
  }
  if (token.type === 'word' && name.includes('*')) {
    throw new SplParseFailure(
      `Wildcard field names such as '${name}' are not supported: name the field exactly.`,
      token.start,
    )
  }
  return name
}

/** Reject search functions and subsearches, which this engine does not run. */
function rejectUnsupportedWord(token: Token, next: Token): void {
  if (token.type !== 'word' || next.type !== '(' || next.start !== token.start + token.text.length) {
    return
  }
  throw new SplParseFailure(
    `The search function '${token.text}(...)' is not supported: write plain field="value" terms.`,
    token.start,
  )
}

function unexpectedInSearch(token: Token): SplParseFailure {
  switch (token.type) {
    case ')':
      return new SplParseFailure(
        "This ')' has no matching '(': remove it or add the '(' it closes.",
        token.start,
      )
    case 'op':
      return new SplParseFailure(
        `The operator '${token.text}' needs a field name before it, such as Image${token.text}"value".`,
        token.start,
      )
    case '[':
    case ']':
      return new SplParseFailure(
        "Subsearches in '[...]' are not supported: quote a value that contains brackets.",
        token.start,
      )
    case ',':
      return new SplParseFailure(
        "A comma is only valid inside an IN list: quote a value that contains one.",
        token.start,
      )
    default:
      return new SplParseFailure(
        `A search term is missing before ${describeToken(token)}: write a term such as field="value".`,
        token.start,
      )
  }
}
