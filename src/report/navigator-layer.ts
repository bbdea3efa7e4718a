import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { attackVersions } from '../attack/catalog.js'
import { attackCoverage } from './attack-coverage.js'
import type { CoveredTechnique } from './attack-coverage.js'
import type { Report } from './report.js'

/** One technique entry of a Navigator layer (layer format 4.5). */
export interface LayerTechnique {
  techniqueID: string
  score: number
  comment: string
  enabled: boolean
  metadata: Array<{ name: string; value: string }>
  showSubtechniques: boolean
}

/** An ATT&CK Navigator layer in layer format 4.5, for Navigator 5.x. */
export interface NavigatorLayer {
  name: string
  versions: { attack: string; navigator: string; layer: '4.5' }
  domain: 'enterprise-attack'
  description: string
  sorting: number
  layout: {
    layout: 'side'
    showID: boolean
    showName: boolean
    showAggregateScores: boolean
    countUnscored: boolean
    aggregateFunction: 'max'
    expandedSubtechniques: 'annotated'
  }
  hideDisabled: boolean
  techniques: LayerTechnique[]
  gradient: { colors: string[]; minValue: number; maxValue: number }
  legendItems: Array<{ label: string; color: string }>
  showTacticRowBackground: boolean
  tacticRowBackground: string
  selectTechniquesAcrossTactics: boolean
  selectSubtechniquesWithParent: boolean
  selectVisibleTechniques: boolean
  metadata: Array<{ name: string; value: string }>
}

export interface NavigatorLayerOptions {
  /** Layer name shown in the Navigator tab; defaults to `sigma-gate coverage`. */
  name?: string
  /** Number of rules in the run, for the description. */
  ruleCount?: number
}

/** Navigator release the layer is written for; layer 4.5 needs at least 4.9.0. */
export const NAVIGATOR_VERSION = '5.1.0'

/** Rule paths listed per technique before the rest are counted. */
const MAX_LISTED_RULES = 20

/**
 * Build a Navigator layer of the covered techniques. Each technique's score is
 * the number of converted rules that tag it, its comment and metadata name
 * those rules, and the gradient runs from the lowest to the highest score.
 */
export function buildNavigatorLayer(
  coverage: readonly CoveredTechnique[],
  options: NavigatorLayerOptions = {},
): NavigatorLayer {
  const maxScore = Math.max(1, ...coverage.map((entry) => entry.rules.length))
  const rules = new Set(coverage.flatMap((entry) => entry.rules)).size
  const checked =
    options.ruleCount === undefined ? '' : ` of ${options.ruleCount} checked`

  return {
    name: options.name ?? 'sigma-gate coverage',
    versions: {
      attack: attackVersions().current.split('.')[0] ?? '',
      navigator: NAVIGATOR_VERSION,
      layer: '4.5',
    },
    domain: 'enterprise-attack',
    description: `Techniques tagged by ${rules} converted Sigma rules${checked}; the score is the number of rules per technique.`,
    sorting: 3,
    layout: {
      layout: 'side',
      showID: true,
      showName: true,
      showAggregateScores: true,
      countUnscored: false,
      aggregateFunction: 'max',
      expandedSubtechniques: 'annotated',
    },
    hideDisabled: false,
    techniques: coverage.map(toLayerTechnique),
    gradient: { colors: ['#dceefc', '#1f6fb2'], minValue: 0, maxValue: maxScore },
    legendItems: [{ label: 'covered by a converted rule', color: '#1f6fb2' }],
    showTacticRowBackground: false,
    tacticRowBackground: '#dddddd',
    selectTechniquesAcrossTactics: true,
    selectSubtechniquesWithParent: false,
    selectVisibleTechniques: false,
    metadata: [{ name: 'generator', value: 'sigma-gate' }],
  }
}

/** Serialise a layer as 2-space indented JSON. */
export function formatNavigatorLayer(layer: NavigatorLayer): string {
  return JSON.stringify(layer, null, 2) + '\n'
}

function toLayerTechnique(entry: CoveredTechnique): LayerTechnique {
  const listed = entry.rules.slice(0, MAX_LISTED_RULES)
  const more = entry.rules.length - listed.length
  const metadata = listed.map((rule) => ({ name: 'rule', value: rule }))
  if (more > 0) metadata.push({ name: 'more rules', value: String(more) })

  return {
    techniqueID: entry.id,
    score: entry.rules.length,
    comment: `${entry.rules.length} rule${entry.rules.length === 1 ? '' : 's'}: ${listed.join(', ')}${more > 0 ? ` and ${more} more` : ''}`,
    enabled: true,
    metadata,
    showSubtechniques: false,
  }
}

/**
 * Write the Navigator layer of a report's coverage to `file`, creating its
 * directory, for `--navigator` and the action.
 */
export async function writeNavigatorLayer(
  file: string,
  report: Report,
): Promise<void> {
  const layer = buildNavigatorLayer(attackCoverage(report.rules), {
    ruleCount: report.summary.rules,
  })
  await mkdir(path.dirname(file), { recursive: true })
  await writeFile(file, formatNavigatorLayer(layer))
}
