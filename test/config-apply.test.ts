import { describe, expect, it } from 'vitest'
import { applyConfig } from '../src/config/apply-config.js'
import { messageHash } from '../src/config/baseline.js'
import { parseSuppressions } from '../src/config/suppressions.js'
import { defaultConfig, type Config } from '../src/config/config.js'
import { diagnosticAt, type Diagnostic } from '../src/diagnostic.js'

const RULE_ID = 'e95ab3af-fd83-4438-ad41-47eaa0f90998'

const finding = (line: number, check = 'detection/broad-filter', severity: Diagnostic['severity'] = 'warning'): Diagnostic =>
  diagnosticAt({ line, column: 9 }, check, severity, `finding on line ${line}`)

function apply(diagnostics: Diagnostic[], config: Partial<Config> = {}, text?: string): string[] {
  const result = applyConfig(diagnostics, {
    config: { ...defaultConfig(), ...config },
    path: 'rules/windows/rule.yml',
    ruleId: RULE_ID,
    ...(text !== undefined ? { suppressions: parseSuppressions(text) } : {}),
  })
  return result.map((d) => `${d.line}:${d.column} ${d.severity} ${d.check} ${d.message}`)
}

describe('applyConfig', () => {
  it('turns checks off and overrides severities', () => {
    const found = [finding(3), finding(4, 'detection/single-item-list', 'info')]
    expect(apply(found, { checks: { 'detection/broad-filter': 'error', 'detection/single-item-list': 'off' } })).toEqual(['3:9 error detection/broad-filter finding on line 3'])
  })

  it('ignores by path glob and by rule id', () => {
    const ignoreByPath = { ignore: { 'detection/broad-filter': { paths: ['rules/windows/**'], rules: [] } } }
    expect(apply([finding(3)], ignoreByPath)).toEqual([])
    const ignoreByRule = { ignore: { 'detection/broad-filter': { paths: [], rules: [RULE_ID.toUpperCase()] } } }
    expect(apply([finding(3)], ignoreByRule)).toEqual([])
    const other = { ignore: { 'detection/broad-filter': { paths: ['rules/linux/**'], rules: [] } } }
    expect(apply([finding(3)], other)).toEqual(['3:9 warning detection/broad-filter finding on line 3'])
  })

  it('applies a suppression at the end of the line', () => {
    const text = 'a: 1\nb: 2\n    User|contains: SYSTEM  # sigma-gate-disable detection/broad-filter -- service accounts only\n'
    expect(apply([finding(3)], {}, text)).toEqual([])
  })

  it('applies a suppression on the line before', () => {
    const text = 'a: 1\n    # sigma-gate-disable detection/broad-filter -- service accounts only\n    # another comment\n    User|contains: SYSTEM\n'
    expect(apply([finding(4)], {}, text)).toEqual([])
  })

  it('reports a suppression without a reason and keeps the finding', () => {
    const text = 'a: 1\n    # sigma-gate-disable detection/broad-filter\n    User|contains: SYSTEM\n'
    expect(apply([finding(3)], {}, text)).toEqual([
      '3:9 warning detection/broad-filter finding on line 3',
      "2:5 warning lint/suppression-without-reason The suppression of 'detection/broad-filter' has no reason, so it is not applied. Add ' -- ' and the reason, e.g. '# sigma-gate-disable detection/broad-filter -- only admins run this tool'.",
    ])
  })

  it('reports a suppression that suppresses nothing', () => {
    const text = "a: 1\n    Image: x  # sigma-gate-disable detection/broad-filtr -- old\n    User: y  # sigma-gate-disable detection/broad-filter -- old\n"
    expect(apply([], {}, text)).toEqual([
      "2:15 warning lint/unused-suppression The suppression of 'detection/broad-filtr' suppresses nothing. 'detection/broad-filtr' is not a check id; did you mean 'detection/broad-filter'? Remove the comment or correct it.",
      "3:14 warning lint/unused-suppression The suppression of 'detection/broad-filter' suppresses nothing. No 'detection/broad-filter' finding is on line 3. Remove the comment or correct it.",
    ])
  })

  it('drops findings listed in the baseline', () => {
    const baselineEntries = [{ rule: RULE_ID, check: 'detection/broad-filter', hash: messageHash('finding on line 3') }]
    expect(apply([finding(3), finding(5)], { baselineEntries })).toEqual(['5:9 warning detection/broad-filter finding on line 5'])
  })
})
