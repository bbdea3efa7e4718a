import { describe, expect, it } from 'vitest'
import { defaultConfig } from '../src/config/config.js'
import { lintRule } from '../src/lint/lint-rule.js'
import { parseRuleFile } from '../src/sigma/load-rule-file.js'

/*
 * Every tag example of the Sigma tags appendix v2.1.0. The appendix writes
 * ATT&CK ids as `t*1234*`, a placeholder for a number, so the tests use real
 * ids of each kind. Each test puts one tag in a rule whose tags start on
 * line 3, and compares only the tag and ATT&CK checks.
 */

function tagFindings(...tags: string[]): string[] {
  const list = tags.map((tag) => `    - ${tag}\n`).join('')
  const text = `title: Test rule\ntags:\n${list}logsource:\n    product: windows\n    category: process_creation\ndetection:\n    selection:\n        Image: x\n    condition: selection\n`
  const rule = parseRuleFile('/repo/rules/proc_creation_win_spec_rule.yml', text).rules[0]?.rule
  if (!rule) throw new Error('the text contains no rule')
  const found = lintRule(rule, { config: defaultConfig(), relativePath: (f) => f, today: '2026-01-01' })
  return found
    .filter((d) => d.check.startsWith('tag/') || d.check.startsWith('attack/'))
    .map((d) => `${d.line}:${d.column} ${d.severity} ${d.check}`)
}

function expectAccepted(tags: string[]): void {
  for (const tag of tags) expect(tagFindings(tag), tag).toEqual([])
}

describe('spec tags: namespace attack', () => {
  it('attack: technique and sub-technique', () => {
    expectAccepted(['attack.t1059', 'attack.t1059.001'])
  })

  it('attack: technique id that ATT&CK lacks is reported', () => {
    expect(tagFindings('attack.t1234')).toEqual(['3:7 error attack/unknown-technique'])
  })

  it('attack: group and software', () => {
    expectAccepted(['attack.g0007', 'attack.s0002'])
  })

  it('attack: group id that ATT&CK lacks is reported', () => {
    expect(tagFindings('attack.g1234')).toEqual(['3:7 error attack/unknown-group'])
  })

  it('attack: data source, mitigation and asset ids', () => {
    expectAccepted(['attack.ds0009', 'attack.m1036', 'attack.a0004'])
  })

  it('attack: tactics of the appendix', () => {
    expectAccepted([
      'attack.initial-access',
      'attack.execution',
      'attack.persistence',
      'attack.privilege-escalation',
      'attack.credential-access',
      'attack.discovery',
      'attack.lateral-movement',
      'attack.collection',
      'attack.exfiltration',
      'attack.command-and-control',
      'attack.impact',
    ])
  })

  it('attack: defense-evasion warns (lint: ATT&CK 19 replaced the tactic)', () => {
    expect(tagFindings('attack.defense-evasion')).toEqual(['3:7 warning attack/v18-tactic'])
  })

  it('attack: tactic id instead of shortname is reported', () => {
    expect(tagFindings('attack.ta0002')).toEqual(['3:7 error attack/unknown-tactic'])
  })
})

describe('spec tags: other namespaces', () => {
  it('car: car.2016-04-005', () => {
    expectAccepted(['car.2016-04-005'])
    expect(tagFindings('car.2016-4-5')).toEqual(['3:7 error tag/format'])
  })

  it('cve: cve.2021-44228', () => {
    expectAccepted(['cve.2021-44228'])
    expect(tagFindings('cve.CVE-2021-44228')).toEqual(['3:7 error tag/format'])
  })

  it('d3fend: technique d3fend.d3-am', () => {
    expectAccepted(['d3fend.d3-am'])
    expect(tagFindings('d3fend.D3-AM')).toEqual(['3:7 error tag/format'])
  })

  it('d3fend: artifact d3fend.d3f-WindowsNtOpenFile keeps its camel case', () => {
    expectAccepted(['d3fend.d3f-WindowsNtOpenFile'])
  })

  it('d3fend: tactics', () => {
    expectAccepted(['d3fend.model', 'd3fend.harden', 'd3fend.detect', 'd3fend.isolate', 'd3fend.deceive', 'd3fend.evict'])
    expect(tagFindings('d3fend.respond')).toEqual(['3:7 error tag/format'])
  })

  it('detection: the three rule types', () => {
    expectAccepted(['detection.dfir', 'detection.emerging-threats', 'detection.threat-hunting'])
    expect(tagFindings('detection.hunting')).toEqual(['3:7 error tag/format'])
  })

  it('stp: analytic-only stp.4 and complete stp.3k', () => {
    expectAccepted(['stp.4', 'stp.3k', 'stp.1a', 'stp.5u'])
    expect(tagFindings('stp.6')).toEqual(['3:7 error tag/format'])
    expect(tagFindings('stp.3x')).toEqual(['3:7 error tag/format'])
  })

  it('tlp: the five levels', () => {
    expectAccepted(['tlp.red', 'tlp.amber', 'tlp.amber-strict', 'tlp.green', 'tlp.clear'])
    expect(tagFindings('tlp.white')).toEqual(['3:7 error tag/format'])
  })

  it('tags: a repeated tag is reported', () => {
    expect(tagFindings('tlp.red', 'tlp.red')).toEqual(['4:7 warning tag/duplicate'])
  })
})
