import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import { corpusFiles, corpusTexts, fuzzTarget, mutatedText, printStats } from './fuzz-harness.js'
import { runRuleStages } from './fuzz-pipeline.js'
import { hasShared, ruleWith } from './helpers.js'

// A hang guard only: each input is held to 1 s inside fuzzTarget.
const HANG_GUARD_MS = 600_000

const ruleTexts = corpusTexts(corpusFiles('rules/windows', ['.yml'], 400))

afterAll(printStats)

describe.skipIf(!hasShared)('fuzz rule files', () => {
  it('mutated corpus rules yield a result or located diagnostics', () => {
    const stats = fuzzTarget('rule file (mutated corpus)', mutatedText(ruleTexts), 400, (text) => {
      const outcome = runRuleStages(text)
      // A rule with a detection that did not lower must carry an error.
      if (outcome.rejected > 0) expect(outcome.diagnostics.some((d) => d.severity === 'error')).toBe(true)
      return outcome.diagnostics
    })
    expect(stats.inputs).toBeGreaterThanOrEqual(400)
  }, HANG_GUARD_MS)
})

const SELECTIONS = ['selection', 'sel_1', 'sel_2', 'filter', 'filter_main']
const CONDITION_TOKENS = [...SELECTIONS, 'and', 'or', 'not', '(', ')', '1 of', 'all of', 'any of', 'sel*', 'filter_*', 'them', '|', 'count()', 'AND', '*', 'x of']

const conditionText = fc.array(fc.constantFrom(...CONDITION_TOKENS), { maxLength: 14 }).map((tokens) => tokens.join(' '))

describe('fuzz conditions', () => {
  it('random conditions compile or give a located error', () => {
    const selections = SELECTIONS.map((name, i) => `    ${name}:\n        Image|endswith: '\\\\p${i}.exe'`).join('\n')
    fuzzTarget('condition', conditionText, 1000, (condition) => {
      const text = ruleWith(`${selections}\n    condition: ${JSON.stringify(condition)}`)
      const outcome = runRuleStages(text)
      expect(outcome.compiled + outcome.rejected).toBe(1)
      const conditionLine = text.split('\n').findIndex((line) => line.startsWith('    condition:')) + 1
      if (outcome.rejected === 1) expect(outcome.diagnostics.some((d) => d.severity === 'error' && d.line === conditionLine)).toBe(true)
      return outcome.diagnostics
    })
  }, HANG_GUARD_MS)

  it('a deeply nested condition gives a diagnostic', () => {
    const condition = `${'('.repeat(10_000)}selection${')'.repeat(10_000)}`
    const outcome = runRuleStages(ruleWith(`    selection:\n        Image: a\n    condition: '${condition}'`))
    expect(outcome.rejected + outcome.compiled).toBe(1)
    expect(outcome.diagnostics.filter((d) => d.severity === 'error').map((d) => d.check)).toEqual(outcome.compiled ? [] : ['limits/nesting-depth'])
  })
})

const FIELDS = ['Image', 'CommandLine', 'ParentImage', 'DestinationIp', 'User', 'Hashes', 'EventID', 'x y', "a'b", 'a"b', 'a|b']
const MODIFIERS = ['contains', 'startswith', 'endswith', 'all', 're', 'i', 'm', 's', 'cidr', 'base64', 'base64offset', 'wide', 'utf16le', 'utf16be', 'windash', 'exists', 'fieldref', 'lt', 'gte', 'expand', 'cased', 'unknown', '']
const VALUE_PARTS = ['a', '*', '?', '\\', '\\*', '"', "'", '|', '[', ']', '(', '+', '10.0.0.0/8', '::1/128', '%var%', '-', '/', '\n', ' ', '1', 'true', '\u00e9', '\u0000', '{2}', '$']
const scalarValue = fc.oneof(
  fc.array(fc.constantFrom(...VALUE_PARTS), { maxLength: 8 }).map((parts) => parts.join('')),
  fc.integer(),
  fc.constantFrom(true, false, null),
)
const selectionEntry = fc.record({
  field: fc.constantFrom(...FIELDS),
  modifiers: fc.array(fc.constantFrom(...MODIFIERS), { maxLength: 3 }),
  values: fc.oneof(scalarValue, fc.array(scalarValue, { maxLength: 3 })),
})

describe('fuzz modifiers', () => {
  it('random field modifiers and values compile or give a located error', () => {
    fuzzTarget('modifiers', fc.array(selectionEntry, { minLength: 1, maxLength: 3 }), 1000, (entries) => {
      const lines = entries.map((e) => `        ${JSON.stringify([e.field, ...e.modifiers].join('|'))}: ${JSON.stringify(e.values)}`)
      const text = ruleWith(`    selection:\n${lines.join('\n')}\n    condition: selection`)
      const outcome = runRuleStages(text)
      if (outcome.rejected === 1) expect(outcome.diagnostics.some((d) => d.severity === 'error' && d.line >= 7)).toBe(true)
      return outcome.diagnostics
    })
  }, HANG_GUARD_MS)
})
