import type {
  EvalAssignment,
  EvalStage,
  RegexStage,
  RexStage,
  SplQuery,
  SplStage,
  SplSyntaxError,
} from './ast.js'
import {
  readEvalToken,
  readSearchToken,
  SplParseFailure,
  tokenizeStage,
} from './lexer.js'
import type { Token } from './lexer.js'
import { parseEvalExpression } from './parse-eval.js'
import { parseSearchExpression } from './parse-search.js'
import { parseBin, parseSort, parseStats } from './parse-transform.js'
import { describeToken, TokenStream } from './token-stream.js'
import { unescapeString } from './unescape.js'

export type SplParseResult =
  | { ok: true; query: SplQuery }
  | { ok: false; error: SplSyntaxError }

const COMMANDS = ['search', 'where', 'eval', 'regex', 'rex', 'bin', 'stats', 'streamstats', 'eventstats', 'sort']

/**
 * Parse an SPL query: a base search followed by `| search`, `| where`,
 * `| eval`, `| regex`, `| rex`, `| bin`, `| stats`, `| streamstats` and
 * `| sort` commands. Invalid or unsupported SPL yields
 * an error with the 1-based column of the offending text.
 */
export function parseSpl(text: string): SplParseResult {
  try {
    return { ok: true, query: parseQuery(text) }
  } catch (error) {
    if (error instanceof SplParseFailure) {
      return {
        ok: false,
        error: { message: error.message, column: error.offset + 1 },
      }
    }
    throw error
  }
}

function parseQuery(text: string): SplQuery {
  const start = text.search(/\S/)
  if (start < 0) {
    throw new SplParseFailure(
      'The query is empty: write a base search such as source="..." EventCode=1.',
      0,
    )
  }
  if (text[start] === '|') {
    throw new SplParseFailure(
      "The query starts with '|' but a query must start with a base search: put the search terms (or '*') before the first command.",
      start,
    )
  }

  const stages: SplStage[] = []
  let tokens = tokenizeStage(text, start, readSearchToken)
  stages.push(parseBaseSearch(tokens))

  while (lastToken(tokens).type === '|') {
    const pipe = lastToken(tokens)
    const command = readCommandName(text, pipe.start + 1)
    const from = command.start + command.text.length
    const mode = command.text === 'eval' || command.text === 'where'
    tokens = tokenizeStage(text, from, mode ? readEvalToken : readSearchToken)
    stages.push(parseCommand(command, new TokenStream(tokens)))
  }
  return { kind: 'query', stages }
}

function lastToken(tokens: Token[]): Token {
  return tokens[tokens.length - 1] as Token
}

/** Parse the base search; a leading bare `search` is the command name. */
function parseBaseSearch(tokens: Token[]): SplStage {
  const stream = new TokenStream(tokens)
  const first = stream.peek()
  if (first.type === 'word' && first.text === 'search') stream.next()
  return {
    kind: 'search',
    expr: parseSearchExpression(stream),
    column: first.start + 1,
  }
}

function readCommandName(text: string, from: number): Token {
  const match = /^\s*([A-Za-z_][A-Za-z0-9_]*)/.exec(text.slice(from))
  if (match === null) {
    const offset = from + (/^\s*/.exec(text.slice(from))?.[0].length ?? 0)
    throw new SplParseFailure(
      "A command name must follow '|': write search, where, eval, regex, rex, bin, stats, streamstats, eventstats or sort, or remove the pipe.",
      Math.min(offset, text.length),
    )
  }

  const name = match[1] as string
  const start = from + match[0].length - name.length
  if (!COMMANDS.includes(name)) {
    throw new SplParseFailure(
      `Unknown or unsupported SPL command '${name}': the engine runs ${COMMANDS.join(', ')}.`,
      start,
    )
  }
  return { type: 'word', text: name, start }
}

function parseCommand(command: Token, stream: TokenStream): SplStage {
  const column = command.start + 1
  switch (command.text) {
    case 'search': {
      if (stream.atEnd()) {
        throw new SplParseFailure(
          "The search command needs a search expression: write terms after 'search' or remove the command.",
          stream.peek().start,
        )
      }
      return { kind: 'search', expr: parseSearchExpression(stream), column }
    }
    case 'where': {
      const expr = parseWholeEvalExpression(stream, 'where')
      return { kind: 'where', expr, column }
    }
    case 'eval':
      return parseEval(stream, column)
    case 'regex':
      return parseRegex(stream, column)
    case 'bin':
      return parseBin(stream, column)
    case 'stats':
    case 'streamstats':
    case 'eventstats':
      return parseStats(stream, command.text, column)
    case 'sort':
      return parseSort(stream, column)
    default:
      return parseRex(stream, column)
  }
}

function parseWholeEvalExpression(stream: TokenStream, command: string) {
  if (stream.atEnd()) {
    throw new SplParseFailure(
      `The ${command} command needs an expression after '${command}'.`,
      stream.peek().start,
    )
  }
  const expr = parseEvalExpression(stream)
  expectCommandEnd(stream, command)
  return expr
}

function expectCommandEnd(stream: TokenStream, command: string): void {
  if (stream.atEnd()) return
  throw new SplParseFailure(
    `Unexpected ${describeToken(stream.peek())} in the ${command} command: join expressions with an operator or start a new command with '|'.`,
    stream.peek().start,
  )
}

function parseEval(stream: TokenStream, column: number): EvalStage {
  const assignments: EvalAssignment[] = []
  do {
    if (assignments.length > 0) stream.next()
    assignments.push(parseAssignment(stream))
  } while (stream.at(','))

  expectCommandEnd(stream, 'eval')
  return { kind: 'eval', assignments, column }
}

function parseAssignment(stream: TokenStream): EvalAssignment {
  const target = stream.peek()
  const named =
    target.type === 'word' || target.type === 'field' || target.type === 'string'
  if (!named) {
    throw new SplParseFailure(
      `The eval command needs a field name before '=', but ${describeToken(target)} comes first: write eval name=expression.`,
      target.start,
    )
  }
  stream.next()

  if (!stream.at('op', '=')) {
    throw new SplParseFailure(
      `The eval command needs '=' after the field name '${target.text}': write eval ${target.text}=expression.`,
      stream.peek().start,
    )
  }
  stream.next()

  const expr = parseEvalExpression(stream)
  const field = target.type === 'word' ? target.text : unescapeString(target.text)
  return { field, expr, column: target.start + 1 }
}

function parseRegex(stream: TokenStream, column: number): RegexStage {
  const first = stream.peek()
  if (first.type === 'string' && stream.peek(1).type !== 'op') {
    stream.next()
    expectCommandEnd(stream, 'regex')
    return regexStage('_raw', false, first, column)
  }

  const field = readOptionField(stream, 'regex', 'regex Field="pattern"')
  const op = stream.peek()
  if (!(op.type === 'op' && (op.text === '=' || op.text === '!='))) {
    throw new SplParseFailure(
      `The regex command needs '=' or '!=' after the field name '${field}'.`,
      op.start,
    )
  }
  stream.next()

  const pattern = readQuotedPattern(stream, 'regex')
  expectCommandEnd(stream, 'regex')
  return regexStage(field, op.text === '!=', pattern, column)
}

function regexStage(
  field: string,
  negated: boolean,
  pattern: Token,
  column: number,
): RegexStage {
  return {
    kind: 'regex',
    field,
    negated,
    pattern: unescapeString(pattern.text),
    column,
    patternColumn: pattern.start + 1,
  }
}

function readOptionField(stream: TokenStream, command: string, example: string): string {
  const token = stream.peek()
  if (token.type !== 'word' && token.type !== 'string') {
    throw new SplParseFailure(
      `The ${command} command expects ${example}, but ${describeToken(token)} comes first.`,
      token.start,
    )
  }
  stream.next()
  return token.type === 'string' ? unescapeString(token.text) : token.text
}

function readQuotedPattern(stream: TokenStream, command: string): Token {
  const token = stream.peek()
  if (token.type !== 'string') {
    throw new SplParseFailure(
      `The ${command} command needs its regular expression in double quotes, but ${describeToken(token)} comes here.`,
      token.start,
    )
  }
  return stream.next()
}

/** Parse `rex [field=F] [max_match=1] "re"`. */
function parseRex(stream: TokenStream, column: number): RexStage {
  let field = '_raw'
  let pattern: Token | null = null

  while (!stream.atEnd()) {
    if (stream.at('string') && pattern === null) {
      pattern = stream.next()
      continue
    }
    const option = readOptionField(stream, 'rex', 'field=Field "pattern"')
    if (!stream.at('op', '=')) {
      throw new SplParseFailure(
        `Unexpected '${option}' in the rex command: write rex field=Field "pattern".`,
        stream.peek().start,
      )
    }
    stream.next()
    const value = readOptionValue(stream, option)
    if (option === 'field') field = value
  }

  if (pattern === null) {
    throw new SplParseFailure(
      'The rex command needs a regular expression in double quotes with a named group, such as "(?<name>...)".',
      stream.peek().start,
    )
  }
  return {
    kind: 'rex',
    field,
    pattern: unescapeString(pattern.text),
    column,
    patternColumn: pattern.start + 1,
  }
}

function readOptionValue(stream: TokenStream, option: string): string {
  const token = stream.peek()
  if (option !== 'field' && option !== 'max_match') {
    throw new SplParseFailure(
      `The rex option '${option}' is not supported: the engine runs rex field=Field "pattern".`,
      token.start,
    )
  }
  const value = readOptionField(stream, 'rex', `a value for ${option}=`)
  if (option === 'max_match' && value !== '1') {
    throw new SplParseFailure(
      `rex max_match=${value} is not supported: the engine extracts the first match only, so remove the option or set max_match=1.`,
      token.start,
    )
  }
  return value
}
