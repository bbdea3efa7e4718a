import { describe, expect, it } from 'vitest'
import { compileRuleText, ruleWith } from './helpers.js'

const selections = `    sel_a:
        Image|endswith: '\\a.exe'
    sel_b:
        CommandLine|contains: 'bbb'
    sel_c:
        User: 'carol'
    filter_x:
        ParentImage|endswith: '\\x.exe'
`

function verdict(condition: string, event: Record<string, string>): boolean {
  const compiled = compileRuleText(ruleWith(`${selections}    condition: ${condition}`))
  const errors = compiled.diagnostics.filter((d) => d.severity === 'error')
  expect(errors).toEqual([])
  return compiled.matches({ EventID: 1, ...event })
}

const a = { Image: 'C:\\a.exe' }
const b = { CommandLine: 'x bbb y' }
const c = { User: 'CAROL' }

describe('condition grammar', () => {
  it('binds and tighter than or', () => {
    expect(verdict('sel_a or sel_b and sel_c', a)).toBe(true)
    expect(verdict('sel_a or sel_b and sel_c', b)).toBe(false)
    expect(verdict('sel_a or sel_b and sel_c', { ...b, ...c })).toBe(true)
  })

  it('binds not tighter than and', () => {
    expect(verdict('not sel_a and sel_b', b)).toBe(true)
    expect(verdict('not sel_a and sel_b', { ...a, ...b })).toBe(false)
    expect(verdict('not sel_a and sel_b', {})).toBe(false)
  })

  it('groups with parentheses', () => {
    expect(verdict('(sel_a or sel_b) and sel_c', a)).toBe(false)
    expect(verdict('(sel_a or sel_b) and sel_c', { ...a, ...c })).toBe(true)
    expect(verdict('not (sel_a or sel_b)', c)).toBe(true)
    expect(verdict('not (sel_a or sel_b)', b)).toBe(false)
  })

  it('expands 1 of and all of over a wildcard pattern', () => {
    expect(verdict('1 of sel_*', c)).toBe(true)
    expect(verdict('all of sel_*', { ...a, ...b })).toBe(false)
    expect(verdict('all of sel_*', { ...a, ...b, ...c })).toBe(true)
  })

  it('expands them over every selection', () => {
    expect(verdict('1 of them', { ParentImage: 'C:\\x.exe' })).toBe(true)
    expect(verdict('all of them', { ...a, ...b, ...c })).toBe(false)
  })

  it('expands 2 of into pairs', () => {
    expect(verdict('2 of sel_*', a)).toBe(false)
    expect(verdict('2 of sel_*', { ...a, ...c })).toBe(true)
  })

  it('negates a quantifier as a whole', () => {
    expect(verdict('sel_a and not 1 of filter_*', a)).toBe(true)
    expect(verdict('sel_a and not 1 of filter_*', { ...a, ParentImage: 'D:\\X.EXE' })).toBe(false)
  })
})

describe('condition diagnostics', () => {
  function diagnose(condition: string): { check: string; line: number; column: number; message: string }[] {
    const compiled = compileRuleText(ruleWith(`${selections}    condition: ${condition}`))
    return compiled.diagnostics.map(({ check, line, column, message }) => ({ check, line, column, message }))
  }

  it('locates an undefined selection', () => {
    const [first] = diagnose('sel_a and sel_z')
    expect(first?.check).toBe('sigma/undefined-selection')
    expect(first?.line).toBe(16)
    expect(first?.column).toBe(26)
  })

  it('hints at upper-case operators', () => {
    const [first] = diagnose('sel_a AND sel_b')
    expect(first?.message).toContain("Sigma operators are lower case: write 'and'")
  })

  it('reports an unbalanced parenthesis', () => {
    const [first] = diagnose('(sel_a or sel_b')
    expect(first?.check).toBe('sigma/condition-syntax')
    expect(first?.message).toContain("Missing ')'")
  })

  it('reports a pattern that matches nothing', () => {
    const [first] = diagnose('1 of nothing_*')
    expect(first?.check).toBe('sigma/undefined-selection')
  })

  it('reports selections the condition does not use', () => {
    const found = diagnose('sel_a')
    expect(found.map((d) => [d.check, d.line])).toEqual([
      ['sigma/unused-selection', 10],
      ['sigma/unused-selection', 12],
      ['sigma/unused-selection', 14],
    ])
  })

  it('rejects Sigma 1 aggregations', () => {
    const [first] = diagnose('sel_a | count() > 5')
    expect(first?.check).toBe('sigma/unsupported')
  })
})
