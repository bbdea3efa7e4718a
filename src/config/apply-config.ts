import { diagnosticAt, type Diagnostic } from '../diagnostic.js'
import { checkIds } from '../lint/checks.js'
import { closestName } from '../lint/closest-name.js'
import { baselineKey, messageHash } from './baseline.js'
import type { Config } from './config.js'
import { matchesAnyGlob } from './glob.js'
import type { Suppression } from './suppressions.js'

/** What `applyConfig` needs to know about the rule whose findings it filters. */
export interface ApplyContext {
  config: Config
  /** Repository-relative path of the rule file, for `ignore.paths` and the baseline. */
  path: string
  /** The rule's id, for `ignore.rules` and the baseline. */
  ruleId?: string
  /** The `# sigma-gate-disable` comments of the rule file, from `parseSuppressions`. */
  suppressions?: readonly Suppression[]
  /**
   * Lines of the rule's YAML document. Suppressions outside them belong to
   * another document of the file and are left to that document's call.
   */
  lines?: { start: number; end: number }
}

/**
 * Apply the configuration to all findings of one rule: inline suppressions
 * (reporting unused ones and ones without a reason), `off` and severity
 * overrides, per-check `ignore` lists, and the baseline. Call it once per
 * rule, after the single-rule and cross-rule findings are all collected.
 */
export function applyConfig(diagnostics: readonly Diagnostic[], context: ApplyContext): Diagnostic[] {
  const suppressions = (context.suppressions ?? []).filter((s) => inRange(s, context))
  const used = new Set<Suppression>()
  const kept = diagnostics.filter((diagnostic) => !isSuppressed(diagnostic, suppressions, used))
  const all = [...kept, ...suppressionFindings(suppressions, used)]

  const baseline = new Set(context.config.baselineEntries.map(baselineKey))
  const rule = context.ruleId ?? context.path
  return all
    .filter((diagnostic) => !isIgnored(diagnostic, context))
    .map((diagnostic) => withSeverity(diagnostic, context.config))
    .filter((diagnostic) => !baseline.has(baselineKey({ rule, check: diagnostic.check, hash: messageHash(diagnostic.message) })))
}

function inRange(suppression: Suppression, context: ApplyContext): boolean {
  if (!context.lines) return true
  return suppression.span.line >= context.lines.start && suppression.span.line <= context.lines.end
}

function isSuppressed(diagnostic: Diagnostic, suppressions: Suppression[], used: Set<Suppression>): boolean {
  if (diagnostic.file !== undefined) return false
  const match = suppressions.find(
    (s) => s.reason !== undefined && s.target === diagnostic.line && s.checks.includes(diagnostic.check),
  )
  if (match) used.add(match)
  return match !== undefined
}

function suppressionFindings(suppressions: Suppression[], used: Set<Suppression>): Diagnostic[] {
  const found: Diagnostic[] = []
  const ids = checkIds()
  for (const suppression of suppressions) {
    const names = suppression.checks.join(', ')
    if (suppression.reason === undefined) {
      found.push(diagnosticAt(suppression.span, 'lint/suppression-without-reason', 'warning', `The suppression of '${names}' has no reason, so it is not applied. Add ' -- ' and the reason, e.g. '# sigma-gate-disable ${suppression.checks[0] ?? '<check-id>'} -- only admins run this tool'.`))
      continue
    }
    if (used.has(suppression)) continue
    const unknown = suppression.checks.find((id) => !ids.includes(id))
    const suggestion = unknown ? closestName(unknown, ids, 6) : undefined
    const hint = unknown
      ? ` '${unknown}' is not a check id${suggestion ? `; did you mean '${suggestion}'?` : '.'}`
      : ` No '${names}' finding is on line ${suppression.target}.`
    found.push(diagnosticAt(suppression.span, 'lint/unused-suppression', 'warning', `The suppression of '${names}' suppresses nothing.${hint} Remove the comment or correct it.`))
  }
  return found
}

function isIgnored(diagnostic: Diagnostic, context: ApplyContext): boolean {
  if (context.config.checks[diagnostic.check] === 'off') return true
  const ignore = context.config.ignore[diagnostic.check]
  if (!ignore) return false
  if (matchesAnyGlob(diagnostic.file ?? context.path, ignore.paths)) return true
  const id = context.ruleId?.toLowerCase()
  return id !== undefined && ignore.rules.some((rule) => rule.toLowerCase() === id)
}

function withSeverity(diagnostic: Diagnostic, config: Config): Diagnostic {
  const setting = config.checks[diagnostic.check]
  if (setting === undefined || setting === 'off' || setting === diagnostic.severity) return diagnostic
  return { ...diagnostic, severity: setting }
}

/** Whether a rule file is excluded from the run by the configuration's `exclude` globs. */
export function isExcluded(relativePath: string, config: Config): boolean {
  return matchesAnyGlob(relativePath, config.exclude)
}
