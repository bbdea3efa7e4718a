import { readFile, readdir } from 'node:fs/promises'
import path from 'node:path'
import type { SigmaEvent } from '../events/event.js'
import { loadEventFile } from '../events/load-events.js'
import { prepareRules, type MatchableRule } from '../engine.js'
import { toSplEvent } from '../pipeline/spl-event.js'
import { sysmonMapping } from '../pipeline/sysmon.js'
import { compileSpl, parseSpl } from '../spl/index.js'

/**
 * The differential check over a Sigma corpus: every rule against every event
 * of the corpus's regression data, native matcher against SPL engine, and
 * our SPL against pySigma's reference SPL run on the same SPL engine.
 */

export interface DifferentialOptions {
  /** Root of a SigmaHQ checkout: `rules/`, `rules-threat-hunting/`, `regression_data/`. */
  corpus: string
  /** pySigma's reference output (`pysigma-splunk-windows.json`); parity is skipped without it. */
  reference?: string
  /** Directory whose `.sigma-gate.yml` applies; the defaults when it has none. */
  cwd: string
}

/** A rule × event pair on which two verdicts differ. */
export interface PairDifference {
  rule: string
  event: string
}

export type ParityReason =
  /** pySigma's query has no EventCode condition for a generic log source category. */
  | 'no-eventcode-scope'
  /** Any other difference; listed with both verdicts. */
  | 'other'

export interface ParityDifference extends PairDifference {
  ours: boolean
  reference: boolean
  reason: ParityReason
}

export interface ParityResult {
  /** Reference entries (rule files) in the file. */
  entries: number
  /** Rules pySigma could not convert, with its error. */
  referenceErrors: { rule: string; error: string }[]
  /** Reference queries our SPL parser or engine rejects, with why. */
  invalidReference: { rule: string; message: string }[]
  /** Rules with a reference query that we did not convert. */
  notConverted: string[]
  /** Rules compared: both sides have a query that runs. */
  compared: number
  /** Rule × event pairs where either side matches. */
  pairs: number
  differences: ParityDifference[]
}

export interface DifferentialResult {
  /** Rule documents found. */
  rules: number
  /** Rules both engines can run. */
  runnable: number
  events: number
  /** Rule × event pairs evaluated on both engines. */
  pairs: number
  /** Pairs where at least one engine matches. */
  matches: number
  disagreements: PairDifference[]
  parity?: ParityResult
}

/** The rule folders of a SigmaHQ checkout that the check covers. */
export const CORPUS_RULE_FOLDERS = ['rules', 'rules-threat-hunting']

/** Run the differential check and return its counts; nothing is printed. */
export async function runDifferential(options: DifferentialOptions): Promise<DifferentialResult> {
  const events = await loadRegressionEvents(path.join(options.corpus, 'regression_data'))
  const paths = CORPUS_RULE_FOLDERS.map((folder) => path.join(options.corpus, folder))
  const prepared = await prepareRules(paths, options.cwd)
  const corpusPath = (rule: MatchableRule): string => toPosix(path.relative(options.corpus, path.resolve(options.cwd, rule.report.path)))

  const result: DifferentialResult = { rules: prepared.rules.length, runnable: 0, events: events.length, pairs: 0, matches: 0, disagreements: [] }
  const ours = new Map<string, boolean[]>()
  for (const rule of prepared.rules) {
    const { native, spl } = rule.engines
    if (!native || !spl) continue
    result.runnable++
    const verdicts = events.map(({ event, name }) => {
      const nativeVerdict = native(event)
      const splVerdict = spl(event)
      if (nativeVerdict !== splVerdict) result.disagreements.push({ rule: corpusPath(rule), event: name })
      if (nativeVerdict || splVerdict) result.matches++
      return splVerdict
    })
    result.pairs += events.length
    if (rule.report.document === undefined) ours.set(corpusPath(rule), verdicts)
  }

  if (options.reference) {
    const rulesByPath = new Map(prepared.rules.map((rule) => [corpusPath(rule), rule]))
    result.parity = await compareWithReference(options.reference, events, ours, rulesByPath)
  }
  return result
}

interface NamedEvent {
  event: SigmaEvent
  /** `<file relative to regression_data>#<index>`. */
  name: string
}

/** Load every event of every `.json` file under the regression data folder. */
export async function loadRegressionEvents(folder: string): Promise<NamedEvent[]> {
  const files = (await readdir(folder, { recursive: true }))
    .filter((file) => file.endsWith('.json'))
    .map(toPosix)
    .sort()
  const events: NamedEvent[] = []
  for (const file of files) {
    const loaded = await loadEventFile(path.join(folder, file))
    for (const { event, index } of loaded.events) events.push({ event, name: `${file}#${index}` })
  }
  return events
}

interface ReferenceEntry {
  id?: string
  queries?: string[]
  error?: string
}

async function compareWithReference(
  file: string,
  events: NamedEvent[],
  ours: Map<string, boolean[]>,
  rules: Map<string, MatchableRule>,
): Promise<ParityResult> {
  const reference = JSON.parse(await readFile(file, 'utf8')) as Record<string, ReferenceEntry>
  const asSplunk = events.map(({ event }) => toSplEvent(event, { EventID: 'EventCode' }, {}))
  const parity: ParityResult = { entries: 0, referenceErrors: [], invalidReference: [], notConverted: [], compared: 0, pairs: 0, differences: [] }

  for (const rulePath of Object.keys(reference).sort()) {
    const entry = reference[rulePath] as ReferenceEntry
    parity.entries++
    const [query] = entry.queries ?? []
    if (query === undefined) {
      parity.referenceErrors.push({ rule: rulePath, error: entry.error ?? 'no query' })
      continue
    }
    const predicate = compileReference(query)
    if (typeof predicate === 'string') {
      parity.invalidReference.push({ rule: rulePath, message: predicate })
      continue
    }
    const verdicts = ours.get(rulePath)
    if (!verdicts) {
      parity.notConverted.push(rulePath)
      continue
    }

    parity.compared++
    const eventIds = categoryEventIds(rules.get(rulePath))
    asSplunk.forEach((event, index) => {
      const mine = verdicts[index] as boolean
      const theirs = predicate(event)
      if (!mine && !theirs) return
      parity.pairs++
      if (mine === theirs) return
      const outsideCategory = eventIds !== undefined && !eventIds.includes(String(events[index]?.event['EventID']))
      const reason = outsideCategory && !mine && !/\bEventCode\b/.test(query) ? 'no-eventcode-scope' : 'other'
      parity.differences.push({ rule: rulePath, event: (events[index] as NamedEvent).name, ours: mine, reference: theirs, reason })
    })
  }
  return parity
}

/** Compile a reference query, or return why our SPL engine rejects it. */
function compileReference(query: string): ((event: SigmaEvent) => boolean) | string {
  const parsed = parseSpl(query)
  if (!parsed.ok) return `column ${parsed.error.column}: ${parsed.error.message}`
  const compiled = compileSpl(parsed.query)
  if (!compiled.ok) return `column ${compiled.error.column}: ${compiled.error.message}`
  return compiled.predicate
}

/** Return the event ids the pipeline adds to a rule of a generic category, as text. */
function categoryEventIds(rule: MatchableRule | undefined): string[] | undefined {
  if (!rule?.rule) return undefined
  const mapping = sysmonMapping(rule.rule)
  return mapping.kind === 'category' ? mapping.eventIds.map(String) : undefined
}

function toPosix(file: string): string {
  return file.split(path.sep).join('/')
}

/** Format the result as the plain-text summary `npm run differential` prints. */
export function formatDifferential(result: DifferentialResult): string {
  const agreeing = result.pairs - result.disagreements.length
  const percent = result.pairs === 0 ? 100 : (100 * agreeing) / result.pairs
  const lines = [
    `Rules: ${result.rules} found, ${result.runnable} run on both engines`,
    `Events: ${result.events}`,
    `Native vs SPL engine: ${result.pairs} pairs, ${result.matches} with a match, ${result.disagreements.length} disagreements (${percent.toFixed(3)} % agreement)`,
  ]
  for (const pair of result.disagreements.slice(0, 20)) lines.push(`  DISAGREE ${pair.rule} ← ${pair.event}`)

  const parity = result.parity
  if (parity) {
    const byReason = new Map<string, number>()
    for (const difference of parity.differences) byReason.set(difference.reason, (byReason.get(difference.reason) ?? 0) + 1)
    const rulesWith = new Set(parity.differences.map((difference) => difference.rule))
    lines.push(
      `Reference (pySigma): ${parity.entries} rules, ${parity.referenceErrors.length} not converted by pySigma, ${parity.invalidReference.length} queries rejected by our SPL parser, ${parity.notConverted.length} not converted by us`,
      `Our SPL vs reference SPL: ${parity.compared} rules, ${parity.pairs} pairs where either matches, ${parity.differences.length} differences in ${rulesWith.size} rules`,
    )
    for (const [reason, count] of [...byReason].sort()) lines.push(`  ${reason}: ${count}`)
    for (const rule of [...rulesWith].sort()) {
      const differences = parity.differences.filter((difference) => difference.rule === rule)
      const first = differences[0] as ParityDifference
      lines.push(`  ${rule}: ${differences.length} (${first.reason}; ours ${String(first.ours)}, pySigma ${String(first.reference)})`)
    }
  }
  return lines.join('\n') + '\n'
}
