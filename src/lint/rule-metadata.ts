import { diagnosticAt, type Diagnostic } from '../diagnostic.js'
import type { SigmaRule } from '../sigma/rule.js'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
export const STATUS_VALUES = ['stable', 'test', 'experimental', 'deprecated', 'unsupported']
export const LEVEL_VALUES = ['informational', 'low', 'medium', 'high', 'critical']

/** Check the attributes every rule needs and the values they may take. */
export function lintRuleMetadata(rule: SigmaRule): Diagnostic[] {
  const diagnostics: Diagnostic[] = []
  if (rule.kind !== 'rule') return diagnostics

  if (!rule.title) {
    diagnostics.push(diagnosticAt(rule.span, 'sigma/missing-title', 'error', `The rule has no 'title'. Add a short title that says what it detects.`))
  }
  if (!rule.logsource) {
    diagnostics.push(diagnosticAt(rule.span, 'sigma/missing-logsource', 'error', `The rule has no 'logsource'. Add 'logsource:' with 'product' and 'category' or 'service', e.g. product: windows, category: process_creation.`))
  }
  if (rule.id && !UUID.test(rule.id.value)) {
    diagnostics.push(diagnosticAt(rule.id.span, 'metadata/invalid-id', 'error', `The id '${rule.id.value}' is not a UUID. Generate one, e.g. with 'uuidgen', and keep it stable across edits.`))
  }
  if (!rule.id) {
    diagnostics.push(diagnosticAt(rule.title?.span ?? rule.span, 'metadata/missing-id', 'warning', `The rule has no 'id'. Add a UUID so that tools can track the rule across renames.`))
  }
  if (rule.status && !STATUS_VALUES.includes(rule.status.value)) {
    diagnostics.push(diagnosticAt(rule.status.span, 'metadata/invalid-status', 'error', `The status '${rule.status.value}' is not valid. Use one of: ${STATUS_VALUES.join(', ')}.`))
  }
  if (rule.level && !LEVEL_VALUES.includes(rule.level.value)) {
    diagnostics.push(diagnosticAt(rule.level.span, 'metadata/invalid-level', 'error', `The level '${rule.level.value}' is not valid. Use one of: ${LEVEL_VALUES.join(', ')}.`))
  }
  return diagnostics
}

/** Report every rule whose id an earlier rule in the run already uses. */
export function lintDuplicateIds(rules: readonly SigmaRule[], relativePath: (path: string) => string): Map<SigmaRule, Diagnostic[]> {
  const firstById = new Map<string, SigmaRule>()
  const found = new Map<SigmaRule, Diagnostic[]>()
  for (const rule of rules) {
    if (!rule.id) continue
    const key = rule.id.value.toLowerCase()
    const first = firstById.get(key)
    if (!first) {
      firstById.set(key, rule)
      continue
    }
    const where = `${relativePath(first.file)}:${first.id?.span.line ?? 1}`
    const diagnostic = diagnosticAt(rule.id.span, 'metadata/duplicate-id', 'error', `The id '${rule.id.value}' is already used by the rule at ${where}. Give this rule a new UUID.`)
    found.set(rule, [...(found.get(rule) ?? []), diagnostic])
  }
  return found
}
