import type { Severity } from '../diagnostic.js'
import { defaultLimits, type Limits } from '../limits/limits.js'
import type { FailOn } from '../report/report.js'

/** A check's setting in `.sigma-gate.yml`: a severity, or `off` to drop its findings. */
export type CheckSetting = 'off' | Severity

/** Paths and rule ids for which one check's findings are dropped. */
export interface CheckIgnore {
  /** Globs over repository-relative paths, e.g. `rules/legacy/**`. */
  paths: string[]
  /** Rule ids (UUIDs), compared case-insensitively. */
  rules: string[]
}

/** One accepted finding of a baseline file. */
export interface BaselineEntry {
  /** The rule's id, or its repository-relative path when it has none. */
  rule: string
  check: string
  /** `messageHash` of the finding's message. */
  hash: string
}

/** Which SigmaHQ repository conventions the `convention/*` checks enforce. */
export type Conventions = 'sigmahq' | 'off'

/** The settings of `.sigma-gate.yml`, with defaults filled in. */
export interface Config {
  /** Absolute path of the file the settings came from; absent for the defaults. */
  path?: string
  failOn: FailOn
  conventions: Conventions
  /** Severity overrides and `off` per check id. */
  checks: Record<string, CheckSetting>
  ignore: Record<string, CheckIgnore>
  /** Globs over repository-relative paths of rule files to skip entirely. */
  exclude: string[]
  /** Absolute path of the baseline file, when one is configured. */
  baseline?: string
  baselineEntries: BaselineEntry[]
  /** How the SPL and the Splunk app fit the deployment (`splunk:`). */
  splunk: SplunkConfig
  /** Values of Sigma placeholders (`expand` modifier), by placeholder name. */
  placeholders: Record<string, string[]>
  /** Resource bounds on rule, fixture and event files (`limits:`). */
  limits: Limits
  /** Absolute path of a directory of benign event files every rule runs on (`baseline-events`). */
  baselineEvents?: string
  /** Hits on the benign events that are accepted (`baseline-allow`). */
  baselineAllow?: BaselineAllow[]
  /** Minimum fixture tests per rule and per status (`fixture-policy`). */
  fixturePolicy?: FixturePolicy
}

/** A hit of one rule on benign events that is accepted, with the reason. */
export interface BaselineAllow {
  /** The rule's id, compared case-insensitively. */
  rule: string
  /** The event field the pattern tests. */
  field: string
  /** A Sigma wildcard pattern (`*`, `?`), matched case-insensitively. */
  pattern: string
  reason: string
}

/** Minimum numbers of true-positive and false-positive fixture tests. */
export interface FixtureMinimum {
  tp: number
  fp: number
}

/** `fixture-policy`: a minimum for every rule, and stricter ones per status. */
export interface FixturePolicy {
  all?: FixtureMinimum
  /** Keyed by rule status: `stable`, `test`, `experimental`, ... */
  status: Record<string, FixtureMinimum>
}

/** The `splunk:` section: scope, field names and saved-search settings. */
export interface SplunkConfig {
  /** Scope terms; unset ones add nothing. `source` defaults to the Sysmon channel. */
  index?: string
  source?: string
  sourcetype?: string
  /** A scope macro name; when set, it replaces the index, source and sourcetype terms. */
  macro?: string
  /** The Splunk field that contains the Sysmon event id (`EventID` in Sigma). */
  eventIdField: string
  /** `cim` for the Endpoint data model names, or undefined for raw Sysmon names. */
  fieldPreset?: 'cim'
  /** Sigma field name → Splunk field name, applied after the preset. */
  fieldNames: Record<string, string>
  /** Report rule fields that have no rename when renames are configured. */
  strictFields: boolean
  cron: string
  earliestTime: string
  latestTime: string
  /** Name of the Splunk app folder in the package. */
  app: string
  /** Rule statuses whose saved searches are written with `disabled = 1`. */
  disabledStatuses: string[]
  /** Mark saved searches as Enterprise Security correlation searches. */
  correlationSearch: boolean
}

/** Return the `splunk:` settings used when the configuration sets none. */
export function defaultSplunkConfig(): SplunkConfig {
  return {
    source: 'XmlWinEventLog:Microsoft-Windows-Sysmon/Operational',
    eventIdField: 'EventCode',
    fieldNames: {},
    strictFields: false,
    cron: '*/15 * * * *',
    earliestTime: '-20m@m',
    latestTime: '-5m@m',
    app: 'sigma_gate_detections',
    disabledStatuses: ['experimental', 'test'],
    correlationSearch: true,
  }
}

/** Return the configuration used when a repository has no `.sigma-gate.yml`. */
export function defaultConfig(): Config {
  return {
    failOn: 'error',
    conventions: 'off',
    checks: {},
    ignore: {},
    exclude: [],
    baselineEntries: [],
    splunk: defaultSplunkConfig(),
    placeholders: {},
    limits: defaultLimits(),
  }
}
