import type { Diagnostic } from '../diagnostic.js'
import type { SigmaRule } from '../sigma/rule.js'
import { emitterFor, type CheckInfo, type LintContext } from './check.js'
import { findCheck, RULE_CHECK_GROUPS, RULE_CHECKS, RUN_CHECK_LIST } from './checks.js'
import { runFactsOf, type RunFacts } from './run-checks.js'

/**
 * Run every enabled single-rule check of the catalogue on a rule: schema,
 * metadata, log source, detection, ATT&CK tags and, when configured, SigmaHQ
 * conventions. Findings carry their default severity; `applyConfig` applies
 * overrides, suppressions and the baseline afterwards.
 */
export function lintRule(rule: SigmaRule, context: LintContext): Diagnostic[] {
  const diagnostics: Diagnostic[] = []
  for (const group of RULE_CHECK_GROUPS) {
    if (!group.ids.some((id) => isEnabled(id, context))) continue
    diagnostics.push(...group.run(rule, context).filter((found) => isEnabled(found.check, context)))
  }
  for (const check of RULE_CHECKS) {
    if (isEnabled(check.id, context)) diagnostics.push(...check.run(rule, context, emitterFor(check)))
  }
  return diagnostics.sort((a, b) => a.line - b.line || a.column - b.column)
}

/**
 * Run the checks that compare rules with each other (duplicate ids, names,
 * titles, file names and detection logic, unknown related ids). Returns only
 * those findings, by rule; single-rule findings come from `lintRule`.
 */
export function lintRun(
  rules: readonly SigmaRule[],
  context: LintContext,
): Map<SigmaRule, Diagnostic[]> {
  const facts = rules.map(runFactsOf)
  const byFacts = lintRunFacts(facts, context)
  const found = new Map<SigmaRule, Diagnostic[]>()
  rules.forEach((rule, index) => {
    const diagnostics = byFacts.get(facts[index] as RunFacts)
    if (diagnostics) found.set(rule, diagnostics)
  })
  return found
}

/** Run the cross-rule checks on facts taken from the rules, e.g. by worker threads. */
export function lintRunFacts(
  rules: readonly RunFacts[],
  context: LintContext,
): Map<RunFacts, Diagnostic[]> {
  const found = new Map<RunFacts, Diagnostic[]>()
  for (const check of RUN_CHECK_LIST) {
    if (!isEnabled(check.id, context)) continue
    for (const [rule, diagnostics] of check.runAll(rules, context, emitterFor(check))) {
      found.set(rule, [...(found.get(rule) ?? []), ...diagnostics])
    }
  }
  return found
}

/** Whether a check runs under the context's configuration. */
export function isEnabled(id: string, context: LintContext): boolean {
  const setting = context.config.checks[id]
  if (setting === 'off') return false
  const check: CheckInfo | undefined = findCheck(id)
  if (!check?.optIn) return true
  return setting !== undefined || context.config.conventions === 'sigmahq'
}
