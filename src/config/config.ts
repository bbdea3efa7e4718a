import type { Severity } from '../diagnostic.js'
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
  }
}
