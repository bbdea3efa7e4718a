import type { EvalBinaryOp, EvalExpr } from './ast.js'
import { EVAL_FUNCTION_ARITY } from './eval-function-arity.js'
import { SplParseFailure } from './lexer.js'
import type { Token } from './lexer.js'
import { MAX_NESTING } from './parse-search.js'
import { describeToken } from './token-stream.js'
import type { TokenStream } from './token-stream.js'
import { unescapeString } from './unescape.js'

const KEYWORDS = new Set(['AND', 'OR', 'XOR', 'NOT', 'LIKE'])
const COMPARISONS = new Set(['=', '==', '!=', '<', '<=', '>', '>='])

/**
 * Parse one eval expression; it ends before a `,`, `|` or the end of the
 * query. Precedence, loosest first: `XOR`, `OR`, `AND`, `NOT`, comparisons
 * and `LIKE`, then `+ - .`, then `* / %`, then unary minus. Unlike the search
 * command, eval binds `AND` tighter than `OR`.
 */
export function parseEvalExpression(stream: TokenStream): EvalExpr {
  return new EvalParser(stream).parse(0)
}

class EvalParser {
  constructor(private readonly stream: TokenStream) {}

  parse(depth: number): EvalExpr {
    if (depth >= MAX_NESTING) {
      throw new SplParseFailure(
        `The eval expression is nested more than ${MAX_NESTING} deep: simplify it.`,
        this.stream.peek().start,
      )
    }
    return this.parseBinaryLevel(0, depth)
  }

  /** Parse one level of the binary precedence table; level 0 is loosest. */
  private parseBinaryLevel(level: number, depth: number): EvalExpr {
    if (level === NOT_LEVEL) return this.parseNot(depth)
    if (level === UNARY_LEVEL) return this.parseUnary(depth)

    let left = this.parseBinaryLevel(level + 1, depth)
    for (;;) {
      const token = this.stream.peek()
      const op = binaryOperator(token, level)
      if (op === null) return left

      this.stream.next()
      this.requireOperand(token)
      const right = this.parseBinaryLevel(level + 1, depth)
      left = { kind: 'binary', op, left, right, column: left.column }
    }
  }

  private parseNot(depth: number): EvalExpr {
    const token = this.stream.peek()
    if (!(token.type === 'word' && token.text === 'NOT')) {
      return this.parseBinaryLevel(NOT_LEVEL + 1, depth)
    }
    this.stream.next()
    this.requireOperand(token)
    const operand = this.parseNot(depth)
    return { kind: 'unary', op: 'NOT', operand, column: token.start + 1 }
  }

  private parseUnary(depth: number): EvalExpr {
    const token = this.stream.peek()
    if (!(token.type === 'op' && token.text === '-')) {
      return this.parsePrimary(depth)
    }
    this.stream.next()
    this.requireOperand(token)
    const operand = this.parseUnary(depth)
    return { kind: 'unary', op: '-', operand, column: token.start + 1 }
  }

  private requireOperand(operator: Token): void {
    const next = this.stream.peek()
    const startsOperand =
      next.type === 'number' ||
      next.type === 'string' ||
      next.type === 'field' ||
      next.type === '(' ||
      (next.type === 'op' && next.text === '-') ||
      (next.type === 'word' && (!KEYWORDS.has(next.text) || next.text === 'NOT'))
    if (!startsOperand) {
      throw new SplParseFailure(
        `'${operator.text}' needs an operand after it, but ${describeToken(next)} follows.`,
        next.start,
      )
    }
  }

  private parsePrimary(depth: number): EvalExpr {
    const token = this.stream.next()
    const column = token.start + 1
    switch (token.type) {
      case 'number':
        return { kind: 'number', value: Number(token.text), column }
      case 'string':
        return { kind: 'string', value: unescapeString(token.text), column }
      case 'field':
        return { kind: 'field', name: unescapeFieldName(token.text), column }
      case '(':
        return this.parseParenthesised(token, depth)
      case 'word':
        return this.parseWord(token, depth)
      default:
        throw new SplParseFailure(
          `An eval operand is missing before ${describeToken(token)}: write a field name, a "string", a number or a function call.`,
          token.start,
        )
    }
  }

  private parseParenthesised(open: Token, depth: number): EvalExpr {
    const expr = this.parse(depth + 1)
    if (!this.stream.at(')')) {
      throw new SplParseFailure(
        `This '(' is not closed before ${describeToken(this.stream.peek())}: add the matching ')'.`,
        open.start,
      )
    }
    this.stream.next()
    return expr
  }

  private parseWord(token: Token, depth: number): EvalExpr {
    if (KEYWORDS.has(token.text)) {
      throw new SplParseFailure(
        `'${token.text}' needs an operand before it: write a field, a "string" or a number first.`,
        token.start,
      )
    }
    if (!this.stream.at('(')) {
      return { kind: 'field', name: token.text, column: token.start + 1 }
    }
    return this.parseCall(token, depth)
  }

  private parseCall(nameToken: Token, depth: number): EvalExpr {
    const name = nameToken.text
    const arity = EVAL_FUNCTION_ARITY.get(name)
    if (arity === undefined) {
      const known = [...EVAL_FUNCTION_ARITY.keys()].join(', ')
      throw new SplParseFailure(
        `Unknown eval function '${name}': the engine runs ${known}.`,
        nameToken.start,
      )
    }

    const open = this.stream.next()
    const args: EvalExpr[] = []
    if (!this.stream.at(')')) {
      args.push(this.parse(depth + 1))
      while (this.stream.at(',')) {
        this.stream.next()
        args.push(this.parse(depth + 1))
      }
    }
    if (!this.stream.at(')')) {
      throw new SplParseFailure(
        `The call of '${name}' is not closed before ${describeToken(this.stream.peek())}: separate arguments with commas and add ')'.`,
        open.start,
      )
    }
    this.stream.next()
    checkArity(nameToken, args.length, arity)
    return { kind: 'call', name, args, column: nameToken.start + 1 }
  }
}

// Binary precedence levels, loosest first; NOT and unary minus sit between.
const BINARY_LEVELS: ReadonlyArray<ReadonlySet<string>> = [
  new Set(['XOR']),
  new Set(['OR']),
  new Set(['AND']),
]
const NOT_LEVEL = 3
const COMPARISON_LEVEL = 4
const ADDITIVE_LEVEL = 5
const MULTIPLICATIVE_LEVEL = 6
const UNARY_LEVEL = 7

function binaryOperator(token: Token, level: number): EvalBinaryOp | null {
  if (level < NOT_LEVEL) {
    const words = BINARY_LEVELS[level] as ReadonlySet<string>
    return token.type === 'word' && words.has(token.text)
      ? (token.text as EvalBinaryOp)
      : null
  }
  if (level === COMPARISON_LEVEL) {
    if (token.type === 'word' && token.text === 'LIKE') return 'LIKE'
    return token.type === 'op' && COMPARISONS.has(token.text)
      ? (token.text as EvalBinaryOp)
      : null
  }
  if (token.type !== 'op') return null
  if (level === ADDITIVE_LEVEL && '+-.'.includes(token.text)) {
    return token.text as EvalBinaryOp
  }
  if (level === MULTIPLICATIVE_LEVEL && '*/%'.includes(token.text)) {
    return token.text as EvalBinaryOp
  }
  return null
}

function checkArity(nameToken: Token, count: number, [min, max]: [number, number]): void {
  if (count >= min && count <= max) return

  const expected =
    min === max
      ? `${min}`
      : max === Infinity
        ? `at least ${min}`
        : `${min} to ${max}`
  throw new SplParseFailure(
    `The eval function '${nameToken.text}' takes ${expected} arguments, not ${count}.`,
    nameToken.start,
  )
}

/** Resolve `\\` and `\'` in a single-quoted field name. */
function unescapeFieldName(raw: string): string {
  return raw.replace(/\\([\\'])/g, '$1')
}
