import type { Diagnostic } from '../diagnostic.js'

/** Version of the JSON shape of `sigma-gate verify --format json`. */
export const VERIFY_REPORT_VERSION = 1

/** An event on which Splunk and the SPL engine gave different verdicts for a rule. */
export interface Disagreement {
  /** Rule file, relative to the working directory. */
  rule: string
  id: string | null
  document?: number
  /** Event file, relative to the working directory. */
  file: string
  /** 0-based position of the event in `file` (in its case, for inline events). */
  index: number
  line?: number
  /** The event's `sigma_gate_event` number in this run. */
  event: number
  /** Whether Splunk returned the event for the rule's SPL. */
  splunk: boolean
  /** Whether the SPL engine matched the event. */
  engine: boolean
}

/**
 * Outcome for one rule. `agreed` and `disagreed` follow a search. `failed`
 * means the search did not finish or its results were incomplete, and
 * `skipped` that the rule has no SPL to run.
 */
export type RuleStatus = 'agreed' | 'disagreed' | 'failed' | 'skipped'

export interface RuleVerification {
  path: string
  id: string | null
  title: string | null
  document?: number
  status: RuleStatus
  reason?: string
  /** Events of the run that Splunk returned; null when no search ran. */
  splunkMatches: number | null
  /** Events of the run that the SPL engine matched; null when no search ran. */
  engineMatches: number | null
}

/**
 * State of the run's events afterwards: `deleted` with `| delete`,
 * `kept` on request, `failed` when the delete search failed, `none` when no
 * event was sent.
 */
export type CleanupStatus = 'deleted' | 'kept' | 'failed' | 'none'

export interface VerifyReport {
  version: typeof VERIFY_REPORT_VERSION
  /** Value of `sigma_gate_run` on every event of this run. */
  runId: string
  /** Management URL without credentials or query. */
  splunk: string
  index: string
  summary: {
    rules: number
    agreed: number
    disagreed: number
    failed: number
    skipped: number
    /** Events sent to Splunk. */
    events: number
    disagreements: number
  }
  cleanup: CleanupStatus
  rules: RuleVerification[]
  disagreements: Disagreement[]
  /** Problems of the run and of the fixtures, e.g. `verify/unreachable`. */
  diagnostics: Diagnostic[]
}

/** Whether a verify run should fail CI: any disagreement, failed rule or error. */
export function verifyFails(report: VerifyReport): boolean {
  if (report.summary.disagreements > 0 || report.summary.failed > 0) return true
  return report.diagnostics.some((d) => d.severity === 'error')
}

/** Format the report as indented JSON. */
export function formatVerifyJson(report: VerifyReport): string {
  return `${JSON.stringify(report, null, 2)}\n`
}

/** Format the report for a terminal or CI log. */
export function formatVerifyText(report: VerifyReport): string {
  const lines = [`sigma-gate verify: run ${report.runId} on index '${report.index}' at ${report.splunk}`]
  for (const rule of report.rules) lines.push(...ruleLines(rule, report))
  for (const d of report.diagnostics) {
    const where = d.file === undefined ? '' : `${d.file}:${d.line}:${d.column}: `
    lines.push(`${where}${d.severity} ${d.check}: ${d.message}`)
  }
  lines.push(summaryLine(report))
  return `${lines.join('\n')}\n`
}

function ruleLines(rule: RuleVerification, report: VerifyReport): string[] {
  const name = ruleName(rule)
  if (rule.status === 'skipped') return [`${name}: skipped: ${rule.reason ?? ''}`]
  if (rule.status === 'failed') return [`${name}: FAILED: ${rule.reason ?? ''}`]
  const counts = `Splunk returned ${rule.splunkMatches ?? 0}, the SPL engine matched ${rule.engineMatches ?? 0}`
  if (rule.status === 'agreed') return [`${name}: agreed (${counts})`]

  const lines = [`${name}: DISAGREED (${counts})`]
  for (const d of disagreementsOf(rule, report)) lines.push(`  ${eventName(d)}: ${describeVerdicts(d)}`)
  return lines
}

/** Format the report as a Markdown section for the GitHub job summary. */
export function formatVerifyMarkdown(report: VerifyReport): string {
  const { summary } = report
  const lines = [
    '## Splunk verification',
    '',
    `Run \`${report.runId}\` on index \`${report.index}\`: ${summary.agreed} rules agreed, ${summary.disagreed} disagreed, ${summary.failed} failed, ${summary.skipped} skipped; ${summary.events} events sent, events ${report.cleanup}.`,
    '',
  ]
  if (report.disagreements.length > 0) {
    lines.push('| rule | event | Splunk | SPL engine |', '| --- | --- | --- | --- |')
    for (const d of report.disagreements) {
      lines.push(`| ${cell(d.rule)} | ${cell(eventName(d))} | ${d.splunk ? 'returned' : 'not returned'} | ${d.engine ? 'match' : 'no match'} |`)
    }
    lines.push('')
  }
  const problems = [
    ...report.rules.filter((rule) => rule.status === 'failed').map((rule) => `${ruleName(rule)}: ${rule.reason ?? ''}`),
    ...report.diagnostics.filter((d) => d.severity !== 'info').map((d) => `${d.severity} \`${d.check}\`: ${d.message}`),
  ]
  for (const problem of problems) lines.push(`- ${cell(problem)}`)
  return `${lines.join('\n')}\n`
}

function disagreementsOf(rule: RuleVerification, report: VerifyReport): Disagreement[] {
  return report.disagreements.filter((d) => d.rule === rule.path && d.document === rule.document)
}

function ruleName(rule: { path: string; document?: number }): string {
  return rule.document === undefined ? rule.path : `${rule.path} (document ${rule.document + 1})`
}

function eventName(d: Disagreement): string {
  const line = d.line === undefined ? '' : `, line ${d.line}`
  return `${d.file}#${d.index}${line}`
}

function describeVerdicts(d: Disagreement): string {
  return d.splunk
    ? 'Splunk returned this event, but the SPL engine did not match it'
    : 'the SPL engine matched this event, but Splunk did not return it'
}

function summaryLine(report: VerifyReport): string {
  const { summary } = report
  return `${summary.rules} rules: ${summary.agreed} agreed, ${summary.disagreed} disagreed, ${summary.failed} failed, ${summary.skipped} skipped; ${summary.events} events sent; ${summary.disagreements} disagreements; events ${report.cleanup}`
}

function cell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ')
}
