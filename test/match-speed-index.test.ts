import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { SigmaEvent } from '../src/events/event.js'
import { buildCandidateFilter } from '../src/match/candidate-filter.js'
import { compileMatcher, lowerValues } from '../src/match/compile-matcher.js'
import { buildLiteralScanner, type FieldNeedle } from '../src/match/literal-scanner.js'
import { buildRuleIndex, type IndexedRule } from '../src/match/rule-index.js'
import { ANY_FIELD, requirementsOf, strongestClauses } from '../src/match/rule-requirements.js'
import { compileRuleText, ruleWith } from './helpers.js'

function rule(id: string, detection: string, logsource?: string): IndexedRule {
  const { expr } = compileRuleText(ruleWith(detection, logsource))
  if (!expr) throw new Error(`rule ${id} did not compile`)
  return { id, expr }
}

function plainMatches(rules: readonly IndexedRule[]): (event: SigmaEvent) => string[] {
  const compiled = rules.map((entry) => ({ id: entry.id, matches: compileMatcher(entry.expr) }))
  return (event) => compiled.filter((entry) => entry.matches(event)).map((entry) => entry.id)
}

/** List the indexes of the needles of `field` or field 0 that `includes` finds in `text`. */
function naiveScan(needles: readonly FieldNeedle[], text: string, field: number): number[] {
  return needles.flatMap((entry, index) => ((entry.field === field || entry.field === 0) && entry.needle !== '' && text.includes(entry.needle) ? [index] : []))
}

function scanned(needles: readonly FieldNeedle[], text: string, field: number): number[] {
  const found = new Set<number>()
  buildLiteralScanner(needles).scan(text, field, (needle) => found.add(needle))
  return [...found].sort((a, b) => a - b)
}

describe('buildLiteralScanner', () => {
  const needles: FieldNeedle[] = [
    { field: 1, needle: '-' },
    { field: 1, needle: ' /c' },
    { field: 1, needle: '\\cmd.exe' },
    { field: 1, needle: 'md.e' },
    { field: 2, needle: '\\cmd.exe' },
    { field: 0, needle: 'mimikatz' },
    { field: 0, needle: 'dir' },
    { field: 1, needle: '–s ' },
    { field: 1, needle: 'ﬀ密碼x' },
  ]

  it('finds needles of every width on their own field and field 0', () => {
    expect(scanned(needles, 'c:\\windows\\cmd.exe /c dir -x', 1)).toEqual([0, 1, 2, 3, 6])
    expect(scanned(needles, 'c:\\windows\\cmd.exe /c dir -x', 2)).toEqual([4, 6])
    expect(scanned(needles, 'c:\\windows\\cmd.exe /c dir -x', 7)).toEqual([6])
    expect(scanned(needles, 'mimikatz', 0)).toEqual([5])
  })

  it('compares wide code units exactly despite folding them into one byte', () => {
    expect(scanned(needles, 'net user –s ', 1)).toEqual([7])
    // U+0113 folds to the same byte as U+2013 but is another character.
    expect(scanned(needles, 'net user \u0113s ', 1)).toEqual([])
    expect(scanned(needles, 'aﬀ密碼xb', 1)).toEqual([8])
  })

  it('does not report a needle that would start before the value', () => {
    expect(scanned([{ field: 1, needle: 'xxabcd' }], 'abcd', 1)).toEqual([])
    expect(scanned([{ field: 1, needle: 'xxabcd' }], 'xxabcd', 1)).toEqual([0])
  })

  it('reports what includes reports on random needles and values', () => {
    const alphabet = fc.constantFrom('a', 'b', 'c', '\\', '.', ' ', '–', 'ē', '密')
    const text = fc.array(alphabet, { maxLength: 24 }).map((units) => units.join(''))
    const needle = fc.array(alphabet, { minLength: 1, maxLength: 7 }).map((units) => units.join(''))
    const entry = fc.record({ field: fc.nat(3), needle })
    fc.assert(
      fc.property(fc.array(entry, { minLength: 1, maxLength: 30 }), text, fc.nat(3), (generated, value, field) => {
        expect(scanned(generated, value, field)).toEqual(naiveScan(generated, value, field))
      }),
      { numRuns: 1500 },
    )
  })
})

describe('buildCandidateFilter', () => {
  it('takes presence on any field as some field having a value', () => {
    const filter = buildCandidateFilter(
      [
        { keys: undefined, clauses: [[{ field: ANY_FIELD, needle: '' }]] },
        { keys: undefined, clauses: [[{ field: 'Image', needle: '' }]] },
      ],
      'EventID',
    )
    expect(filter({ User: 'a' })).toEqual([0])
    expect(filter({ User: null })).toEqual([])
    expect(filter({ Image: 'x' })).toEqual([0, 1])
    expect(filter({})).toEqual([])
  })
})

describe('strongestClauses', () => {
  it('drops a short keyword clause unless it is the best one', () => {
    const strong = [{ field: ANY_FIELD, needle: 'rsync ' }]
    const short = [
      { field: ANY_FIELD, needle: '@' },
      { field: ANY_FIELD, needle: ':' },
    ]
    expect(strongestClauses([short, strong])).toEqual([strong])
    expect(strongestClauses([short])).toEqual([short])
  })
})

describe('buildRuleIndex with the literal scanner', () => {
  const rules = [
    rule('cmd', "    selection:\n        Image|endswith: '\\cmd.exe'\n    condition: selection"),
    rule('dash', "    selection:\n        CommandLine|contains: ' -p'\n    condition: selection"),
    rule('file', "    selection:\n        TargetFilename|contains: '\\Temp\\'\n    condition: selection", '    product: windows\n    category: file_event'),
    rule('copy', "    tools:\n        - 'rsync '\n    filter:\n        - '@'\n        - ':'\n    condition: tools and filter", '    product: linux'),
    rule('dir', "    keywords:\n        - 'dir'\n    condition: keywords", '    product: cisco\n    service: aaa'),
    rule('absent', '    selection:\n        ParentImage|exists: false\n    condition: selection'),
  ]
  const index = buildRuleIndex(rules)
  const plain = plainMatches(rules)

  it('drops a short keyword only beside another clause', () => {
    expect(requirementsOf(rules[3]?.expr ?? { kind: 'const', value: false }, new Set(['EventID']))).toEqual([[{ field: ANY_FIELD, needle: 'rsync ' }]])
    expect(requirementsOf(rules[4]?.expr ?? { kind: 'const', value: false }, new Set(['EventID']))).toEqual([[{ field: ANY_FIELD, needle: 'dir' }]])
  })

  it('matches keywords in any field', () => {
    const event = { EventID: 1, CommandLine: 'rsync a user@host:/x', Image: 'C:\\Tools\\DIR.exe' }
    expect(index.candidates(event)).toEqual(['copy', 'dir', 'absent'])
    expect(index.matchAll(event)).toEqual(['copy', 'dir', 'absent'])
  })

  it('gives the union of routes to an event with two EventID values', () => {
    const event = { EventID: ['1', 11], Image: 'c:\\cmd.exe', TargetFilename: 'C:\\TEMP\\a', ParentImage: 'x' }
    expect(index.candidates(event)).toEqual(['cmd', 'file', 'absent'])
    expect(index.matchAll(event)).toEqual(['cmd', 'file'])
  })

  it('skips rules whose field is missing', () => {
    const event = { EventID: 1, CommandLine: 'ping -p 5' }
    expect(index.candidates(event)).toEqual(['dash', 'absent'])
    expect(index.matchAll(event)).toEqual(['dash', 'absent'])
  })

  it('gives an unrouted event id only unrouted rules', () => {
    const event = { EventID: 4624, Image: 'c:\\cmd.exe', CommandLine: 'x -p', TargetFilename: 'c:\\temp\\a' }
    expect(index.candidates(event)).toEqual([])
    expect(index.matchAll(event)).toEqual([])
  })

  it('gives the verdicts of the plain closures on random events', () => {
    const text = fc.oneof(
      fc.constantFrom('C:\\Windows\\cmd.exe', 'rsync ', 'user@host:', 'DIR', 'c:\\temp\\a', ' -p', '–p', ''),
      fc.string({ maxLength: 10 }),
    )
    const value = fc.oneof(text, fc.integer({ min: 0, max: 12 }), fc.constant(null), fc.array(text, { maxLength: 2 }))
    const event = fc.dictionary(fc.constantFrom('EventID', 'Image', 'CommandLine', 'TargetFilename', 'ParentImage', 'User'), value)
    fc.assert(
      fc.property(event, (generated) => {
        expect(index.matchAll(generated)).toEqual(plain({ ...generated }))
      }),
      { numRuns: 2000 },
    )
  })
})

describe('lowerValues', () => {
  it('gives each event its own values when events alternate', () => {
    const first = { Image: 'A.EXE' }
    const second = { Image: 'B.EXE' }
    expect(lowerValues(first, 'Image')).toEqual(['a.exe'])
    expect(lowerValues(second, 'Image')).toEqual(['b.exe'])
    expect(lowerValues(first, 'Image')).toEqual(['a.exe'])
    expect(lowerValues(first, 'Missing')).toEqual([])
  })

  it('keeps working once more field names than slots have been seen', () => {
    for (let round = 0; round < 5000; round++) {
      const event = { [`Field${round}`]: `V${round}`, Image: [`X${round}`, null, 7] }
      expect(lowerValues(event, `Field${round}`)).toEqual([`v${round}`])
      expect(lowerValues(event, 'Image')).toEqual([`x${round}`, '7'])
    }
  })
})
