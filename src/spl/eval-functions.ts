import type { RE2JS } from 're2js'

import type { EvalCall, EvalExpr } from './ast.js'
import { parseNetwork } from './cidr.js'
import { SplCompileFailure } from './compile-failure.js'
import type { EventContext } from './event-context.js'
import { allTexts, asNumber, asText } from './eval-value.js'
import type { EvalValue } from './eval-value.js'
import { likeMatcher } from './like.js'
import { compilePcre } from './regex.js'
import { formatTime, parseTime, tokenizeFormat } from './time-format.js'

type Evaluator = (context: EventContext) => EvalValue
type Compile = (expr: EvalExpr) => Evaluator
type Builder = (call: EvalCall, args: Evaluator[]) => Evaluator

/** Compile a call of an eval function; the parser has checked name and arity. */
export function buildEvalFunction(call: EvalCall, compile: Compile): Evaluator {
  const build = BUILDERS[call.name]
  if (build === undefined) {
    throw new SplCompileFailure(`Unknown eval function '${call.name}'.`, call.column)
  }
  return build(call, call.args.map(compile))
}

/** Compile a regular expression argument, failing at its column. */
export function compileRegexArgument(pattern: string, column: number): RE2JS {
  const compiled = compilePcre(pattern)
  if (!compiled.ok) throw new SplCompileFailure(compiled.message, column)
  return compiled.regex
}

const isTrue = (value: EvalValue): boolean => value === true

/** Apply `map` to each value's text; null stays null. */
function mapTexts(value: EvalValue, map: (text: string) => string): EvalValue {
  if (Array.isArray(value)) return value.map(map)
  const text = asText(value)
  return text === null ? null : map(text)
}

const BUILDERS: Record<string, Builder> = {
  if: (_call, [condition, then, otherwise]) => {
    const c = condition as Evaluator
    const a = then as Evaluator
    const b = otherwise as Evaluator
    return (context) => (isTrue(c(context)) ? a(context) : b(context))
  },

  case: (call, args) => {
    if (args.length % 2 !== 0) {
      throw new SplCompileFailure(
        "case() takes condition, value pairs: add the missing value or use true() as the last condition.",
        call.column,
      )
    }
    return (context) => {
      for (let i = 0; i < args.length; i += 2) {
        if (isTrue((args[i] as Evaluator)(context))) {
          return (args[i + 1] as Evaluator)(context)
        }
      }
      return null
    }
  },

  coalesce: (_call, args) => (context) => {
    for (const arg of args) {
      const value = arg(context)
      if (value !== null) return value
    }
    return null
  },

  isnull: (_call, [arg]) => (context) => (arg as Evaluator)(context) === null,
  isnotnull: (_call, [arg]) => (context) => (arg as Evaluator)(context) !== null,
  isnum: (_call, [arg]) => (context) => asNumber((arg as Evaluator)(context)) !== null,
  isstr: (_call, [arg]) => (context) => {
    const value = (arg as Evaluator)(context)
    return typeof value === 'string' && asNumber(value) === null
  },

  null: () => () => null,
  true: () => () => true,
  false: () => () => false,

  in: (_call, [subject, ...candidates]) => (context) => {
    const texts = allTexts((subject as Evaluator)(context))
    return candidates.some((candidate) => {
      const text = asText(candidate(context))
      return text !== null && texts.includes(text)
    })
  },

  match: buildMatch,
  like: buildLike,
  replace: buildReplace,
  cidrmatch: buildCidrMatch,

  lower: (_call, [arg]) => (context) =>
    mapTexts((arg as Evaluator)(context), (s) => s.toLowerCase()),
  upper: (_call, [arg]) => (context) =>
    mapTexts((arg as Evaluator)(context), (s) => s.toUpperCase()),
  trim: (_call, args) => buildTrim(args, true, true),
  ltrim: (_call, args) => buildTrim(args, true, false),
  rtrim: (_call, args) => buildTrim(args, false, true),

  len: (_call, [arg]) => (context) => {
    const text = asText((arg as Evaluator)(context))
    return text === null ? null : [...text].length
  },

  substr: (_call, [subject, start, length]) => (context) => {
    const text = asText((subject as Evaluator)(context))
    const from = asNumber((start as Evaluator)(context))
    const count = length === undefined ? null : asNumber(length(context))
    if (text === null || from === null) return null
    if (length !== undefined && count === null) return null
    return substring(text, from, count)
  },

  split: (_call, [subject, delimiter]) => (context) => {
    const text = asText((subject as Evaluator)(context))
    const separator = asText((delimiter as Evaluator)(context))
    if (text === null || separator === null) return null
    const parts = separator === '' ? [...text] : text.split(separator)
    return parts.length === 1 ? (parts[0] as string) : parts
  },

  mvjoin: (_call, [values, delimiter]) => (context) => {
    const value = (values as Evaluator)(context)
    const separator = asText((delimiter as Evaluator)(context))
    if (value === null || separator === null) return null
    return allTexts(value).join(separator)
  },

  tonumber: (_call, [arg, base]) => (context) => {
    const value = (arg as Evaluator)(context)
    const radix = base === undefined ? 10 : asNumber(base(context))
    return toNumber(value, radix)
  },

  tostring: (_call, [arg]) => (context) => {
    const value = (arg as Evaluator)(context)
    if (typeof value === 'boolean') return String(value)
    return asText(value)
  },

  strptime: (call, [subject, format]) => buildTimeFunction(call, subject as Evaluator, format as Evaluator, (value, tokens) => {
    const text = asText(value)
    return text === null ? null : parseTime(text, tokens)
  }),

  strftime: (call, [subject, format]) => buildTimeFunction(call, subject as Evaluator, format as Evaluator, (value, tokens) => {
    const seconds = asNumber(value)
    return seconds === null ? null : formatTime(seconds, tokens)
  }),

  abs: (_call, [arg]) => (context) => {
    const n = asNumber((arg as Evaluator)(context))
    return n === null ? null : Math.abs(n)
  },
}

type FormatTokens = Exclude<ReturnType<typeof tokenizeFormat>, { unsupported: string }>

/**
 * Build `strptime` or `strftime`. A literal format is checked once, and an
 * unsupported directive in it fails the query; a computed one that is
 * unsupported gives null.
 */
function buildTimeFunction(call: EvalCall, subject: Evaluator, format: Evaluator, apply: (value: EvalValue, tokens: FormatTokens) => EvalValue): Evaluator {
  const formatArg = call.args[1] as EvalExpr
  if (formatArg.kind === 'string') {
    const tokens = tokenizeFormat(formatArg.value)
    if ('unsupported' in tokens) {
      throw new SplCompileFailure(`${call.name}() format directive '${tokens.unsupported}' is not supported by this engine. Use %Y, %m, %d, %H, %M, %S, %3N or %V.`, formatArg.column)
    }
    return (context) => apply(subject(context), tokens)
  }
  return (context) => {
    const text = asText(format(context))
    const tokens = text === null ? undefined : tokenizeFormat(text)
    if (tokens === undefined || 'unsupported' in tokens) return null
    return apply(subject(context), tokens)
  }
}

/**
 * `match(s, re)`: true when the PCRE finds a match anywhere in `s`, null
 * when `s` is null. A literal pattern is compiled once; a computed one on
 * each call, and a computed pattern re2js cannot run gives null.
 */
function buildMatch(call: EvalCall, [subject, pattern]: Evaluator[]): Evaluator {
  const s = subject as Evaluator
  const regexArg = call.args[1] as EvalExpr
  if (regexArg.kind === 'string') {
    const regex = compileRegexArgument(regexArg.value, regexArg.column)
    return (context) => {
      const value = s(context)
      if (value === null) return null
      return allTexts(value).some((text) => regex.test(text))
    }
  }
  return (context) => {
    const value = s(context)
    const regex = dynamicRegex((pattern as Evaluator)(context))
    if (value === null || regex === null) return null
    return allTexts(value).some((text) => regex.test(text))
  }
}

function dynamicRegex(pattern: EvalValue): RE2JS | null {
  const text = asText(pattern)
  if (text === null) return null
  const compiled = compilePcre(text)
  return compiled.ok ? compiled.regex : null
}

function buildLike(call: EvalCall, [subject, pattern]: Evaluator[]): Evaluator {
  const s = subject as Evaluator
  const patternArg = call.args[1] as EvalExpr
  if (patternArg.kind === 'string') {
    const matches = likeMatcher(patternArg.value)
    return (context) => {
      const value = s(context)
      return value === null ? null : allTexts(value).some(matches)
    }
  }
  return (context) => {
    const value = s(context)
    const text = asText((pattern as Evaluator)(context))
    if (value === null || text === null) return null
    return allTexts(value).some(likeMatcher(text))
  }
}

/**
 * `replace(s, re, replacement)`: replaces every match; `\1` to `\9` in the
 * replacement insert the groups, as in Splunk.
 */
function buildReplace(call: EvalCall, [subject, , replacement]: Evaluator[]): Evaluator {
  const regexArg = call.args[1] as EvalExpr
  if (regexArg.kind !== 'string') {
    throw new SplCompileFailure(
      'replace() needs its regular expression as a "string" literal.',
      regexArg.column,
    )
  }
  const regex = compileRegexArgument(regexArg.value, regexArg.column)
  return (context) => {
    const text = asText((subject as Evaluator)(context))
    const template = asText((replacement as Evaluator)(context))
    if (text === null || template === null) return null
    return replaceAll(regex, text, template)
  }
}

function replaceAll(regex: RE2JS, text: string, template: string): string {
  const matcher = regex.matcher(text)
  let out = ''
  let last = 0
  while (matcher.find()) {
    out += text.slice(last, matcher.start())
    out += template.replace(/\\(\d)/g, (_whole, digit: string) => {
      const index = Number(digit)
      return index <= matcher.groupCount() ? (matcher.group(index) ?? '') : ''
    })
    last = matcher.end()
  }
  return out + text.slice(last)
}

function buildCidrMatch(call: EvalCall, [network, address]: Evaluator[]): Evaluator {
  const networkArg = call.args[0] as EvalExpr
  const fixed = networkArg.kind === 'string' ? parseNetwork(networkArg.value) : null
  if (networkArg.kind === 'string' && fixed === null) {
    throw new SplCompileFailure(
      `cidrmatch() needs a network such as "10.0.0.0/8", not '${networkArg.value}'.`,
      networkArg.column,
    )
  }
  return (context) => {
    const test = fixed ?? dynamicNetwork((network as Evaluator)(context))
    const value = (address as Evaluator)(context)
    if (test === null || value === null) return false
    return allTexts(value).some(test)
  }
}

function dynamicNetwork(value: EvalValue): ((ip: string) => boolean) | null {
  const text = asText(value)
  return text === null ? null : parseNetwork(text)
}

function buildTrim(args: Evaluator[], left: boolean, right: boolean): Evaluator {
  const [subject, characters] = args
  return (context) => {
    const text = asText((subject as Evaluator)(context))
    const set = characters === undefined ? ' \t' : asText(characters(context))
    if (text === null || set === null) return null
    return trimCharacters(text, set, left, right)
  }
}

function trimCharacters(text: string, set: string, left: boolean, right: boolean): string {
  let start = 0
  let end = text.length
  while (left && start < end && set.includes(text[start] as string)) start++
  while (right && end > start && set.includes(text[end - 1] as string)) end--
  return text.slice(start, end)
}

/**
 * Take `count` characters from the 1-based position `from`; a negative
 * `from` counts from the end.
 */
function substring(text: string, from: number, count: number | null): string {
  const characters = [...text]
  let begin = 0
  if (from > 0) begin = from - 1
  if (from < 0) begin = Math.max(0, characters.length + from)
  const end = count === null ? characters.length : begin + Math.max(0, count)
  return characters.slice(begin, end).join('')
}

const DIGITS = '0123456789abcdefghijklmnopqrstuvwxyz'

/** Convert to a number; with a base from 2 to 36 the text must be an integer. */
function toNumber(value: EvalValue, radix: number | null): EvalValue {
  if (typeof value === 'number') return value
  const text = asText(value)
  if (text === null || radix === null) return null
  if (radix === 10) return asNumber(text)
  if (!Number.isInteger(radix) || radix < 2 || radix > 36) return null

  let digits = text.trim().toLowerCase()
  const negative = digits.startsWith('-')
  if (negative || digits.startsWith('+')) digits = digits.slice(1)
  if (radix === 16 && digits.startsWith('0x')) digits = digits.slice(2)
  const allowed = DIGITS.slice(0, radix)
  if (digits === '' || [...digits].some((d) => !allowed.includes(d))) return null

  const n = parseInt(digits, radix)
  return negative ? -n : n
}
