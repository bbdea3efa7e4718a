import type { Diagnostic } from '../diagnostic.js'
import type { CoveredTechnique } from './attack-coverage.js'
import type { FailOn, Report, RuleReport, TestResult } from './report.js'
import { describeFailure } from './failure-message.js'
import { formatRuleLabel, formatTestLocation } from './text-report.js'
import {
  compareSeverity,
  countOf,
  failingTests,
  sortDiagnostics,
} from './report-order.js'

export interface JobSummaryOptions {
  failOn: FailOn
  /** Rows per table; the rest are counted under the table. */
  maxRows?: number
  /** Bytes for all table rows together, in UTF-8. */
  maxBytes?: number
  /** Characters per table cell before escaping; longer text is cut. */
  maxCellLength?: number
  /** Turn a report path and line range into a link to those lines. */
  linkTo?: LinkToLines
  /** Techniques covered by the converted rules, for the ATT&CK section. */
  coverage?: readonly CoveredTechnique[]
  /** SPL of the rules a pull request changed, shown collapsed. */
  changedSpl?: readonly ChangedRuleSpl[]
}

/** Build a URL to lines of a file given by its report path, if it can. */
export type LinkToLines = (
  reportPath: string,
  line: number,
  endLine?: number,
) => string | undefined

/** SPL of one changed rule before and after a pull request. */
export interface ChangedRuleSpl {
  /** Rule path relative to the working directory. */
  path: string
  title: string | null
  /** SPL on the base branch; undefined for a new rule or one that failed there. */
  before?: readonly string[]
  /** SPL of the pull request's version; empty when it does not convert. */
  after: readonly string[]
}

/** A table cell: plain text, or Markdown that is already escaped. */
type Cell = string | { markdown: string }

/**
 * Default byte budget for table rows. GitHub drops a step's whole summary
 * above 1 MiB and adds an error instead, so rows stay at a quarter of that.
 * Headings, totals and notes add a few hundred bytes.
 */
export const SUMMARY_ROW_BYTES = 256 * 1024

const defaults = {
  maxRows: 100,
  maxBytes: SUMMARY_ROW_BYTES,
  maxCellLength: 300,
}

type Limits = typeof defaults & { linkTo?: LinkToLines }

/** Bytes of SPL shown in the collapsed preview of changed rules. */
export const SPL_PREVIEW_BYTES = 128 * 1024

/** Techniques listed by name in the coverage section. */
const MAX_LISTED_TECHNIQUES = 200

const loggedNote = 'The step log lists them all.'

/** Remaining UTF-8 bytes that table rows may still use. */
interface ByteBudget {
  remaining: number
}

/**
 * Build the Markdown job summary: verdict, totals, the findings with their
 * locations (most severe first), the failing fixture tests and the rules
 * without SPL. Tables are cut at `maxRows` rows and at `maxBytes` in total,
 * and a line under each cut table gives the number of rows left out.
 */
export function buildJobSummary(
  report: Report,
  options: JobSummaryOptions,
): string {
  const limits: Limits = { ...defaults, ...definedOnly(options) }
  if (options.linkTo !== undefined) limits.linkTo = options.linkTo
  const budget: ByteBudget = { remaining: limits.maxBytes }
  const sections = [
    '## sigma-gate',
    formatVerdict(report, options.failOn),
    formatTotals(report),
    formatFindings(report, limits, budget),
    formatFailingTests(report, limits, budget),
    formatConversion(report, limits, budget),
    formatCoverage(options.coverage),
    formatSplPreview(options.changedSpl ?? []),
  ]

  return sections.filter((section) => section !== '').join('\n\n') + '\n'
}

/**
 * Escape text for one Markdown table cell: HTML-escape `&`, `<`, `>` and `|`
 * (`@actions/core` inserts summary text unescaped), backslash-escape Markdown
 * punctuation, and join lines with spaces.
 */
export function escapeTableCell(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\|/g, '&#124;')
    .replace(/[\\`*_[\]~]/g, '\\$&')
    .replace(/\r?\n|\r/g, ' ')
}

function formatVerdict(report: Report, failOn: FailOn): string {
  const failure = describeFailure(report, failOn)
  if (failure !== undefined) {
    return `**Failed** with fail-on '${failOn}': ${failure}.`
  }

  return `**Passed** with fail-on '${failOn}'.`
}

function formatTotals(report: Report): string {
  const { summary } = report
  const cells = [
    summary.rules,
    summary.converted,
    summary.errors,
    summary.warnings,
    summary.fixtures.passed,
    summary.fixtures.failed,
  ]

  return [
    '| Rules | Converted | Errors | Warnings | Fixture tests passed | Fixture tests failed |',
    '| ---: | ---: | ---: | ---: | ---: | ---: |',
    `| ${cells.join(' | ')} |`,
  ].join('\n')
}

interface LocatedDiagnostic {
  diagnostic: Diagnostic
  file: string | undefined
}

function formatFindings(
  report: Report,
  limits: Limits,
  budget: ByteBudget,
): string {
  const findings = collectFindings(report)
  if (findings.length === 0) return ''

  const rows = findings.map(({ diagnostic, file }): Cell[] => [
    locationCell(file, diagnostic, limits.linkTo),
    diagnostic.severity,
    diagnostic.check,
    diagnostic.message,
  ])

  return formatTable(
    '### Findings',
    ['Location', 'Severity', 'Check', 'Message'],
    rows,
    { limits, budget, leftOutNote: loggedNote },
  )
}

/** List every diagnostic, most severe first, then in report order. */
function collectFindings(report: Report): LocatedDiagnostic[] {
  const findings = sortDiagnostics(report.diagnostics).map((diagnostic) => ({
    diagnostic,
    file: diagnostic.file,
  }))

  for (const rule of report.rules) {
    for (const diagnostic of sortDiagnostics(rule.diagnostics, rule.path)) {
      findings.push({ diagnostic, file: diagnostic.file ?? rule.path })
    }
  }

  return findings.sort((a, b) =>
    compareSeverity(a.diagnostic.severity, b.diagnostic.severity),
  )
}

function formatFailingTests(
  report: Report,
  limits: Limits,
  budget: ByteBudget,
): string {
  const rows = report.rules.flatMap((rule) =>
    failingTests(rule).map((test) => formatTestRow(rule, test, limits.linkTo)),
  )
  if (rows.length === 0) return ''

  return formatTable(
    '### Failing fixture tests',
    ['Rule', 'Test', 'Fixture', 'Expected', 'Native', 'SPL', 'Reason'],
    rows,
    { limits, budget, leftOutNote: loggedNote },
  )
}

function formatTestRow(
  rule: RuleReport,
  test: TestResult,
  linkTo: LinkToLines | undefined,
): Cell[] {
  const url = linkTo?.(test.caseFile ?? test.fixture, test.line ?? 1)
  const location = formatTestLocation(test)
  return [
    formatRuleLabel(rule),
    test.name,
    url === undefined ? location : linkCell(location, url),
    test.expected,
    String(test.native),
    String(test.spl),
    test.reason ?? '',
  ]
}

function formatConversion(
  report: Report,
  limits: Limits,
  budget: ByteBudget,
): string {
  const queries = report.rules.reduce((sum, rule) => sum + rule.spl.length, 0)
  const { converted, rules } = report.summary
  const queryCount = countOf(queries, 'query', 'queries')
  const line = `${converted} of ${countOf(rules, 'rule')} converted to SPL, ${queryCount} in total.`

  const unconverted = report.rules.filter((rule) => rule.spl.length === 0)
  if (unconverted.length === 0) return `### Conversion\n\n${line}`

  const rows = unconverted.map((rule): Cell[] => [
    formatRuleLabel(rule),
    rule.title ?? '',
  ])
  const table = formatTable('', ['Rule without SPL', 'Title'], rows, {
    limits,
    budget,
    leftOutNote: '',
  })
  return `### Conversion\n\n${line}\n\n${table}`
}

interface TableOptions {
  limits: Limits
  budget: ByteBudget
  /** Sentence appended to the left-out count, or empty. */
  leftOutNote: string
}

function formatTable(
  heading: string,
  header: readonly string[],
  rows: readonly Cell[][],
  { limits, budget, leftOutNote }: TableOptions,
): string {
  const lines = [
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
  ]

  let shownRows = 0
  for (const row of rows.slice(0, limits.maxRows)) {
    const line = formatRow(row, limits.maxCellLength)
    const size = Buffer.byteLength(line, 'utf8') + 1
    if (size > budget.remaining) break

    budget.remaining -= size
    lines.push(line)
    shownRows += 1
  }

  const parts = heading === '' ? [] : [heading]
  parts.push(lines.join('\n'))
  if (shownRows < rows.length) {
    parts.push(formatLeftOut(rows.length - shownRows, leftOutNote))
  }

  return parts.join('\n\n')
}

function formatRow(cells: readonly Cell[], maxCellLength: number): string {
  const escaped = cells.map((cell) =>
    typeof cell === 'string'
      ? escapeTableCell(cut(cell, maxCellLength))
      : cell.markdown,
  )
  return `| ${escaped.join(' | ')} |`
}

/**
 * Make a Markdown link cell. The text is escaped; the URL comes encoded from
 * `blobUrl`, so only the parentheses that would end the link are encoded.
 */
function linkCell(text: string, url: string): Cell {
  const href = url.replace(/[()]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
  return { markdown: `[${escapeTableCell(text)}](${href})` }
}

function locationCell(
  file: string | undefined,
  diagnostic: Diagnostic,
  linkTo: LinkToLines | undefined,
): Cell {
  if (file === undefined) return ''

  const text = `${file}:${diagnostic.line}:${diagnostic.column}`
  const url = linkTo?.(file, diagnostic.line, diagnostic.endLine)
  return url === undefined ? text : linkCell(text, url)
}

function formatCoverage(coverage: readonly CoveredTechnique[] | undefined): string {
  if (coverage === undefined) return ''
  if (coverage.length === 0) {
    return '### ATT&CK coverage\n\nNo converted rule tags an ATT&CK technique.'
  }

  const byTactic = new Map<string, number>()
  for (const entry of coverage) {
    for (const name of entry.tactics) byTactic.set(name, (byTactic.get(name) ?? 0) + 1)
  }

  const tacticRows = [...byTactic].map(([name, count]) => `| ${escapeTableCell(name)} | ${count} |`)
  const listed = coverage.slice(0, MAX_LISTED_TECHNIQUES).map(
    (entry) => `${entry.id} ${escapeTableCell(entry.name)} (${countOf(entry.rules.length, 'rule')})`,
  )
  const more = coverage.length - listed.length
  const tail = more > 0 ? `\n\n_${countOf(more, 'more technique')} in the Navigator layer._` : ''
  return [
    '### ATT&CK coverage',
    `${countOf(coverage.length, 'technique')} covered by converted rules.`,
    ['| Tactic | Techniques |', '| --- | ---: |', ...tacticRows].join('\n'),
    `<details><summary>Techniques</summary>\n\n${listed.join('<br>\n')}${tail}\n\n</details>`,
  ].join('\n\n')
}

function formatSplPreview(changed: readonly ChangedRuleSpl[]): string {
  if (changed.length === 0) return ''

  let remaining = SPL_PREVIEW_BYTES
  const blocks: string[] = []
  for (const rule of changed) {
    const spl = rule.after.length === 0 ? '(no SPL: the rule did not convert)' : rule.after.join('\n')
    const block = `<details><summary><code>${escapeHtml(rule.path)}</code></summary>\n\n<pre>${escapeHtml(spl)}</pre>\n\n</details>`
    const size = Buffer.byteLength(block, 'utf8')
    if (size > remaining) break

    remaining -= size
    blocks.push(block)
  }

  const leftOut = changed.length - blocks.length
  if (leftOut > 0) {
    blocks.push(`_SPL of ${countOf(leftOut, 'more changed rule')} left out to keep the summary under GitHub's size limit; the SPL artifact has it._`)
  }

  return [`### SPL of changed rules`, ...blocks].join('\n\n')
}

/** Escape text for HTML content such as a `<pre>` block. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

function formatLeftOut(count: number, note: string): string {
  const sentence = `${countOf(count, 'more row')} left out to keep the summary under GitHub's size limit.`
  return note === '' ? `_${sentence}_` : `_${sentence} ${note}_`
}

/** Cut text to `max` UTF-16 units, never inside a surrogate pair. */
function cut(text: string, max: number): string {
  if (text.length <= max) return text

  let end = max - 1
  const last = text.charCodeAt(end - 1)
  if (last >= 0xd800 && last <= 0xdbff) end -= 1
  return text.slice(0, end) + '…'
}

function definedOnly(options: JobSummaryOptions): Partial<Limits> {
  const limits: Partial<Limits> = {}
  if (options.maxRows !== undefined) limits.maxRows = options.maxRows
  if (options.maxBytes !== undefined) limits.maxBytes = options.maxBytes
  if (options.maxCellLength !== undefined) {
    limits.maxCellLength = options.maxCellLength
  }

  return limits
}
