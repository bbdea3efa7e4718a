import { diagnosticAt, type Diagnostic, type Span } from './diagnostic.js'

/** A per-rule stage of a run, named in `internal/error` messages. */
export type RuleStage = 'reading the rule file' | 'compiling and converting the rule' | 'running the fixtures' | 'writing the outputs'

/**
 * Build the `internal/error` diagnostic for an exception that escaped one
 * rule's stage. Such an exception is a sigma-gate defect, not a problem of
 * the rule; reporting it on the rule keeps every other rule's results.
 */
export function internalErrorDiagnostic(stage: RuleStage, error: unknown, span?: Span): Diagnostic {
  const reason = shortReason(error)
  const message = `sigma-gate failed while ${stage}: ${reason}. This is a sigma-gate defect, not a problem of the rule; please report it with the rule. The other rules were still checked.`
  return diagnosticAt(span, 'internal/error', 'error', message)
}

/** Return the error's class and the first line of its message, at most 200 characters. */
function shortReason(error: unknown): string {
  const name = error instanceof Error ? error.name : typeof error
  const text = error instanceof Error ? error.message : String(error)
  const firstLine = text.split('\n')[0] ?? ''
  const clipped = firstLine.length > 200 ? `${firstLine.slice(0, 200)}…` : firstLine
  return `${name} '${clipped}'`
}
