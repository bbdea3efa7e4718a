import type { PatternPart } from '../ir/expr.js'

/** A compiled whole-value pattern: text pieces between `*` and `?` wildcards. */
export type ValueMatcher = (value: string) => boolean

/**
 * Compile a Sigma string pattern into a whole-value matcher, folding case
 * unless `cased`. Plain text compiles to one comparison; wildcards use a
 * linear scan with single-star backtracking, so no value can make it slow.
 */
export function compileWildcard(parts: PatternPart[], cased: boolean): ValueMatcher {
  if (cased) return compileTokens(normalise(parts, (text) => text))
  const matches = compileLowerWildcard(parts)
  return (value) => matches(value.toLowerCase())
}

/**
 * Compile an uncased pattern into a matcher of values that the caller has
 * already lower-cased, so a value shared by many tests is folded once.
 */
export function compileLowerWildcard(parts: PatternPart[]): ValueMatcher {
  return compileTokens(normalise(parts, (text) => text.toLowerCase()))
}

/** Return the literal text of a pattern without wildcards, lower-cased, or undefined. */
export function lowerExactText(parts: PatternPart[]): string | undefined {
  const tokens = normalise(parts, (text) => text.toLowerCase())
  if (tokens.length === 0) return ''
  return tokens.length === 1 && typeof tokens[0] === 'string' ? tokens[0] : undefined
}

/** Match tokens that are already folded as the values will be. */
function compileTokens(tokens: Token[]): ValueMatcher {
  if (tokens.length === 0) return (value) => value === ''
  if (tokens.length === 1 && typeof tokens[0] === 'string') {
    const text = tokens[0]
    return (value) => value === text
  }
  const first = tokens[0]
  const last = tokens[tokens.length - 1]
  if (tokens.length === 3 && first === ANY && last === ANY && typeof tokens[1] === 'string') {
    const text = tokens[1]
    return (value) => value.includes(text)
  }
  if (tokens.length === 2 && first === ANY && typeof last === 'string') {
    return (value) => value.endsWith(last)
  }
  if (tokens.length === 2 && last === ANY && typeof first === 'string') {
    return (value) => value.startsWith(first)
  }
  return (value) => globMatch(tokens, value)
}

const ANY = 0
const ONE = 1
type Token = string | typeof ANY | typeof ONE

function normalise(parts: PatternPart[], fold: (text: string) => string): Token[] {
  const tokens: Token[] = []
  for (const part of parts) {
    const previous = tokens[tokens.length - 1]
    if (part.kind === 'any') {
      if (previous !== ANY) tokens.push(ANY)
    } else if (part.kind === 'one') tokens.push(ONE)
    else if (part.text === '') continue
    else if (typeof previous === 'string') tokens[tokens.length - 1] = previous + fold(part.text)
    else tokens.push(fold(part.text))
  }
  return tokens
}

/**
 * Match tokens against the whole value. On a mismatch after a `*`, retry
 * with the star swallowing one more character; earlier stars never need to
 * be revisited, which keeps the scan at O(value × pattern).
 */
function globMatch(tokens: Token[], value: string): boolean {
  let tokenIndex = 0
  let position = 0
  let starToken = -1
  let starPosition = 0

  while (position < value.length || tokenIndex < tokens.length) {
    const token = tokens[tokenIndex]
    if (token === ANY) {
      starToken = tokenIndex
      starPosition = position
      tokenIndex++
      continue
    }
    if (token === ONE && position < value.length) {
      const width = codePointWidth(value, position)
      tokenIndex++
      position += width
      continue
    }
    if (typeof token === 'string' && value.startsWith(token, position)) {
      tokenIndex++
      position += token.length
      continue
    }
    if (starToken < 0 || starPosition >= value.length) return false
    starPosition += codePointWidth(value, starPosition)
    position = starPosition
    tokenIndex = starToken + 1
  }
  return true
}

function codePointWidth(value: string, position: number): number {
  const code = value.codePointAt(position) ?? 0
  return code > 0xffff ? 2 : 1
}
