import { diagnosticAt, type Diagnostic } from '../diagnostic.js'
import { or, type Expr } from '../ir/expr.js'
import { parseCondition } from './condition.js'
import { DetectionLowering } from './detection.js'
import type { SigmaRule } from './rule.js'

/**
 * Lower a rule's detection into one IR expression: every selection, then the
 * condition over them. Several conditions in a list are OR-ed. Returns no
 * expression when the condition cannot be read, so a broken rule never
 * matches by accident.
 */
export function compileDetection(rule: SigmaRule): { expr?: Expr; diagnostics: Diagnostic[] } {
  const detection = rule.detection
  if (!detection) return { diagnostics: [] }
  const lowering = new DetectionLowering(rule.lineCounter)
  const table = new Map<string, Expr>()
  for (const selection of detection.selections) {
    table.set(selection.name, lowering.selection(selection.node, selection.span))
  }

  const diagnostics = lowering.diagnostics
  const used = new Set<string>()
  const conditions: Expr[] = []
  let broken = detection.condition.length === 0
  for (const condition of detection.condition) {
    const result = parseCondition(condition, table, used)
    diagnostics.push(...result.diagnostics)
    if (result.expr) conditions.push(result.expr)
    else broken = true
  }

  if (!broken) {
    for (const selection of detection.selections) {
      if (used.has(selection.name)) continue
      diagnostics.push(diagnosticAt(selection.span, 'sigma/unused-selection', 'warning', `The selection '${selection.name}' is not used by the condition. Use it in the condition or remove it.`))
    }
  }
  if (broken) return { diagnostics }
  return { expr: or(conditions), diagnostics }
}
