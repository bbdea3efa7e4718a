/** How bad a finding is; `error` fails a run under the default `fail-on`. */
export type Severity = 'error' | 'warning' | 'info'

/**
 * One finding about a rule, a fixture, a config file or the run itself.
 * Lines and columns are 1-based, as editors and GitHub annotations count them.
 */
export interface Diagnostic {
  /** Stable check id such as `yaml/syntax` or `attack/unknown-technique`. */
  check: string
  severity: Severity
  /** What is wrong and how to fix it, for a detection engineer reading a CI log. */
  message: string
  /** Set when the finding lies in another file than the rule, e.g. a fixture. */
  file?: string
  line: number
  column: number
  endLine?: number
  endColumn?: number
}

/** A source range in one file, 1-based. */
export interface Span {
  line: number
  column: number
  endLine?: number
  endColumn?: number
}

/** Build a diagnostic at a span. */
export function diagnosticAt(
  span: Span | undefined,
  check: string,
  severity: Severity,
  message: string,
  file?: string,
): Diagnostic {
  const diagnostic: Diagnostic = {
    check,
    severity,
    message,
    line: span?.line ?? 1,
    column: span?.column ?? 1,
  }
  if (span?.endLine !== undefined) diagnostic.endLine = span.endLine
  if (span?.endColumn !== undefined) diagnostic.endColumn = span.endColumn
  if (file !== undefined) diagnostic.file = file
  return diagnostic
}
