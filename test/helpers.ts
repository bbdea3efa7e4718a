import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { existsSync } from 'node:fs'
import { compileMatcher } from '../src/match/compile-matcher.js'
import { convertToSpl, DEFAULT_SYSMON_SCOPE } from '../src/backends/splunk/index.js'
import { toSplEvent } from '../src/pipeline/spl-event.js'
import { applySysmonLogsource, SPLUNK_SYSMON_FIELD_NAMES, sysmonMapping } from '../src/pipeline/sysmon.js'
import { compileDetection } from '../src/sigma/compile-rule.js'
import { parseRuleFile } from '../src/sigma/load-rule-file.js'
import { compileSpl, parseSpl, type SplSyntaxError } from '../src/spl/index.js'
import type { Diagnostic } from '../src/diagnostic.js'
import type { Expr } from '../src/ir/expr.js'
import type { SigmaEvent } from '../src/events/event.js'

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
export const sharedRoot = path.resolve(repoRoot, '../shared')
export const hasShared = existsSync(sharedRoot)

/** Parse and lower a one-document rule, with the Sysmon log source condition added. */
export function compileRuleText(text: string): { expr?: Expr; diagnostics: Diagnostic[]; matches: (event: SigmaEvent) => boolean } {
  const file = parseRuleFile('rule.yml', text)
  const diagnostics = [...file.diagnostics]
  const first = file.rules[0]
  if (!first) return { diagnostics, matches: () => false }
  diagnostics.push(...first.diagnostics)
  const detection = compileDetection(first.rule)
  diagnostics.push(...detection.diagnostics)
  if (!detection.expr) return { diagnostics, matches: () => false }
  const expr = applySysmonLogsource(detection.expr, sysmonMapping(first.rule))
  const predicate = compileMatcher(expr)
  return { expr, diagnostics, matches: predicate }
}

/** A rule text around a detection block, indented as in a rule file. */
export function ruleWith(detection: string, logsource = '    product: windows\n    category: process_creation'): string {
  return `title: Test rule\nid: 2c1e8c7a-9a7b-4c1e-8f0e-6a1b2c3d4e5f\nstatus: test\nlogsource:\n${logsource}\ndetection:\n${detection}\nlevel: low\n`
}

/** A rule compiled for both engines, as the engine's fixture runs use them. */
export interface BothEngines {
  expr?: Expr
  /** Lowering, conversion and SPL parse diagnostics, in that order. */
  diagnostics: Diagnostic[]
  /** The single SPL query, absent when the rule did not convert. */
  splText?: string
  native: (event: SigmaEvent) => boolean
  /** The SPL verdict on the event as Splunk indexes it, or false without SPL. */
  spl: (event: SigmaEvent) => boolean
}

/**
 * Compile a one-document rule for the native matcher and, through the
 * Splunk backend and the SPL engine, for SPL, with the Sysmon pipeline and
 * scope that a run applies. As in a run, a rule with an error diagnostic
 * matches nothing on either engine.
 */
export function compileRuleBothEngines(text: string): BothEngines {
  const compiled = compileRuleText(text)
  const both: BothEngines = { diagnostics: compiled.diagnostics, native: () => false, spl: () => false }
  const rule = parseRuleFile('rule.yml', text).rules[0]?.rule
  const failed = compiled.diagnostics.some((d) => d.severity === 'error')
  if (!compiled.expr || !rule || failed) return both
  both.expr = compiled.expr
  both.native = compiled.matches

  const scope = sysmonMapping(rule).kind === 'other' ? {} : DEFAULT_SYSMON_SCOPE
  const conversion = convertToSpl(compiled.expr, { scope, fieldNames: SPLUNK_SYSMON_FIELD_NAMES })
  both.diagnostics.push(...conversion.diagnostics)
  const [query] = conversion.queries
  if (query === undefined) return both
  both.splText = query

  const parsed = parseSpl(query)
  if (!parsed.ok) return withSplError(both, parsed.error)
  const compiledSpl = compileSpl(parsed.query)
  if (!compiledSpl.ok) return withSplError(both, compiledSpl.error)
  const predicate = compiledSpl.predicate
  both.spl = (event) => predicate(toSplEvent(event, SPLUNK_SYSMON_FIELD_NAMES, scope))
  return both
}

function withSplError(both: BothEngines, error: SplSyntaxError): BothEngines {
  both.diagnostics.push({ check: 'spl/syntax', severity: 'error', message: error.message, line: 1, column: error.column })
  return both
}
