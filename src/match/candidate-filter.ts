import type { SigmaEvent } from '../events/event.js'
import { lowerValues } from './compile-matcher.js'
import { buildLiteralAutomaton } from './literal-automaton.js'
import { ANY_FIELD, type Clause, type RouteKeys } from './rule-requirements.js'

/** What is known about one rule or query before running it. */
export interface CandidateSpec {
  /** Values the route field must take; undefined when the rule does not pin it. */
  keys: RouteKeys
  /** Clauses that hold on every event it matches; empty when nothing is known. */
  clauses: readonly Clause[]
}

/** The rules an event's route field selects, as rule positions. */
interface Route {
  /** 1 at the position of each selected rule. */
  member: Uint8Array
  /** Selected rules without a literal requirement, ascending. */
  free: number[]
}

/**
 * Build the filter that gives, for an event, the ascending positions of the
 * specs whose route admits it and all of whose clauses hold. Routing looks
 * the route field's values up in precomputed buckets; the clauses' needles
 * are found in one Aho-Corasick pass per field.
 */
export function buildCandidateFilter(specs: readonly CandidateSpec[], routeField: string): (event: SigmaEvent) => number[] {
  const atoms = new AtomTable(specs.length)
  specs.forEach((spec, position) => atoms.add(position, spec.clauses))
  const route = buildRouter(specs.map((spec) => spec.keys), atoms.constrained, routeField)
  const prefilter = atoms.compile()

  return (event) => {
    const { member, free } = route(event)
    const positions = prefilter(event).filter((position) => member[position] === 1)
    if (positions.length === 0) return free
    positions.push(...free)
    return positions.sort((a, b) => a - b)
  }
}

/**
 * Precompute the route of each value of the route field. Rules without a
 * route condition belong to every route, including that of an event
 * without the field.
 */
function buildRouter(keys: RouteKeys[], constrained: Uint8Array, field: string): (event: SigmaEvent) => Route {
  const toRoute = (member: Uint8Array): Route => ({
    member,
    free: keys.flatMap((_, position) => (member[position] === 1 && constrained[position] === 0 ? [position] : [])),
  })
  const memberFor = (eventKeys: string[]): Uint8Array =>
    Uint8Array.from(keys, (ruleKeys) => (ruleKeys === undefined || eventKeys.some((key) => ruleKeys.has(key)) ? 1 : 0))

  const routes = new Map<string, Route>()
  for (const ruleKeys of keys) for (const key of ruleKeys ?? []) if (!routes.has(key)) routes.set(key, toRoute(memberFor([key])))
  const unrouted = toRoute(memberFor([]))

  return (event) => {
    const eventKeys = lowerValues(event, field)
    if (eventKeys.length === 0) return unrouted
    if (eventKeys.length === 1) return routes.get(eventKeys[0] as string) ?? unrouted
    return toRoute(memberFor(eventKeys))
  }
}

/**
 * Numbers the distinct (field, needle) atoms and, once all rules are in,
 * builds one automaton per field. For an event it returns the positions of
 * the constrained rules all of whose clauses hold.
 */
class AtomTable {
  private readonly numbers = new Map<string, Map<string, number>>()
  /** For each atom, the clauses it satisfies. */
  private readonly clausesOf: number[][] = []
  /** For each clause, the rule position it belongs to. */
  private readonly ruleOf: number[] = []
  /** Number of clauses of each rule; 0 for a rule without requirement. */
  readonly clauseCount: Uint16Array
  /** 1 at the position of each rule that has a requirement. */
  readonly constrained: Uint8Array

  constructor(size: number) {
    this.constrained = new Uint8Array(size)
    this.clauseCount = new Uint16Array(size)
  }

  add(position: number, clauses: readonly Clause[]): void {
    if (clauses.length === 0) return
    this.constrained[position] = 1
    this.clauseCount[position] = clauses.length
    for (const clause of clauses) {
      const number = this.ruleOf.length
      this.ruleOf.push(position)
      for (const { field, needle } of clause) this.clausesOf[this.atomNumber(field, needle)]?.push(number)
    }
  }

  private atomNumber(field: string, needle: string): number {
    const needles = getOrAdd(this.numbers, field, () => new Map<string, number>())
    let number = needles.get(needle)
    if (number === undefined) {
      number = this.clausesOf.length
      needles.set(needle, number)
      this.clausesOf.push([])
    }
    return number
  }

  compile(): (event: SigmaEvent) => number[] {
    const scanners = new Map<string, (text: string, mark: (needle: number) => void) => void>()
    const presence = new Map<string, number>()
    for (const [field, needles] of this.numbers) {
      const present = needles.get('')
      if (present !== undefined) presence.set(field, present)
      const literals = [...needles].filter(([needle]) => needle !== '')
      if (literals.length === 0) continue
      const automaton = buildLiteralAutomaton(literals.map(([needle]) => needle))
      const numbers = Int32Array.from(literals, ([, number]) => number)
      scanners.set(field, (text, mark) => automaton.scan(text, (needle) => mark(numbers[needle] as number)))
    }
    const anyField = scanners.get(ANY_FIELD)
    const { clausesOf, ruleOf, clauseCount } = this
    const seenAtom = new Uint32Array(clausesOf.length)
    const seenClause = new Uint32Array(ruleOf.length)
    const ruleEpoch = new Uint32Array(clauseCount.length)
    const held = new Uint16Array(clauseCount.length)
    let epoch = 0

    return (event) => {
      epoch++
      const positions: number[] = []
      const mark = (atom: number): void => {
        if (seenAtom[atom] === epoch) return
        seenAtom[atom] = epoch
        for (const clause of clausesOf[atom] as number[]) {
          if (seenClause[clause] === epoch) continue
          seenClause[clause] = epoch
          const position = ruleOf[clause] as number
          if (ruleEpoch[position] !== epoch) {
            ruleEpoch[position] = epoch
            held[position] = 0
          }
          if (++(held[position] as number) === clauseCount[position]) positions.push(position)
        }
      }
      for (const field in event) {
        const scan = scanners.get(field)
        const present = presence.get(field)
        if (scan === undefined && anyField === undefined && present === undefined) continue
        const texts = lowerValues(event, field)
        if (present !== undefined && texts.length > 0) mark(present)
        for (const text of texts) {
          scan?.(text, mark)
          anyField?.(text, mark)
        }
      }
      return positions
    }
  }
}

function getOrAdd<K, V>(map: Map<K, V>, key: K, create: () => V = () => [] as V): V {
  let value = map.get(key)
  if (value === undefined) map.set(key, (value = create()))
  return value
}
