import type { PatternPart, RegexTest } from '../../ir/expr.js'

/**
 * Regular-expression sources in PCRE syntax, which RE2 also accepts, for
 * the tests that a search term cannot state exactly. The SPL string around
 * them is written by `spl-literal.ts`, which doubles every backslash again.
 */

const REGEX_METACHARACTER = /[\\^$.|?*+()[\]{}]/g

const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/g

const NAMED_ESCAPES: Record<string, string> = {
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
}

/** Escape literal text so a regex matches exactly that text. */
export function escapeRegexText(text: string): string {
  return text
    .replace(REGEX_METACHARACTER, (character) => '\\' + character)
    .replace(CONTROL_CHARACTER, escapeControlCharacter)
}

function escapeControlCharacter(character: string): string {
  const named = NAMED_ESCAPES[character]
  if (named !== undefined) return named

  const code = character.charCodeAt(0).toString(16).padStart(2, '0')
  return '\\x' + code
}

/**
 * Build an anchored regex for a whole-value string match: `*` becomes `.*`,
 * `?` becomes `.`, and `(?s)` lets both cross line breaks.
 */
export function buildExactRegex(
  parts: readonly PatternPart[],
  cased: boolean,
): string {
  const body = parts.map(partToRegex).join('')
  const caseFlag = cased ? '' : '(?i)'

  // NOTE: in PCRE a `$` also matches before a final line break, so a value
  // that ends in '\n' still matches a pattern without a trailing `*`. `\z`
  // would be exact, but JavaScript regexes do not support it.
  return caseFlag + '(?s)^' + body + '$'
}

function partToRegex(part: PatternPart): string {
  if (part.kind === 'any') return '.*'
  if (part.kind === 'one') return '.'
  return escapeRegexText(part.text)
}

/** Prefix a Sigma regex with its `i`, `m` and `s` flags as inline groups. */
export function withFlagPrefix(test: RegexTest): string {
  const prefix =
    (test.flags.i ? '(?i)' : '') +
    (test.flags.m ? '(?m)' : '') +
    (test.flags.s ? '(?s)' : '')
  return prefix + test.pattern
}
