import { technique, techniqueReplacements } from '../attack/catalog.js'
import { parseTag } from '../attack/parse-tag.js'
import type { RuleReport } from './report.js'

/** An ATT&CK technique and the converted rules that detect it. */
export interface CoveredTechnique {
  /** Technique id such as `T1059.001`. */
  id: string
  name: string
  /** Tactic shortnames of the technique, in kill-chain order. */
  tactics: readonly string[]
  /** Rule paths (relative to the working directory) that cover it. */
  rules: string[]
}

/** Number of covering rules per technique id. */
export type CoverageCounts = Map<string, number>

/**
 * Return the current technique ids a rule's tags name. A revoked technique
 * counts as the techniques that replace it; ids the catalog does not know
 * are skipped, since the lint checks already report them.
 */
export function techniqueIdsOf(tags: readonly string[] = []): string[] {
  const ids = new Set<string>()
  for (const tag of tags) {
    const parsed = parseTag(tag.toLowerCase())
    if (parsed.kind !== 'technique') continue

    for (const entry of techniqueReplacements(parsed.id)) ids.add(entry.id)
  }

  return [...ids].sort()
}

/**
 * List the techniques covered by the report's converted rules, sorted by id.
 * A rule covers a technique when it has SPL and a tag names the technique.
 */
export function attackCoverage(
  rules: readonly RuleReport[],
): CoveredTechnique[] {
  const covered = new Map<string, CoveredTechnique>()
  for (const rule of rules) {
    if (rule.spl.length === 0) continue

    for (const id of techniqueIdsOf(rule.tags)) {
      const entry = covered.get(id) ?? describeTechnique(id)
      if (!entry.rules.includes(rule.path)) entry.rules.push(rule.path)
      covered.set(id, entry)
    }
  }

  return [...covered.values()].sort((a, b) => a.id.localeCompare(b.id))
}

/** Count the covering rules per technique. */
export function coverageCounts(
  coverage: readonly CoveredTechnique[],
): CoverageCounts {
  return new Map(coverage.map((entry) => [entry.id, entry.rules.length]))
}

/** Techniques a change adds to and removes from the covered set. */
export interface CoverageChange {
  gained: string[]
  lost: string[]
}

/** Compare two coverage counts: techniques covered in one and not the other. */
export function diffCoverage(
  before: CoverageCounts,
  after: CoverageCounts,
): CoverageChange {
  const covered = (counts: CoverageCounts, id: string): boolean =>
    (counts.get(id) ?? 0) > 0
  const ids = [...new Set([...before.keys(), ...after.keys()])].sort()

  return {
    gained: ids.filter((id) => !covered(before, id) && covered(after, id)),
    lost: ids.filter((id) => covered(before, id) && !covered(after, id)),
  }
}

/** Name a technique for a report line, e.g. `T1059.001 PowerShell`. */
export function techniqueLabel(id: string): string {
  const entry = technique(id)
  return entry === undefined ? id : `${id} ${entry.name}`
}

function describeTechnique(id: string): CoveredTechnique {
  const entry = technique(id)
  return {
    id,
    name: entry?.name ?? id,
    tactics: entry?.tactics ?? [],
    rules: [],
  }
}
