import type { Node } from 'yaml'
import { spanOf } from '../sigma/yaml-document.js'
import type { CheckInfo, RuleCheckGroup } from './check.js'
import { lintAttackTags } from './attack-tags.js'
import { pairOf } from './metadata-checks.js'

const TECHNIQUE_FIX = "Correct the id, or tag its replacement as the message says (e.g. 'attack.t1059.001')."

export const ATTACK_CHECKS: CheckInfo[] = [
  {
    id: 'tag/format',
    severity: 'error',
    summary: 'A tag is not `namespace.name` in lower case, or a known namespace has a malformed value.',
    why: 'Tools parse tags by namespace; a malformed tag is dropped or, in some tools, stops the whole rule collection from loading.',
    bad: 'tags:\n    - attack.TT1059\n    - t1027',
    good: 'tags:\n    - attack.t1059\n    - attack.t1027',
    fix: 'Write the tag the message suggests.',
  },
  {
    id: 'tag/duplicate',
    severity: 'warning',
    summary: 'The same tag is listed twice.',
    why: 'A repeated tag is noise and often a slip that replaced the tag that was meant.',
    bad: 'tags:\n    - attack.execution\n    - attack.execution',
    good: 'tags:\n    - attack.execution',
    fix: 'Remove the repeated tag.',
  },
  {
    id: 'attack/unknown-technique',
    severity: 'error',
    summary: 'A technique tag names an id that does not exist in ATT&CK Enterprise.',
    why: 'Coverage reports and ATT&CK navigator layers built from the tags count the rule against a technique that does not exist.',
    bad: 'tags:\n    - attack.t1999',
    good: 'tags:\n    - attack.t1059',
    fix: TECHNIQUE_FIX,
  },
  {
    id: 'attack/revoked',
    severity: 'error',
    summary: 'A tag names a technique, group or software that ATT&CK has revoked.',
    why: 'A revoked id counts towards no current technique; ATT&CK names its replacement, which the message repeats.',
    bad: 'tags:\n    - attack.t1086',
    good: 'tags:\n    - attack.t1059.001',
    fix: 'Replace the tag with the replacement the message names.',
  },
  {
    id: 'attack/deprecated',
    severity: 'warning',
    summary: 'A tag names an ATT&CK object that is deprecated without a replacement.',
    why: 'Deprecated objects disappear from ATT&CK views, so the rule drops out of coverage reports.',
    bad: 'tags:\n    - attack.t1064',
    good: 'tags:\n    - attack.t1059',
    fix: 'Tag a current technique that fits the rule, or remove the tag.',
  },
  {
    id: 'attack/unknown-tactic',
    severity: 'error',
    summary: 'A tactic tag is not a tactic shortname of the current ATT&CK release.',
    why: 'Sigma tags tactics by shortname (`attack.execution`); tactic ids and misspelled names match nothing.',
    bad: 'tags:\n    - attack.ta0002\n    - attack.defence_evasion',
    good: 'tags:\n    - attack.execution\n    - attack.defense-evasion',
    fix: 'Write the shortname the message suggests.',
  },
  {
    id: 'attack/v18-tactic',
    severity: 'warning',
    summary: 'A tactic tag exists only in the previous ATT&CK release.',
    why: 'ATT&CK replaced the tactic; tools on the current release no longer map the rule to it.',
    bad: 'tags:\n    - attack.defense-evasion\n    - attack.t1562.001',
    good: 'tags:\n    - attack.stealth\n    - attack.t1562.001',
    fix: 'Replace the tag with the current tactic the message names for the rule’s techniques.',
  },
  ...(['group', 'software', 'campaign'] as const).map(
    (kind): CheckInfo => ({
      id: `attack/unknown-${kind}`,
      severity: 'error',
      summary: `A ${kind} tag names an id that does not exist in ATT&CK Enterprise.`,
      why: 'Threat reports and coverage views built from the tags attribute the rule to an object that does not exist.',
      bad: `tags:\n    - attack.${kind === 'group' ? 'g9999' : kind === 'software' ? 's9999' : 'c9999'}`,
      good: `tags:\n    - attack.${kind === 'group' ? 'g0007' : kind === 'software' ? 's0002' : 'c0024'}`,
      fix: 'Correct the id or remove the tag.',
    }),
  ),
  {
    id: 'attack/technique-without-tactic',
    severity: 'warning',
    summary: "A technique tag belongs to none of the rule's tactic tags.",
    why: 'Tactic and technique tags that do not match usually mean a wrong technique id or a missing tactic tag.',
    bad: 'tags:\n    - attack.persistence\n    - attack.t1059',
    good: 'tags:\n    - attack.execution\n    - attack.t1059',
    fix: 'Add the tactic the message names, or correct the technique id.',
  },
  {
    id: 'attack/tactic-without-technique',
    severity: 'warning',
    summary: "A tactic tag covers none of the rule's technique tags.",
    why: 'A tactic without a matching technique usually means a technique tag is missing or wrong.',
    bad: 'tags:\n    - attack.execution\n    - attack.persistence\n    - attack.t1059',
    good: 'tags:\n    - attack.execution\n    - attack.t1059',
    fix: 'Add a technique of that tactic, or remove the tactic tag.',
  },
  {
    id: 'attack/untagged-reference',
    severity: 'warning',
    summary: 'A reference or the description cites an ATT&CK technique that the rule does not tag.',
    why: 'The cited technique is what the rule detects, but coverage reports only see tags.',
    bad: 'references:\n    - https://attack.mitre.org/techniques/T1505/003/\ntags:\n    - attack.persistence',
    good: 'references:\n    - https://attack.mitre.org/techniques/T1505/003/\ntags:\n    - attack.persistence\n    - attack.t1505.003',
    fix: 'Add the tag the message names.',
  },
]

/** Run the ATT&CK and tag checks of attack-tags.ts on a rule. */
export const attackCheckGroup: RuleCheckGroup = {
  ids: ATTACK_CHECKS.map((check) => check.id),
  run(rule) {
    const tagsKey = pairOf(rule, 'tags')?.key as Node | undefined
    const tagsSpan = spanOf(tagsKey, rule.lineCounter)
    return lintAttackTags({
      tags: rule.tags,
      references: rule.references,
      ...(rule.description ? { description: rule.description } : {}),
      ...(tagsSpan ? { tagsSpan } : {}),
    })
  },
}
