import type { SigmaEvent } from '../events/event.js'
import type { Expr } from '../ir/expr.js'
import { buildCandidateFilter } from './candidate-filter.js'
import { compileMatcher, type EventPredicate } from './compile-matcher.js'
import { requirementsOf, routeKeys } from './rule-requirements.js'

/** A rule to index: its id (reported back) and its IR after the pipeline. */
export interface IndexedRule {
  id: string
  expr: Expr
}

export interface RuleIndexOptions {
  /** Route on the exact values of this field; default `EventID`. */
  routeField?: string
  /** Route by the route field's value; default true. */
  routing?: boolean
  /** Skip rules whose required literals are absent; default true. */
  prefilter?: boolean
}

/** Many rules compiled together, so each event is tried only on rules it can match. */
export interface RuleIndex {
  /** Ids of the rules that routing and the literal prefilter leave for `event`, in input order. */
  candidates(event: SigmaEvent): string[]
  /** Ids of the rules that match `event`, in input order. */
  matchAll(event: SigmaEvent): string[]
}

interface Entry {
  id: string
  predicate: EventPredicate
}

/**
 * Compile rules into an index. Routing puts each rule in the bucket of every
 * route field value its IR requires, and a rule without such a condition in
 * every bucket. The prefilter derives literal needles from the IR and finds
 * them all in one literal scan of each value. Both are necessary
 * conditions, so `matchAll` returns exactly the verdicts of the plain
 * closures.
 */
export function buildRuleIndex(rules: readonly IndexedRule[], options: RuleIndexOptions = {}): RuleIndex {
  const routeField = options.routeField ?? 'EventID'
  const skip = new Set([routeField])
  const entries: Entry[] = rules.map((rule) => ({ id: rule.id, predicate: compileMatcher(rule.expr) }))
  const filter = buildCandidateFilter(
    rules.map((rule) => ({
      keys: options.routing === false ? undefined : routeKeys(rule.expr, routeField),
      clauses: options.prefilter === false ? [] : requirementsOf(rule.expr, skip),
    })),
    routeField,
  )

  return {
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
