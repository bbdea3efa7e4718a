import { defaultConfig } from '../config/config.js'
import type { Diagnostic } from '../diagnostic.js'
import type { SigmaRule } from '../sigma/rule.js'
import { ATTACK_CHECKS } from './attack-checks.js'
import type { LintContext } from './check.js'
import { lintRule, lintRun } from './lint-rule.js'

// NOTE: kept only until src/engine.ts calls lintRule and lintRun directly;
// delete this file then.

const attackIds = new Set(ATTACK_CHECKS.map((check) => check.id))

function defaultContext(relativePath: (file: string) => string = (file) => file): LintContext {
  return { config: defaultConfig(), relativePath }
}

/** Run the catalogue's single-rule checks except the ATT&CK ones, with the default configuration. */
export function lintRuleMetadata(rule: SigmaRule): Diagnostic[] {
  return lintRule(rule, defaultContext()).filter((found) => !attackIds.has(found.check))
}

/** Run the catalogue's cross-rule checks with the default configuration. */
export function lintDuplicateIds(
  rules: readonly SigmaRule[],
  relativePath: (path: string) => string,
): Map<SigmaRule, Diagnostic[]> {
  return lintRun(rules, defaultContext(relativePath))
}
