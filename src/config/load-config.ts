import { readFile } from 'node:fs/promises'
import path from 'node:path'
import type { ErrorObject } from 'ajv'
import type { Node } from 'yaml'
import schema from '../../schemas/config.schema.json' with { type: 'json' }
import { diagnosticAt, type Diagnostic } from '../diagnostic.js'
import { validateConfig } from '../generated/validate-config.js'
import { checkIds } from '../lint/checks.js'
import { closestName } from '../lint/closest-name.js'
import { pointerSegments, resolvePointer } from '../lint/yaml-pointer.js'
import { defaultLimits, LIMIT_KEYS, type Limits } from '../limits/limits.js'
import { expandDocument } from '../limits/yaml-limits.js'
import { isMap, isScalar, parseYamlSource, spanOf } from '../sigma/yaml-document.js'
import { readBaseline } from './baseline.js'
import { readFixtureSettings } from './fixture-settings.js'
import { defaultConfig, type CheckSetting, type Config, type SplunkConfig } from './config.js'

/** A Splunk app folder name: no path separators, no leading dot. */
const APP_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,79}$/

/** Name of the configuration file, looked up in the repository root. */
export const CONFIG_FILE = '.sigma-gate.yml'

function validate(value: unknown): ErrorObject[] {
  return validateConfig(value) ? [] : (validateConfig.errors ?? [])
}

/**
 * Read `.sigma-gate.yml` from a directory. A missing default file gives the
 * defaults; every problem in the file becomes a `config/*` finding located in
 * it, and the settings that could be read still apply. `named` replaces the
 * default location, e.g. for the action's `config` input, and must exist,
 * because a user who names a file expects its settings to apply.
 */
export async function loadConfig(dir: string, named?: string): Promise<{ config: Config; diagnostics: Diagnostic[] }> {
  const file = named ?? path.join(dir, CONFIG_FILE)
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    return { config: defaultConfig(), diagnostics: named === undefined ? [] : [configNotFound(file, error)] }
  }
  const { config, diagnostics } = parseConfig(text, file)
  if (config.baseline) {
    const baseline = await readBaseline(config.baseline)
    config.baselineEntries = baseline.entries
    diagnostics.push(...baseline.diagnostics)
  }
  return { config, diagnostics }
}

function configNotFound(file: string, error: unknown): Diagnostic {
  const code = (error as { code?: unknown } | null)?.code
  const reason = code === 'ENOENT' ? 'does not exist' : `cannot be read (${typeof code === 'string' ? code : String(error)})`
  return diagnosticAt(undefined, 'config/not-found', 'error', `The config file '${file}' ${reason}, so none of its settings apply. Correct the path, or leave it empty to read .sigma-gate.yml in the working directory.`, file)
}

/** Parse the text of a configuration file at the absolute path `file`. */
export function parseConfig(text: string, file: string): { config: Config; diagnostics: Diagnostic[] } {
  const config: Config = { ...defaultConfig(), path: file }
  const source = parseYamlSource(text)
  const diagnostics: Diagnostic[] = source.diagnostics.map((d) => ({ ...d, check: 'config/yaml', file }))
  const root = source.documents[0]?.contents as Node | null | undefined
  if (diagnostics.length > 0 || !root) return { config, diagnostics }

  const document = source.documents[0] as NonNullable<(typeof source.documents)[0]>
  const expanded = expandDocument(() => document.toJSON(), document, source.lineCounter, 'config/yaml')
  if ('diagnostic' in expanded) return { config, diagnostics: [{ ...expanded.diagnostic, file }] }
  const value = expanded.value
  const locate = (pointer: string, useKey = false): ReturnType<typeof spanOf> => {
    const target = resolvePointer(root, pointer)
    return spanOf(useKey ? (target.key ?? target.node) : target.node, source.lineCounter)
  }
  for (const error of reportableErrors(validate(value))) {
    const pointer = error.keyword === 'additionalProperties' ? `${error.instancePath}/${String(error.params['additionalProperty'])}` : error.instancePath
    diagnostics.push(diagnosticAt(locate(pointer, error.keyword !== 'enum'), 'config/schema', 'error', schemaMessage(error), file))
  }
  readSettings(config, value, path.dirname(file))
  diagnostics.push(...unknownCheckIds(root, source.lineCounter, file))
  return { config, diagnostics }
}

/** Drop the errors of an anyOf's branches, because the anyOf error itself lists what is allowed. */
function reportableErrors(errors: ErrorObject[]): ErrorObject[] {
  const alternatives = errors.filter((error) => error.keyword === 'anyOf').map((error) => error.instancePath)
  return errors.filter(
    (error) => error.keyword === 'anyOf' || !alternatives.some((where) => error.instancePath.startsWith(where)),
  )
}

function schemaMessage(error: ErrorObject): string {
  const where = pointerSegments(error.instancePath).join('.') || 'the configuration'
  const params = error.params as Record<string, unknown>
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(params['additionalProperty'])
      const known = Object.keys(schema.properties)
      const suggestion = where === 'the configuration' ? closestName(key, known, 4) : undefined
      let hint = " Use 'severity' and 'ignore'."
      if (where === 'splunk') hint = ` Use one of: ${Object.keys(schema.properties.splunk.properties).join(', ')}.`
      if (where === 'splunk.dispatch') hint = " Use 'earliest' and 'latest'."
      if (suggestion) hint = ` Did you mean '${suggestion}'?`
      else if (where === 'the configuration') hint = ` Use one of: ${known.join(', ')}.`
      return `'${key}' is not a setting of ${where === 'the configuration' ? '.sigma-gate.yml' : `'${where}'`}.${hint}`
    }
    case 'enum':
      return `'${where}' is '${String(error.data)}', which is not valid. Use one of: ${(params['allowedValues'] as unknown[]).join(', ')}.`
    case 'anyOf':
      if (where.startsWith('splunk.')) return `'${where}' must be 'cim', a map of Sigma field names to Splunk field names, or a map with 'preset: cim' and 'rename'.`
      return `'${where}' must be off, error, warning or info, or a map with 'severity' and 'ignore' (paths and rules).`
    default:
      return `'${where}' ${error.message ?? 'is invalid'}. Correct it as schemas/config.schema.json describes.`
  }
}

/** Copy the well-typed settings of a parsed file into the config, ignoring invalid ones. */
function readSettings(config: Config, value: unknown, dir: string): void {
  if (!value || typeof value !== 'object') return
  const raw = value as Record<string, unknown>
  const failOn = raw['fail-on']
  if (failOn === 'error' || failOn === 'warning' || failOn === 'never') config.failOn = failOn
  if (raw['conventions'] === 'sigmahq' || raw['conventions'] === 'off') config.conventions = raw['conventions']
  config.exclude = stringArray(raw['exclude'])
  if (typeof raw['baseline'] === 'string' && raw['baseline'] !== '') config.baseline = path.resolve(dir, raw['baseline'])
  readSplunkSettings(config.splunk, raw['splunk'])
  config.placeholders = readPlaceholders(raw['placeholders'])
  config.limits = readLimits(raw['limits'])
  readFixtureSettings(config, raw, dir)
  const checks = raw['checks']
  if (!checks || typeof checks !== 'object') return
  for (const [id, setting] of Object.entries(checks as Record<string, unknown>)) {
    readCheckSetting(config, id, setting)
  }
}

/** Read the `limits:` section over the defaults; values the schema rejects keep their default. */
function readLimits(value: unknown): Limits {
  const limits = defaultLimits()
  if (!value || typeof value !== 'object') return limits
  const raw = value as Record<string, unknown>
  for (const [field, key] of Object.entries(LIMIT_KEYS) as [keyof Limits, string][]) {
    const setting = raw[key]
    if (typeof setting === 'number' && Number.isInteger(setting) && setting >= 1) limits[field] = setting
  }
  // Deeper nesting would let the walks that follow the YAML overflow the stack.
  limits.nestingDepth = Math.min(limits.nestingDepth, 1000)
  return limits
}

/** Copy the well-typed settings of the `splunk:` section over the defaults. */
function readSplunkSettings(splunk: SplunkConfig, value: unknown): void {
  if (!value || typeof value !== 'object') return
  const raw = value as Record<string, unknown>
  for (const key of ['index', 'source', 'sourcetype', 'macro'] as const) {
    if (typeof raw[key] === 'string') splunk[key] = raw[key]
  }
  const text = (key: string): string | undefined => (typeof raw[key] === 'string' && raw[key] !== '' ? raw[key] : undefined)
  splunk.eventIdField = text('event-id-field') ?? splunk.eventIdField
  splunk.cron = text('cron') ?? splunk.cron
  // The app name becomes a folder name in the outputs, so only a plain name is taken.
  const app = text('app')
  if (app !== undefined && APP_NAME.test(app)) splunk.app = app
  if (typeof raw['strict-fields'] === 'boolean') splunk.strictFields = raw['strict-fields']
  if (typeof raw['correlation-search'] === 'boolean') splunk.correlationSearch = raw['correlation-search']
  if (Array.isArray(raw['disabled-statuses'])) splunk.disabledStatuses = stringArray(raw['disabled-statuses'])
  const dispatch = raw['dispatch'] as Record<string, unknown> | undefined
  if (dispatch && typeof dispatch === 'object') {
    if (typeof dispatch['earliest'] === 'string' && dispatch['earliest'] !== '') splunk.earliestTime = dispatch['earliest']
    if (typeof dispatch['latest'] === 'string' && dispatch['latest'] !== '') splunk.latestTime = dispatch['latest']
  }
  readFieldNames(splunk, raw['field-names'])
}

/** Read `field-names`: `cim`, a rename map, or `{ preset: cim, rename: {...} }`. */
function readFieldNames(splunk: SplunkConfig, value: unknown): void {
  if (value === 'cim') {
    splunk.fieldPreset = 'cim'
    return
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return
  const raw = value as Record<string, unknown>
  const isPreset = raw['preset'] === 'cim'
  if (isPreset) splunk.fieldPreset = 'cim'
  const renames = isPreset ? raw['rename'] : raw
  if (!renames || typeof renames !== 'object') return
  for (const [from, to] of Object.entries(renames as Record<string, unknown>)) {
    if (typeof to === 'string' && to !== '') splunk.fieldNames[from] = to
  }
}

/** Read `placeholders`: name → list of values; numbers are kept as their text. */
function readPlaceholders(value: unknown): Record<string, string[]> {
  const placeholders: Record<string, string[]> = {}
  if (!value || typeof value !== 'object' || Array.isArray(value)) return placeholders
  for (const [name, values] of Object.entries(value as Record<string, unknown>)) {
    if (!Array.isArray(values)) continue
    placeholders[name] = values.flatMap((item) => (typeof item === 'string' || typeof item === 'number' ? [String(item)] : []))
  }
  return placeholders
}

function readCheckSetting(config: Config, id: string, setting: unknown): void {
  if (isCheckSetting(setting)) {
    config.checks[id] = setting
    return
  }
  if (!setting || typeof setting !== 'object') return
  const entry = setting as Record<string, unknown>
  if (isCheckSetting(entry['severity'])) config.checks[id] = entry['severity']
  const ignore = entry['ignore'] as Record<string, unknown> | undefined
  if (ignore && typeof ignore === 'object') {
    config.ignore[id] = { paths: stringArray(ignore['paths']), rules: stringArray(ignore['rules']) }
  }
}

function isCheckSetting(value: unknown): value is CheckSetting {
  return value === 'off' || value === 'error' || value === 'warning' || value === 'info'
}

function stringArray(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string' && item !== '') : []
}

function unknownCheckIds(root: Node, lineCounter: Parameters<typeof spanOf>[1], file: string): Diagnostic[] {
  if (!isMap(root)) return []
  const checks = root.items.find((pair) => isScalar(pair.key) && pair.key.value === 'checks')?.value
  if (!isMap(checks)) return []
  const ids = checkIds()
  const found: Diagnostic[] = []
  for (const pair of checks.items) {
    if (!isScalar(pair.key)) continue
    const id = String(pair.key.value)
    if (ids.includes(id)) continue
    const suggestion = closestName(id, ids, 6)
    const hint = suggestion ? ` Did you mean '${suggestion}'?` : " Run 'sigma-gate checks' to list every id."
    found.push(diagnosticAt(spanOf(pair.key as Node, lineCounter), 'config/unknown-check', 'error', `'${id}' is not a sigma-gate check id, so this setting configures nothing.${hint}`, file))
  }
  return found
}
