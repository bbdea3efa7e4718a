import type { SigmaEvent } from '../events/event.js'
import { lowerValues } from './compile-matcher.js'
import { buildLiteralScanner, type FieldNeedle, type LiteralScanner } from './literal-scanner.js'
import { ANY_FIELD, type Clause, type RouteKeys } from './rule-requirements.js'

/** What is known about one rule or query before running it. */
export interface CandidateSpec {
  /** Values the route field must take; undefined when the rule does not pin it. */
  keys: RouteKeys
  /** Clauses that hold on every event it matches; empty when nothing is known. */
  clauses: readonly Clause[]
}

/**
 * The ascending positions of the specs that may match an event. The
 * returned array may be shared between events: read it, do not change it.
 */
export type CandidateFilter = (event: SigmaEvent) => readonly number[]

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
 * are found by one literal scan of each value.
 */
export function buildCandidateFilter(specs: readonly CandidateSpec[], routeField: string): CandidateFilter {
  const atoms = new AtomTable(specs.length)
  specs.forEach((spec, position) => atoms.add(position, spec.clauses))
  const route = buildRouter(
    specs.map((spec) => spec.keys),
    atoms.constrained,
    routeField,
  )
  const prefilter = new Prefilter(atoms)

  return (event) => {
    const { member, free } = route(event)
    const complete = prefilter.run(event)
    let positions: number[] | undefined
    for (const position of complete) {
      if (member[position] === 1) (positions ??= []).push(position)
    }
    if (positions === undefined) return free
    if (free.length > 0) positions.push(...free)
    return positions.sort(ascending)
  }
}

function ascending(a: number, b: number): number {
  return a - b
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
  const memberFor = (eventKeys: readonly string[]): Uint8Array =>
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
 * Numbers the distinct (field, needle) atoms and the clauses they satisfy.
 * Field names are interned: 0 stands for every field (Sigma keywords).
 */
class AtomTable {
  readonly fieldNumbers = new Map<string, number>([[ANY_FIELD, 0]])
  readonly atoms: FieldNeedle[] = []
  private readonly atomNumbers = new Map<string, number>()
  /** For each atom, the clauses it satisfies. */
  readonly clausesOf: number[][] = []
  /** For each clause, the rule position it belongs to. */
  readonly ruleOf: number[] = []
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

  private atomNumber(fieldName: string, needle: string): number {
    let field = this.fieldNumbers.get(fieldName)
    if (field === undefined) this.fieldNumbers.set(fieldName, (field = this.fieldNumbers.size))
    const key = `${field}\u0000${needle}`
    let number = this.atomNumbers.get(key)
    if (number === undefined) {
      number = this.atoms.length
      this.atomNumbers.set(key, number)
      this.atoms.push({ field, needle })
      this.clausesOf.push([])
    }
    return number
  }
}

/** The prefilter's plan for the values of one event field. */
interface FieldPlan {
  field: number
  /** The atom that holds when the field has a value, or -1. */
  presence: number
  /** Whether the field has needles of its own. */
  scanned: boolean
}

/**
 * Finds, for an event, the constrained rules all of whose clauses hold.
 * Per-event marks are epoch numbers in typed arrays, so a run allocates
 * only its result.
 */
class Prefilter {
  private readonly plans = new Map<string, FieldPlan>()
  private readonly scanner: LiteralScanner
  /** Atom numbers of the literal needles, by the scanner's needle index. */
  private readonly literalAtoms: Int32Array
  private readonly anyScanned: boolean
  private readonly anyPresence: number
  private readonly clausesOf: number[][]
  private readonly ruleOf: number[]
  private readonly clauseCount: Uint16Array
  private readonly seenAtom: Uint32Array
  private readonly seenClause: Uint32Array
  private readonly ruleEpoch: Uint32Array
  private readonly heldClauses: Uint16Array
  private epoch = 0
  private readonly complete: number[] = []
  private readonly markNeedle = (needle: number): void => this.mark(this.literalAtoms[needle] as number)

  constructor(table: AtomTable) {
    const literals: FieldNeedle[] = []
    const literalAtoms: number[] = []
    const presence = new Map<number, number>()
    table.atoms.forEach((atom, number) => {
      if (atom.needle === '') {
        presence.set(atom.field, number)
        return
      }
      literals.push(atom)
      literalAtoms.push(number)
    })
    this.scanner = buildLiteralScanner(literals)
    this.literalAtoms = Int32Array.from(literalAtoms)
    const scannedFields = new Set(literals.map((literal) => literal.field))
    this.anyScanned = scannedFields.has(0)
    this.anyPresence = presence.get(0) ?? -1
    for (const [name, field] of table.fieldNumbers) {
      if (field !== 0) this.plans.set(name, { field, presence: presence.get(field) ?? -1, scanned: scannedFields.has(field) })
    }

    this.clausesOf = table.clausesOf
    this.ruleOf = table.ruleOf
    this.clauseCount = table.clauseCount
    this.seenAtom = new Uint32Array(table.clausesOf.length)
    this.seenClause = new Uint32Array(table.ruleOf.length)
    this.ruleEpoch = new Uint32Array(table.clauseCount.length)
    this.heldClauses = new Uint16Array(table.clauseCount.length)
  }

  /** Return the positions of the completed rules, in no order; valid until the next run. */
  run(event: SigmaEvent): readonly number[] {
    this.nextEpoch()
    const everyField = this.anyScanned || this.anyPresence >= 0
    for (const name in event) {
      const plan = this.plans.get(name)
      if (plan === undefined && !everyField) continue
      const texts = lowerValues(event, name)
      if (texts.length === 0) continue
      if (this.anyPresence >= 0) this.mark(this.anyPresence)
      if (plan !== undefined && plan.presence >= 0) this.mark(plan.presence)
      if (!this.anyScanned && plan?.scanned !== true) continue
      const field = plan?.field ?? 0
      for (const text of texts) this.scanner.scan(text, field, this.markNeedle)
    }
    return this.complete
  }

  private nextEpoch(): void {
    this.complete.length = 0
    if (++this.epoch < 0xffffffff) return
    // Start over before the counter wraps, so no stale mark looks current.
    this.epoch = 1
    this.seenAtom.fill(0)
    this.seenClause.fill(0)
    this.ruleEpoch.fill(0)
  }

  private mark(atom: number): void {
    const epoch = this.epoch
    if (this.seenAtom[atom] === epoch) return
    this.seenAtom[atom] = epoch
    for (const clause of this.clausesOf[atom] as number[]) {
      if (this.seenClause[clause] === epoch) continue
      this.seenClause[clause] = epoch
      const position = this.ruleOf[clause] as number
      if (this.ruleEpoch[position] !== epoch) {
        this.ruleEpoch[position] = epoch
        this.heldClauses[position] = 0
      }
      const held = (this.heldClauses[position] as number) + 1
      this.heldClauses[position] = held
      if (held === this.clauseCount[position]) this.complete.push(position)
    }
  }
}
