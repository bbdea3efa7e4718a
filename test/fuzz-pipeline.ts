import type { Diagnostic } from '../src/diagnostic.js'
import { convertToSpl, DEFAULT_SYSMON_SCOPE } from '../src/backends/splunk/index.js'
import { defaultConfig } from '../src/config/config.js'
import { lintRule } from '../src/lint/lint-rule.js'
import { compileMatcher } from '../src/match/compile-matcher.js'
import { applySysmonLogsource, SPLUNK_SYSMON_FIELD_NAMES, sysmonMapping } from '../src/pipeline/sysmon.js'
import { compileDetection } from '../src/sigma/compile-rule.js'
import { parseRuleFile } from '../src/sigma/load-rule-file.js'
import { compileSpl, parseSpl } from '../src/spl/index.js'

/** What one rule file turned into on its way through the per-rule stages. */
export interface RuleOutcome {
  diagnostics: Diagnostic[]
  /** Rule documents whose detection lowered to an expression. */
  compiled: number
  /** Rule documents that have a detection but no expression. */
  rejected: number
  spl: string[]
}

const config = defaultConfig()

/**
 * Run a rule file's text through the stages the engine runs per rule:
 * parse, lint, lower, Sysmon pipeline, convert, parse the SPL back, and
 * evaluate both engines on an empty event.
 */
export function runRuleStages(text: string): RuleOutcome {
  const file = parseRuleFile('/repo/rules/fuzz.yml', text)
  const outcome: RuleOutcome = { diagnostics: [...file.diagnostics], compiled: 0, rejected: 0, spl: [] }
  for (const { rule, diagnostics } of file.rules) {
    outcome.diagnostics.push(...diagnostics)
    outcome.diagnostics.push(...lintRule(rule, { config, relativePath: (p) => p }))
    if (rule.kind !== 'rule' || !rule.detection) continue
    const detection = compileDetection(rule)
    outcome.diagnostics.push(...detection.diagnostics)
    if (!detection.expr) {
      outcome.rejected++
      continue
    }
    outcome.compiled++
    const expr = applySysmonLogsource(detection.expr, sysmonMapping(rule))
    compileMatcher(expr)({ EventID: 1, Image: 'C:\\x.exe' })
    const conversion = convertToSpl(expr, { scope: DEFAULT_SYSMON_SCOPE, fieldNames: SPLUNK_SYSMON_FIELD_NAMES })
    outcome.diagnostics.push(...conversion.diagnostics)
    for (const query of conversion.queries) {
      outcome.spl.push(query)
      const parsed = parseSpl(query)
      if (!parsed.ok) throw new Error(`generated SPL does not parse: ${parsed.error.message}: ${query}`)
      const compiled = compileSpl(parsed.query)
      if (compiled.ok) compiled.predicate({ EventCode: '1', Image: 'C:\\x.exe' })
    }
  }
  return outcome
}
