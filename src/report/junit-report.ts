import type { Diagnostic } from '../diagnostic.js'
import { formatExplanationLines } from './explanation-text.js'
import type { Report, RuleReport, TestResult } from './report.js'
import { describeTestCounts, formatRuleLabel } from './text-report.js'

/**
 * Format a report as JUnit XML, which CI systems (GitLab, Jenkins, Azure
 * Pipelines, test-reporter actions) show as test results. Each rule with
 * fixture tests or errors is a `<testsuite>`, each fixture test a
 * `<testcase>`, and a rule's error-level findings one failing `lint` case. A
 * failure carries the reason as its message and the explanation as its text.
 */
export function formatJunitReport(report: Report): string {
  const suites = report.rules
    .filter((rule) => rule.tests.length > 0 || errorsOf(rule.diagnostics).length > 0)
    .map(formatSuite)
  const tests = suites.reduce((sum, suite) => sum + suite.tests, 0)
  const failures = suites.reduce((sum, suite) => sum + suite.failures, 0)

  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="sigma-gate" tests="${tests}" failures="${failures}" errors="0">`,
    ...suites.flatMap((suite) => suite.lines),
    '</testsuites>',
  ]
  return `${lines.join('\n')}\n`
}

interface Suite {
  tests: number
  failures: number
  lines: string[]
}

function formatSuite(rule: RuleReport): Suite {
  const errors = errorsOf(rule.diagnostics)
  const cases = rule.tests.map((test) => formatTestCase(test, rule))
  if (errors.length > 0) cases.push(formatLintCase(errors, rule))
  const failures = rule.tests.filter((test) => !test.passed).length + (errors.length > 0 ? 1 : 0)

  const name = rule.title === null ? formatRuleLabel(rule) : `${formatRuleLabel(rule)} '${rule.title}'`
  const attributes = `name="${escapeAttribute(name)}" tests="${cases.length}" failures="${failures}" errors="0" file="${escapeAttribute(rule.path)}"`
  const lines = [`  <testsuite ${attributes}>`]
  if (rule.id !== null) {
    lines.push('    <properties>', `      <property name="id" value="${escapeAttribute(rule.id)}"/>`, '    </properties>')
  }
  lines.push(...cases.flat(), '  </testsuite>')
  return { tests: cases.length, failures, lines }
}

function formatTestCase(test: TestResult, rule: RuleReport): string[] {
  const file = test.caseFile ?? test.fixture
  const line = test.line === undefined ? '' : ` line="${test.line}"`
  const open = `    <testcase name="${escapeAttribute(`${test.name} (${test.fixture})`)}" classname="${escapeAttribute(rule.path)}" file="${escapeAttribute(file)}"${line}`
  if (test.passed) return [`${open}/>`]

  const counts = describeTestCounts(test)
  const message = test.reason === undefined ? counts : `${counts}. ${test.reason}`
  const details = test.explanation === undefined ? [] : formatExplanationLines(test.explanation)
  return [
    `${open}>`,
    `      <failure message="${escapeAttribute(message)}" type="fixture">${escapeXml([message, ...details].join('\n'))}</failure>`,
    '    </testcase>',
  ]
}

function formatLintCase(errors: Diagnostic[], rule: RuleReport): string[] {
  const text = errors.map((d) => `${d.file ?? rule.path}:${d.line}:${d.column} ${d.check} ${d.message}`).join('\n')
  const message = `${errors.length} error${errors.length === 1 ? '' : 's'}; the first: ${errors[0]?.message ?? ''}`
  return [
    `    <testcase name="lint" classname="${escapeAttribute(rule.path)}" file="${escapeAttribute(rule.path)}">`,
    `      <failure message="${escapeAttribute(message)}" type="lint">${escapeXml(text)}</failure>`,
    '    </testcase>',
  ]
}

function errorsOf(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return diagnostics.filter((diagnostic) => diagnostic.severity === 'error')
}

/**
 * Escape text for an XML attribute or element. Characters that XML 1.0
 * cannot hold at all (control characters other than tab and line breaks,
 * lone surrogates, U+FFFE and U+FFFF) become `\uXXXX` text, because no
 * escape makes them valid.
 */
export function escapeXml(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/\r/g, '&#13;')
}

/** Escape text for an XML attribute, keeping line breaks and tabs as written. */
function escapeAttribute(text: string): string {
  return escapeXml(text).replace(/\n/g, '&#10;').replace(/\t/g, '&#9;')
}
