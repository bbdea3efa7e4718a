import { describe, expect, test } from 'vitest'
import { attackCoverage, diffCoverage, techniqueIdsOf } from '../src/report/attack-coverage.js'
import { diffLines } from '../src/report/line-diff.js'
import { buildNavigatorLayer } from '../src/report/navigator-layer.js'
import { buildPrComment, COMMENT_MARKER } from '../src/report/pr-comment.js'
import type { Report } from '../src/report/report.js'
import { buildSarifLog, FINGERPRINT_KEY } from '../src/report/sarif-report.js'
import { toCheckAnnotation } from '../src/action/check-run.js'
import { uniqueArtifactName } from '../src/action/artifacts.js'
import { sampleReport } from './report-sample.js'

function coveredReport(): Report {
  const report = sampleReport()
  report.rules = [
    { path: 'rules/a.yml', id: null, title: 'A', tags: ['attack.execution', 'attack.t1059.001'], diagnostics: [], spl: ['index=x a'], tests: [] },
    { path: 'rules/b.yml', id: null, title: 'B', tags: ['attack.t1059.001', 'attack.t1033'], diagnostics: [], spl: ['index=x b'], tests: [] },
    { path: 'rules/c.yml', id: null, title: 'C', tags: ['attack.t1087.001'], diagnostics: [], spl: [], tests: [] },
  ]
  return report
}

describe('ATT&CK coverage', () => {
  test('counts techniques of converted rules only', () => {
    const coverage = attackCoverage(coveredReport().rules)

    expect(coverage.map((entry) => [entry.id, entry.name, entry.rules])).toEqual([
      ['T1033', 'System Owner/User Discovery', ['rules/b.yml']],
      ['T1059.001', 'PowerShell', ['rules/a.yml', 'rules/b.yml']],
    ])
  })

  test('reads technique tags case-insensitively and ignores tactics', () => {
    expect(techniqueIdsOf(['attack.T1059.001', 'attack.discovery', 'cve.2021-1'])).toEqual(['T1059.001'])
  })

  test('diff names gained and lost techniques', () => {
    const before = new Map([['T1033', 1], ['T1059.001', 2]])
    const after = new Map([['T1059.001', 1], ['T1087.001', 1], ['T1033', 0]])

    expect(diffCoverage(before, after)).toEqual({ gained: ['T1087.001'], lost: ['T1033'] })
  })
})

describe('Navigator layer', () => {
  test('writes layer format 4.5 with one scored entry per technique', () => {
    const layer = buildNavigatorLayer(attackCoverage(coveredReport().rules), { ruleCount: 3 })

    expect(layer.versions).toEqual({ attack: '19', navigator: '5.1.0', layer: '4.5' })
    expect(layer.domain).toBe('enterprise-attack')
    expect(layer.gradient).toEqual({ colors: ['#dceefc', '#1f6fb2'], minValue: 0, maxValue: 2 })
    expect(layer.techniques).toEqual([
      { techniqueID: 'T1033', score: 1, comment: '1 rule: rules/b.yml', enabled: true, metadata: [{ name: 'rule', value: 'rules/b.yml' }], showSubtechniques: false },
      { techniqueID: 'T1059.001', score: 2, comment: '2 rules: rules/a.yml, rules/b.yml', enabled: true, metadata: [{ name: 'rule', value: 'rules/a.yml' }, { name: 'rule', value: 'rules/b.yml' }], showSubtechniques: false },
    ])
    expect(layer.description).toBe('Techniques tagged by 2 converted Sigma rules of 3 checked; the score is the number of rules per technique.')
  })
})

describe('line diff', () => {
  test('keeps common lines and marks the rest', () => {
    expect(diffLines(['a', 'b', 'c'], ['a', 'x', 'c', 'd'])).toEqual([' a', '-b', '+x', ' c', '+d'])
  })
})

describe('PR comment', () => {
  test('starts with the marker and shows the SPL diff and coverage change', () => {
    const body = buildPrComment({
      report: coveredReport(),
      failOn: 'error',
      changed: [{ path: 'rules/a.yml', title: 'A <new>', before: ['index=x old'], after: ['index=x a'] }],
      coverage: { gained: ['T1087.001'], lost: [] },
    })

    expect(body.startsWith(`${COMMENT_MARKER}\n\n### sigma-gate failed with fail-on 'error': 2 errors, 1 failing fixture test`)).toBe(true)
    expect(body).toContain('<details><summary><code>rules/a.yml</code> A &lt;new&gt;: SPL changed</summary>\n\n<pre>\n-index=x old\n+index=x a\n</pre>\n\n</details>')
    expect(body).toContain('#### ATT&CK coverage\n\nGained 1: T1087.001 Local Account')
  })

  test('cuts whole sections to the size limit and says so', () => {
    const changed = Array.from({ length: 200 }, (_, index) => ({ path: `rules/r${index}.yml`, title: null, after: ['x'.repeat(500)] }))
    const body = buildPrComment({ report: coveredReport(), failOn: 'error', changed, maxLength: 10_000, runUrl: 'https://github.example/o/r/actions/runs/1' })

    expect(body.length).toBeLessThanOrEqual(10_000)
    expect(body.trimEnd().endsWith("_This comment was cut to stay under GitHub's comment size limit; the [job summary](https://github.example/o/r/actions/runs/1) and the artifacts have everything._")).toBe(true)
  })
})

describe('SARIF log', () => {
  test('has the fields code scanning requires', () => {
    const log = buildSarifLog(sampleReport(), { cwd: '/ws/detections', root: '/ws', version: '0.1.0' })
    const run = log.runs[0]

    expect(log.version).toBe('2.1.0')
    expect(run?.tool.driver.rules.every((rule) => rule.shortDescription.text !== '' && rule.fullDescription.text.length <= 1024 && rule.help.text !== '')).toBe(true)
    const first = run?.results.find((result) => result.ruleId === 'metadata/missing-id')
    expect(first).toMatchObject({
      ruleId: 'metadata/missing-id',
      level: 'error',
      message: { text: "Rule has no 'id'. Add a UUID." },
      locations: [{ physicalLocation: { artifactLocation: { uri: 'detections/rules/encoded_powershell.yml', uriBaseId: '%SRCROOT%' }, region: { startLine: 1, startColumn: 1 } } }],
    })
    expect(first?.partialFingerprints[FINGERPRINT_KEY]).toMatch(/^[0-9a-f]{64}$/)
    expect(run?.tool.driver.rules[first?.ruleIndex ?? -1]?.id).toBe('metadata/missing-id')
  })
})

describe('Checks API annotations', () => {
  test('map levels and keep columns only on one line', () => {
    expect(toCheckAnnotation({ level: 'error', message: 'm', properties: { title: 't', file: 'a.yml', startLine: 3, endLine: 5, startColumn: 2, endColumn: 4 } })).toEqual([
      { path: 'a.yml', start_line: 3, end_line: 5, annotation_level: 'failure', message: 'm', title: 't' },
    ])
    expect(toCheckAnnotation({ level: 'notice', message: 'm', properties: { title: 't', file: 'a.yml', startLine: 3, startColumn: 2 } })).toEqual([
      { path: 'a.yml', start_line: 3, end_line: 3, start_column: 2, end_column: 2, annotation_level: 'notice', message: 'm', title: 't' },
    ])
    expect(toCheckAnnotation({ level: 'warning', message: 'm', properties: { title: 't' } })).toEqual([])
  })
})

describe('artifact names', () => {
  test('differ per matrix entry and attempt and drop forbidden characters', () => {
    const a = uniqueArtifactName('sigma: gate', 'lint', '["rules/a"]', '1')
    const b = uniqueArtifactName('sigma: gate', 'lint', '["rules/b"]', '1')

    expect(a).toMatch(/^sigma_ gate-lint-[0-9a-f]{8}-attempt-1$/)
    expect(b).not.toBe(a)
    expect(uniqueArtifactName('sigma-gate', 'lint', '["rules/a"]', '2')).toBe(a.replace('sigma_ gate', 'sigma-gate').replace('attempt-1', 'attempt-2'))
  })
})
