import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

import { describe, expect, test } from 'vitest'
import { parse } from 'yaml'

import {
  DEFAULT_SYSMON_SCOPE,
  convertToSpl,
} from '../src/backends/splunk/index.js'
import type { Expr } from '../src/ir/expr.js'
import {
  allOf,
  any,
  anyOf,
  contains,
  endsWith,
  equals,
  none,
  parts,
  processCreation,
  text,
} from './backend-ir.js'

const CASES_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../shared/cases',
)

interface ExpectSpl {
  must_contain_exact?: string[]
  must_not_contain_exact?: string[]
  must_match_regex?: string[]
  should_match_regex?: string[]
  should_not_match_regex?: string[]
}

function readExpectations(file: string): ExpectSpl {
  const document = parse(readFileSync(path.join(CASES_DIR, file), 'utf8')) as {
    expect_spl: ExpectSpl
  }
  return document.expect_spl
}

function convertSysmon(expr: Expr): string {
  const result = convertToSpl(expr, {
    scope: DEFAULT_SYSMON_SCOPE,
    fieldNames: { EventID: 'EventCode' },
  })
  expect(result.diagnostics).toEqual([])
  return result.queries[0] ?? ''
}

/** Check every pattern of a case, one assertion per pattern. */
function checkPatterns(query: string, expectations: ExpectSpl): void {
  for (const exact of expectations.must_contain_exact ?? []) {
    expect(query, `must contain ${exact}`).toContain(exact)
  }
  for (const exact of expectations.must_not_contain_exact ?? []) {
    expect(query, `must not contain ${exact}`).not.toContain(exact)
  }
  const matching = [
    ...(expectations.must_match_regex ?? []),
    ...(expectations.should_match_regex ?? []),
  ]
  for (const pattern of matching) {
    expect(query, `must match ${pattern}`).toMatch(new RegExp(pattern))
  }
  for (const pattern of expectations.should_not_match_regex ?? []) {
    expect(query, `must not match ${pattern}`).not.toMatch(new RegExp(pattern))
  }
}

describe.skipIf(!existsSync(CASES_DIR))('convertToSpl convert cases', () => {
  test('boolean grouping (case 08)', () => {
    // all of selection_* and not 1 of filter_main_*
    const expr = allOf(
      processCreation,
      anyOf(
        endsWith('Image', '\\net.exe'),
        equals('OriginalFileName', 'net.exe'),
      ),
      contains('CommandLine', ' localgroup '),
      none(
        anyOf(
          allOf(contains('User', 'svc'), contains('User', 'backup')),
          endsWith('ParentImage', '\\msiexec.exe'),
        ),
      ),
    )
    const query = convertSysmon(expr)
    const expectations = readExpectations('08-spl-boolean-grouping.yml')

    expect(query).toBe(
      String.raw`source="XmlWinEventLog:Microsoft-Windows-Sysmon/Operational" EventCode=1 (Image="*\\net.exe" OR OriginalFileName="net.exe") CommandLine="* localgroup *" NOT ((User="*svc*" User="*backup*") OR ParentImage="*\\msiexec.exe")`,
    )
    expect(expectations.must_match_regex).toHaveLength(2)
    expect(expectations.should_match_regex).toHaveLength(1)
    expect(expectations.should_not_match_regex).toHaveLength(2)
    checkPatterns(query, expectations)
  })

  test('backslash, wildcard and quote escaping (case 10)', () => {
    // 1 of selection_*
    const expr = allOf(
      processCreation,
      anyOf(
        contains('CommandLine', '\\Desktop\\'),
        parts('Image', [
          text('C:\\Users\\'),
          any,
          text('\\AppData\\Local\\Temp\\'),
          any,
        ]),
        contains('CommandLine', 'echo "owned" >'),
        endsWith('CurrentDirectory', '\\Temp\\'),
      ),
    )
    const query = convertSysmon(expr)
    const expectations = readExpectations(
      '10-spl-backslash-wildcard-quote-escaping.yml',
    )

    expect(query).toBe(
      String.raw`source="XmlWinEventLog:Microsoft-Windows-Sysmon/Operational" EventCode=1 (CommandLine="*\\Desktop\\*" OR Image="C:\\Users\\*\\AppData\\Local\\Temp\\*" OR CommandLine="*echo \"owned\" >*" OR CurrentDirectory="*\\Temp\\")`,
    )
    expect(expectations.must_contain_exact).toHaveLength(4)
    expect(expectations.must_not_contain_exact).toHaveLength(3)
    checkPatterns(query, expectations)
  })
})
