import { CONFIG_CHECKS } from '../config/config-checks.js'
import { ATTACK_CHECKS, attackCheckGroup } from './attack-checks.js'
import type { CheckInfo, RuleCheck, RuleCheckGroup, RunCheck } from './check.js'
import { CONVENTION_CHECKS } from './convention-checks.js'
import { DETECTION_CHECKS } from './detection-checks.js'
import { EXTERNAL_CHECKS } from './external-checks.js'
import { LOGSOURCE_CHECKS } from './logsource-checks.js'
import { METADATA_CHECKS } from './metadata-checks.js'
import { RUN_CHECKS } from './run-checks.js'
import { SCHEMA_CHECKS, schemaCheckGroup } from './schema-checks.js'

/** Checks over one rule that the catalogue runs, one function per id. */
export const RULE_CHECKS: readonly RuleCheck[] = [
  ...METADATA_CHECKS,
  ...LOGSOURCE_CHECKS,
  ...DETECTION_CHECKS,
  ...CONVENTION_CHECKS,
]

/** Checks over one rule that one function runs for several ids. */
export const RULE_CHECK_GROUPS: readonly RuleCheckGroup[] = [schemaCheckGroup, attackCheckGroup]

/** Checks over all rules of a run. */
export const RUN_CHECK_LIST: readonly RunCheck[] = RUN_CHECKS

/** Every check id sigma-gate can report, with its documentation, sorted by id. */
export const CHECKS: readonly CheckInfo[] = [
  ...SCHEMA_CHECKS,
  ...RULE_CHECKS,
  ...RUN_CHECKS,
  ...ATTACK_CHECKS,
  ...EXTERNAL_CHECKS,
  ...CONFIG_CHECKS,
].sort((a, b) => a.id.localeCompare(b.id))

const byId = new Map(CHECKS.map((check) => [check.id, check]))

/** Return the documentation of a check id. */
export function findCheck(id: string): CheckInfo | undefined {
  return byId.get(id)
}

/** Return every check id. */
export function checkIds(): string[] {
  return CHECKS.map((check) => check.id)
}

/** Format the catalogue for `sigma-gate checks`: one line per id with its default severity. */
export function formatCheckList(): string {
  const width = Math.max(...CHECKS.map((check) => check.id.length))
  const lines = CHECKS.map((check) => {
    const flags = check.optIn ? ' (opt-in)' : ''
    return `${check.id.padEnd(width)}  ${check.severity.padEnd(7)}  ${check.summary}${flags}`
  })
  return `${lines.join('\n')}\n`
}
