import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { run } from '../src/engine.js'
import type { RuleReport } from '../src/report/report.js'
import { parseShard, selectShard, shardOf } from '../src/shard.js'
import { hasShared, ruleWith, sharedRoot } from './helpers.js'

describe('parseShard', () => {
  it('reads i/n and rejects anything else with the fix', () => {
    expect(parseShard('2/4')).toEqual({ ok: true, shard: { index: 2, count: 4 } })
    expect(parseShard(' 1 / 1 ')).toEqual({ ok: true, shard: { index: 1, count: 1 } })
    for (const bad of ['0/4', '5/4', '2', 'a/b', '1/0']) {
      expect(parseShard(bad)).toEqual({ ok: false, message: `The shard '${bad}' is not of the form i/n with 1 ≤ i ≤ n ≤ 1000. Write it like 2/4 for the second of four parts.` })
    }
  })

  it('assigns a file by its path alone', () => {
    expect(shardOf('rules/a.yml', 4)).toBe(shardOf(`rules${path.sep}a.yml`, 4))
    expect([shardOf('rules/a.yml', 4), shardOf('rules/b.yml', 4), shardOf('rules/c.yml', 4)]).toEqual([1, 2, 3])
  })
})

describe.skipIf(!hasShared)('sharded runs', () => {
  const tree = mkdtempSync(path.join(os.tmpdir(), 'sigma-gate-shard-'))
  const source = path.join(sharedRoot, 'corpus', 'sigmahq', 'rules', 'windows', 'process_creation')
  const picked = readdirSync(source).filter((name) => name.endsWith('.yml')).sort().slice(0, 60)
  for (const name of picked) cpSync(path.join(source, name), path.join(tree, 'rules', name))
  // The same id twice, in two files, so the cross-shard duplicate check has
  // work to do; title and detection differ, because only ids are compared
  // across shards.
  const id = /^id: (.*)$/m.exec(readFileSync(path.join(source, picked[0] as string), 'utf8'))?.[1] ?? ''
  writeFileSync(path.join(tree, 'rules', 'zz_copy.yml'), ruleWith("    selection:\n        Image|endswith: '\\zz.exe'\n    condition: selection").replace(/^id: .*$/m, `id: ${id}`))
  afterAll(() => rmSync(tree, { recursive: true, force: true }))

  const key = (rule: RuleReport): string => `${rule.path}#${rule.document ?? ''}`
  // Cross-shard findings come after the shard's own, so a rule's diagnostics
  // are compared in a fixed order.
  const order = (rule: RuleReport): RuleReport => ({ ...rule, diagnostics: [...rule.diagnostics].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))) })
  const sorted = (rules: RuleReport[]): RuleReport[] => rules.map(order).sort((a, b) => key(a).localeCompare(key(b)))

  it('report together exactly the rules and results of one unsharded run', async () => {
    const whole = await run({ verb: 'check', paths: ['rules'], cwd: tree })
    const parts: RuleReport[] = []
    const sizes: number[] = []
    for (let index = 1; index <= 4; index++) {
      const { selection } = await selectShard(['rules'], tree, { index, count: 4 })
      const report = await run({ verb: 'check', paths: ['rules'], cwd: tree, only: selection })
      sizes.push(report.rules.length)
      parts.push(...report.rules)
    }
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(61)
    expect(Math.min(...sizes)).toBeGreaterThan(5)
    expect(sorted(parts)).toEqual(sorted(whole.rules))
    const copy = parts.find((rule) => rule.path === 'rules/zz_copy.yml')
    expect(copy?.diagnostics.filter((d) => d.check === 'metadata/duplicate-id').map((d) => d.message)).toEqual([
      `The id '${id}' is already used by the rule at rules/${picked[0]}:2. Give this rule a new UUID.`,
    ])
  }, 120_000)
})

describe.skipIf(!hasShared)('sharded runs with correlations and filters', () => {
  const tree = mkdtempSync(path.join(os.tmpdir(), 'sigma-gate-shard-meta-'))
  const source = path.join(sharedRoot, 'corpus', 'sigmahq', 'rules', 'windows', 'process_creation')
  const picked = readdirSync(source).filter((name) => name.endsWith('.yml')).sort().slice(0, 30)
  for (const name of picked) cpSync(path.join(source, name), path.join(tree, 'rules', 'plain', name))

  // The discovery burst correlation of the example rules, with its base
  // rules moved into two other folders and its filter into a third.
  const examples = path.resolve(import.meta.dirname, '..', 'rules', 'windows')
  const [correlation, whoami, net, systeminfo] = readFileSync(path.join(examples, 'correlation', 'mr_win_recon_burst_same_user.yml'), 'utf8').split(/^---\n/m)
  const fixtures = readFileSync(path.join(examples, 'correlation', 'mr_win_recon_burst_same_user.fixtures.yml'), 'utf8')
  const [head, ...cases] = fixtures.split(/^ {2}- name: /m)
  const named = cases.filter((entry) => entry.includes('rule: recon_whoami'))
  const unnamed = cases.filter((entry) => !entry.includes('rule: recon_whoami'))
  const files: Record<string, string> = {
    'rules/correlation/burst.yml': correlation ?? '',
    'rules/correlation/burst.fixtures.yml': [head, ...unnamed].join('  - name: '),
    'rules/a/whoami.yml': whoami ?? '',
    'rules/a/whoami.fixtures.yml': [head, ...named].join('  - name: '),
    'rules/b/net.yml': `${net ?? ''}---\n${systeminfo ?? ''}`,
    'rules/filters/admin.yml': readFileSync(path.join(examples, 'filters', 'mf_win_admin_accounts_discovery.yml'), 'utf8'),
    // A filter without `rules:` applies by log source to every part.
    'rules/filters/by_logsource.yml': [
      'title: Filter a Test Tool',
      'id: 6f0a3a37-2b5e-4b43-9d0b-1d0f7f1f8c11',
      'description: The test tool zz-tool.exe is never malicious.',
      'date: 2026-11-30',
      'logsource:',
      '    category: process_creation',
      '    product: windows',
      'filter:',
      '    selection:',
      "        Image|endswith: '\\zz-tool.exe'",
      '    condition: selection',
      '',
    ].join('\n'),
  }
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(tree, file)), { recursive: true })
    writeFileSync(path.join(tree, file), text)
  }
  afterAll(() => rmSync(tree, { recursive: true, force: true }))

  const key = (rule: RuleReport): string => `${rule.path}#${rule.document ?? ''}`
  const order = (rule: RuleReport): RuleReport => ({ ...rule, diagnostics: [...rule.diagnostics].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))) })
  const sorted = (rules: RuleReport[]): RuleReport[] => rules.map(order).sort((a, b) => key(a).localeCompare(key(b)))

  it('keep a correlation and a filter with the rules they name', async () => {
    // Hashed one by one, the group's files fall into three parts; as a
    // group they follow the smallest path, rules/a/whoami.yml.
    const group = ['rules/a/whoami.yml', 'rules/b/net.yml', 'rules/correlation/burst.yml', 'rules/filters/admin.yml']
    expect(group.map((file) => shardOf(file, 4))).toEqual([1, 2, 3, 1])

    const whole = await run({ verb: 'check', paths: ['rules'], cwd: tree })
    const parts: RuleReport[] = []
    const owners: Record<string, number> = {}
    for (let index = 1; index <= 4; index++) {
      const { selection } = await selectShard(['rules'], tree, { index, count: 4 })
      const report = await run({ verb: 'check', paths: ['rules'], cwd: tree, only: selection })
      for (const rule of report.rules) if (group.includes(rule.path) || rule.path.startsWith('rules/filters/')) owners[key(rule)] = index
      parts.push(...report.rules)
    }

    expect(owners).toEqual({
      'rules/a/whoami.yml#': 1,
      'rules/b/net.yml#0': 1,
      'rules/b/net.yml#1': 1,
      'rules/correlation/burst.yml#': 1,
      'rules/filters/admin.yml#': 1,
      'rules/filters/by_logsource.yml#': shardOf('rules/filters/by_logsource.yml', 4),
    })
    expect(sorted(parts)).toEqual(sorted(whole.rules))

    const burst = whole.rules.find((rule) => rule.path === 'rules/correlation/burst.yml')
    expect(burst?.tests.map((test) => [test.name, test.passed])).toEqual([
      ['all three commands by alice within two minutes', true],
      ['order does not matter', true],
      ['commands split between two users', true],
      ['third command in the next window', true],
      ['local group query is not the domain query', true],
      ['burst by an administrator account', true],
    ])
    const filtered = whole.rules.find((rule) => rule.path === 'rules/a/whoami.yml')
    expect(filtered?.tests.map((test) => [test.name, test.passed])).toEqual([
      ['whoami alone', true],
      ['whoami by an administrator account is filtered', true],
    ])
    expect(whole.rules.flatMap((rule) => rule.diagnostics).filter((d) => d.check === 'filter/unknown-rule' || d.check === 'correlation/unknown-rule')).toEqual([])
    const plain = whole.rules.find((rule) => rule.path.startsWith('rules/plain/'))
    expect(plain?.diagnostics.filter((d) => d.check === 'filter/applied').map((d) => d.message)).toEqual([
      "The filter 'Filter a Test Tool' applies to this rule, so the rule matches only events that the filter's condition does not match.",
    ])
  }, 120_000)
})
