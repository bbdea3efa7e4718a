import type { Diagnostic, Severity } from '../diagnostic.js'
import type { RuleReport, TestResult } from './report.js'

const severityRank: Record<Severity, number> = {
  error: 0,
  warning: 1,
  info: 2,
}

/**
 * Sort a rule's diagnostics for reading: findings in the rule file first,
 * then other files by name, each by line and column. The sort is stable, so
 * equal positions keep the engine's order and the output stays deterministic.
 */
export function sortDiagnostics(
  diagnostics: readonly Diagnostic[],
  rulePath?: string,
): Diagnostic[] {
  return [...diagnostics].sort((a, b) => compareDiagnostics(a, b, rulePath))
}

function compareDiagnostics(
  a: Diagnostic,
  b: Diagnostic,
  rulePath: string | undefined,
): number {
  const fileA = a.file ?? rulePath ?? ''
  const fileB = b.file ?? rulePath ?? ''
  if (fileA !== fileB) {
    if (fileA === rulePath) return -1
    if (fileB === rulePath) return 1
    return fileA < fileB ? -1 : 1
  }

  return a.line - b.line || a.column - b.column
}

/** Order severities from most to least severe: error, warning, info. */
export function compareSeverity(a: Severity, b: Severity): number {
  return severityRank[a] - severityRank[b]
}

/** Return the tests of a rule that failed, in report order. */
export function failingTests(rule: RuleReport): TestResult[] {
  return rule.tests.filter((test) => !test.passed)
}

/** Return whether a rule has a diagnostic or a failing test to report. */
export function hasFindings(rule: RuleReport): boolean {
  return rule.diagnostics.length > 0 || rule.tests.some((test) => !test.passed)
}

/** Format a count with its noun, e.g. `1 error`, `2 errors`. */
export function countOf(
  count: number,
  singular: string,
  plural?: string,
): string {
  const noun = count === 1 ? singular : (plural ?? `${singular}s`)
  return `${count} ${noun}`
}
