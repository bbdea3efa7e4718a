import type { OutputRule } from '../backends/splunk/splunk-outputs.js'
import type { Suppression } from '../config/suppressions.js'
import type { Diagnostic } from '../diagnostic.js'
import type { RunFacts } from '../lint/run-checks.js'
import type { RuleReport, Verb } from '../report/report.js'

/**
 * The rule files one part of a run compiles, lints, converts and tests.
 * It is plain data, so a worker thread can receive it.
 */
export interface PartTask {
  /** Identifies the run; a worker thread reads the configuration once per run. */
  runId: string
  verb: Verb
  cwd: string
  /** Absolute path of the configuration file the run reads instead of `.sigma-gate.yml`. */
  configFile?: string
  /** The part's rule files, each with its position in the whole run. */
  files: PartFile[]
  /** Every file of the run that may hold a filter document: filters apply across parts. */
  filterFiles: { path: string; text?: string }[]
  /** Whether the part returns what the Splunk outputs need of each rule. */
  collectOutputs: boolean
}

export interface PartFile {
  /** Position of the file in the run's sorted file list. */
  index: number
  path: string
  root: string
  /** The text discovery already read, so the part does not read it again. */
  text?: string
  /** Whether discovery listed the rule's fixture file; unset when it did not look. */
  hasFixtureFile?: boolean
}

/** The result of one part: its rules in file order, and the findings that belong to the run. */
export interface PartResult {
  rules: FinishedRule[]
  diagnostics: Diagnostic[]
}

/** One rule after its part ran, as plain data. */
export interface FinishedRule {
  /** Position of the rule file in the run. */
  fileIndex: number
  /** Position of the document in its file. */
  position: number
  report: RuleReport
  /** The `# sigma-gate-disable` comments of the rule file; absent when it has none. */
  suppressions?: Suppression[]
  ruleId?: string
  /** First and last line of the document, for suppressions that cover it. */
  lines?: { start: number; end: number }
  /** The attributes the cross-rule checks compare; absent when the file had no readable document. */
  facts?: RunFacts
  output?: OutputRule
  /** How many diagnostics came before the fixtures ran; the cross-rule findings go there. */
  crossAt: number
}
