import { createHash } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { isMap, isScalar } from 'yaml'
import { parseTag } from '../../attack/parse-tag.js'
import { defaultSplunkConfig, type Config } from '../../config/config.js'
import type { Expr } from '../../ir/expr.js'
import { readCorrelation } from '../../sigma/correlation.js'
import type { SigmaRule } from '../../sigma/rule.js'
import { writeConf, confStanzaName, type ConfStanza } from './conf-writer.js'
import { PLACEHOLDER_MACRO_PREFIX } from './lower-detection.js'
import { writeTgz, type TarFile } from './tar-writer.js'

/**
 * The attributes of a rule that the outputs contain besides its SPL. They
 * are plain data taken from the parsed rule, so a worker thread that
 * converted the rule can send them to the thread that writes the outputs.
 */
export interface OutputMetadata {
  id?: string
  title?: string
  level?: string
  status?: string
  description?: string
  tags: string[]
  /** The schedule the rule's own `splunk:` attribute sets. */
  schedule: Schedule
  /** A correlation's timespan as written, e.g. `1h`; absent for other rules. */
  correlationTimespan?: string
  correlation: boolean
}

/** Take the output metadata from a parsed rule. */
export function outputMetadata(rule: SigmaRule): OutputMetadata {
  const metadata: OutputMetadata = { tags: rule.tags.map((tag) => tag.value), schedule: ruleSchedule(rule), correlation: rule.kind === 'correlation' }
  const fields = { id: rule.id, title: rule.title, level: rule.level, status: rule.status, description: rule.description }
  for (const [key, located] of Object.entries(fields)) if (located !== undefined) metadata[key as keyof typeof fields] = located.value
  if (rule.kind === 'correlation') {
    const timespan = readCorrelation(rule).correlation?.timespan.value
    if (timespan !== undefined) metadata.correlationTimespan = timespan
  }
  return metadata
}

/** A converted rule that goes into the outputs. */
export interface OutputRule {
  rule: OutputMetadata
  /** Path of the rule file as the report gives it. */
  path: string
  /** Path of its `.spl` file inside the output directory, with `/` separators. */
  splFile: string
  spl: string
  /** The IR after the pipeline, to find placeholders without values. */
  expr: Expr
}

/** One rule's entry in `manifest.json`. */
export interface ManifestEntry {
  path: string
  id: string | null
  title: string | null
  level: string | null
  status: string | null
  tags: string[]
  spl: string
  sha256: string
  stanza: string
  disabled: boolean
}

/** Every file of the outputs, by path relative to the output directory. */
export type OutputFiles = Map<string, string | Buffer>

/** Splunk's `alert.severity`: 1 debug, 2 info, 3 warning, 4 error, 5 severe, 6 fatal. */
const ALERT_SEVERITY: Readonly<Record<string, number>> = {
  informational: 2,
  low: 3,
  medium: 4,
  high: 5,
  critical: 6,
}

const FILE_HEADER = [
  'Written by sigma-gate from Sigma rules. Do not edit: change the rules or',
  '.sigma-gate.yml and convert again.',
]

/**
 * Build every output of a conversion: one `.spl` file per rule,
 * `savedsearches.conf`, `manifest.json`, and the Splunk app both as a
 * folder under `splunk-app/` and packed as `<app>.tgz`. The same rules and
 * configuration always give the same bytes.
 */
export function buildSplunkOutputs(rules: readonly OutputRule[], config: Config): OutputFiles {
  const files: OutputFiles = new Map()
  for (const rule of rules) files.set(rule.splFile, `${rule.spl}\n`)

  const stanzas = savedSearchStanzas(rules, config)
  const savedSearches = writeConf(stanzas.map((entry) => entry.stanza), FILE_HEADER)
  files.set('savedsearches.conf', savedSearches)
  files.set('manifest.json', manifestText(stanzas, config))

  const app = config.splunk.app
  const appFiles: TarFile[] = [
    { path: `${app}/default/app.conf`, content: appConf(app) },
    { path: `${app}/default/savedsearches.conf`, content: savedSearches },
    { path: `${app}/default/macros.conf`, content: macrosConf(rules, config) },
    { path: `${app}/metadata/default.meta`, content: defaultMeta() },
  ]
  for (const file of appFiles) files.set(`splunk-app/${file.path}`, file.content as string)
  files.set(`${app}.tgz`, writeTgz(appFiles))
  return files
}

/**
 * Write the outputs under `outDir`, creating folders as needed. The writes
 * are synchronous: a run writes one small file per rule, and each awaited
 * write would be a round trip through the thread pool.
 */
export async function writeSplunkOutputs(rules: readonly OutputRule[], outDir: string, config: Config): Promise<void> {
  const files = buildSplunkOutputs(rules, config)
  const createdFolders = new Set<string>()
  for (const [relative, content] of files) {
    const target = path.join(outDir, ...relative.split('/'))
    const folder = path.dirname(target)
    if (!createdFolders.has(folder)) mkdirSync(folder, { recursive: true })
    createdFolders.add(folder)
    writeFileSync(target, content)
  }
}

interface SavedSearch {
  rule: OutputRule
  stanza: ConfStanza
  disabled: boolean
}

/** One stanza per rule; a repeated title gets ` (2)`, ` (3)` … */
function savedSearchStanzas(rules: readonly OutputRule[], config: Config): SavedSearch[] {
  const used = new Set<string>()
  return rules.map((rule) => {
    const base = confStanzaName(rule.rule.title ?? '') || confStanzaName(rule.path)
    let name = base
    for (let n = 2; used.has(name.toLowerCase()); n++) name = `${base} (${n})`
    used.add(name.toLowerCase())
    return savedSearch(rule, name, config)
  })
}

function savedSearch(output: OutputRule, name: string, config: Config): SavedSearch {
  const { rule } = output
  const splunk = config.splunk
  const schedule = { ...correlationDefaults(rule, splunk), ...rule.schedule }
  const placeholders = placeholdersWithoutValues(output.expr)
  const status = rule.status
  const disabled = placeholders.length > 0 || (status !== undefined && splunk.disabledStatuses.includes(status))

  const settings: [string, string][] = []
  if (splunk.correlationSearch) {
    settings.push(['action.correlationsearch.enabled', '1'])
    settings.push(['action.correlationsearch.label', name])
    settings.push(['action.correlationsearch.annotations', annotations(rule)])
  }
  const severity = ALERT_SEVERITY[rule.level ?? '']
  if (severity !== undefined) settings.push(['alert.severity', String(severity)])
  settings.push(
    ['alert.track', '1'],
    ['counttype', 'number of events'],
    ['cron_schedule', schedule.cron ?? splunk.cron],
    ['description', (rule.description ?? '').trim()],
    ['disabled', disabled ? '1' : '0'],
    ['dispatch.earliest_time', schedule.earliest ?? splunk.earliestTime],
    ['dispatch.latest_time', schedule.latest ?? splunk.latestTime],
    ['enableSched', '1'],
    ['quantity', '0'],
    ['relation', 'greater than'],
    ['search', output.spl],
  )

  const comments = [`${output.path}${rule.id !== undefined ? ` (id ${rule.id})` : ''}`]
  if (placeholders.length > 0) {
    comments.push(`Disabled until the macros ${placeholders.map((p) => `${PLACEHOLDER_MACRO_PREFIX}${p}`).join(', ')} are defined in macros.conf.`)
  }
  return { rule: output, stanza: { name, settings, comments }, disabled }
}

/**
 * Read a rule's own schedule from its `splunk:` attribute (`cron`,
 * `earliest`, `latest`), which overrides the configuration.
 */
function ruleSchedule(rule: SigmaRule): Schedule {
  const node = rule.map.get('splunk', true)
  if (!isMap(node)) return {}
  const schedule: Schedule = {}
  for (const key of ['cron', 'earliest', 'latest'] as const) {
    const value = node.get(key, true)
    if (isScalar(value) && typeof value.value === 'string' && value.value.trim() !== '') schedule[key] = value.value.trim()
  }
  return schedule
}

export type Schedule = { cron?: string; earliest?: string; latest?: string }

/**
 * Derive a correlation's schedule from its timespan, unless
 * `.sigma-gate.yml` changed the default schedule: the generic
 * `-20m@m`..`-5m@m` window never holds a whole bucket of a longer timespan.
 */
function correlationDefaults(rule: OutputMetadata, splunk: Config['splunk']): Schedule {
  if (!rule.correlation) return {}
  const defaults = defaultSplunkConfig()
  const configured = splunk.cron !== defaults.cron || splunk.earliestTime !== defaults.earliestTime || splunk.latestTime !== defaults.latestTime
  const timespan = rule.correlationTimespan
  return configured || timespan === undefined ? {} : (correlationSchedule(timespan) ?? {})
}

/**
 * Return the schedule of a correlation with this timespan (`10m`, `1h`,
 * `1d`): it runs at least once per timespan and searches the last two
 * timespans up to the current unit boundary (`-2h@h` to `@h` for `1h`).
 * Runs at most one timespan apart with a window two timespans wide hold
 * every complete bucket whole, and a bucket searched again in the next run
 * picks up events indexed late.
 */
export function correlationSchedule(timespan: string): Required<Schedule> | undefined {
  const match = /^(\d+)([smhd])$/.exec(timespan.trim())
  const count = Number(match?.[1])
  const unit = match?.[2] as 's' | 'm' | 'h' | 'd' | undefined
  if (unit === undefined || !(count > 0)) return undefined

  const seconds = count * { s: 1, m: 60, h: 3600, d: 86400 }[unit]
  return { cron: cronEvery(seconds), earliest: `-${2 * count}${unit}@${unit}`, latest: `@${unit}` }
}

/** Return a cron expression that fires at least once every `seconds` seconds, on unit boundaries. */
function cronEvery(seconds: number): string {
  if (seconds >= 86400) return '0 0 * * *'
  if (seconds >= 3600) {
    const hours = largestDivisor(24, Math.floor(seconds / 3600))
    return hours === 1 ? '0 * * * *' : `0 */${hours} * * *`
  }
  const minutes = largestDivisor(60, Math.max(1, Math.floor(seconds / 60)))
  return minutes === 1 ? '* * * * *' : `*/${minutes} * * * *`
}

/** Return the largest divisor of `whole` not above `limit`, so cron steps stay evenly spaced. */
function largestDivisor(whole: number, limit: number): number {
  for (let step = Math.min(whole, limit); step > 1; step--) if (whole % step === 0) return step
  return 1
}

/** The Enterprise Security annotations: the rule's ATT&CK technique ids. */
function annotations(rule: OutputMetadata): string {
  return JSON.stringify({ mitre_attack: techniqueIds(rule.tags) })
}

/** Return the ATT&CK technique ids of a rule's tags, upper-case, sorted, once each. */
function techniqueIds(tags: readonly string[]): string[] {
  const ids = new Set<string>()
  for (const tag of tags) {
    const parsed = parseTag(tag.toLowerCase())
    if (parsed.kind === 'technique') ids.add(parsed.id)
  }
  return [...ids].sort()
}

/** Return the names of placeholders without values that a detection uses, sorted. */
export function placeholdersWithoutValues(expr: Expr): string[] {
  const names = new Set<string>()
  const visit = (node: Expr): void => {
    if (node.kind === 'and' || node.kind === 'or') node.items.forEach(visit)
    else if (node.kind === 'not') visit(node.item)
    else if (node.kind === 'field' && node.test.kind === 'placeholder') names.add(node.test.name)
  }
  visit(expr)
  return [...names].sort()
}

function manifestText(searches: SavedSearch[], config: Config): string {
  const entries: ManifestEntry[] = searches.map(({ rule: output, stanza, disabled }) => ({
    path: output.path,
    id: output.rule.id ?? null,
    title: output.rule.title ?? null,
    level: output.rule.level ?? null,
    status: output.rule.status ?? null,
    tags: output.rule.tags,
    spl: output.splFile,
    sha256: createHash('sha256').update(`${output.spl}\n`).digest('hex'),
    stanza: stanza.name,
    disabled,
  }))
  const manifest = { version: 1, app: config.splunk.app, rules: entries }
  return `${JSON.stringify(manifest, null, 2)}\n`
}

function appConf(app: string): string {
  return writeConf(
    [
      { name: 'install', settings: [['is_configured', '0'], ['state', 'enabled']] },
      { name: 'launcher', settings: [['author', 'sigma-gate'], ['description', 'Saved searches converted from Sigma rules by sigma-gate.'], ['version', '1.0.0']] },
      { name: 'package', settings: [['id', app], ['check_for_updates', '0']] },
      { name: 'ui', settings: [['is_visible', '0'], ['label', app]] },
    ],
    FILE_HEADER,
  )
}

/**
 * The scope macro (when configured) and one macro per placeholder without
 * values, with an empty definition for the user to fill in.
 */
function macrosConf(rules: readonly OutputRule[], config: Config): string {
  const stanzas: ConfStanza[] = []
  const splunk = config.splunk
  if (splunk.macro) {
    const terms = (['index', 'source', 'sourcetype'] as const)
      .flatMap((key) => (splunk[key] ? [`${key}="${splunk[key].replace(/["\\]/g, (c) => '\\' + c)}"`] : []))
    stanzas.push({
      name: splunk.macro,
      comments: ['The scope of every Sysmon search. Edit it to match where your Sysmon events are indexed.'],
      settings: [['definition', terms.join(' ') || '*'], ['iseval', '0']],
    })
  }

  const users = new Map<string, Set<string>>()
  for (const rule of rules) {
    for (const name of placeholdersWithoutValues(rule.expr)) {
      const paths = users.get(name) ?? new Set<string>()
      paths.add(rule.path)
      users.set(name, paths)
    }
  }
  for (const name of [...users.keys()].sort()) {
    stanzas.push({
      name: `${PLACEHOLDER_MACRO_PREFIX}${name}(1)`,
      comments: [
        `Placeholder %${name}% of ${[...(users.get(name) ?? [])].sort().join(', ')}.`,
        'Define it as a search on the field argument, e.g. $field$ IN ("a", "b"),',
        `or set 'placeholders: { ${name}: [...] }' in .sigma-gate.yml and convert again.`,
        'The saved searches that use it are written disabled until then.',
      ],
      settings: [['args', 'field'], ['definition', ''], ['iseval', '0']],
    })
  }
  return writeConf(stanzas, FILE_HEADER)
}

function defaultMeta(): string {
  return writeConf(
    [
      { name: '', settings: [['access', 'read : [ * ], write : [ admin ]'], ['export', 'system']] },
      { name: 'savedsearches', settings: [['owner', 'admin']] },
    ],
    FILE_HEADER,
  )
}
