import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { defaultConfig } from '../src/config/config.js'
import type { Diagnostic } from '../src/diagnostic.js'
import { lintRule, lintRun } from '../src/lint/lint-rule.js'
import { compileDetection } from '../src/sigma/compile-rule.js'
import { parseRuleFile } from '../src/sigma/load-rule-file.js'
import { repoRoot } from './helpers.js'

const seedPath = path.join(repoRoot, 'rules/windows/process_creation/proc_creation_win_shell_spawned_by_web_or_script_runtime.yml')

function lintSeed(): Diagnostic[] {
  const parsed = parseRuleFile(seedPath, readFileSync(seedPath, 'utf8'))
  const first = parsed.rules[0]
  if (!first) throw new Error('the seed rule did not load')
  const context = { config: defaultConfig(), relativePath: (file: string) => path.relative(repoRoot, file), today: '2026-12-04' }
  return [
    ...parsed.diagnostics,
    ...first.diagnostics,
    ...lintRule(first.rule, context),
    ...compileDetection(first.rule).diagnostics,
    ...(lintRun([first.rule], context).get(first.rule) ?? []),
  ]
}

describe('lint of the seed rule', () => {
  const found = lintSeed()
  const byCheck = (check: string): Diagnostic[] => found.filter((d) => d.check === check)

  it('has no error', () => {
    expect(found.filter((d) => d.severity === 'error')).toEqual([])
  })

  it('asks for category process_creation at the service line', () => {
    const [finding, ...rest] = byCheck('logsource/use-category')
    expect(rest).toEqual([])
    expect(finding?.severity).toBe('warning')
    expect(finding?.line).toBe(25)
    expect(finding?.column).toBe(14)
    expect(finding?.message).toBe(
      "'service: sysmon' with 'EventID: 1' in 'selection_cmd_spawn' (line 28) is the generic log source 'category: process_creation'. Replace 'service: sysmon' with 'category: process_creation' and remove the EventID from the selection; the backend then adds the event id, and the rule also runs on other sources of the same events.",
    )
  })

  it('reports T1505.003 referenced but not tagged', () => {
    const [finding, ...rest] = byCheck('attack/untagged-reference')
    expect(rest).toEqual([])
    expect(finding?.severity).toBe('warning')
    expect(finding?.line).toBe(19)
    expect(finding?.message).toBe(
      "Reference 'https://attack.mitre.org/techniques/T1505/003/' cites ATT&CK technique T1505.003 (Web Shell), but the rule does not tag it. Add the tag 'attack.t1505.003'.",
    )
  })

  it('reports the User contains SYSTEM filter', () => {
    const [finding, ...rest] = byCheck('detection/broad-filter')
    expect(rest).toEqual([])
    expect(finding?.severity).toBe('warning')
    expect(finding?.line).toBe(45)
    expect(finding?.column).toBe(9)
    expect(finding?.message).toBe(
      "The filter 'filter_legitimate_system' excludes every event whose 'User' contains 'SYSTEM', 'LOCAL SERVICE' or 'NETWORK SERVICE', so it also excludes any user whose name merely contains one of them (e.g. 'SYSTEMADMIN'). Match the exact account instead, e.g. User: 'NT AUTHORITY\\SYSTEM' or User|endswith: '\\SYSTEM'.",
    )
  })

  it('lists every finding', () => {
    expect(found.map((d) => `${d.line}:${d.column} ${d.severity} ${d.check}`)).toEqual([
      '19:7 warning attack/untagged-reference',
      '25:14 warning logsource/use-category',
      '45:9 warning detection/broad-filter',
    ])
  })
})
