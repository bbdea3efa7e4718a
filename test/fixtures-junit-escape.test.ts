import { describe, expect, test } from 'vitest'
import { escapeXml, formatJunitReport } from '../src/report/junit-report.js'
import type { Report } from '../src/report/report.js'

describe('junit escaping', () => {
  test('markup characters become entities', () => {
    expect(escapeXml(`a<b>&"c'`)).toBe("a&lt;b&gt;&amp;&quot;c'")
  })

  test('characters XML cannot hold become text', () => {
    expect(escapeXml('x\u0001y\u0000z\ud800')).toBe('x\\u0001y\\u0000z\\ud800')
    expect(escapeXml('tab\tline\nend')).toBe('tab\tline\nend')
    expect(escapeXml('\ud83d\ude00')).toBe('\ud83d\ude00')
  })

  test('rule without tests or errors is left out', () => {
    const report: Report = {
      version: 1,
      summary: { rules: 1, errors: 0, warnings: 0, converted: 1, fixtures: { passed: 0, failed: 0 } },
      rules: [{ path: 'rules/a.yml', id: null, title: 'A', diagnostics: [], spl: [], tests: [] }],
      diagnostics: [],
    }
    expect(formatJunitReport(report)).toBe('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="sigma-gate" tests="0" failures="0" errors="0">\n</testsuites>\n')
  })

  test('lint errors form a failing case', () => {
    const report: Report = {
      version: 1,
      summary: { rules: 1, errors: 1, warnings: 0, converted: 0, fixtures: { passed: 0, failed: 0 } },
      rules: [{ path: 'rules/a.yml', id: 'x', title: null, diagnostics: [{ check: 'sigma/structure', severity: 'error', message: 'Bad <thing>.', line: 3, column: 1 }], spl: [], tests: [] }],
      diagnostics: [],
    }
    expect(formatJunitReport(report)).toContain('<testcase name="lint" classname="rules/a.yml" file="rules/a.yml">\n      <failure message="1 error; the first: Bad &lt;thing&gt;." type="lint">rules/a.yml:3:1 sigma/structure Bad &lt;thing&gt;.</failure>')
  })
})
