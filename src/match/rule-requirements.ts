import type { Expr, FieldExpr, PatternPart, ValueTest } from '../ir/expr.js'
import { GRAM } from './literal-scanner.js'

/**
 * One clause of a rule's necessary condition: on every event the rule
 * matches, at least one of the atoms holds. An empty clause never holds.
 */
export type Clause = readonly RequirementAtom[]

/** Stands for every field of the event, for Sigma keywords. */
export const ANY_FIELD = '\u0000any field'

/**
 * Some value of `field` (of any field for ANY_FIELD), lower-cased, contains
 * `needle`; an empty needle means the field has a value that is not null.
 */
export interface RequirementAtom {
  field: string
  needle: string
}

/** Exact values (lower-cased) that the routing field must have, or undefined. */
export type RouteKeys = ReadonlySet<string> | undefined

/**
 * Needles longer than this keep only their end: any window is still
 * necessary, keeps the automaton small, and the end of a path is its most
 * telling part.
 */
const MAX_NEEDLE = 12

/**
 * Derive the values the routing field must take for `expr` to match. An AND
 * needs any one child's values (all of them, intersected); an OR needs
 * values only when every child has some, and then their union.
 */
export function routeKeys(expr: Expr, field: string): RouteKeys {
  switch (expr.kind) {
    case 'const':
      return expr.value ? undefined : new Set()
    case 'field':
      return exactValue(expr, field)
    case 'and': {
      let keys: Set<string> | undefined
      for (const item of expr.items) {
        const child = routeKeys(item, field)
        if (child === undefined) continue
        keys = keys === undefined ? new Set(child) : new Set([...keys].filter((key) => child.has(key)))
      }
      return keys
    }
    case 'or': {
      const keys = new Set<string>()
      for (const item of expr.items) {
        const child = routeKeys(item, field)
        if (child === undefined) return undefined
        for (const key of child) keys.add(key)
      }
      return keys
    }
    default:
      return undefined
  }
}

/** The value of an uncased, wildcard-free string test on `field`. */
function exactValue(expr: FieldExpr, field: string): RouteKeys {
  const test = expr.test
  if (expr.field !== field || test.kind !== 'string' || test.cased) return undefined
  if (!test.parts.every((part) => part.kind === 'text')) return undefined
  return new Set([foldText(test.parts)])
}

function foldText(parts: PatternPart[]): string {
  return parts.map((part) => (part.kind === 'text' ? part.text.toLowerCase() : '')).join('')
}

/** Clauses kept per AND, most selective first: more cost time, fewer let events through. */
const MAX_CLAUSES = 4

/**
 * Derive a necessary condition in conjunctive form: every clause holds on
 * each event the rule matches. An AND keeps the most selective clauses of
 * its children; an OR has one clause, the union of each child's best, when
 * all children have one. Fields in `skip` (the routing field) give no
 * needles: the route already tests them exactly. An empty list means
 * nothing is known.
 */
export function requirementsOf(expr: Expr, skip: ReadonlySet<string>): Clause[] {
  switch (expr.kind) {
    case 'const':
      return expr.value ? [] : [[]]
    case 'field':
      return skip.has(expr.field) ? [] : stringClause(expr.field, expr.test)
    case 'keyword':
      return stringClause(ANY_FIELD, expr.test)
    case 'and':
      return strongestClauses(expr.items.flatMap((item) => requirementsOf(item, skip)))
    case 'or': {
      const atoms: RequirementAtom[] = []
      for (const item of expr.items) {
        const [best] = requirementsOf(item, skip)
        if (best === undefined) return []
        atoms.push(...best)
      }
      return [dedupe(atoms)]
    }
    default:
      return []
  }
}

/**
 * Keep the most selective clauses of an AND. A clause with a keyword
 * needle shorter than GRAM (such as `:`) goes unless it is the best one:
 * it holds on nearly every event, and scanning for it costs extra bitmap
 * tests on every character of every field.
 */
export function strongestClauses(clauses: Clause[]): Clause[] {
  const scores = new Map(clauses.map((clause) => [clause, selectivity(clause)]))
  const strongest = [...clauses].sort((a, b) => (scores.get(b) as number) - (scores.get(a) as number)).slice(0, MAX_CLAUSES)
  return strongest.filter((clause, rank) => rank === 0 || !hasShortKeyword(clause))
}

function hasShortKeyword(clause: Clause): boolean {
  return clause.some((atom) => atom.field === ANY_FIELD && atom.needle.length < GRAM)
}

/** An atom for a literal the value must contain, cut to its telling end; presence when empty. */
export function needleAtom(field: string, needle: string): RequirementAtom {
  return { field, needle: needle.slice(-MAX_NEEDLE) }
}

/** Merge the atoms of alternatives into one clause, without repeats. */
export function dedupe(atoms: RequirementAtom[]): RequirementAtom[] {
  const seen = new Set<string>()
  return atoms.filter(({ field, needle }) => {
    const key = `${field}\u0000${needle}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

/**
 * Score a clause: fewer and longer needles reject more events; presence
 * alone rejects least. A never-matching clause scores highest.
 */
function selectivity(clause: Clause): number {
  if (clause.length === 0) return Infinity
  const shortest = Math.min(...clause.map((atom) => atom.needle.length || 0.5))
  return Math.min(shortest, 8) / clause.length
}

/**
 * Take the longest literal run of an uncased string test. The matcher folds
 * each text run with toLowerCase and compares it to the folded value, so the
 * folded run (or any window of it) occurs in every value that matches.
 * Cased tests give none: lower-casing a value is not the same as
 * lower-casing its pieces (Greek final sigma), so no needle is safe there.
 */
function stringClause(field: string, test: ValueTest): Clause[] {
  if (test.kind === 'null' || (test.kind === 'exists' && !test.exists)) return []
  // Every other test fails on an absent or null field, so presence is needed.
  const present = field === ANY_FIELD ? [] : [[{ field, needle: '' }]]
  if (test.kind === 'regex') {
    const needle = regexLiteral(test.pattern)
    return needle === '' ? present : [[{ field, needle: needle.slice(-MAX_NEEDLE) }]]
  }
  if (test.kind !== 'string' || test.cased) return present
  let longest = ''
  let current = ''
  for (const part of test.parts) {
    if (part.kind === 'text') current += part.text.toLowerCase()
    else current = ''
    if (current.length > longest.length) longest = current
  }
  if (longest === '') return present
  return [[{ field, needle: longest.slice(-MAX_NEEDLE) }]]
}

/**
 * Find the longest literal run at the top level of a regular expression
 * (outside groups and classes), lower-cased, or '' when there is none or
 * the pattern has a top-level alternation. Only ASCII letters, digits and
 * escaped or plain punctuation count. The letter s is left out because
 * case-insensitive matching also folds U+017F (long s) to it, which
 * lower-casing the value does not.
 */
export function regexLiteral(pattern: string): string {
  let longest = ''
  let run = ''
  const end = (): void => {
    if (run.length > longest.length) longest = run
    run = ''
  }
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i] as string
    let literal: string | undefined
    if (char === '|') return ''
    if (char === '\\') {
      const next = pattern[++i] ?? ''
      if (/^[!-/:-@[-`{-~ ]$/.test(next)) literal = next
      else if (/^[0-9xuopPkgcN]$/.test(next)) i = skipEscapeArgument(pattern, i)
    } else if (char === '(' || char === '[') {
      const close = skipGroup(pattern, i)
      if (close < 0) return ''
      i = close
    } else if (char === '{') {
      // A repeat count such as {2,5}: its digits are not literal text.
      const close = pattern.indexOf('}', i)
      i = close < 0 ? pattern.length : close
    } else if (/^[A-Za-z0-9 !"#%&',\-/:;<=>@_`~]$/.test(char)) literal = char.toLowerCase()

    const quantifier = pattern[i + 1]
    if (literal === undefined || literal === 's' || quantifier === '?' || quantifier === '*' || quantifier === '{') end()
    else {
      run += literal
      if (quantifier === '+') end()
    }
  }
  end()
  return longest
}

/** Return the index of the bracket that closes the group or class at `start`, or -1. */
function skipGroup(pattern: string, start: number): number {
  let depth = 0
  for (let i = start; i < pattern.length; i++) {
    const char = pattern[i]
    if (char === '\\') i++
    else if (char === '[') {
      i++
      if (pattern[i] === '^') i++
      if (pattern[i] === ']') i++
      while (i < pattern.length && pattern[i] !== ']') i += pattern[i] === '\\' ? 2 : 1
      if (depth === 0) return i < pattern.length ? i : -1
    } else if (char === '(') depth++
    else if (char === ')' && --depth === 0) return i
  }
  return -1
}

/**
 * Skip what follows an escape that takes an argument (\x41, \u{...},
 * \p{L}, \k<name>, \cA, octal digits), so its characters are not read as
 * literal text; returns the index of the argument's last character.
 */
function skipEscapeArgument(pattern: string, at: number): number {
  const opener = pattern[at + 1]
  const closers: Record<string, string> = { '{': '}', '<': '>', "'": "'" }
  const closer = opener === undefined ? undefined : closers[opener]
  if (closer !== undefined) {
    const close = pattern.indexOf(closer, at + 2)
    return close < 0 ? pattern.length : close
  }
  let i = at + 1
  while (i < pattern.length && /^[0-9A-Za-z]$/.test(pattern[i] as string)) i++
  return i - 1
}
