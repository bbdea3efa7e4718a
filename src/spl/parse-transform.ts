import type { AggregateFunction, Aggregation, BinStage, SortStage, StatsStage } from './ast.js'
import { SplParseFailure } from './lexer.js'
import type { Token } from './lexer.js'
import { describeToken, TokenStream } from './token-stream.js'
import { unescapeString } from './unescape.js'

const AGGREGATE_FUNCTIONS: readonly AggregateFunction[] = ['count', 'dc', 'sum', 'avg', 'min', 'max']
const SPAN = /^([1-9][0-9]*)(s|m|h|d)$/
const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 }

/** Parse `bin F span=<n><s|m|h|d>`, in either order. */
export function parseBin(stream: TokenStream, column: number): BinStage {
  let field: string | undefined
  let span: number | undefined
  while (!stream.atEnd()) {
    const token = stream.peek()
    if (token.type === 'word' && token.text === 'span' && stream.peek(1).type === 'op') {
      stream.next()
      expectEquals(stream, 'bin', 'span')
      span = readSpan(stream.next())
    } else if (field === undefined) {
      field = readFieldName(stream, 'bin', 'bin _time span=5m')
    } else {
      throw new SplParseFailure(`Unexpected ${describeToken(token)} in the bin command: write bin _time span=5m.`, token.start)
    }
  }
  if (field === undefined || span === undefined) {
    throw new SplParseFailure('The bin command needs a field and a span: write bin _time span=5m.', stream.peek().start)
  }
  return { kind: 'bin', field, span, column }
}

function readSpan(token: Token): number {
  const match = token.type === 'word' ? SPAN.exec(token.text) : null
  if (match === null) {
    throw new SplParseFailure(`The bin span ${describeToken(token)} is not supported: write a whole number followed by s, m, h or d, such as span=5m.`, token.start)
  }
  return Number(match[1]) * (UNIT_SECONDS[match[2] as string] as number)
}

/** Parse `stats`, `streamstats` or `eventstats`: aggregations, then an optional `by` list. */
export function parseStats(stream: TokenStream, kind: StatsStage['kind'], column: number): StatsStage {
  const aggregations: Aggregation[] = []
  while (!stream.atEnd() && !atWord(stream, 'by')) {
    if (aggregations.length > 0 && stream.at(',')) stream.next()
    aggregations.push(parseAggregation(stream, kind))
  }
  if (aggregations.length === 0) {
    throw new SplParseFailure(`The ${kind} command needs an aggregation such as count or dc(Field).`, stream.peek().start)
  }

  const by: string[] = []
  if (atWord(stream, 'by')) {
    stream.next()
    while (!stream.atEnd()) {
      if (by.length > 0 && stream.at(',')) stream.next()
      by.push(readFieldName(stream, kind, `${kind} count by Field`))
    }
    if (by.length === 0) throw new SplParseFailure(`'by' in the ${kind} command needs at least one field name.`, stream.peek().start)
  }
  return { kind, aggregations, by, column }
}

function parseAggregation(stream: TokenStream, kind: string): Aggregation {
  const token = stream.next()
  const name = token.type === 'word' ? token.text : ''
  if (!(AGGREGATE_FUNCTIONS as readonly string[]).includes(name)) {
    throw new SplParseFailure(`Unknown or unsupported ${kind} function ${describeToken(token)}: the engine runs ${AGGREGATE_FUNCTIONS.join(', ')}.`, token.start)
  }
  const fn = name as AggregateFunction

  let field: string | undefined
  if (stream.at('(')) {
    stream.next()
    field = readFieldName(stream, kind, `${fn}(Field)`)
    stream.expect(')', `Close the argument of ${fn}( with ')'.`)
  } else if (fn !== 'count') {
    throw new SplParseFailure(`The ${kind} function ${fn} needs a field in parentheses, such as ${fn}(Field).`, stream.peek().start)
  }

  let output = field === undefined ? fn : `${fn}(${field})`
  if (atWord(stream, 'as') || atWord(stream, 'AS')) {
    stream.next()
    output = readFieldName(stream, kind, `${fn} as name`)
  }
  return { function: fn, ...(field === undefined ? {} : { field }), name: output, column: token.start + 1 }
}

/** Parse `sort [0] [+|-]F ...`; the limit must be 0 (no limit). */
export function parseSort(stream: TokenStream, column: number): SortStage {
  const first = stream.peek()
  if (first.type === 'word' && /^[0-9]+$/.test(first.text)) {
    if (first.text !== '0') {
      throw new SplParseFailure(`sort ${first.text} keeps only the first ${first.text} results, which the engine does not model: write sort 0 to sort every result.`, first.start)
    }
    stream.next()
  }

  const keys: SortStage['keys'] = []
  while (!stream.atEnd()) {
    if (keys.length > 0 && stream.at(',')) stream.next()
    const token = stream.peek()
    if (token.type === 'word' && (token.text.startsWith('-') || token.text.startsWith('+')) && token.text.length > 1) {
      stream.next()
      keys.push({ field: token.text.slice(1), descending: token.text.startsWith('-') })
    } else keys.push({ field: readFieldName(stream, 'sort', 'sort 0 _time'), descending: false })
  }
  if (keys.length === 0) throw new SplParseFailure('The sort command needs a field to sort by: write sort 0 _time.', stream.peek().start)
  return { kind: 'sort', keys, column }
}

function atWord(stream: TokenStream, word: string): boolean {
  return stream.at('word', word)
}

function expectEquals(stream: TokenStream, command: string, option: string): void {
  if (!stream.at('op', '=')) {
    throw new SplParseFailure(`The ${command} option '${option}' needs '=' and a value, as in ${option}=5m.`, stream.peek().start)
  }
  stream.next()
}

function readFieldName(stream: TokenStream, command: string, example: string): string {
  const token = stream.peek()
  if (token.type === 'word' && !['by', 'as', 'AS', 'BY'].includes(token.text)) return stream.next().text
  if (token.type === 'string') return unescapeString(stream.next().text)
  throw new SplParseFailure(`The ${command} command expects a field name here (${example}), but ${describeToken(token)} comes here.`, token.start)
}
