import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { matchesAnyGlob } from '../src/config/glob.js'
import { parseConfig } from '../src/config/load-config.js'
import { parseYamlSource } from '../src/regress/fixture-yaml.js'
import { runRuleStages } from './fuzz-pipeline.js'
import { repoRoot } from './helpers.js'

/**
 * Inputs that once crashed or hung sigma-gate, kept as regression tests.
 * Each must now give an exact diagnostic quickly.
 */
const crasher = (name: string): string => readFileSync(path.join(repoRoot, 'test/crashers', name), 'utf8')

function errorChecks(diagnostics: { check: string; severity: string; line: number }[]): string[] {
  return diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.check}@${d.line}`)
}

describe('crashers', () => {
  it('10 000 nested condition parentheses', () => {
    const outcome = runRuleStages(crasher('rule-deep-condition.yml'))
    expect(errorChecks(outcome.diagnostics)).toEqual(['limits/nesting-depth@8'])
  })

  it('10 000 chained nots', () => {
    const outcome = runRuleStages(crasher('rule-not-chain.yml'))
    expect(errorChecks(outcome.diagnostics)).toEqual(['limits/nesting-depth@8'])
  })

  it('20 of 40 selections', () => {
    const started = performance.now()
    const outcome = runRuleStages(crasher('rule-n-of-blowup.yml'))
    expect(errorChecks(outcome.diagnostics)).toEqual(['limits/condition-terms@86'])
    expect(outcome.diagnostics.find((d) => d.check === 'limits/condition-terms')?.message).toContain('137846528820 combinations')
    expect(performance.now() - started).toBeLessThan(1000)
  })

  it('configuration alias without anchor', () => {
    const { config, diagnostics } = parseConfig(crasher('config-unresolved-alias.yml'), '/repo/.sigma-gate.yml')
    expect(config.failOn).toBe('error')
    expect(diagnostics.map((d) => [d.check, d.line, d.column, d.file])).toEqual([['config/yaml', 1, 10, '/repo/.sigma-gate.yml']])
  })

  it('configuration billion laughs', () => {
    const started = performance.now()
    const { diagnostics } = parseConfig(crasher('config-billion-laughs.yml'), '/repo/.sigma-gate.yml')
    expect(diagnostics.map((d) => [d.check, d.line])).toEqual([['config/yaml', 2]])
    expect(diagnostics[0]?.message).toContain('Excessive alias count')
    expect(performance.now() - started).toBeLessThan(1000)
  })

  it('unbalanced braces in exclude globs', () => {
    const { config } = parseConfig(crasher('config-unbalanced-glob.yml'), '/repo/.sigma-gate.yml')
    expect(matchesAnyGlob('rules/{legacy', config.exclude)).toBe(true)
    expect(matchesAnyGlob('rules/old}/a.yml', config.exclude)).toBe(true)
    expect(matchesAnyGlob('rules/legacy', config.exclude)).toBe(false)
  })

  it('a glob with many ** stays fast', () => {
    const started = performance.now()
    expect(matchesAnyGlob(`${'a/'.repeat(2000)}b`, [`${'**/'.repeat(50)}c`])).toBe(false)
    expect(performance.now() - started).toBeLessThan(1000)
  })

  it('fixture alias without anchor', () => {
    const source = parseYamlSource(crasher('fixture-unresolved-alias.fixtures.yml'), '/repo/x.fixtures.yml', 'fixture/yaml')
    expect(source.value).toBeUndefined()
    expect(source.diagnostics.map((d) => [d.check, d.line, d.column, d.file])).toEqual([
      ['fixture/yaml', 5, 9, '/repo/x.fixtures.yml'],
    ])
    expect(source.diagnostics[0]?.message).toContain('Unresolved alias')
  })
})
