import { SplParseFailure } from './lexer.js'
import type { Token, TokenType } from './lexer.js'

/** A cursor over one command's tokens; the last token is `|` or `eof`. */
export class TokenStream {
  private index = 0

  constructor(private readonly tokens: Token[]) {}

  peek(ahead = 0): Token {
    const last = this.tokens[this.tokens.length - 1] as Token
    return this.tokens[this.index + ahead] ?? last
  }

  next(): Token {
    const token = this.peek()
    if (this.index < this.tokens.length - 1) this.index++
    return token
  }

  /** Return true when the next token has `type` (and `text`, if given). */
  at(type: TokenType, text?: string): boolean {
    const token = this.peek()
    return token.type === type && (text === undefined || token.text === text)
  }

  /** Return true at the `|` or end that closes the command. */
  atEnd(): boolean {
    return this.at('|') || this.at('eof')
  }

  /** Consume a token of `type` or fail with `message` at the current token. */
  expect(type: TokenType, message: string): Token {
    if (!this.at(type)) throw new SplParseFailure(message, this.peek().start)
    return this.next()
  }
}

/** Describe a token for an error message, e.g. `'OR'` or `the end of the query`. */
export function describeToken(token: Token): string {
  if (token.type === 'eof') return 'the end of the query'
  if (token.type === '|') return "the pipe '|'"
  if (token.type === 'string') return `"${token.text}"`
  return `'${token.text}'`
}
