import { describe, expect, test } from 'vitest'
import { formatJsonReport } from '../src/report/json-report.js'
import type { Report } from '../src/report/report.js'
import { sampleReport } from './report-sample.js'

describe('formatJsonReport', () => {
  test('round-trips the report', () => {
    const report = sampleReport()

    expect(JSON.parse(formatJsonReport(report))).toEqual(report)
  })

  test('writes keys in a fixed order whatever the build order', () => {
    const report: Report = {
      diagnostics: [
        { line: 2, column: 3, message: 'M', severity: 'warning', check: 'c/x', file: 'f.yml' },
      ],
      rules: [
        {
          tests: [
            { passed: false, spl: 0, native: 1, expected: 'match', fixture: 'e.json', name: 't', line: 4 },
          ],
          spl: [],
          diagnostics: [],
          title: null,
          id: null,
          path: 'r.yml',
        },
      ],
      summary: {
        fixtures: { failed: 1, passed: 0 },
        converted: 0,
        warnings: 1,
        errors: 0,
        rules: 1,
      },
      version: 1,
    }

    expect(formatJsonReport(report)).toBe(`{
  "version": 1,
  "summary": {
    "rules": 1,
    "errors": 0,
    "warnings": 1,
    "converted": 0,
    "fixtures": {
      "passed": 0,
      "failed": 1
    }
  },
  "rules": [
    {
      "path": "r.yml",
      "id": null,
      "title": null,
      "diagnostics": [],
      "spl": [],
      "tests": [
        {
          "name": "t",
          "fixture": "e.json",
          "line": 4,
          "expected": "match",
          "native": 1,
          "spl": 0,
          "passed": false
        }
      ]
    }
  ],
  "diagnostics": [
    {
      "check": "c/x",
      "severity": "warning",
      "message": "M",
      "file": "f.yml",
      "line": 2,
      "column": 3
    }
  ]
}
`)
  })

  test('puts unknown keys last, sorted', () => {
    const report = { ...sampleReport(), zeta: 1, alpha: 2 } as Report

    const keys = Object.keys(JSON.parse(formatJsonReport(report)))

    expect(keys).toEqual(['version', 'summary', 'rules', 'diagnostics', 'alpha', 'zeta'])
  })
})
