import catalogData from './catalog.json' with { type: 'json' }

/** An ATT&CK tactic, e.g. `execution` = TA0002. */
export interface AttackTactic {
  shortname: string
  id: string
  name: string
  /** Position in the Enterprise kill chain, 1-based. */
  order: number
}

/** An ATT&CK object with an id and a lifecycle: group, software or campaign. */
export interface AttackObject {
  id: string
  name: string
  revoked: boolean
  /** Ids named by the object's `revoked-by` relationships (one step). */
  revokedBy: readonly string[]
  deprecated: boolean
}

/** An ATT&CK Enterprise technique or sub-technique. */
export interface AttackTechnique extends AttackObject {
  subtechnique: boolean
  /** Tactic shortnames in the current release, in kill-chain order. */
  tactics: readonly string[]
  /** Tactic shortnames in the previous release (equal to `tactics` when unchanged). */
  previousTactics: readonly string[]
  /** Name in the previous release, when the technique was renamed. */
  previousName?: string
}

interface CatalogEntry {
  name: string
  revoked?: boolean
  revokedBy?: string[]
  deprecated?: boolean
}

interface TechniqueEntry extends CatalogEntry {
  tactics: string[]
  previousTactics?: string[]
  previousName?: string
  subtechnique?: boolean
}

interface TacticEntry {
  id: string
  name: string
  order: number
}

/** The layout of catalog.json, written by scripts/generate-attack-catalog.mjs. */
interface CatalogFile {
  versions: { current: string; previous: string }
  tactics: Record<string, TacticEntry>
  previousTactics: Record<string, TacticEntry>
  techniques: Record<string, TechniqueEntry>
  groups: Record<string, CatalogEntry>
  software: Record<string, CatalogEntry>
  campaigns: Record<string, CatalogEntry>
}

interface CatalogIndex {
  tactics: Map<string, AttackTactic>
  previousTactics: Map<string, AttackTactic>
  techniques: Map<string, AttackTechnique>
  groups: Map<string, AttackObject>
  software: Map<string, AttackObject>
  campaigns: Map<string, AttackObject>
}

let cachedIndex: CatalogIndex | undefined

/** Return the ATT&CK releases the catalog was built from, e.g. 19.1 and 18.1. */
export function attackVersions(): { current: string; previous: string } {
  return { ...(catalogData as CatalogFile).versions }
}

/** Look up a technique by id, e.g. `T1059.001` (case-insensitive). */
export function technique(id: string): AttackTechnique | undefined {
  return catalogIndex().techniques.get(id.toUpperCase())
}

/** Look up a current tactic by shortname, e.g. `execution`. */
export function tactic(shortname: string): AttackTactic | undefined {
  return catalogIndex().tactics.get(shortname)
}

/** Look up a tactic of the previous release by shortname, e.g. `defense-evasion`. */
export function previousTactic(shortname: string): AttackTactic | undefined {
  return catalogIndex().previousTactics.get(shortname)
}

/** Look up a current tactic by its TA id, e.g. `TA0002` (case-insensitive). */
export function tacticById(id: string): AttackTactic | undefined {
  const upperId = id.toUpperCase()
  return [...catalogIndex().tactics.values()].find(entry => entry.id === upperId)
}

/** Return every current tactic in kill-chain order. */
export function tactics(): AttackTactic[] {
  return [...catalogIndex().tactics.values()]
}

/** Look up a group by id, e.g. `G0007` (case-insensitive). */
export function group(id: string): AttackObject | undefined {
  return catalogIndex().groups.get(id.toUpperCase())
}

/** Look up software (malware or tool) by id, e.g. `S0002` (case-insensitive). */
export function software(id: string): AttackObject | undefined {
  return catalogIndex().software.get(id.toUpperCase())
}

/** Look up a campaign by id, e.g. `C0024` (case-insensitive). */
export function campaign(id: string): AttackObject | undefined {
  return catalogIndex().campaigns.get(id.toUpperCase())
}

/** List the active techniques (not revoked, not deprecated) of a current tactic. */
export function techniquesForTactic(shortname: string): AttackTechnique[] {
  return [...catalogIndex().techniques.values()].filter(
    entry => isActive(entry) && entry.tactics.includes(shortname),
  )
}

/** Tell whether an object is neither revoked nor deprecated. */
export function isActive(entry: AttackObject): boolean {
  return !entry.revoked && !entry.deprecated
}

/**
 * Follow `revoked-by` relationships from a revoked object to the objects that
 * replace it. MITRE sometimes revokes in favour of an object that is revoked
 * later (T1073 → T1574.002 → T1574.001), so the chain is followed to its end.
 * Returns the object itself when it is not revoked, and an empty list when a
 * revoked object names no replacement.
 */
export function finalReplacements<T extends AttackObject>(
  entry: T,
  lookup: (id: string) => T | undefined,
): T[] {
  const found = new Map<string, T>()
  const seen = new Set<string>()
  const pending: T[] = [entry]
  while (pending.length > 0) {
    const current = pending.pop() as T
    if (seen.has(current.id)) continue
    seen.add(current.id)
    if (!current.revoked) {
      found.set(current.id, current)
      continue
    }
    for (const id of current.revokedBy) {
      const next = lookup(id)
      if (next) pending.push(next)
    }
  }
  return [...found.values()].sort((a, b) => a.id.localeCompare(b.id))
}

/** Return the techniques that replace a technique id, following revocations. */
export function techniqueReplacements(id: string): AttackTechnique[] {
  const entry = technique(id)
  return entry ? finalReplacements(entry, technique) : []
}

/** Tell whether a tactic shortname exists only in the previous release. */
export function isPreviousOnlyTactic(shortname: string): boolean {
  return tactic(shortname) === undefined && previousTactic(shortname) !== undefined
}

/**
 * Map a tactic shortname of the previous release to the current tactics that
 * take its place for the given techniques. ATT&CK 19 split `defense-evasion`
 * per technique into `stealth` and `defense-impairment` (and dropped it for
 * some techniques), so the result depends on the techniques a rule tags: each
 * technique that listed the old tactic contributes the current tactics it
 * gained. `matched` is false when none of the techniques listed the old
 * tactic. The result then falls back to the current tactic with the same TA
 * id plus the tactics that are new in the current release.
 */
export function migratePreviousTactic(
  shortname: string,
  techniqueIds: readonly string[],
): { tactics: AttackTactic[]; matched: boolean } {
  const gained = new Set<string>()
  let matched = false
  for (const id of techniqueIds) {
    const old = technique(id)
    if (!old || !old.previousTactics.includes(shortname)) continue
    matched = true
    for (const entry of finalReplacements(old, technique)) {
      for (const name of entry.tactics) {
        if (!old.previousTactics.includes(name)) gained.add(name)
      }
    }
  }
  if (!matched) return { tactics: successorTactics(shortname), matched }
  return { tactics: sortTactics([...gained]), matched }
}

/** Return the current tactics with the same TA id, then the ones new in this release. */
function successorTactics(shortname: string): AttackTactic[] {
  const old = previousTactic(shortname)
  if (!old) return []
  const previousIds = new Set(
    [...catalogIndex().previousTactics.values()].map(entry => entry.id),
  )
  return tactics().filter(
    entry => entry.id === old.id || !previousIds.has(entry.id),
  )
}

function sortTactics(shortnames: string[]): AttackTactic[] {
  return shortnames
    .map(name => tactic(name))
    .filter(entry => entry !== undefined)
    .sort((a, b) => a.order - b.order)
}

/** Build the lookup maps once, on first use. */
function catalogIndex(): CatalogIndex {
  cachedIndex ??= buildIndex(catalogData as CatalogFile)
  return cachedIndex
}

/**
 * Build each lookup map on its first use, because most runs need only a few:
 * rules tagged with techniques need no map of groups, software or campaigns.
 */
function buildIndex(data: CatalogFile): CatalogIndex {
  const tactics = once(() => tacticMap(data.tactics))
  const previousTactics = once(() => tacticMap(data.previousTactics))
  const techniques = once(
    () =>
      new Map(
        Object.entries(data.techniques).map(([id, entry]) => [
          id,
          toTechnique(id, entry),
        ]),
      ),
  )
  const groups = once(() => objectMap(data.groups))
  const software = once(() => objectMap(data.software))
  const campaigns = once(() => objectMap(data.campaigns))
  return {
    get tactics() {
      return tactics()
    },
    get previousTactics() {
      return previousTactics()
    },
    get techniques() {
      return techniques()
    },
    get groups() {
      return groups()
    },
    get software() {
      return software()
    },
    get campaigns() {
      return campaigns()
    },
  }
}

function once<T>(build: () => T): () => T {
  let value: T | undefined
  return () => (value ??= build())
}

function tacticMap(entries: Record<string, TacticEntry>): Map<string, AttackTactic> {
  const list = Object.entries(entries)
    .map(([shortname, entry]) => ({ shortname, ...entry }))
    .sort((a, b) => a.order - b.order)
  return new Map(list.map(entry => [entry.shortname, entry]))
}

function objectMap(entries: Record<string, CatalogEntry>): Map<string, AttackObject> {
  return new Map(
    Object.entries(entries).map(([id, entry]) => [id, toObject(id, entry)]),
  )
}

function toObject(id: string, entry: CatalogEntry): AttackObject {
  return {
    id,
    name: entry.name,
    revoked: entry.revoked === true,
    revokedBy: entry.revokedBy ?? [],
    deprecated: entry.deprecated === true,
  }
}

function toTechnique(id: string, entry: TechniqueEntry): AttackTechnique {
  const result: AttackTechnique = {
    ...toObject(id, entry),
    subtechnique: entry.subtechnique === true,
    tactics: entry.tactics,
    previousTactics: entry.previousTactics ?? entry.tactics,
  }
  if (entry.previousName !== undefined) result.previousName = entry.previousName
  return result
}
