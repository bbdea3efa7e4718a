import { diagnosticAt, type Diagnostic, type Severity, type Span } from '../diagnostic.js'
import type { Config } from '../config/config.js'
import type { SigmaRule } from '../sigma/rule.js'
import type { RunFacts } from './run-checks.js'

/** What every check may read besides the rule: the configuration and path helpers. */
export interface LintContext {
  config: Config
  /** Turn an absolute file path into the path shown in findings. */
  relativePath(file: string): string
  /** Today's date as YYYY-MM-DD, for the date checks; defaults to the current UTC date. */
  today?: string
  /** Ids (lower case) of rules outside a partial run (changed-only, shard), which `related` may name. */
  outsideIds?: ReadonlySet<string>
}

/** The documentation of one check id, as `sigma-gate checks` and docs/checks.md show it. */
export interface CheckInfo {
  id: string
  severity: Severity
  /** One line: what the check finds. */
  summary: string
  /** Why the finding matters to a detection engineer. */
  why: string
  /** A short YAML example that triggers the check. */
  bad: string
  /** The same example, fixed. */
  good: string
  /** How to fix a finding. */
  fix: string
  /** Module that emits the id when the check has no `run` in the catalogue. */
  emittedBy?: string
  /** Whether the check runs only when the configuration enables it. */
  optIn?: boolean
}

/** Build a diagnostic with a check's id and default severity. */
export type Emit = (span: Span | undefined, message: string) => Diagnostic

/** A check over one rule. */
export interface RuleCheck extends CheckInfo {
  run(rule: SigmaRule, context: LintContext, emit: Emit): Diagnostic[]
}

/** A check over all rules of a run, such as duplicate ids. */
export interface RunCheck extends CheckInfo {
  runAll(
    rules: readonly RunFacts[],
    context: LintContext,
    emit: Emit,
  ): Map<RunFacts, Diagnostic[]>
}

/**
 * Several check ids produced by one function, when splitting it per id would
 * repeat its work (the ATT&CK tag checks share a parsed tag list).
 */
export interface RuleCheckGroup {
  ids: readonly string[]
  run(rule: SigmaRule, context: LintContext): Diagnostic[]
}

/** Return an emitter that stamps a check's id and severity on its findings. */
export function emitterFor(check: CheckInfo): Emit {
  return (span, message) => diagnosticAt(span, check.id, check.severity, message)
}

/** Return today's date as YYYY-MM-DD in UTC. */
export function todayOf(context: LintContext): string {
  return context.today ?? new Date().toISOString().slice(0, 10)
}
