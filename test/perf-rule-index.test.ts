import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { SigmaEvent } from '../src/events/event.js'
import { parseEventText } from '../src/events/load-events.js'
import type { Expr } from '../src/ir/expr.js'
import { compileMatcher } from '../src/match/compile-matcher.js'
import { buildLiteralScanner } from '../src/match/literal-scanner.js'
import { buildRuleIndex, type IndexedRule } from '../src/match/rule-index.js'
import { regexLiteral, requirementsOf, routeKeys } from '../src/match/rule-requirements.js'
import { compileRuleText, hasShared, ruleWith, sharedRoot } from './helpers.js'

const corpus = path.join(sharedRoot, 'corpus', 'sigmahq')

function walk(dir: string, pattern: RegExp, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) walk(full, pattern, out)
    else if (pattern.test(entry.name)) out.push(full)
  }
  return out
}

function rule(id: string, detection: string, logsource?: string): IndexedRule {
  const { expr } = compileRuleText(ruleWith(detection, logsource))
  if (!expr) throw new Error(`rule ${id} did not compile`)
  return { id, expr }
}

/** The verdicts of the plain closures, one rule at a time: what the index must reproduce. */
function plainMatches(rules: readonly IndexedRule[]): (event: SigmaEvent) => string[] {
  const compiled = rules.map((entry) => ({ id: entry.id, matches: compileMatcher(entry.expr) }))
  return (event) => compiled.filter((entry) => entry.matches(event)).map((entry) => entry.id)
}

const RULES = [
  rule('cmd', "    selection:\n        Image|endswith: '\\cmd.exe'\n    condition: selection"),
  rule('temp-file', "    selection:\n        TargetFilename|contains: '\\Temp\\'\n    condition: selection", '    product: windows\n    category: file_event'),
  rule('keyword', "    keywords:\n        - 'mimikatz'\n    condition: keywords", '    product: linux\n    service: auth'),
  rule('not-x', "    filter:\n        Image|endswith: '\\x.exe'\n    condition: not filter"),
  rule('regex', "    selection:\n        CommandLine|re: '(?i)invoke-expression\\s'\n    condition: selection"),
  rule('null', '    selection:\n        ParentImage: null\n    condition: selection'),
]

describe('buildRuleIndex', () => {
  const index = buildRuleIndex(RULES)

  it('routes by EventID and skips rules whose literals are absent', () => {
    const event = { EventID: 1, Image: 'C:\\Windows\\System32\\cmd.exe', CommandLine: 'cmd /c dir', ParentImage: 'C:\\explorer.exe' }
    expect(index.candidates(event)).toEqual(['cmd', 'not-x', 'null'])
    expect(index.matchAll(event)).toEqual(['cmd', 'not-x'])
  })

  it('keeps rules without a route for events of any id, and keyword rules when the word occurs anywhere', () => {
    const event = { EventID: 11, TargetFilename: 'C:\\Users\\a\\AppData\\Local\\TEMP\\x.ps1', Image: 'mimikatz.exe' }
    expect(index.candidates(event)).toEqual(['temp-file', 'keyword'])
    expect(index.matchAll(event)).toEqual(['temp-file', 'keyword'])
  })

  it('runs the regular expression only when its literal occurs, and null tests on every routed event', () => {
    const event = { EventID: '1', CommandLine: 'powershell Invoke-Expression $x', Image: 'C:\\x.exe' }
    expect(index.candidates(event)).toEqual(['not-x', 'regex', 'null'])
    expect(index.matchAll(event)).toEqual(['regex', 'null'])
  })

  it('gives only unrouted rules to an event without EventID, and the union of routes to one with several', () => {
    expect(index.candidates({ Image: 'a\\cmd.exe', User: 'mimikatz' })).toEqual(['keyword'])
    expect(index.candidates({ EventID: [1, 11], Image: 'a\\cmd.exe', TargetFilename: 'c:\\temp\\b' })).toEqual(['cmd', 'temp-file', 'not-x', 'null'])
  })

  it('derives routes and requirements from the IR', () => {
    expect([...(routeKeys(RULES[0]?.expr as Expr, 'EventID') ?? [])]).toEqual(['1'])
    expect(routeKeys(RULES[2]?.expr as Expr, 'EventID')).toBeUndefined()
    expect(requirementsOf(RULES[0]?.expr as Expr, new Set(['EventID']))).toEqual([[{ field: 'Image', needle: '\\cmd.exe' }]])
    expect(requirementsOf(RULES[3]?.expr as Expr, new Set(['EventID']))).toEqual([])
    expect(requirementsOf({ kind: 'const', value: false }, new Set())).toEqual([[]])
  })

  it('gives the verdicts of the plain closures on random events', () => {
    const plain = plainMatches(RULES)
    const text = fc.oneof(
      fc.constantFrom('C:\\Windows\\System32\\cmd.exe', 'mimikatz', 'MIMIKATZ.exe', 'c:\\temp\\a', '\\x.exe', 'Invoke-Expression ', 'invoke-expression\t', ''),
      fc.string({ maxLength: 12 }),
    )
    const value = fc.oneof(text, fc.integer({ min: 0, max: 12 }), fc.constant(null), fc.array(text, { maxLength: 2 }))
    const event = fc.dictionary(fc.constantFrom('EventID', 'Image', 'CommandLine', 'TargetFilename', 'ParentImage', 'User'), value)
    fc.assert(fc.property(event, (generated) => {
        expect(index.matchAll(generated)).toEqual(plain(generated))
      }), { numRuns: 2000 })
  })
})

describe('regexLiteral', () => {
  it('finds the longest top-level literal run, lower-cased, without s', () => {
    expect(regexLiteral('(?i)invoke-expression')).toBe('invoke-expre')
    expect(regexLiteral('\\\\windows\\\\system32\\\\cmd\\.exe')).toBe('tem32\\cmd.exe')
    expect(regexLiteral('abc|def')).toBe('')
    expect(regexLiteral('[^/]{100,}$')).toBe('')
    expect(regexLiteral('\\x41bcd-efg')).toBe('-efg')
    expect(regexLiteral('foo(bar)?baz+qux')).toBe('foo')
    expect(regexLiteral('\\k<name>wget')).toBe('wget')
  })
})

describe('buildLiteralScanner', () => {
  it('reports overlapping needles of field and keywords', () => {
    const scanner = buildLiteralScanner([
      { field: 1, needle: 'ushers' },
      { field: 1, needle: 'shers' },
      { field: 2, needle: 'ushers' },
      { field: 0, needle: 'hers' },
      { field: 1, needle: 'he' },
    ])
    const found: number[] = []
    scanner.scan('ushers', 1, (needle) => found.push(needle))
    expect(found.sort()).toEqual([0, 1, 3, 4])
  })
})

describe.skipIf(!hasShared)('buildRuleIndex on the SigmaHQ corpus', async () => {
  const { parseRuleFile } = await import('../src/sigma/load-rule-file.js')
  const { compileDetection } = await import('../src/sigma/compile-rule.js')
  const { applySysmonLogsource, sysmonMapping } = await import('../src/pipeline/sysmon.js')
  const files = ['rules', 'rules-threat-hunting'].flatMap((dir) => walk(path.join(corpus, dir), /\.ya?ml$/)).sort()
  const rules: IndexedRule[] = []
  for (const file of files) {
    for (const { rule: parsed } of parseRuleFile(file, readFileSync(file, 'utf8')).rules) {
      const detection = parsed.kind === 'rule' ? compileDetection(parsed) : undefined
      if (detection?.expr) rules.push({ id: `${path.relative(corpus, file)}#${rules.length}`, expr: applySysmonLogsource(detection.expr, sysmonMapping(parsed)) })
    }
  }
  const events = walk(path.join(corpus, 'regression_data'), /\.json$/).sort().flatMap((file) => parseEventText(readFileSync(file, 'utf8'), file).events.map((loaded) => loaded.event))
  const index = buildRuleIndex(rules)
  const plain = plainMatches(rules)

  it('gives the verdicts of the plain closures on every regression event', () => {
    expect(events.length).toBe(181)
    for (const event of events) expect(index.matchAll({ ...event })).toEqual(plain({ ...event }))
  }, 60_000)

  it('gives the verdicts of the plain closures on regression events with fields swapped at random', () => {
    const fields = [...new Set(events.flatMap((event) => Object.keys(event)))]
    const values = events.flatMap((event) => Object.values(event))
    const mutated = fc.tuple(fc.nat(events.length - 1), fc.array(fc.tuple(fc.constantFrom(...fields), fc.constantFrom(...values)), { maxLength: 4 }))
    fc.assert(
      fc.property(mutated, ([at, changes]) => {
        const event: SigmaEvent = { ...events[at] }
        for (const [field, value] of changes) event[field] = value
        expect(index.matchAll(event)).toEqual(plain({ ...event }))
      }),
      { numRuns: 150 },
    )
  }, 120_000)
})
