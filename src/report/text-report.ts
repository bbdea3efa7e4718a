import type { Diagnostic, Severity } from '../diagnostic.js'
import { formatExplanationLines } from './explanation-text.js'
import type { Report, RuleReport, TestResult } from './report.js'
import {
  countOf,
  failingTests,
  hasFindings,
  sortDiagnostics,
} from './report-order.js'

export interface TextReportOptions {
  /** Add ANSI colours; GitHub's log viewer and most terminals show them. */
  color?: boolean
}

type Style = 'bold' | 'red' | 'yellow' | 'cyan' | 'green'

const ansiCodes: Record<Style, string> = {
  bold: '1',
  red: '31',
  yellow: '33',
  cyan: '36',
  green: '32',
}

const severityStyle: Record<Severity, Style> = {
  error: 'red',
  warning: 'yellow',
  info: 'cyan',
}

type Paint = (text: string, style: Style) => string

/**
 * Format a report for a CI log: one block per rule with findings, then the
 * findings outside any rule, then a summary. Rules without findings are only
 * counted. The output depends on the report alone, never on the environment.
 *
 * @example
 * ```
 * rules/encoded_powershell.yml 'Encoded PowerShell'
 *   rules/encoded_powershell.yml:4:1 error metadata/missing-id Rule has no 'id'. Add a UUID.
 *   test 'base64 flag' failed on rules/encoded_powershell.events.ndjson:2: expected match, native 1, spl 0
 * ```
 */
export function formatTextReport(
  report: Report,
  options: TextReportOptions = {},
): string {
  const paint: Paint = options.color ? applyStyle : (text) => text
  const blocks = report.rules
    .filter(hasFindings)
    .map((rule) => formatRuleBlock(rule, paint))

  if (report.diagnostics.length > 0) {
    blocks.push(formatOtherFindings(report.diagnostics, paint))
  }

  blocks.push(formatSummary(report, paint))
  return blocks.join('\n\n') + '\n'
}

/** Describe a failing test's expectation and the counts of both engines. */
export function describeTestCounts(test: TestResult): string {
  return `expected ${test.expected}, native ${test.native}, spl ${test.spl}`
}

/**
 * Locate a test as `case-file:line`, naming the event file when the events
 * come from another file than the one that defines the case.
 */
export function formatTestLocation(test: TestResult): string {
  const caseFile = test.caseFile ?? test.fixture
  const location = test.line === undefined ? caseFile : `${caseFile}:${test.line}`
  return caseFile === test.fixture ? location : `${location} (events from ${test.fixture})`
}

/**
 * Make user text safe for one log line by turning line breaks and other
 * control characters into escapes such as `\n`. A value from a rule then
 * cannot break the layout or start a line that the runner reads as a command.
 */
export function toSingleLine(text: string): string {
  return text.replace(/[\u0000-\u0008\u000a-\u001f\u007f]/g, escapeControl)
}

function escapeControl(character: string): string {
  if (character === '\n') return '\\n'
  if (character === '\r') return '\\r'
  return `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`
}

function formatRuleBlock(rule: RuleReport, paint: Paint): string {
  const lines = [paint(formatRuleHeading(rule), 'bold')]

  for (const diagnostic of sortDiagnostics(rule.diagnostics, rule.path)) {
    lines.push('  ' + formatDiagnostic(diagnostic, rule.path, paint))
  }

  for (const test of failingTests(rule)) {
    lines.push('  ' + formatFailingTest(test, paint))
  }

  return lines.join('\n')
}

/** Name a rule by its path, plus its 1-based document number after the first. */
export function formatRuleLabel(rule: RuleReport): string {
  if (rule.document === undefined || rule.document === 0) return rule.path
  return `${rule.path} (document ${rule.document + 1})`
}

function formatRuleHeading(rule: RuleReport): string {
  const label = toSingleLine(formatRuleLabel(rule))
  if (rule.title === null) return label
  return `${label} '${toSingleLine(rule.title)}'`
}

function formatDiagnostic(
  diagnostic: Diagnostic,
  rulePath: string | undefined,
  paint: Paint,
): string {
  const file = diagnostic.file ?? rulePath
  const { severity, check } = diagnostic
  const message = toSingleLine(diagnostic.message)
  const text = `${paint(severity, severityStyle[severity])} ${check} ${message}`
  if (file === undefined) return text

  return `${toSingleLine(file)}:${diagnostic.line}:${diagnostic.column} ${text}`
}

function formatFailingTest(test: TestResult, paint: Paint): string {
  const failed = paint('failed', 'red')
  const name = toSingleLine(test.name)
  const location = toSingleLine(formatTestLocation(test))
  const counts = describeTestCounts(test)
  let line = `test '${name}' ${failed} on ${location}: ${counts}`
  if (test.reason !== undefined) line += `. ${toSingleLine(test.reason)}`
  if (test.explanation === undefined) return line

  const details = formatExplanationLines(test.explanation)
  return [line, ...details.map((detail) => `    ${toSingleLine(detail)}`)].join('\n')
}

function formatOtherFindings(
  diagnostics: readonly Diagnostic[],
  paint: Paint,
): string {
  const lines = [paint('Findings outside any rule', 'bold')]
  for (const diagnostic of sortDiagnostics(diagnostics)) {
    lines.push('  ' + formatDiagnostic(diagnostic, undefined, paint))
  }

  return lines.join('\n')
}

function formatSummary(report: Report, paint: Paint): string {
  const { summary } = report
  const quiet = report.rules.filter((rule) => !hasFindings(rule)).length
  const rows: Array<[string, string]> = [
    ['rules', `${summary.rules} checked, ${quiet} without findings`],
    ['errors', paintCount(summary.errors, 'red', paint)],
    ['warnings', paintCount(summary.warnings, 'yellow', paint)],
    ['converted', `${summary.converted} of ${countOf(summary.rules, 'rule')}`],
    ['fixtures', formatFixtureCounts(summary.fixtures, paint)],
  ]

  const lines = rows.map(([label, value]) => `  ${label.padEnd(11)}${value}`)
  return [paint('Summary', 'bold'), ...lines].join('\n')
}

function formatFixtureCounts(
  fixtures: { passed: number; failed: number },
  paint: Paint,
): string {
  const passed = paintCount(fixtures.passed, 'green', paint)
  const failed = paintCount(fixtures.failed, 'red', paint)
  return `${passed} passed, ${failed} failed`
}

function paintCount(count: number, style: Style, paint: Paint): string {
  return count > 0 ? paint(String(count), style) : String(count)
}

function applyStyle(text: string, style: Style): string {
  return `\u001b[${ansiCodes[style]}m${text}\u001b[0m`
}
