import { readFile } from 'node:fs/promises'
import path from 'node:path'
import type { ErrorObject, ValidateFunction } from 'ajv'
import { Ajv } from 'ajv'
import type { Node } from 'yaml'
import schema from '../../schemas/config.schema.json' with { type: 'json' }
import { diagnosticAt, type Diagnostic } from '../diagnostic.js'
import { checkIds } from '../lint/checks.js'
import { closestName } from '../lint/closest-name.js'
import { pointerSegments, resolvePointer } from '../lint/yaml-pointer.js'
import { isMap, isScalar, parseYamlSource, spanOf } from '../sigma/yaml-document.js'
import { readBaseline } from './baseline.js'
import { defaultConfig, type CheckSetting, type Config } from './config.js'

/** Name of the configuration file, looked up in the repository root. */
export const CONFIG_FILE = '.sigma-gate.yml'

let validator: ValidateFunction | undefined

function validate(value: unknown): ErrorObject[] {
  validator ??= new Ajv({ allErrors: true, strict: false, verbose: true }).compile(schema)
  return validator(value) ? [] : (validator.errors ?? [])
}

/**
 * Read `.sigma-gate.yml` from a directory. A missing file gives the defaults;
 * every problem in the file becomes a `config/*` finding located in it, and
 * the settings that could be read still apply.
 */
export async function loadConfig(dir: string): Promise<{ config: Config; diagnostics: Diagnostic[] }> {
  const file = path.join(dir, CONFIG_FILE)
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch {
    return { config: defaultConfig(), diagnostics: [] }
  }
  const { config, diagnostics } = parseConfig(text, file)
  if (config.baseline) {
    const baseline = await readBaseline(config.baseline)
    config.baselineEntries = baseline.entries
    diagnostics.push(...baseline.diagnostics)
  }
  return { config, diagnostics }
}

/** Parse the text of a configuration file at the absolute path `file`. */
export function parseConfig(text: string, file: string): { config: Config; diagnostics: Diagnostic[] } {
  const config: Config = { ...defaultConfig(), path: file }
  const source = parseYamlSource(text)
  const diagnostics: Diagnostic[] = source.diagnostics.map((d) => ({ ...d, check: 'config/yaml', file }))
  const root = source.documents[0]?.contents as Node | null | undefined
  if (diagnostics.length > 0 || !root) return { config, diagnostics }

  const value = source.documents[0]?.toJSON() as unknown
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
      if (suggestion) hint = ` Did you mean '${suggestion}'?`
      else if (where === 'the configuration') hint = ` Use one of: ${known.join(', ')}.`
      return `'${key}' is not a setting of ${where === 'the configuration' ? '.sigma-gate.yml' : `'${where}'`}.${hint}`
    }
    case 'enum':
      return `'${where}' is '${String(error.data)}', which is not valid. Use one of: ${(params['allowedValues'] as unknown[]).join(', ')}.`
    case 'anyOf':
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
  const checks = raw['checks']
  if (!checks || typeof checks !== 'object') return
  for (const [id, setting] of Object.entries(checks as Record<string, unknown>)) {
    readCheckSetting(config, id, setting)
  }
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
