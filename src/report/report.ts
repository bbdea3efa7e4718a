import type { Diagnostic } from '../diagnostic.js'
import type { Explanation } from '../match/explain.js'

/** Version of the JSON report shape; fields are added, never renamed. */
export const REPORT_VERSION = 1

/** One regression test: a fixture case run on both engines. */
export interface TestResult {
  name: string
  /** Path of the file the events came from, relative to the working directory. */
  fixture: string
  /** `match`, `no-match`, `all` (a `tp:` entry), `at-least 1`, `exactly 2`, `at-most 0`. */
  expected: string
  /** Matching events found by the native matcher. */
  native: number
  /** Matching events found by evaluating the generated SPL. */
  spl: number
  passed: boolean
  /** Why the test failed, for a detection engineer reading a CI log. */
  reason?: string
  /**
   * File that defines the case: the fixture YAML, or the regression info.yml
   * for SigmaHQ regression data. Relative to the working directory.
   */
  caseFile?: string
  /** Line of the case in `caseFile`. */
  line?: number
  /** For a failing test: why one of its events matched or not, per selection and field. */
  explanation?: Explanation
}

export interface RuleReport {
  /** Rule file path relative to the working directory. */
  path: string
  id: string | null
  title: string | null
  /** The rule's `tags` as written, e.g. `attack.t1059.001`; absent when it has none. */
  tags?: string[]
  /** 0-based position of the rule document in its file, for multi-document files. */
  document?: number
  diagnostics: Diagnostic[]
  /** One SPL query string per converted query; empty when conversion failed. */
  spl: string[]
  tests: TestResult[]
}

export interface Report {
  version: typeof REPORT_VERSION
  /** The threshold the run was judged by, from the command line or `.sigma-gate.yml`. */
  failOn?: FailOn
  summary: {
    rules: number
    errors: number
    warnings: number
    converted: number
    fixtures: { passed: number; failed: number }
  }
  rules: RuleReport[]
  /** Findings that belong to no rule: config, unreadable paths. */
  diagnostics: Diagnostic[]
}

/** The stages a run performs; `check` is all three. */
export type Verb = 'lint' | 'convert' | 'test' | 'check'

export type FailOn = 'error' | 'warning' | 'never'

/** Whether a report fails a run under the threshold; fixtures always count. */
export function reportFails(report: Report, failOn: FailOn): boolean {
  if (report.summary.fixtures.failed > 0) return true
  if (failOn === 'never') return false
  if (report.summary.errors > 0) return true
  return failOn === 'warning' && report.summary.warnings > 0
}
