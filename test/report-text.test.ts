import { describe, expect, test } from 'vitest'
import type { Report } from '../src/report/report.js'
import { formatTextReport } from '../src/report/text-report.js'
import { sampleReport } from './report-sample.js'

describe('formatTextReport', () => {
  test('lists rules with findings, then the summary', () => {
    expect(formatTextReport(sampleReport())).toBe(
      [
        "rules/encoded_powershell.yml 'Encoded PowerShell'",
        "  rules/encoded_powershell.yml:1:1 error metadata/missing-id Rule has no 'id'. Add a UUID.",
        "  rules/encoded_powershell.yml:9:5 warning attack/unknown-technique Tag 'attack.t9999' names no ATT&CK technique. Use an id from the ATT&CK catalog.",
        "  test 'base64 flag' failed on rules/encoded_powershell.events.ndjson:2: expected match, native 1, spl 0. The SPL missed event 2, which the native matcher selected.",
        '',
        'rules/multi.yml (document 2)',
        "  rules/shared/filters.yml:4:17 error detection/unknown-modifier Modifier 'contians' is unknown. Use one of contains, startswith, endswith.",
        '',
        'Findings outside any rule',
        "  sigma-gate.yml:3:1 info config/unknown-key Key 'colour' is not a sigma-gate setting. Remove it.",
        '',
        'Summary',
        '  rules      3 checked, 1 without findings',
        '  errors     2',
        '  warnings   1',
        '  converted  2 of 3 rules',
        '  fixtures   3 passed, 1 failed',
        '',
      ].join('\n'),
    )
  })

  test('colours severities, headings and nonzero counts', () => {
    const lines = formatTextReport(sampleReport(), { color: true }).split('\n')

    expect(lines[0]).toBe(
      "\u001b[1mrules/encoded_powershell.yml 'Encoded PowerShell'\u001b[0m",
    )
    expect(lines[1]).toBe(
      "  rules/encoded_powershell.yml:1:1 \u001b[31merror\u001b[0m metadata/missing-id Rule has no 'id'. Add a UUID.",
    )
    expect(lines[3]?.startsWith("  test 'base64 flag' \u001b[31mfailed\u001b[0m on ")).toBe(true)
    expect(lines.at(-2)).toBe(
      '  fixtures   \u001b[32m3\u001b[0m passed, \u001b[31m1\u001b[0m failed',
    )
  })

  test('clean report prints only the summary', () => {
    const report: Report = {
      version: 1,
      summary: {
        rules: 1,
        errors: 0,
        warnings: 0,
        converted: 1,
        fixtures: { passed: 0, failed: 0 },
      },
      rules: [
        {
          path: 'rules/a.yml',
          id: null,
          title: 'A',
          diagnostics: [],
          spl: ['EventCode=1'],
          tests: [],
        },
      ],
      diagnostics: [],
    }

    expect(formatTextReport(report, { color: true })).toBe(
      [
        '\u001b[1mSummary\u001b[0m',
        '  rules      1 checked, 1 without findings',
        '  errors     0',
        '  warnings   0',
        '  converted  1 of 1 rule',
        '  fixtures   0 passed, 0 failed',
        '',
      ].join('\n'),
    )
  })

  test('finding without a file prints no location', () => {
    const report = sampleReport()
    report.diagnostics = [
      {
        check: 'input/no-rules',
        severity: 'error',
        message: "No rule files found under 'rulez'. Check the paths input.",
        line: 1,
        column: 1,
      },
    ]

    const text = formatTextReport(report)

    expect(text).toContain(
      "Findings outside any rule\n  error input/no-rules No rule files found under 'rulez'. Check the paths input.\n",
    )
  })

  test('escapes line breaks and control characters in values', () => {
    const report = sampleReport()
    report.rules[0]!.title = 'Two\nlines'
    report.rules[0]!.diagnostics = [
      {
        check: 'detection/value',
        severity: 'warning',
        message: "Value 'a\r\n::error::x\u001b[31m' spans lines. Use one line.",
        line: 2,
        column: 3,
      },
    ]

    const lines = formatTextReport(report).split('\n')

    expect(lines[0]).toBe("rules/encoded_powershell.yml 'Two\\nlines'")
    expect(lines[1]).toBe(
      "  rules/encoded_powershell.yml:2:3 warning detection/value Value 'a\\r\\n::error::x\\u001b[31m' spans lines. Use one line.",
    )
  })

  test('same report gives the same text', () => {
    expect(formatTextReport(sampleReport())).toBe(
      formatTextReport(structuredClone(sampleReport())),
    )
  })
})
