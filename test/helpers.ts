import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { existsSync } from 'node:fs'
import { compileMatcher } from '../src/match/compile-matcher.js'
import { applySysmonLogsource, sysmonMapping } from '../src/pipeline/sysmon.js'
import { compileDetection } from '../src/sigma/compile-rule.js'
import { parseRuleFile } from '../src/sigma/load-rule-file.js'
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
