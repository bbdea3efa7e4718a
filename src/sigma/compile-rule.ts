import { diagnosticAt, type Diagnostic } from '../diagnostic.js'
import { or, type Expr } from '../ir/expr.js'
import { DEFAULT_LIMITS, type Limits } from '../limits/limits.js'
import { parseCondition } from './condition.js'
import { DetectionLowering, type DetectionOptions } from './detection.js'
import type { SigmaRule } from './rule.js'

/** A rule's detection as IR, with each selection's own expression. */
export interface CompiledDetection {
  expr?: Expr
  diagnostics: Diagnostic[]
  /** Selection name → its lowered expression; set when `expr` is. */
  selections?: ReadonlyMap<string, Expr>
}

/**
 * Lower a rule's detection into one IR expression: every selection, then the
 * condition over them. Several conditions in a list are OR-ed. Returns no
 * expression when the condition cannot be read, so a broken rule never
 * matches by accident.
 */
export function compileDetection(rule: SigmaRule, limits: Limits = DEFAULT_LIMITS, options: DetectionOptions = {}): CompiledDetection {
  const detection = rule.detection
  if (!detection) return { diagnostics: [] }
  const lowering = new DetectionLowering(rule.lineCounter, { maxRegexLength: limits.regexLength, ...options })
  const table = new Map<string, Expr>()
  for (const selection of detection.selections) {
    table.set(selection.name, lowering.selection(selection.node, selection.span))
  }

  const diagnostics = lowering.diagnostics
  const used = new Set<string>()
  const conditions: Expr[] = []
  let broken = detection.condition.length === 0
  for (const condition of detection.condition) {
    const result = parseCondition(condition, table, used, limits)
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
  // The table's expressions are the very nodes inside `expr`, which lets
  // src/match/explain.ts tell which selection a field test belongs to.
  return { expr: or(conditions), diagnostics, selections: table }
}
