import { RE2JS } from 're2js'

/** A compiled pattern, or why it cannot run on re2js. */
export type RegexCompileResult =
  | { ok: true; regex: RE2JS }
  | { ok: false; message: string; offset: number }

/**
 * Compile a PCRE pattern (as Splunk's regex, rex and match() take it) for
 * re2js, which runs in linear time. PCRE constructs that need backtracking
 * have no re2js equivalent; they are named in the error, because a rule
 * that uses one cannot be checked safely. `offset` is 0-based in `pattern`.
 */
export function compilePcre(pattern: string): RegexCompileResult {
  let compiled = compiledPatterns.get(pattern)
  if (compiled === undefined) {
    // Cleared when full rather than evicted one by one: the cache only has to
    // spare the second compile of a rule's query (dialect check, then cases).
    if (compiledPatterns.size >= MAX_CACHED_PATTERNS) compiledPatterns.clear()
    compiled = compileUncached(pattern)
    compiledPatterns.set(pattern, compiled)
  }
  return compiled
}

/** Compiled patterns by source text; a compiled re2js pattern keeps no match state, so queries may share it. */
const compiledPatterns = new Map<string, RegexCompileResult>()
const MAX_CACHED_PATTERNS = 4096

function compileUncached(pattern: string): RegexCompileResult {
  const unsupported = findUnsupportedConstruct(pattern)
  if (unsupported !== null) {
    return {
      ok: false,
      message: `The regular expression uses ${unsupported.construct}, which re2js cannot run, so this rule cannot be checked safely: rewrite the pattern without it.`,
      offset: unsupported.offset,
    }
  }

  try {
    return { ok: true, regex: RE2JS.compile(translatePcre(pattern)) }
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    return {
      ok: false,
      message: `The regular expression is not valid for re2js (${reason}), so this rule cannot be checked safely: fix the pattern.`,
      offset: 0,
    }
  }
}

interface Construct {
  construct: string
  offset: number
}

const GROUP_PREFIXES: ReadonlyArray<[string, string]> = [
  ['(?=', 'a lookahead (?=...)'],
  ['(?!', 'a negative lookahead (?!...)'],
  ['(?<=', 'a lookbehind (?<=...)'],
  ['(?<!', 'a negative lookbehind (?<!...)'],
  ['(?>', 'an atomic group (?>...)'],
  ['(?(', 'a conditional group (?(...)...)'],
  ['(?R)', 'a recursive pattern (?R)'],
  ['(?&', 'a subroutine call (?&name)'],
  ['(?P>', 'a subroutine call (?P>name)'],
  ['(?P=', 'a named backreference (?P=name)'],
  ['(?|', 'a branch reset group (?|...)'],
]

const ESCAPES: ReadonlyMap<string, string> = new Map([
  ['g', 'a backreference \\g'],
  ['k', 'a named backreference \\k'],
  ['K', 'a match reset \\K'],
  ['G', 'the \\G anchor'],
  ['R', 'the \\R newline class'],
  ['X', 'the \\X grapheme class'],
])

/**
 * Find the first PCRE construct that needs backtracking, outside character
 * classes. Possessive quantifiers are found after a quantifier; backreferences
 * are `\1` to `\9` (PCRE reads `\0` and three-digit forms as octal).
 */
function findUnsupportedConstruct(pattern: string): Construct | null {
  let inClass = false
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string
    if (c === '\\') {
      if (!inClass) {
        const found = unsupportedEscape(pattern, i)
        if (found !== null) return found
      }
      i++
      continue
    }
    if (inClass) {
      if (c === '[' && pattern[i + 1] === ':') {
        const close = pattern.indexOf(':]', i + 2)
        if (close >= 0) i = close + 1
      } else if (c === ']') {
        inClass = false
      }
      continue
    }
    if (c === '[') {
      inClass = true
      // A `]` right after `[` or `[^` is a literal member of the class.
      if (pattern[i + 1] === '^') i++
      if (pattern[i + 1] === ']') i++
      continue
    }
    if (c === '(') {
      const found = unsupportedGroup(pattern, i)
      if (found !== null) return found
      continue
    }
    if (isQuantifierEnd(pattern, i) && pattern[i + 1] === '+') {
      return { construct: `a possessive quantifier '${c}+'`, offset: i }
    }
  }
  return null
}

function unsupportedEscape(pattern: string, i: number): Construct | null {
  const next = pattern[i + 1] ?? ''
  if (/[1-9]/.test(next) && !/[0-7]{3}/.test(pattern.slice(i + 1, i + 4))) {
    return { construct: `a backreference '\\${next}'`, offset: i }
  }
  const name = ESCAPES.get(next)
  return name === undefined ? null : { construct: name, offset: i }
}

function unsupportedGroup(pattern: string, i: number): Construct | null {
  for (const [prefix, construct] of GROUP_PREFIXES) {
    if (pattern.startsWith(prefix, i)) return { construct, offset: i }
  }
  if (/^\(\?[+-]?\d/.test(pattern.slice(i, i + 4))) {
    return { construct: 'a subroutine call (?N)', offset: i }
  }
  return null
}

/** Return true when position `i` ends a quantifier (`*`, `+`, `?`, `{n,m}`). */
function isQuantifierEnd(pattern: string, i: number): boolean {
  const c = pattern[i]
  if (c === '*' || c === '?') return pattern[i - 1] !== '(' && pattern[i - 1] !== '\\'
  if (c === '+') return pattern[i - 1] !== '\\' && pattern[i - 1] !== '('
  if (c !== '}') return false

  const open = pattern.lastIndexOf('{', i)
  return open >= 0 && /^\{\d*(,\d*)?\}$/.test(pattern.slice(open, i + 1))
}

/**
 * Rewrite the PCRE escapes that re2js spells differently and that keep
 * their meaning when rewritten: `\Z` (end, or before a final newline) and
 * `\h`/`\H` (horizontal white space).
 */
function translatePcre(pattern: string): string {
  let out = ''
  let inClass = false
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string
    if (c === '\\' && i + 1 < pattern.length) {
      out += translateEscape(pattern[i + 1] as string, inClass)
      i++
      continue
    }
    if (c === '[' && !inClass) inClass = true
    else if (c === ']' && inClass) inClass = false
    out += c
  }
  return out
}

const HORIZONTAL_SPACE = '\\t \\x{A0}\\x{1680}\\x{180E}\\x{2000}-\\x{200A}\\x{202F}\\x{205F}\\x{3000}'

function translateEscape(next: string, inClass: boolean): string {
  if (next === 'Z' && !inClass) return '(?:\\n?\\z)'
  if (next === 'h') return inClass ? HORIZONTAL_SPACE : `[${HORIZONTAL_SPACE}]`
  if (next === 'H' && !inClass) return `[^${HORIZONTAL_SPACE}]`
  return `\\${next}`
}
