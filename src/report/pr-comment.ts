import type { CoverageChange } from './attack-coverage.js'
import { techniqueLabel } from './attack-coverage.js'
import { describeFailure } from './failure-message.js'
import { escapeHtml, escapeTableCell } from './github-summary.js'
import type { ChangedRuleSpl, LinkToLines } from './github-summary.js'
import { diffLines } from './line-diff.js'
import type { FailOn, Report } from './report.js'
import { countOf, failingTests, sortDiagnostics } from './report-order.js'
import { describeTestCounts, formatTestLocation } from './text-report.js'

/** Hidden marker that identifies sigma-gate's sticky comment on a PR. */
export const COMMENT_MARKER = '<!-- sigma-gate:sticky-comment -->'

/**
 * Maximum characters of a comment. GitHub returns 422 above 65,536, and the margin
 * keeps room for the marker and the truncation note.
 */
export const COMMENT_MAX_LENGTH = 60_000

/** Failure rows listed before the rest are counted. */
const MAX_FAILURE_ROWS = 50

export interface PrCommentInput {
  report: Report
  failOn: FailOn
  /** SPL of each changed rule on the base branch and in the pull request. */
  changed: readonly ChangedRuleSpl[]
  /** Techniques the pull request adds to or removes from the coverage. */
  coverage?: CoverageChange
  linkTo?: LinkToLines
  /** URL of the workflow run, named in the truncation note. */
  runUrl?: string
  /** Defaults to `COMMENT_MAX_LENGTH`. */
  maxLength?: number
  /** Set when only changed rules and their dependants were checked. */
  changedOnly?: boolean
}

/**
 * Build the sticky comment's Markdown: verdict and totals, the failures with
 * links to their lines, the SPL of each changed rule as a diff against the
 * base branch, and the ATT&CK techniques gained and lost. Sections that do
 * not fit `maxLength` are cut, and a note names where the full report is.
 */
export function buildPrComment(input: PrCommentInput): string {
  const maxLength = input.maxLength ?? COMMENT_MAX_LENGTH
  const head = [COMMENT_MARKER, formatHeading(input)]
  const sections = [
    ...formatFailures(input),
    ...formatSplDiffs(input.changed),
    ...formatCoverageChange(input.coverage),
  ]

  const note = formatTruncationNote(input.runUrl)
  let body = head.join('\n\n')
  let shown = 0
  for (const section of sections) {
    const next = `${body}\n\n${section}`
    if (next.length + note.length + 2 > maxLength) break

    body = next
    shown += 1
  }

  if (shown < sections.length) body += `\n\n${note}`
  return body + '\n'
}

function formatHeading(input: PrCommentInput): string {
  const { summary } = input.report
  const failure = describeFailure(input.report, input.failOn)
  const verdict =
    failure === undefined
      ? `### sigma-gate passed with fail-on '${input.failOn}'`
      : `### sigma-gate failed with fail-on '${input.failOn}': ${failure}`
  const scope = input.changedOnly ? ' (changed rules and their dependants)' : ''
  const totals = `${countOf(summary.rules, 'rule')} checked${scope}, ${summary.converted} converted to SPL, ${countOf(summary.errors, 'error')}, ${countOf(summary.warnings, 'warning')}, ${summary.fixtures.passed} fixture tests passed, ${summary.fixtures.failed} failed.`
  return `${verdict}\n\n${totals}`
}

/** One section for the table head and one per row, so cuts fall between rows. */
function formatFailures(input: PrCommentInput): string[] {
  const rows = collectFailureRows(input)
  if (rows.length === 0) return []

  const shown = rows.slice(0, MAX_FAILURE_ROWS)
  const table = [
    '#### Failures',
    '',
    '| Location | Check | Message |',
    '| --- | --- | --- |',
    ...shown,
  ].join('\n')
  if (shown.length === rows.length) return [table]

  const more = rows.length - shown.length
  return [table, `_${countOf(more, 'more failure')} in the job summary and the step log._`]
}

function collectFailureRows(input: PrCommentInput): string[] {
  const rows: string[] = []
  const { report, linkTo } = input
  for (const rule of report.rules) {
    for (const diagnostic of sortDiagnostics(rule.diagnostics, rule.path)) {
      if (diagnostic.severity !== 'error' && !(input.failOn === 'warning' && diagnostic.severity === 'warning')) continue

      const file = diagnostic.file ?? rule.path
      const text = `${file}:${diagnostic.line}`
      const url = linkTo?.(file, diagnostic.line, diagnostic.endLine)
      rows.push(row(link(text, url), diagnostic.check, diagnostic.message))
    }

    for (const test of failingTests(rule)) {
      const url = linkTo?.(test.caseFile ?? test.fixture, test.line ?? 1)
      const message = `Test '${test.name}' failed: ${describeTestCounts(test)}.${test.reason === undefined ? '' : ` ${test.reason}`}`
      rows.push(row(link(formatTestLocation(test), url), 'test/failed', message))
    }
  }

  for (const diagnostic of report.diagnostics) {
    if (diagnostic.severity !== 'error') continue
    rows.push(row(escapeTableCell(diagnostic.file ?? ''), diagnostic.check, diagnostic.message))
  }

  return rows
}

function row(location: string, check: string, message: string): string {
  return `| ${location} | ${escapeTableCell(check)} | ${escapeTableCell(message)} |`
}

/** Link a cell; the URL comes encoded from `blobUrl`, so only parentheses are encoded here. */
function link(text: string, url: string | undefined): string {
  if (url === undefined) return escapeTableCell(text)
  const href = url.replace(/[()]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
  return `[${escapeTableCell(text)}](${href})`
}

function formatSplDiffs(changed: readonly ChangedRuleSpl[]): string[] {
  if (changed.length === 0) return []

  const blocks = changed.map((rule) => {
    const title = rule.title === null ? '' : ` ${escapeHtml(rule.title)}`
    const status = describeChange(rule)
    const diff = diffLines(rule.before ?? [], rule.after)
      .map(escapeHtml)
      .join('\n')
    return `<details><summary><code>${escapeHtml(rule.path)}</code>${title}: ${status}</summary>\n\n<pre>\n${diff}\n</pre>\n\n</details>`
  })
  return [`#### SPL of changed rules against the base branch`, ...blocks]
}

function describeChange(rule: ChangedRuleSpl): string {
  if (rule.after.length === 0) return 'no SPL in this pull request'
  if (rule.before === undefined) return 'new SPL'
  const same =
    rule.before.length === rule.after.length &&
    rule.before.every((line, index) => line === rule.after[index])
  return same ? 'SPL unchanged' : 'SPL changed'
}

function formatCoverageChange(change: CoverageChange | undefined): string[] {
  if (change === undefined) return []

  if (change.gained.length === 0 && change.lost.length === 0) {
    return ['#### ATT&CK coverage\n\nNo technique gained or lost against the base branch.']
  }

  const list = (ids: readonly string[]): string =>
    ids.map((id) => escapeTableCell(techniqueLabel(id))).join(', ')
  const lines = ['#### ATT&CK coverage', '']
  if (change.gained.length > 0) lines.push(`Gained ${change.gained.length}: ${list(change.gained)}`)
  if (change.lost.length > 0) {
    if (change.gained.length > 0) lines.push('')
    lines.push(`Lost ${change.lost.length}: ${list(change.lost)}`)
  }

  return [lines.join('\n')]
}

function formatTruncationNote(runUrl: string | undefined): string {
  const where = runUrl === undefined ? 'the job summary' : `the [job summary](${runUrl})`
  return `_This comment was cut to stay under GitHub's comment size limit; ${where} and the artifacts have everything._`
}
