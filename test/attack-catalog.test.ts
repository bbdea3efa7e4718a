import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, test } from 'vitest'

import {
  attackVersions,
  campaign,
  group,
  isPreviousOnlyTactic,
  migratePreviousTactic,
  previousTactic,
  software,
  tactic,
  tacticById,
  tactics,
  technique,
  techniqueReplacements,
  techniquesForTactic,
} from '../src/attack/catalog.js'

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const dataDir = path.resolve(repoRoot, '../shared/data/attack')

const ids = (entries: { id: string }[]) => entries.map(entry => entry.id)
const shortnames = (entries: { shortname: string }[]) =>
  entries.map(entry => entry.shortname)

describe('attack catalog lookups', () => {
  test('versions', () => {
    expect(attackVersions()).toEqual({ current: '19.1', previous: '18.1' })
  })

  test('current tactics in kill-chain order', () => {
    expect(shortnames(tactics())).toEqual([
      'reconnaissance',
      'resource-development',
      'initial-access',
      'execution',
      'persistence',
      'privilege-escalation',
      'stealth',
      'defense-impairment',
      'credential-access',
      'discovery',
      'lateral-movement',
      'collection',
      'command-and-control',
      'exfiltration',
      'impact',
    ])
  })

  test('tactic renamed in v19', () => {
    expect(tactic('stealth')).toEqual({
      shortname: 'stealth',
      id: 'TA0005',
      name: 'Stealth',
      order: 7,
    })
    expect(tactic('defense-evasion')).toBeUndefined()
    expect(previousTactic('defense-evasion')).toEqual({
      shortname: 'defense-evasion',
      id: 'TA0005',
      name: 'Defense Evasion',
      order: 7,
    })
    expect(previousTactic('defense-impairment')).toBeUndefined()
    expect(isPreviousOnlyTactic('defense-evasion')).toBe(true)
    expect(isPreviousOnlyTactic('execution')).toBe(false)
    expect(tacticById('ta0112')?.shortname).toBe('defense-impairment')
  })

  test('active techniques per tactic', () => {
    const counts = Object.fromEntries(
      tactics().map(entry => [
        entry.shortname,
        techniquesForTactic(entry.shortname).length,
      ]),
    )
    expect(counts).toEqual({
      reconnaissance: 46,
      'resource-development': 50,
      'initial-access': 22,
      execution: 64,
      persistence: 113,
      'privilege-escalation': 96,
      stealth: 148,
      'defense-impairment': 56,
      'credential-access': 67,
      discovery: 49,
      'lateral-movement': 23,
      collection: 41,
      'command-and-control': 45,
      exfiltration: 19,
      impact: 33,
    })
  })

  test('sub-technique entry', () => {
    expect(technique('t1059.001')).toEqual({
      id: 'T1059.001',
      name: 'PowerShell',
      revoked: false,
      revokedBy: [],
      deprecated: false,
      subtechnique: true,
      tactics: ['execution'],
      previousTactics: ['execution'],
    })
  })

  test('technique with changed tactics and name', () => {
    const entry = technique('T1211')
    expect(entry?.name).toBe('Exploitation for Stealth')
    expect(entry?.previousName).toBe('Exploitation for Defense Evasion')
    expect(entry?.tactics).toEqual(['stealth'])
    expect(entry?.previousTactics).toEqual(['defense-evasion'])
    expect(technique('T1574.001')?.tactics).toEqual(['execution', 'stealth'])
  })

  test('revocations followed to the end', () => {
    expect(ids(techniqueReplacements('T1086'))).toEqual(['T1059.001'])
    expect(ids(techniqueReplacements('T1562.001'))).toEqual(['T1685'])
    expect(ids(techniqueReplacements('T1089'))).toEqual(['T1685'])
    expect(ids(techniqueReplacements('T1073'))).toEqual(['T1574.001'])
    expect(ids(techniqueReplacements('T1162'))).toEqual(['T1647'])
    expect(ids(techniqueReplacements('T1059'))).toEqual(['T1059'])
    expect(techniqueReplacements('T9999')).toEqual([])
  })

  test('deprecated techniques', () => {
    expect(technique('T1064')?.deprecated).toBe(true)
    expect(technique('T1053.004')?.deprecated).toBe(true)
    expect(ids(techniqueReplacements('T1064'))).toEqual(['T1064'])
  })

  test('groups, software and campaigns', () => {
    expect(group('G0007')?.name).toBe('APT28')
    expect(group('g0042')?.revokedBy).toEqual(['G0040'])
    expect(group('G0014')?.deprecated).toBe(true)
    expect(software('S0002')?.name).toBe('Mimikatz')
    expect(software('S9039')).toBeDefined()
    expect(campaign('C0024')?.name).toBe('SolarWinds Compromise')
    expect(group('G1056')).toBeUndefined()
  })

  test('v18 tactic migration', () => {
    const migrate = (techniqueIds: string[]) =>
      migratePreviousTactic('defense-evasion', techniqueIds)

    expect(shortnames(migrate(['T1027']).tactics)).toEqual(['stealth'])
    expect(shortnames(migrate(['T1562.001']).tactics)).toEqual([
      'defense-impairment',
    ])
    expect(shortnames(migrate(['T1127.001']).tactics)).toEqual([
      'execution',
      'stealth',
    ])
    expect(migrate(['T1548.002'])).toEqual({ tactics: [], matched: true })

    const unmatched = migrate(['T1059.001'])
    expect(unmatched.matched).toBe(false)
    expect(shortnames(unmatched.tactics)).toEqual([
      'stealth',
      'defense-impairment',
    ])
  })
})

describe.skipIf(!existsSync(dataDir))('attack catalog generator', () => {
  test('regenerates catalog.json byte for byte', () => {
    const outDir = mkdtempSync(path.join(tmpdir(), 'attack-catalog-'))
    const out = path.join(outDir, 'catalog.json')
    try {
      execFileSync(process.execPath, [
        path.join(repoRoot, 'scripts/generate-attack-catalog.mjs'),
        dataDir,
        '--out',
        out,
      ])
      const committed = readFileSync(path.join(repoRoot, 'src/attack/catalog.json'), 'utf8')
      expect(readFileSync(out, 'utf8')).toBe(committed)
    } finally {
      rmSync(outDir, { recursive: true, force: true })
    }
  })

  test('rejects a missing data folder', () => {
    const run = () =>
      execFileSync(
        process.execPath,
        [path.join(repoRoot, 'scripts/generate-attack-catalog.mjs'), '/nonexistent-attack-dir'],
        { stdio: 'pipe' },
      )
    expect(run).toThrow(/ATT&CK data folder '\/nonexistent-attack-dir' was not found/)
  })
})
