import type { Diagnostic } from '../src/diagnostic.js'
import type { SigmaEvent } from '../src/events/event.js'
import { compileRuleBothEngines, ruleWith, type BothEngines } from './helpers.js'

/** Both verdicts for one event, so a failing assert names the engine. */
export interface Verdicts {
  native: boolean
  spl: boolean
}

export const MATCH: Verdicts = { native: true, spl: true }
export const NO_MATCH: Verdicts = { native: false, spl: false }

/** Return the native and SPL verdicts of a compiled rule on one event. */
export function verdicts(rule: BothEngines, event: SigmaEvent): Verdicts {
  return { native: rule.native(event), spl: rule.spl(event) }
}

/**
 * Compile a detection block inside a rule with the given log source,
 * failing the test when it has an error: the examples here are valid Sigma.
 */
export function validRule(detection: string, logsource?: string): BothEngines {
  const rule = compileRuleBothEngines(ruleWith(detection, logsource))
  const errors = rule.diagnostics.filter((d) => d.severity === 'error')
  if (errors.length > 0) throw new Error(`unexpected errors: ${JSON.stringify(errors)}`)
  return rule
}

/** Format diagnostics as `line:column severity check` for exact comparison. */
export function located(diagnostics: Diagnostic[]): string[] {
  return diagnostics.map((d) => `${d.line}:${d.column} ${d.severity} ${d.check}`)
}

/** The Windows Sysmon process creation log source of most examples. */
export const PROCESS_CREATION = '    product: windows\n    category: process_creation'

/** The Windows Security channel, which sigma-gate converts without a Sysmon scope. */
export const WINDOWS_SECURITY = '    product: windows\n    service: security'
