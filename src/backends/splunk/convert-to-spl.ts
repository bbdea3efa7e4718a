import { diagnosticAt } from '../../diagnostic.js'
import type { Diagnostic } from '../../diagnostic.js'
import type { Expr } from '../../ir/expr.js'
import { lowerDetection } from './lower-detection.js'
import { printQuery } from './print-spl.js'
import type { SearchNode } from './spl-syntax.js'

/**
 * The Splunk data a query searches. Each set value becomes one term in front
 * of the detection, and an unset or empty value adds none. Values are
 * quoted, but a `*` in them stays a Splunk wildcard.
 */
export interface SplunkScope {
  index?: string
  source?: string
  sourcetype?: string
  /** Macro name, with arguments if any, written as `` `name` ``. */
  macro?: string
}

export interface SplunkOptions {
  scope: SplunkScope
  /** IR field name → Splunk field name, e.g. `{ EventID: 'EventCode' }`. */
  fieldNames: Record<string, string>
}

/** The SPL for one rule. `queries` is empty when any diagnostic is an error. */
export interface SplConversion {
  queries: string[]
  diagnostics: Diagnostic[]
}

/**
 * The Sysmon operational channel as the Splunk Windows add-on indexes it
 * with XML rendering.
 */
export const DEFAULT_SYSMON_SCOPE: SplunkScope = {
  source: 'XmlWinEventLog:Microsoft-Windows-Sysmon/Operational',
}

const SCOPE_FIELDS = ['index', 'source', 'sourcetype'] as const

const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/

/** Convert a detection to SPL: scope terms first, then the detection. */
export function convertToSpl(
  expr: Expr,
  options: SplunkOptions,
): SplConversion {
  const diagnostics: Diagnostic[] = []
  const scope = lowerScope(options.scope, diagnostics)

  let query: string
  try {
    const detection = lowerDetection(expr, options.fieldNames, diagnostics)
    query = printQuery({
      base: [...scope, ...detection.base],
      stages: detection.stages,
    })
  } catch (error) {
    // Only a condition nested deeper than the JavaScript stack gets here.
    if (!(error instanceof RangeError)) throw error
    diagnostics.push(tooDeep())
    return { queries: [], diagnostics }
  }

  const failed = diagnostics.some(
    (diagnostic) => diagnostic.severity === 'error',
  )
  return { queries: failed ? [] : [query], diagnostics }
}

export function lowerScope(
  scope: SplunkScope,
  diagnostics: Diagnostic[],
): SearchNode[] {
  const terms: SearchNode[] = []

  for (const field of SCOPE_FIELDS) {
    const value = scope[field]
    if (value === undefined || value === '') continue
    if (CONTROL_CHARACTER.test(value)) {
      diagnostics.push(invalidScope(field, value))
      continue
    }

    terms.push({
      kind: 'compare',
      field,
      op: '=',
      value: { kind: 'string', text: value },
    })
  }

  const macro = scope.macro
  if (macro === undefined || macro === '') return terms
  if (macro.includes('`') || CONTROL_CHARACTER.test(macro)) {
    diagnostics.push(invalidScope('macro', macro))
    return terms
  }

  return [...terms, { kind: 'macro', name: macro }]
}

function invalidScope(setting: string, value: string): Diagnostic {
  return diagnosticAt(
    undefined,
    'convert/invalid-scope',
    'error',
    `The Splunk scope setting '${setting}' has the value '${value}', which ` +
      'contains a backtick or a control character that SPL cannot hold. Set ' +
      'it to a plain name such as a Splunk index, source, sourcetype or macro.',
  )
}

function tooDeep(): Diagnostic {
  return diagnosticAt(
    undefined,
    'convert/unsupported',
    'error',
    'The condition is nested too deeply to convert to SPL. Split the rule or ' +
      'flatten the condition.',
  )
}
