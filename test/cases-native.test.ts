import { readFileSync, readdirSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { compileRuleText, hasShared, sharedRoot } from './helpers.js'

interface CaseEvent {
  name: string
  expect: 'match' | 'no-match'
  event: Record<string, string | number>
}

interface CaseFile {
  id: string
  kind: string
  rule: string
  events?: CaseEvent[]
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
