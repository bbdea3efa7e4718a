import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { globSync } from 'tinyglobby'
import { describe, expect, test } from 'vitest'
import { parse } from 'yaml'

import type { Diagnostic } from '../src/diagnostic.js'
import { lintAttackTags } from '../src/lint/attack-tags.js'
import { attackLintInput } from './attack-rule-input.js'

const testDir = path.dirname(fileURLToPath(import.meta.url))
const sharedDir = path.resolve(testDir, '../../shared')
const casePath = path.join(sharedDir, 'cases/12-lint-attack-tags.yml')
const corpusDir = path.join(sharedDir, 'corpus/sigmahq/rules')

/** Build rule text whose tag n (0-based) sits on line n + 3, column 7. */
function ruleText(tags: string[], before = ''): string {
  const items = tags.map(tag => `    - ${tag}\n`).join('')
  return `title: Test\n${before}tags:\n${items}`
}

function lintTags(tags: string[], before = ''): Diagnostic[] {
  return lintAttackTags(attackLintInput(ruleText(tags, before)))
}

/** Render findings as 'check severity line:column message' for exact comparison. */
function render(diagnostics: Diagnostic[]): string[] {
  return diagnostics.map(
    d => `${d.check} ${d.severity} ${d.line}:${d.column} ${d.message}`,
  )
}

describe.skipIf(!existsSync(casePath))('case 12 lint attack tags', () => {
  test('findings on lines 9 to 11 only', () => {
    const rule = (parse(readFileSync(casePath, 'utf8')) as { rule: string }).rule
    expect(render(lintAttackTags(attackLintInput(rule)))).toEqual([
      "attack/revoked error 9:7 Tag 'attack.t1086' names technique T1086 (PowerShell), which is revoked in ATT&CK 19.1 and replaced by T1059.001 (PowerShell), which the rule already tags. Remove the redundant tag 'attack.t1086'.",
      "tag/format error 10:7 Tag 'attack.TT1059' is malformed: upper-case letters are not allowed; 'tt1059' is not a technique id (expected attack.tNNNN or attack.tNNNN.NNN, e.g. 'attack.t1059.001'); tags contain only lower-case letters, digits, '_', '-' and '.'. Write 'attack.t1059'.",
      "tag/format error 11:7 Tag 't1027' is malformed: it has no namespace (tags are written namespace.name, e.g. attack.t1059). Write 'attack.t1027'.",
    ])
  })
})

describe('revoked and deprecated', () => {
  test('revoked technique names replacement', () => {
    expect(render(lintTags(['attack.execution', 'attack.t1086']))).toEqual([
      "attack/revoked error 4:7 Tag 'attack.t1086' names technique T1086 (PowerShell), which is revoked in ATT&CK 19.1 and replaced by T1059.001 (PowerShell). Replace the tag with 'attack.t1059.001'.",
    ])
  })

  test('technique revoked in v19', () => {
    const tags = ['attack.defense-impairment', 'attack.t1562.001']
    expect(render(lintTags(tags))).toEqual([
      "attack/revoked error 4:7 Tag 'attack.t1562.001' names technique T1562.001 (Disable or Modify Tools), which is revoked in ATT&CK 19.1 and replaced by T1685 (Disable or Modify Tools). Replace the tag with 'attack.t1685'.",
    ])
  })

  test('revocation chain of two steps', () => {
    const tags = ['attack.stealth', 'attack.t1073']
    expect(render(lintTags(tags))).toEqual([
      "attack/revoked error 4:7 Tag 'attack.t1073' names technique T1073 (DLL Side-Loading), which is revoked in ATT&CK 19.1 and replaced by T1574.001 (DLL). Replace the tag with 'attack.t1574.001'.",
    ])
  })

  test('deprecated technique', () => {
    expect(render(lintTags(['attack.persistence', 'attack.t1034']))).toEqual([
      "attack/deprecated warning 4:7 Tag 'attack.t1034' names technique T1034 (Path Interception), which is deprecated in ATT&CK 19.1 and has no replacement. Remove the tag or tag a current technique that fits the rule.",
    ])
  })

  test('revoked and deprecated groups', () => {
    expect(render(lintTags(['attack.g0042', 'attack.g0014', 'attack.g0007']))).toEqual([
      "attack/revoked error 3:7 Tag 'attack.g0042' names group G0042 (MONSOON), which is revoked in ATT&CK 19.1 and replaced by G0040 (Patchwork). Replace the tag with 'attack.g0040'.",
      "attack/deprecated warning 4:7 Tag 'attack.g0014' names group G0014 (Night Dragon), which is deprecated in ATT&CK 19.1 and has no replacement. Remove the tag or tag a current group that fits the rule.",
    ])
  })
})

describe('tactic and technique fit', () => {
  test('tactic without technique', () => {
    const tags = ['attack.credential-access', 'attack.execution', 'attack.t1059.001']
    expect(render(lintTags(tags))).toEqual([
      "attack/tactic-without-technique warning 3:7 Tag 'attack.credential-access' names tactic TA0006 (Credential Access), but none of the rule's technique tags belongs to it in ATT&CK 19.1. Add a technique of that tactic or remove the tag.",
    ])
  })

  test('technique without tactic', () => {
    const tags = ['attack.execution', 'attack.t1059.001', 'attack.t1003.001']
    expect(render(lintTags(tags))).toEqual([
      "attack/technique-without-tactic warning 5:7 Tag 'attack.t1003.001' names technique T1003.001 (LSASS Memory), which belongs to none of the rule's tactic tags in ATT&CK 19.1. Add 'attack.credential-access', or check the technique id.",
    ])
  })

  test('no fit check without tactic tags', () => {
    expect(lintTags(['attack.t1003.001'])).toEqual([])
    expect(lintTags(['attack.execution'])).toEqual([])
  })

  test('revoked technique covers its replacement tactic', () => {
    const found = lintTags(['attack.defense-impairment', 'attack.t1562.001'])
    expect(found.map(d => d.check)).toEqual(['attack/revoked'])
  })
})

describe('ATT&CK v18 tactics', () => {
  test('defense-evasion with t1027 suggests stealth', () => {
    expect(render(lintTags(['attack.defense-evasion', 'attack.t1027']))).toEqual([
      "attack/v18-tactic warning 3:7 Tag 'attack.defense-evasion' names a tactic that exists only in ATT&CK 18.1; ATT&CK 19.1 replaced it per technique. For the techniques tagged here, replace it with 'attack.stealth'.",
    ])
  })

  test('defense-evasion with t1112 suggests defense-impairment', () => {
    const tags = ['attack.persistence', 'attack.defense-evasion', 'attack.t1112']
    expect(render(lintTags(tags))).toEqual([
      "attack/v18-tactic warning 4:7 Tag 'attack.defense-evasion' names a tactic that exists only in ATT&CK 18.1; ATT&CK 19.1 replaced it per technique. For the techniques tagged here, replace it with 'attack.defense-impairment'.",
    ])
  })

  test('defense-evasion with a technique that lost it', () => {
    const tags = ['attack.privilege-escalation', 'attack.defense-evasion', 'attack.t1548.002']
    expect(render(lintTags(tags))).toEqual([
      "attack/v18-tactic warning 4:7 Tag 'attack.defense-evasion' names a tactic that exists only in ATT&CK 18.1; ATT&CK 19.1 replaced it per technique. The techniques tagged here no longer belong to a replacing tactic, so remove the tag.",
    ])
  })

  test('defense-evasion without techniques', () => {
    expect(render(lintTags(['attack.defense-evasion']))).toEqual([
      "attack/v18-tactic warning 3:7 Tag 'attack.defense-evasion' names a tactic that exists only in ATT&CK 18.1; ATT&CK 19.1 replaced it per technique. Replace it with whichever of 'attack.stealth' or 'attack.defense-impairment' fits the rule's techniques.",
    ])
  })

  test('underscore spelling of defense-evasion', () => {
    expect(render(lintTags(['attack.defense_evasion', 'attack.t1027']))).toEqual([
      "attack/unknown-tactic error 3:7 Tag 'attack.defense_evasion' names tactic 'defense_evasion', which does not exist in ATT&CK 19.1. It looks like 'defense-evasion', which exists only in ATT&CK 18.1. Write 'attack.stealth' instead.",
    ])
  })
})

describe('unknown ids and tactics', () => {
  test('unknown group, software, technique, campaign', () => {
    const tags = ['attack.g9999', 'attack.s9999', 'attack.t9999', 'attack.c9999']
    expect(render(lintTags(tags))).toEqual([
      "attack/unknown-group error 3:7 Tag 'attack.g9999' names group G9999, which does not exist in ATT&CK Enterprise 19.1. Correct the id or remove the tag.",
      "attack/unknown-software error 4:7 Tag 'attack.s9999' names software S9999, which does not exist in ATT&CK Enterprise 19.1. Correct the id or remove the tag.",
      "attack/unknown-technique error 5:7 Tag 'attack.t9999' names technique T9999, which does not exist in ATT&CK Enterprise 19.1. Correct the id (see https://attack.mitre.org/techniques/) or remove the tag.",
      "attack/unknown-campaign error 6:7 Tag 'attack.c9999' names campaign C9999, which does not exist in ATT&CK Enterprise 19.1. Correct the id or remove the tag.",
    ])
  })

  test('known group, software and campaign pass', () => {
    expect(lintTags(['attack.g0007', 'attack.s0002', 'attack.c0024'])).toEqual([])
  })

  test('unknown tactics', () => {
    const tags = ['attack.ta0002', 'attack.privilege_escalation', 'attack.evasion']
    expect(render(lintTags(tags))).toEqual([
      "attack/unknown-tactic error 3:7 Tag 'attack.ta0002' uses the tactic id TA0002. Sigma tags tactics by shortname: write 'attack.execution' (Execution).",
      "attack/unknown-tactic error 4:7 Tag 'attack.privilege_escalation' names tactic 'privilege_escalation', which does not exist in ATT&CK 19.1. Write 'attack.privilege-escalation'.",
      "attack/unknown-tactic error 5:7 Tag 'attack.evasion' names tactic 'evasion', which does not exist in ATT&CK 19.1. Use one of the ATT&CK 19.1 tactic shortnames, e.g. 'attack.execution' or 'attack.stealth'.",
    ])
  })
})

describe('tag format', () => {
  test.each([
    ['attack.T1059.001', "Tag 'attack.T1059.001' is malformed: upper-case letters are not allowed; tags contain only lower-case letters, digits, '_', '-' and '.'. Write 'attack.t1059.001'."],
    ['Attack.Execution', "Tag 'Attack.Execution' is malformed: upper-case letters are not allowed; tags contain only lower-case letters, digits, '_', '-' and '.'. Write 'attack.execution'."],
    ['attack.t1059/001', "Tag 'attack.t1059/001' is malformed: the character '/' is not allowed; 't1059/001' is not a technique id (expected attack.tNNNN or attack.tNNNN.NNN, e.g. 'attack.t1059.001'); tags contain only lower-case letters, digits, '_', '-' and '.'. Write 'attack.t1059.001'."],
    ['attack..t1059', "Tag 'attack..t1059' is malformed: it has an empty part between dots. Write 'attack.t1059'."],
    ['attack.t1059.1', "Tag 'attack.t1059.1' is malformed: 't1059.1' is not an ATT&CK tactic name or technique, group or software id (techniques are attack.tNNNN or attack.tNNNN.NNN, e.g. 'attack.t1059.001'). Correct the ATT&CK id or tactic name."],
    ['attack t1059', "Tag 'attack t1059' is malformed: tags must not contain spaces. Write 'attack.t1059'."],
    ['t1059.001', "Tag 't1059.001' is malformed: it has no namespace (tags are written namespace.name, e.g. attack.t1059). Write 'attack.t1059.001'."],
    ['T1059.001', "Tag 'T1059.001' is malformed: it has no namespace (tags are written namespace.name, e.g. attack.t1059). Write 'attack.t1059.001'."],
    ['detection', "Tag 'detection' is malformed: it has no namespace (tags are written namespace.name, e.g. attack.t1059). Write it as namespace.name in lower case, e.g. attack.t1059.001 or cve.2021-44228."],
    ['cve.2021.21551', "Tag 'cve.2021.21551' is malformed: the cve namespace expects cve.YYYY-NNNN, e.g. 'cve.2021-44228'. Correct the tag."],
    ['tlp.white', "Tag 'tlp.white' is malformed: the tlp namespace expects tlp.red, tlp.amber, tlp.amber-strict, tlp.green or tlp.clear. Correct the tag."],
  ])('%s', (tag, message) => {
    expect(render(lintTags([tag]))).toEqual([`tag/format error 3:7 ${message}`])
  })

  test('other namespaces pass when well formed', () => {
    const tags = [
      'cve.2021-44228',
      'car.2016-04-005',
      'stp.3k',
      'stp.2',
      'tlp.amber-strict',
      'detection.threat-hunting',
      'd3fend.d3-am',
      'd3fend.d3f-WindowsNtOpenFile',
      'attack.ds0005',
      'attack.m1038',
      'custom.team.label',
    ]
    expect(lintTags(tags)).toEqual([])
  })

  test('duplicate tag', () => {
    const tags = ['attack.execution', 'attack.t1059', 'attack.execution']
    expect(render(lintTags(tags))).toEqual([
      "tag/duplicate warning 5:7 Tag 'attack.execution' is listed again (first on line 3). Remove the repeated tag.",
    ])
  })
})

describe('untagged references', () => {
  test('technique in reference URL', () => {
    const before =
      'references:\n    - https://example.com/blog\n    - https://attack.mitre.org/techniques/T1505/003/\n'
    expect(render(lintTags(['attack.persistence', 'attack.t1505'], before))).toEqual([
      "attack/untagged-reference warning 4:7 Reference 'https://attack.mitre.org/techniques/T1505/003/' cites ATT&CK technique T1505.003 (Web Shell), but the rule does not tag it. Add the tag 'attack.t1505.003'.",
    ])
  })

  test('tagged reference passes', () => {
    const before = 'references:\n    - https://attack.mitre.org/techniques/T1505/003/\n'
    expect(lintTags(['attack.persistence', 'attack.t1505.003'], before)).toEqual([])
  })

  test('parent cited, sub-technique tagged', () => {
    const before = 'description: Detects a web shell (T1505).\n'
    expect(lintTags(['attack.persistence', 'attack.t1505.003'], before)).toEqual([])
  })

  test('revoked id in description', () => {
    const before = 'description: Detects PowerShell abuse (T1086).\n'
    expect(render(lintTags(['attack.execution', 'attack.t1059'], before))).toEqual([
      "attack/untagged-reference warning 2:14 The description cites ATT&CK technique T1086, which is revoked and replaced by T1059.001 (PowerShell), but the rule does not tag it. Add the tag 'attack.t1059.001'.",
    ])
  })

  test('revoked id in description with replacement tagged', () => {
    const before = 'description: Detects PowerShell abuse (T1086).\n'
    expect(lintTags(['attack.execution', 'attack.t1059.001'], before)).toEqual([])
  })
})

describe.skipIf(!existsSync(corpusDir))('SigmaHQ corpus', () => {
  test('findings per check', () => {
    const files = globSync('**/*.yml', { cwd: corpusDir, absolute: true })
    const counts: Record<string, number> = {}
    let rulesWithError = 0
    for (const file of files) {
      const found = lintAttackTags(attackLintInput(readFileSync(file, 'utf8')))
      if (found.some(d => d.severity === 'error')) rulesWithError += 1
      for (const d of found) counts[d.check] = (counts[d.check] ?? 0) + 1
    }
    expect(files.length).toBe(3141)
    expect(rulesWithError).toBe(0)
    expect(counts).toEqual({
      'attack/tactic-without-technique': 391,
      'attack/untagged-reference': 3,
    })
  })
})
