import { diagnosticAt, type Diagnostic, type Span } from '../diagnostic.js'

/**
 * Resource bounds on what a rule, fixture or event file may make sigma-gate
 * do. Pull requests from forks can change any of these files, so each bound
 * has a default that no real rule reaches, and `.sigma-gate.yml` can raise
 * it under `limits:`.
 */
export interface Limits {
  /** Max size of a rule file or a fixture file, in bytes (`rule-file-bytes`). */
  ruleFileBytes: number
  /** Max size of an event file that a fixture names, in bytes (`event-file-bytes`). */
  eventFileBytes: number
  /** Max YAML documents in one rule file (`yaml-documents`). */
  yamlDocuments: number
  /** Max nesting of YAML collections and of condition parentheses (`nesting-depth`). */
  nestingDepth: number
  /** Max events that one fixture case or event file may hold (`events-per-fixture`). */
  eventsPerFixture: number
  /** Max length of one `re` value, in characters (`regex-length`). */
  regexLength: number
  /** Max `and` groups that one `N of` condition may expand to (`condition-terms`). */
  conditionTerms: number
}

/** The bounds used when `.sigma-gate.yml` sets none. */
export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  ruleFileBytes: 1024 * 1024,
  eventFileBytes: 64 * 1024 * 1024,
  yamlDocuments: 100,
  nestingDepth: 64,
  eventsPerFixture: 100_000,
  regexLength: 4096,
  conditionTerms: 10_000,
})

/** The `limits:` keys of `.sigma-gate.yml`, by field of {@link Limits}. */
export const LIMIT_KEYS: Readonly<Record<keyof Limits, string>> = {
  ruleFileBytes: 'rule-file-bytes',
  eventFileBytes: 'event-file-bytes',
  yamlDocuments: 'yaml-documents',
  nestingDepth: 'nesting-depth',
  eventsPerFixture: 'events-per-fixture',
  regexLength: 'regex-length',
  conditionTerms: 'condition-terms',
}

/** Return a copy of the default limits. */
export function defaultLimits(): Limits {
  return { ...DEFAULT_LIMITS }
}

/**
 * Build the diagnostic for a bound that an input exceeds. `subject` is the
 * start of the sentence, ending with 'which'. The message names the bound's
 * `limits:` key, so the fix is one line in `.sigma-gate.yml`.
 */
export function limitDiagnostic(
  span: Span | undefined,
  check: string,
  subject: string,
  limit: keyof Limits,
  value: number,
  file?: string,
): Diagnostic {
  const key = LIMIT_KEYS[limit]
  const message = `${subject} exceeds the limit of ${value}, so sigma-gate did not check it beyond that point. Make it smaller, or raise 'limits: ${key}' in .sigma-gate.yml if the input is trusted.`
  return diagnosticAt(span, check, 'error', message, file)
}
