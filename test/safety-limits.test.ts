import { mkdtempSync, openSync, closeSync, writeSync, ftruncateSync, rmSync, writeFileSync, mkdirSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { parseConfig } from '../src/config/load-config.js'
import { run } from '../src/engine.js'
import { loadEventFile, parseEventText } from '../src/events/load-events.js'
import { DEFAULT_LIMITS, defaultLimits } from '../src/limits/limits.js'
import { compileDetection } from '../src/sigma/compile-rule.js'
import { parseRuleFile } from '../src/sigma/load-rule-file.js'
import { ruleWith } from './helpers.js'

const temp = mkdtempSync(path.join(os.tmpdir(), 'sigma-gate-limits-'))
afterAll(() => rmSync(temp, { recursive: true, force: true }))

function checks(diagnostics: { check: string; line: number; column: number }[]): string[] {
  return diagnostics.map((d) => `${d.check}@${d.line}:${d.column}`)
}

const BILLION_LAUGHS = `title: Laughs
a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: [*f, *f, *f, *f, *f, *f, *f, *f, *f]
`

describe('YAML bounds in rule files', () => {
  it('billion laughs is reported, never expanded', () => {
    const started = performance.now()
    const file = parseRuleFile('r.yml', BILLION_LAUGHS)
    expect(file.rules).toEqual([])
    expect(file.diagnostics).toHaveLength(54)
    expect(new Set(file.diagnostics.map((d) => d.check))).toEqual(new Set(['yaml/alias']))
    expect(checks(file.diagnostics).slice(0, 2)).toEqual(['yaml/alias@3:8', 'yaml/alias@3:12'])
    expect(performance.now() - started).toBeLessThan(1000)
  })

  it('an alias in a rule is a located error', () => {
    const text = ruleWith("    selection:\n        Image: &img 'a.exe'\n    filter:\n        ParentImage: *img\n    condition: selection and not filter")
    const file = parseRuleFile('r.yml', text)
    expect(checks(file.diagnostics)).toEqual(['yaml/alias@11:22'])
    expect(file.diagnostics[0]?.message).toBe("The YAML alias '*img' is not supported in rules: sigma-gate reads each value where it is written and never expands aliases. Write the value out in full instead of referring to the anchor '&img'.")
  })

  it('10 000-deep flow nesting is a diagnostic', () => {
    const file = parseRuleFile('r.yml', `title: Deep\ndetection: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`)
    expect(file.rules).toEqual([])
    expect(new Set(file.diagnostics.map((d) => d.check))).toEqual(new Set(['limits/nesting-depth']))
  })

  it('10 000-deep block nesting is a diagnostic', () => {
    const lines = Array.from({ length: 10_000 }, (_, depth) => `${' '.repeat(depth % 2 === 0 ? depth : depth)}k${depth}:`)
    const text = `title: Deep\n${lines.slice(0, 2000).join('\n')}\n`
    const file = parseRuleFile('r.yml', text, { ...defaultLimits(), ruleFileBytes: 10_000_000 })
    expect(file.rules).toEqual([])
    expect(new Set(file.diagnostics.map((d) => d.check))).toEqual(new Set(['limits/nesting-depth']))
  })

  it('nesting just past the limit names the limit', () => {
    const text = `title: Nested\nx: ${'['.repeat(65)}1${']'.repeat(65)}\n`
    const file = parseRuleFile('r.yml', text)
    expect(checks(file.diagnostics)).toEqual(['limits/nesting-depth@2:67'])
    expect(file.diagnostics[0]?.message).toBe("The YAML here is nested more than 64 levels deep, which exceeds the limit of 64, so sigma-gate did not check it beyond that point. Make it smaller, or raise 'limits: nesting-depth' in .sigma-gate.yml if the input is trusted.")
    expect(parseRuleFile('r.yml', `title: Nested\nx: ${'['.repeat(63)}1${']'.repeat(63)}\n`).diagnostics).toEqual([])
  })

  it('too many documents', () => {
    const text = Array.from({ length: 101 }, (_, i) => `title: Rule ${i}\n`).join('---\n')
    const file = parseRuleFile('r.yml', text)
    expect(checks(file.diagnostics)).toEqual(['limits/yaml-documents@201:1'])
  })

  it('a rule file over the size limit is not parsed', () => {
    const file = parseRuleFile('r.yml', `title: ${'x'.repeat(DEFAULT_LIMITS.ruleFileBytes)}\n`)
    expect(checks(file.diagnostics)).toEqual(['limits/file-size@1:1'])
  })
})

describe('detection bounds', () => {
  it('a long regex is refused', () => {
    const file = parseRuleFile('r.yml', ruleWith(`    selection:\n        CommandLine|re: '${'a'.repeat(5000)}'\n    condition: selection`))
    const rule = file.rules[0]?.rule
    if (!rule) throw new Error('rule expected')
    const compiled = compileDetection(rule)
    expect(checks(compiled.diagnostics)).toEqual(['limits/regex-length@9:25'])
    expect(compiled.diagnostics[0]?.message).toBe("The regular expression is 5000 characters long, which exceeds the limit of 4096, so sigma-gate did not check it beyond that point. Make it smaller, or raise 'limits: regex-length' in .sigma-gate.yml if the input is trusted.")
    expect(compileDetection(rule, { ...defaultLimits(), regexLength: 5000 }).diagnostics).toEqual([])
  })
})

describe('limits in .sigma-gate.yml', () => {
  it('reads every limit', () => {
    const text = 'limits:\n  rule-file-bytes: 10\n  event-file-bytes: 20\n  yaml-documents: 3\n  nesting-depth: 8\n  events-per-fixture: 5\n  regex-length: 7\n  condition-terms: 9\n'
    const { config, diagnostics } = parseConfig(text, '/repo/.sigma-gate.yml')
    expect(diagnostics).toEqual([])
    expect(config.limits).toEqual({ ruleFileBytes: 10, eventFileBytes: 20, yamlDocuments: 3, nestingDepth: 8, eventsPerFixture: 5, regexLength: 7, conditionTerms: 9 })
  })

  it('rejects invalid limits and keeps the defaults', () => {
    const { config, diagnostics } = parseConfig('limits:\n  nesting-depth: -1\n  regex-lenght: 5\n', '/repo/.sigma-gate.yml')
    expect(diagnostics.map((d) => `${d.check}@${d.line}`)).toEqual(['config/schema@3', 'config/schema@2'])
    expect(config.limits).toEqual(defaultLimits())
  })

  it('a run reports an oversized rule file and still checks the others', async () => {
    const dir = path.join(temp, 'run-size')
    mkdirSync(path.join(dir, 'rules'), { recursive: true })
    writeFileSync(path.join(dir, '.sigma-gate.yml'), 'limits:\n  rule-file-bytes: 400\n')
    writeFileSync(path.join(dir, 'rules/small.yml'), ruleWith('    selection:\n        Image: a\n    condition: selection'))
    writeFileSync(path.join(dir, 'rules/large.yml'), ruleWith(`    selection:\n        Image: '${'a'.repeat(500)}'\n    condition: selection`))
    const report = await run({ verb: 'convert', paths: ['rules'], cwd: dir })
    expect(report.rules.map((r) => r.path)).toEqual(['rules/large.yml', 'rules/small.yml'])
    expect(checks(report.rules[0]?.diagnostics ?? [])).toEqual(['limits/file-size@1:1'])
    expect(report.rules[1]?.spl.length).toBe(1)
  })
})

describe('event bounds', () => {
  it('stops at the events-per-fixture limit', () => {
    const text = Array.from({ length: 5 }, (_, i) => `{"EventID": 1, "n": ${i}}`).join('\n')
    const loaded = parseEventText(text, 'e.ndjson', 3)
    expect(loaded.events.map((e) => e.event['n'])).toEqual([0, 1, 2])
    expect(checks(loaded.diagnostics)).toEqual(['limits/events-per-fixture@4:1'])
  })

  it('a 500 MB NDJSON file ends at the event limit in bounded memory', async () => {
    // A sparse file: 500 MB long, but only its first megabyte is written to disk.
    const file = path.join(temp, 'huge.ndjson')
    const fd = openSync(file, 'w')
    const line = `{"EventID": 1, "Image": "C:\\\\Windows\\\\System32\\\\cmd.exe", "CommandLine": "${'x'.repeat(100)}"}\n`
    writeSync(fd, line.repeat(Math.floor(1_000_000 / line.length)))
    ftruncateSync(fd, 500 * 1024 * 1024)
    closeSync(fd)

    const before = process.memoryUsage().rss
    const loaded = await loadEventFile(file, { limits: { ...defaultLimits(), eventsPerFixture: 1000 } })
    const grown = process.memoryUsage().rss - before
    expect(loaded.events).toHaveLength(1000)
    expect(checks(loaded.diagnostics)).toEqual(['limits/events-per-fixture@1001:1'])
    expect(grown).toBeLessThan(100 * 1024 * 1024)
  }, 60_000)

  it('a 500 MB JSON file is refused before it is read', async () => {
    const file = path.join(temp, 'huge.json')
    const fd = openSync(file, 'w')
    writeSync(fd, '[{"EventID": 1}')
    ftruncateSync(fd, 500 * 1024 * 1024)
    closeSync(fd)

    const started = performance.now()
    const loaded = await loadEventFile(file)
    expect(loaded.events).toEqual([])
    expect(checks(loaded.diagnostics)).toEqual(['limits/file-size@1:1'])
    expect(performance.now() - started).toBeLessThan(1000)
  })
})
