import path from 'node:path'
import { describe, expect, test } from 'vitest'
import type { Diagnostic, Severity } from '../src/diagnostic.js'
import {
  buildAnnotations,
  buildJobSummary,
  escapeTableCell,
  toRepositoryPath,
} from '../src/report/github-report.js'
import type { Report, RuleReport } from '../src/report/report.js'
import { sampleReport } from './report-sample.js'

const root = path.resolve('/repo')

function finding(severity: Severity, line: number): Diagnostic {
  return { check: `x/${severity}`, severity, message: `${severity} ${line}`, line, column: 1 }
}

function ruleWith(diagnostics: Diagnostic[], index = 0): RuleReport {
  return {
    path: `rules/r${index}.yml`,
    id: null,
    title: null,
    diagnostics,
    spl: [],
    tests: [],
  }
}

function reportOf(rules: RuleReport[]): Report {
  return {
    version: 1,
    summary: {
      rules: rules.length,
      errors: 0,
      warnings: 0,
      converted: 0,
      fixtures: { passed: 0, failed: 0 },
    },
    rules,
    diagnostics: [],
  }
}

describe('buildAnnotations', () => {
  test('annotates diagnostics and failing tests with locations', () => {
    const annotations = buildAnnotations(sampleReport(), { cwd: root, root })

    expect(annotations).toEqual([
      {
        level: 'error',
        message: "Rule has no 'id'. Add a UUID.",
        properties: {
          title: 'metadata/missing-id',
          file: 'rules/encoded_powershell.yml',
          startLine: 1,
          startColumn: 1,
        },
      },
      {
        level: 'error',
        message: "Test 'base64 flag' of rule 'rules/encoded_powershell.yml' failed: expected match, native 1, spl 0. The SPL missed event 2, which the native matcher selected.",
        properties: {
          title: 'test/failed',
          file: 'rules/encoded_powershell.events.ndjson',
          startLine: 2,
        },
      },
      {
        level: 'error',
        message: "Modifier 'contians' is unknown. Use one of contains, startswith, endswith.",
        properties: {
          title: 'detection/unknown-modifier',
          file: 'rules/shared/filters.yml',
          startLine: 4,
          startColumn: 17,
          endLine: 4,
          endColumn: 24,
        },
      },
      {
        level: 'warning',
        message: "Tag 'attack.t9999' names no ATT&CK technique. Use an id from the ATT&CK catalog.",
        properties: {
          title: 'attack/unknown-technique',
          file: 'rules/encoded_powershell.yml',
          startLine: 9,
          startColumn: 5,
        },
      },
      {
        level: 'notice',
        message: "Key 'colour' is not a sigma-gate setting. Remove it.",
        properties: {
          title: 'config/unknown-key',
          file: 'sigma-gate.yml',
          startLine: 3,
          startColumn: 1,
        },
      },
    ])
  })

  test('paths become relative to the root when cwd is a subdirectory', () => {
    const annotations = buildAnnotations(sampleReport(), {
      cwd: path.join(root, 'detections'),
      root,
    })

    expect(annotations.map((annotation) => annotation.properties.file)).toEqual([
      'detections/rules/encoded_powershell.yml',
      'detections/rules/encoded_powershell.events.ndjson',
      'detections/rules/shared/filters.yml',
      'detections/rules/encoded_powershell.yml',
      'detections/sigma-gate.yml',
    ])
  })

  test('root function picks each file its repository', () => {
    const nested = path.join(root, 'sub')

    const annotations = buildAnnotations(sampleReport(), {
      cwd: nested,
      root: (file) => (file.startsWith(nested + path.sep) ? nested : root),
    })

    expect(annotations[0]?.properties.file).toBe('rules/encoded_powershell.yml')
  })

  test('file outside the root moves its location into the message', () => {
    const report = reportOf([ruleWith([finding('error', 7)])])

    const annotations = buildAnnotations(report, {
      cwd: path.join(root, '..', 'elsewhere'),
      root,
    })

    expect(annotations).toEqual([
      {
        level: 'error',
        message: 'rules/r0.yml:7:1: error 7',
        properties: { title: 'x/error' },
      },
    ])
  })

  test('keeps ten of each level and counts the rest in a notice', () => {
    const diagnostics = [
      ...Array.from({ length: 12 }, (_, i) => finding('error', i + 1)),
      ...Array.from({ length: 11 }, (_, i) => finding('warning', i + 100)),
      ...Array.from({ length: 10 }, (_, i) => finding('info', i + 200)),
    ]
    const report = reportOf([ruleWith(diagnostics.reverse())])

    const annotations = buildAnnotations(report, { cwd: root, root })

    const count = (level: string): number =>
      annotations.filter((annotation) => annotation.level === level).length
    expect(count('error')).toBe(10)
    expect(count('warning')).toBe(10)
    expect(count('notice')).toBe(10)
    expect(annotations.map((annotation) => annotation.properties.startLine)).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
      100, 101, 102, 103, 104, 105, 106, 107, 108, 109,
      200, 201, 202, 203, 204, 205, 206, 207, 208, undefined,
    ])
    expect(annotations.at(-1)).toEqual({
      level: 'notice',
      message: '4 findings left out of the annotations (2 errors, 1 warning, 1 notice) because GitHub shows at most 10 annotations of each level per step. The step log and the job summary list every finding.',
      properties: { title: 'Annotations left out' },
    })
  })

  test('budget leaves room for setFailed and logged warnings', () => {
    const diagnostics = [
      ...Array.from({ length: 10 }, (_, i) => finding('error', i + 1)),
      finding('warning', 50),
      finding('warning', 51),
    ]
    const report = reportOf([ruleWith(diagnostics)])

    const annotations = buildAnnotations(report, {
      cwd: root,
      root,
      budget: { error: 9, warning: 1 },
    })

    expect(annotations.map((a) => `${a.level} ${a.properties.startLine}`)).toEqual([
      'error 1', 'error 2', 'error 3', 'error 4', 'error 5', 'error 6',
      'error 7', 'error 8', 'error 9', 'warning 50', 'notice undefined',
    ])
    expect(annotations.at(-1)?.message).toBe(
      '2 findings left out of the annotations (1 error, 1 warning) because GitHub shows at most 10 annotations of each level per step. The step log and the job summary list every finding.',
    )
  })

  test('no notice slot left means no left-out notice', () => {
    const report = reportOf([ruleWith([finding('error', 1), finding('error', 2)])])

    const annotations = buildAnnotations(report, {
      cwd: root,
      root,
      budget: { error: 1, notice: 0 },
    })

    expect(annotations.map((a) => `${a.level} ${a.properties.startLine}`)).toEqual([
      'error 1',
    ])
  })

  test('errors come from every rule in report order', () => {
    const rules = Array.from({ length: 15 }, (_, i) =>
      ruleWith([finding('warning', 1), finding('error', i + 1)], i),
    )

    const annotations = buildAnnotations(reportOf(rules), { cwd: root, root })

    const errors = annotations.filter((a) => a.level === 'error')
    expect(errors.map((a) => a.properties.file)).toEqual(
      Array.from({ length: 10 }, (_, i) => `rules/r${i}.yml`),
    )
    expect(annotations.at(-1)?.message).toMatch(/^10 findings left out .*\(5 errors, 5 warnings\)/)
  })
})

describe('toRepositoryPath', () => {
  test('uses forward slashes below the root', () => {
    expect(toRepositoryPath('a/b.yml', path.join(root, 'x'), root)).toBe('x/a/b.yml')
  })

  test('keeps names that start with two dots', () => {
    expect(toRepositoryPath('..rules.yml', root, root)).toBe('..rules.yml')
  })

  test('returns undefined outside the root', () => {
    expect(toRepositoryPath('../b.yml', root, root)).toBeUndefined()
  })
})

describe('buildJobSummary', () => {
  test('renders verdict, totals, findings, failing tests, conversion', () => {
    expect(buildJobSummary(sampleReport(), { failOn: 'error' })).toBe(`## sigma-gate

**Failed** with fail-on 'error': 2 errors, 1 failing fixture test.

| Rules | Converted | Errors | Warnings | Fixture tests passed | Fixture tests failed |
| ---: | ---: | ---: | ---: | ---: | ---: |
| 3 | 2 | 2 | 1 | 3 | 1 |

### Findings

| Location | Severity | Check | Message |
| --- | --- | --- | --- |
| rules/encoded\\_powershell.yml:1:1 | error | metadata/missing-id | Rule has no 'id'. Add a UUID. |
| rules/shared/filters.yml:4:17 | error | detection/unknown-modifier | Modifier 'contians' is unknown. Use one of contains, startswith, endswith. |
| rules/encoded\\_powershell.yml:9:5 | warning | attack/unknown-technique | Tag 'attack.t9999' names no ATT&amp;CK technique. Use an id from the ATT&amp;CK catalog. |
| sigma-gate.yml:3:1 | info | config/unknown-key | Key 'colour' is not a sigma-gate setting. Remove it. |

### Failing fixture tests

| Rule | Test | Fixture | Expected | Native | SPL | Reason |
| --- | --- | --- | --- | --- | --- | --- |
| rules/encoded\\_powershell.yml | base64 flag | rules/encoded\\_powershell.events.ndjson:2 | match | 1 | 0 | The SPL missed event 2, which the native matcher selected. |

### Conversion

2 of 3 rules converted to SPL, 2 queries in total.

| Rule without SPL | Title |
| --- | --- |
| rules/multi.yml (document 2) |  |
`)
  })

  test('passing run under fail-on never', () => {
    const summary = buildJobSummary(sampleReport(), { failOn: 'never' })

    // Fixture failures fail the run under every fail-on setting.
    expect(summary).toContain("**Failed** with fail-on 'never': 1 failing fixture test.")
  })

  test('clean run says passed', () => {
    const report = reportOf([{ ...ruleWith([]), spl: ['EventCode=1'] }])
    report.summary.converted = 1

    expect(buildJobSummary(report, { failOn: 'warning' })).toBe(`## sigma-gate

**Passed** with fail-on 'warning'.

| Rules | Converted | Errors | Warnings | Fixture tests passed | Fixture tests failed |
| ---: | ---: | ---: | ---: | ---: | ---: |
| 1 | 1 | 0 | 0 | 0 | 0 |

### Conversion

1 of 1 rule converted to SPL, 1 query in total.
`)
  })

  test('caps rows and bytes on a 3000-rule report', () => {
    const rules = Array.from({ length: 3000 }, (_, i) => ({
      ...ruleWith([finding('error', i + 1), finding('warning', 1)], i),
      tests: [
        {
          name: `case ${i}`,
          fixture: `rules/r${i}.events.ndjson`,
          expected: 'match',
          native: 1,
          spl: 0,
          passed: false,
          reason: 'x'.repeat(5000),
        },
      ],
    }))

    const summary = buildJobSummary(reportOf(rules), { failOn: 'error' })

    expect(Buffer.byteLength(summary)).toBeLessThan(64 * 1024)
    expect(summary).toContain(
      "_5900 more rows left out to keep the summary under GitHub's size limit. The step log lists them all._",
    )
    expect(summary).toContain(
      "_2900 more rows left out to keep the summary under GitHub's size limit. The step log lists them all._",
    )
    expect(summary).toContain(
      "_2900 more rows left out to keep the summary under GitHub's size limit._",
    )
    expect(summary).toContain(`| rules/r0.events.ndjson | match | 1 | 0 | ${'x'.repeat(299)}… |`)
  })

  test('byte budget stops rows before the row cap', () => {
    const rules = Array.from({ length: 3000 }, (_, i) =>
      ruleWith([{ ...finding('error', 1), message: '<&>'.repeat(100) }], i),
    )

    const summary = buildJobSummary(reportOf(rules), {
      failOn: 'error',
      maxRows: 3000,
      maxBytes: 100_000,
    })

    // Each row: location, severity and check plus 300 characters escaped to 1300 bytes.
    const rows = summary.split('\n').filter((line) => line.includes('&lt;&amp;&gt;'))
    expect(rows.length).toBe(74)
    expect(summary).toContain('_2926 more rows left out')
    expect(Buffer.byteLength(summary)).toBeLessThan(100_000 + 2048)
  })
})

describe('escapeTableCell', () => {
  test('escapes HTML, pipes, Markdown punctuation and newlines', () => {
    expect(escapeTableCell('a|b <i>&</i> *x* _y_ `z` [l] ~s~ C:\\W\nnext')).toBe(
      'a&#124;b &lt;i&gt;&amp;&lt;/i&gt; \\*x\\* \\_y\\_ \\`z\\` \\[l\\] \\~s\\~ C:\\\\W next',
    )
  })
})
