import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
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
