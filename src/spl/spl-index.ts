import type { SplEvent } from './event-context.js'
import { buildCandidateFilter } from '../match/candidate-filter.js'
import { ANY_FIELD, dedupe, needleAtom, regexLiteral, strongestClauses, type Clause, type RequirementAtom } from '../match/rule-requirements.js'
import type { SearchExpr, SearchValue, SplQuery } from './ast.js'
import { parseNetwork } from './cidr.js'
import { compileSpl } from './compile-spl.js'

/** A query to index: its id (reported back) and its parsed SPL. */
export interface IndexedQuery {
  id: string
  query: SplQuery
}

export interface SplIndexOptions {
  /** Route on the exact values of this field; default `EventCode`. */
  routeField?: string
  /** Route by the field's value; default true. */
  routing?: boolean
  /** Skip queries whose required literals are absent; default true. */
  prefilter?: boolean
}

/** Many SPL queries compiled together, so each event runs only the queries it can match. */
export interface SplIndex {
  /** Ids of the queries whose route admits `event`, in input order. */
  candidates(event: SplEvent): string[]
  /** Ids of the queries that keep `event`, in input order. */
  matchAll(event: SplEvent): string[]
  /** Queries that failed to compile, with the reason; they never match. */
  failures: { id: string; message: string }[]
}

interface Entry {
  id: string
  predicate: (event: SplEvent) => boolean
}

/**
 * Compile queries into an index routed by the route field's values. The
 * values come from each query's own search terms (not from the rule it was
 * printed from), so the index stays an independent check of the SPL text.
 */
export function buildSplIndex(queries: readonly IndexedQuery[], options: SplIndexOptions = {}): SplIndex {
  const field = options.routeField ?? 'EventCode'
  const skip = new Set([field])
  const failures: { id: string; message: string }[] = []
  const entries: Entry[] = []
  const specs = queries.flatMap(({ id, query }) => {
    const compiled = compileSpl(query)
    if (!compiled.ok) {
      failures.push({ id, message: compiled.error.message })
      return []
    }
    entries.push({ id, predicate: compiled.predicate })
    const keys = options.routing === false ? undefined : splRouteKeys(query, field)
    return [{ keys, clauses: options.prefilter === false ? [] : splRequirements(query, skip) }]
  })
  const filter = buildCandidateFilter(specs, field)

  return {
    failures,
    candidates: (event) => filter(event).map((position) => (entries[position] as Entry).id),
    matchAll: (event) => {
      const ids: string[] = []
      for (const position of filter(event)) {
        const entry = entries[position] as Entry
        if (entry.predicate(event)) ids.push(entry.id)
      }
      return ids
    },
  }
}

/**
 * Derive the values (lower-cased) that `field` must have for the query to
 * keep an event, from the search stages that run before any command that
 * sets fields, or undefined when the query does not pin the field.
 */
export function splRouteKeys(query: SplQuery, field: string): ReadonlySet<string> | undefined {
  let keys: ReadonlySet<string> | undefined
  for (const stage of query.stages) {
    if (stage.kind !== 'search') break
    keys = intersect(keys, searchKeys(stage.expr, field))
  }
  return keys
}

function searchKeys(expr: SearchExpr, field: string): ReadonlySet<string> | undefined {
  switch (expr.kind) {
    case 'and': {
      let keys: ReadonlySet<string> | undefined
      for (const item of expr.items) keys = intersect(keys, searchKeys(item, field))
      return keys
    }
    case 'or': {
      const keys = new Set<string>()
      for (const item of expr.items) {
        const child = searchKeys(item, field)
        if (child === undefined) return undefined
        for (const key of child) keys.add(key)
      }
      return keys
    }
    case 'term':
      return expr.field === field && expr.op === '=' ? exactKeys([expr.value]) : undefined
    case 'in':
      return expr.field === field ? exactKeys(expr.values) : undefined
    default:
      return undefined
  }
}

/**
 * The lower-cased texts of values without wildcards that are not networks,
 * which a search term compares whole; undefined when any value is not one.
 */
function exactKeys(values: SearchValue[]): ReadonlySet<string> | undefined {
  const keys = new Set<string>()
  for (const value of values) {
    const [only, ...rest] = value.parts
    let text: string | undefined
    if (only === undefined) text = ''
    else if (only.kind === 'text' && rest.length === 0) text = only.text
    if (text === undefined || parseNetwork(text) !== null) return undefined
    keys.add(text.toLowerCase())
  }
  return keys
}

function intersect(a: ReadonlySet<string> | undefined, b: ReadonlySet<string> | undefined): ReadonlySet<string> | undefined {
  if (a === undefined) return b
  if (b === undefined) return a
  return new Set([...a].filter((key) => b.has(key)))
}

/**
 * Fields of the deployment scope: the engine takes a test of one as true
 * when the event lacks the field, so presence is not needed there.
 */
const SCOPE_FIELDS = new Set(['index', 'source', 'sourcetype'])

/**
 * Derive clauses that hold on every event the query keeps, from the search
 * stages before any command that sets fields: presence of each tested
 * field and the longest literal piece of each value, lower-cased piece by
 * piece as the engine folds them.
 */
export function splRequirements(query: SplQuery, skip: ReadonlySet<string>): Clause[] {
  const clauses: Clause[] = []
  for (const stage of query.stages) {
    if (stage.kind === 'eval' || stage.kind === 'rex') break
    if (stage.kind === 'search') clauses.push(...searchClauses(stage.expr, skip))
    if (stage.kind === 'regex' && !stage.negated && stage.field !== '_raw' && !SCOPE_FIELDS.has(stage.field)) {
      clauses.push([needleAtom(stage.field, regexLiteral(stage.pattern))])
    }
  }
  return strongestClauses(clauses)
}

function searchClauses(expr: SearchExpr, skip: ReadonlySet<string>): Clause[] {
  switch (expr.kind) {
    case 'and':
      return strongestClauses(expr.items.flatMap((item) => searchClauses(item, skip)))
    case 'or': {
      const atoms: RequirementAtom[] = []
      for (const item of expr.items) {
        const [best] = searchClauses(item, skip)
        if (best === undefined) return []
        atoms.push(...best)
      }
      return [dedupe(atoms)]
    }
    case 'term':
    case 'in':
    case 'compare': {
      if (SCOPE_FIELDS.has(expr.field) || skip.has(expr.field)) return []
      if (expr.kind === 'in') return [dedupe(expr.values.map((value) => valueAtom(expr.field, value)))]
      if (expr.kind === 'term' && expr.op === '=') return [[valueAtom(expr.field, expr.value)]]
      return [[needleAtom(expr.field, '')]]
    }
    case 'keyword': {
      // `_raw` joins the values with newlines, so a needle without one lies
      // inside a single value.
      const needle = valueAtom(ANY_FIELD, expr.value).needle
      return needle === '' || needle.includes('\n') ? [] : [[needleAtom(ANY_FIELD, needle)]]
    }
    default:
      return []
  }
}

/** The longest text between wildcards of a value; presence for a network. */
function valueAtom(field: string, value: SearchValue): RequirementAtom {
  const [only, ...rest] = value.parts
  if (only?.kind === 'text' && rest.length === 0 && parseNetwork(only.text) !== null) return needleAtom(field, '')
  let longest = ''
  let current = ''
  for (const part of value.parts) {
    current = part.kind === 'text' ? current + part.text.toLowerCase() : ''
    if (current.length > longest.length) longest = current
  }
  return needleAtom(field, longest)
}
