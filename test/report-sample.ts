import type { Report } from '../src/report/report.js'

/** Build a small report: one rule with findings, one clean, one not converted. */
export function sampleReport(): Report {
  return {
    version: 1,
    summary: {
      rules: 3,
      errors: 2,
      warnings: 1,
      converted: 2,
      fixtures: { passed: 3, failed: 1 },
    },
    rules: [
      {
        path: 'rules/encoded_powershell.yml',
        id: '6b1f1c2e-8f1a-4c55-9e4b-0c3f2a1d9e10',
        title: 'Encoded PowerShell',
        diagnostics: [
          {
            check: 'attack/unknown-technique',
            severity: 'warning',
            message: "Tag 'attack.t9999' names no ATT&CK technique. Use an id from the ATT&CK catalog.",
            line: 9,
            column: 5,
          },
          {
            check: 'metadata/missing-id',
            severity: 'error',
            message: "Rule has no 'id'. Add a UUID.",
            line: 1,
            column: 1,
          },
        ],
        spl: ['source="XmlWinEventLog:Microsoft-Windows-Sysmon/Operational" EventCode=1 CommandLine="*-enc*"'],
        tests: [
          {
            name: 'base64 flag',
            fixture: 'rules/encoded_powershell.events.ndjson',
            expected: 'match',
            native: 1,
            spl: 0,
            passed: false,
            reason: "The SPL missed event 2, which the native matcher selected.",
            line: 2,
          },
          {
            name: 'benign shell',
            fixture: 'rules/encoded_powershell.events.ndjson',
            expected: 'no-match',
            native: 0,
            spl: 0,
            passed: true,
          },
        ],
      },
      {
        path: 'rules/clean.yml',
        id: '0a7c3a52-1d0e-4b4e-a6c1-3c8ad2f4e0b1',
        title: 'Clean rule',
        diagnostics: [],
        spl: ['source="XmlWinEventLog:Microsoft-Windows-Sysmon/Operational" EventCode=3'],
        tests: [
          {
            name: 'connects',
            fixture: 'rules/clean.events.ndjson',
            expected: 'at-least 1',
            native: 2,
            spl: 2,
            passed: true,
          },
        ],
      },
      {
        path: 'rules/multi.yml',
        id: null,
        title: null,
        document: 1,
        diagnostics: [
          {
            check: 'detection/unknown-modifier',
            severity: 'error',
            message: "Modifier 'contians' is unknown. Use one of contains, startswith, endswith.",
            file: 'rules/shared/filters.yml',
            line: 4,
            column: 17,
            endLine: 4,
            endColumn: 24,
          },
        ],
        spl: [],
        tests: [
          {
            name: 'no-match',
            fixture: 'rules/multi.events.ndjson',
            expected: 'no-match',
            native: 0,
            spl: 0,
            passed: true,
          },
        ],
      },
    ],
    diagnostics: [
      {
        check: 'config/unknown-key',
        severity: 'info',
        message: "Key 'colour' is not a sigma-gate setting. Remove it.",
        file: 'sigma-gate.yml',
        line: 3,
        column: 1,
      },
    ],
  }
}
