import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { run } from '../src/engine.js'
import { ruleWith } from './helpers.js'

// Inject defects: lowering a rule titled 'Boom' throws, and so does running a case named 'explode'.
vi.mock('../src/sigma/compile-rule.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../src/sigma/compile-rule.js')>()
  return {
    ...original,
    compileDetection: (...args: Parameters<typeof original.compileDetection>) => {
      if (args[0].title?.value === 'Boom') throw new TypeError("Cannot read properties of undefined (reading 'kind')")
      return original.compileDetection(...args)
    },
  }
})

vi.mock('../src/regress/run-case.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../src/regress/run-case.js')>()
  return {
    ...original,
    runCase: (...args: Parameters<typeof original.runCase>) => {
      if (args[0].name === 'explode') throw new RangeError('Maximum call stack size exceeded')
      return original.runCase(...args)
    },
  }
})

const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-contain-'))
afterAll(() => fs.rmSync(temp, { recursive: true, force: true }))

function writeRule(name: string, title: string): void {
  const text = ruleWith("    selection:\n        Image|endswith: '\\cmd.exe'\n    condition: selection").replace('Test rule', title)
  fs.writeFileSync(path.join(temp, 'rules', name), text)
}

describe('crash containment', () => {
  it('a defect in one rule becomes internal/error and the others still run', async () => {
    fs.mkdirSync(path.join(temp, 'rules'), { recursive: true })
    writeRule('a.yml', 'Alpha')
    writeRule('b.yml', 'Boom')
    writeRule('c.yml', 'Gamma')
    const fixture = (name: string): string => `cases:\n  - name: ${name}\n    expect: match\n    event: { EventID: 1, Image: 'C:\\Windows\\cmd.exe' }\n`
    fs.writeFileSync(path.join(temp, 'rules/a.fixtures.yml'), fixture('explode'))
    fs.writeFileSync(path.join(temp, 'rules/c.fixtures.yml'), fixture('works'))

    const report = await run({ verb: 'check', paths: ['rules'], cwd: temp })
    expect(report.rules.map((rule) => rule.path)).toEqual(['rules/a.yml', 'rules/b.yml', 'rules/c.yml'])

    const internal = report.rules.map((rule) => rule.diagnostics.filter((d) => d.check === 'internal/error').map((d) => [d.line, d.message]))
    expect(internal).toEqual([
      [[1, "sigma-gate failed while running the fixtures: RangeError 'Maximum call stack size exceeded'. This is a sigma-gate defect, not a problem of the rule; please report it with the rule. The other rules were still checked."]],
      [[1, "sigma-gate failed while compiling and converting the rule: TypeError 'Cannot read properties of undefined (reading 'kind')'. This is a sigma-gate defect, not a problem of the rule; please report it with the rule. The other rules were still checked."]],
      [],
    ])
    expect(report.rules.map((rule) => rule.spl.length)).toEqual([1, 0, 1])
    expect(report.rules.map((rule) => rule.tests.map((test) => [test.name, test.passed]))).toEqual([[], [], [['works', true]]])
    expect(report.summary.errors).toBeGreaterThanOrEqual(2)
  })
})
