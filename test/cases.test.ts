import { readFileSync, readdirSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { compileRuleBothEngines, compileRuleText, hasShared, sharedRoot } from './helpers.js'

interface CaseEvent {
  name: string
  expect: 'match' | 'no-match'
  event: Record<string, string | number>
}

interface ExpectSpl {
  must_contain_exact?: string[]
  must_not_contain_exact?: string[]
  must_match_regex?: string[]
  should_match_regex?: string[]
  should_not_match_regex?: string[]
  semantic_check?: string[]
}

interface CaseFile {
  id: string
  kind: string
  rule: string
  events?: CaseEvent[]
  expect_spl?: ExpectSpl
}

const casesDir = path.join(sharedRoot, 'cases')
const cases: CaseFile[] = hasShared
  ? readdirSync(casesDir)
      .filter((name) => name.endsWith('.yml'))
      .map((name) => parse(readFileSync(path.join(casesDir, name), 'utf8')) as CaseFile)
  : []

describe.skipIf(!hasShared)('match cases on the native matcher', () => {
  for (const bugCase of cases.filter((c) => c.kind === 'match')) {
    describe(bugCase.id, () => {
      const compiled = compileRuleText(bugCase.rule)
      it('compiles without errors', () => {
        expect(compiled.diagnostics.filter((d) => d.severity === 'error')).toEqual([])
      })
      for (const event of bugCase.events ?? []) {
        it(event.name, () => {
          expect(compiled.matches(event.event)).toBe(event.expect === 'match')
        })
      }
    })
  }
})

describe.skipIf(!hasShared)('match cases on the SPL engine', () => {
  for (const bugCase of cases.filter((c) => c.kind === 'match')) {
    describe(bugCase.id, () => {
      const both = compileRuleBothEngines(bugCase.rule)
      it('converts to SPL', () => {
        expect(both.splText).toBeDefined()
      })
      for (const event of bugCase.events ?? []) {
        it(event.name, () => {
          expect(both.spl(event.event)).toBe(event.expect === 'match')
        })
      }
    })
  }
})

/** Read a semantic check line such as `event {EventID: 1, ...} -> no match`. */
function parseSemanticCheck(line: string): { event: Record<string, string | number>; match: boolean } {
  const arrow = line.lastIndexOf('->')
  const body = line.slice(line.indexOf('{') + 1, line.lastIndexOf('}', arrow))
  const event: Record<string, string | number> = {}
  for (const pair of body.split(', ')) {
    const colon = pair.indexOf(': ')
    const key = pair.slice(0, colon).trim()
    const value = pair.slice(colon + 2).trim()
    event[key] = /^\d+$/.test(value) ? Number(value) : value
  }
  return { event, match: !line.slice(arrow + 2).trim().startsWith('no match') }
}

describe.skipIf(!hasShared)('convert cases through the whole pipeline', () => {
  for (const bugCase of cases.filter((c) => c.kind === 'convert')) {
    describe(bugCase.id, () => {
      const both = compileRuleBothEngines(bugCase.rule)
      const spl = both.splText ?? ''
      const expectations = bugCase.expect_spl ?? {}
      for (const text of expectations.must_contain_exact ?? []) {
        it(`contains ${text}`, () => {
          expect(spl).toContain(text)
        })
      }
      for (const text of expectations.must_not_contain_exact ?? []) {
        it(`does not contain ${text}`, () => {
          expect(spl).not.toContain(text)
        })
      }
      for (const pattern of [...(expectations.must_match_regex ?? []), ...(expectations.should_match_regex ?? [])]) {
        it(`matches /${pattern}/`, () => {
          expect(spl).toMatch(new RegExp(pattern))
        })
      }
      for (const pattern of expectations.should_not_match_regex ?? []) {
        it(`does not match /${pattern}/`, () => {
          expect(spl).not.toMatch(new RegExp(pattern))
        })
      }
      for (const line of expectations.semantic_check ?? []) {
        const check = parseSemanticCheck(line)
        it(`gives ${check.match ? 'match' : 'no match'} on both engines for ${JSON.stringify(check.event)}`, () => {
          expect(both.native(check.event)).toBe(check.match)
          expect(both.spl(check.event)).toBe(check.match)
        })
      }
    })
  }
})

describe.skipIf(!hasShared)('parse case with a flattened condition', () => {
  const bugCase = cases.find((c) => c.id === '14-parse-misindented-condition') as CaseFile

  it('reports the missing condition at the stray key', () => {
    const compiled = compileRuleText(bugCase.rule)
    const missing = compiled.diagnostics.find((d) => d.check === 'sigma/missing-condition')
    expect(missing?.line).toBe(10)
    expect(missing?.column).toBe(1)
    expect(missing?.message).toContain('The detection block has no condition')
    expect(missing?.message).toContain("probably belongs inside 'detection'")
    expect(compiled.expr).toBeUndefined()
    expect(compiled.matches(bugCase.events?.[0]?.event ?? {})).toBe(false)
  })

  it('reports a tab used for indentation at its line', () => {
    const lines = bugCase.rule.split('\n')
    lines[9] = '\tcondition: selection'
    const compiled = compileRuleText(lines.join('\n'))
    const [first] = compiled.diagnostics
    expect(first?.check).toBe('yaml/syntax')
    expect(first?.line).toBe(10)
    expect(first?.message).toContain('tab')
  })

  it('reports an unclosed flow sequence', () => {
    const lines = bugCase.rule.split('\n')
    lines[8] = "        Image|endswith: ['\\whoami.exe'"
    const compiled = compileRuleText(lines.join('\n'))
    const [first] = compiled.diagnostics
    expect(first?.check).toBe('yaml/syntax')
    expect([9, 10]).toContain(first?.line)
  })
})
