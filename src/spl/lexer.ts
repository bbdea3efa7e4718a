/**
 * Tokenisers for the two sub-languages of SPL. Search syntax (the base search,
 * `search`, `regex`, `rex`) and eval syntax (`eval`, `where`) split text
 * differently, so each command's arguments are tokenised in its own mode,
 * from the command name up to the next unquoted pipe.
 */

export type TokenType =
  | 'word'
  | 'string'
  | 'field'
  | 'number'
  | 'macro'
  | 'op'
  | '('
  | ')'
  | ','
  | '['
  | ']'
  | '|'
  | 'eof'

/**
 * One token. `text` is the raw source text without surrounding quotes or
 * backticks; `start` is the 0-based offset of its first character.
 */
export interface Token {
  type: TokenType
  text: string
  start: number
}

/** A lexing or parsing failure at a 0-based offset; caught by `parseSpl`. */
export class SplParseFailure extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message)
  }
}

const SEARCH_PUNCTUATION = new Set(['(', ')', ',', '|', '[', ']'])
const EVAL_PUNCTUATION = new Set(['(', ')', ',', '|', '[', ']'])

/** Return true for characters that end an unquoted search word. */
function endsSearchWord(text: string, i: number): boolean {
  const c = text[i] as string
  if (/\s/.test(c)) return true
  if (SEARCH_PUNCTUATION.has(c)) return true
  if (c === '"' || c === '`' || c === '=' || c === '<' || c === '>') {
    return true
  }
  return c === '!' && text[i + 1] === '='
}

/**
 * Read a quoted string that opens at `start`. A backslash always takes the
 * next character with it, so `\"` does not close the string. The parser
 * resolves the escapes later, because their meaning depends on the command.
 */
function readQuoted(text: string, start: number, quote: string): Token {
  let i = start + 1
  while (i < text.length) {
    const c = text[i]
    if (c === '\\' && i + 1 < text.length) {
      i += 2
      continue
    }
    if (c === quote) {
      return { type: 'string', text: text.slice(start + 1, i), start }
    }
    i++
  }
  const kind = quote === '"' ? 'quoted string' : 'quoted field name'
  throw new SplParseFailure(
    `The ${kind} starting here is not closed: add the closing ${quote}. A backslash before ${quote} escapes it, so write a final backslash as '\\\\'.`,
    start,
  )
}

function skipSpace(text: string, i: number): number {
  while (i < text.length && /\s/.test(text[i] as string)) i++
  return i
}

/** Read one search-mode token at or after offset `from`. */
export function readSearchToken(text: string, from: number): Token {
  const start = skipSpace(text, from)
  if (start >= text.length) return { type: 'eof', text: '', start }

  const c = text[start] as string
  if (SEARCH_PUNCTUATION.has(c)) {
    return { type: c as TokenType, text: c, start }
  }
  if (c === '"') return readQuoted(text, start, '"')
  if (c === '`') return readMacro(text, start)

  const op = readComparisonOperator(text, start)
  if (op !== null) return { type: 'op', text: op, start }

  let i = start
  while (i < text.length && !endsSearchWord(text, i)) {
    i += text[i] === '\\' && i + 1 < text.length ? 2 : 1
  }
  return { type: 'word', text: text.slice(start, i), start }
}

function readMacro(text: string, start: number): Token {
  const end = text.indexOf('`', start + 1)
  if (end < 0) {
    throw new SplParseFailure(
      'The macro starting here is not closed: add the closing backtick.',
      start,
    )
  }
  return { type: 'macro', text: text.slice(start + 1, end), start }
}

function readComparisonOperator(text: string, i: number): string | null {
  const two = text.slice(i, i + 2)
  if (two === '!=' || two === '<=' || two === '>=' || two === '==') return two
  const one = text[i] as string
  return one === '=' || one === '<' || one === '>' ? one : null
}

// A number starts with a digit, so `"a".5` reads as a concatenation.
const EVAL_NUMBER = /^\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/
const EVAL_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*/

/** Read one eval-mode token at or after offset `from`. */
export function readEvalToken(text: string, from: number): Token {
  const start = skipSpace(text, from)
  if (start >= text.length) return { type: 'eof', text: '', start }

  const c = text[start] as string
  if (EVAL_PUNCTUATION.has(c)) return { type: c as TokenType, text: c, start }
  if (c === '"') return readQuoted(text, start, '"')
  if (c === "'") {
    return { ...readQuoted(text, start, "'"), type: 'field' }
  }

  const rest = text.slice(start, start + 64)
  const number = EVAL_NUMBER.exec(rest)
  if (number !== null) return { type: 'number', text: number[0], start }

  const identifier = EVAL_IDENTIFIER.exec(text.slice(start))
  if (identifier !== null) {
    return { type: 'word', text: identifier[0], start }
  }

  const op = readComparisonOperator(text, start)
  if (op !== null) return { type: 'op', text: op, start }
  if ('+-*/%.'.includes(c)) return { type: 'op', text: c, start }

  throw new SplParseFailure(
    `Unexpected character '${c}' in an eval expression: quote field names that contain it in single quotes and string values in double quotes.`,
    start,
  )
}

/**
 * Tokenise one command's arguments from `from` up to the next unquoted pipe
 * or the end of the text. The returned list ends with that `|` or `eof`.
 */
export function tokenizeStage(
  text: string,
  from: number,
  read: (text: string, from: number) => Token,
): Token[] {
  const tokens: Token[] = []
  let position = from
  for (;;) {
    const token = read(text, position)
    tokens.push(token)
    if (token.type === '|' || token.type === 'eof') return tokens
    position = nextOffset(text, token)
  }
}

/** Return the offset just past a token, including its quotes. */
function nextOffset(text: string, token: Token): number {
  const quoted =
    token.type === 'string' || token.type === 'field' || token.type === 'macro'
  const end = token.start + token.text.length + (quoted ? 2 : 0)
  return Math.min(end, text.length)
}
