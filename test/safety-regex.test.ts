import { readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { defaultConfig } from '../src/config/config.js'
import { lintRule } from '../src/lint/lint-rule.js'
import { nestedQuantifier } from '../src/lint/regex-risk.js'
import { parseRuleFile } from '../src/sigma/load-rule-file.js'
import { compileQuery } from './spl-helpers.js'
import { compileRuleText, repoRoot, ruleWith } from './helpers.js'

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name)
    return statSync(full).isDirectory() ? sourceFiles(full) : full.endsWith('.ts') ? [full] : []
  })
}

describe('JavaScript RegExp on user input', () => {
  it('new RegExp is built only from constants', () => {
    const uses = sourceFiles(path.join(repoRoot, 'src')).flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .flatMap((line, i) => (/new RegExp\(|[^.\w]RegExp\(/.test(line) ? [`${path.relative(repoRoot, file)}:${i + 1}`] : [])),
    )
    // The one use joins the constant list of Sigma top-level keys.
    expect(uses).toEqual(['src/sigma/load-rule-file.ts:121'])
  })
})

describe('regular expressions run in linear time', () => {
  const long = `${'a'.repeat(100_000)}!`

  it('(a+)+$ on a long value in the native matcher', () => {
    const rule = compileRuleText(ruleWith("    selection:\n        CommandLine|re: '(a+)+$'\n    condition: selection"))
    const started = performance.now()
    expect(rule.matches({ EventID: 1, CommandLine: long })).toBe(false)
    expect(performance.now() - started).toBeLessThan(1000)
  })

  it('(a+)+$ on a long value in the SPL engine', () => {
    const started = performance.now()
    expect(compileQuery('CommandLine=* | regex CommandLine="(a+)+$"')({ CommandLine: long })).toBe(false)
    expect(compileQuery('CommandLine=* | where match(CommandLine, "(a|a)*b$")')({ CommandLine: long })).toBe(false)
    expect(performance.now() - started).toBeLessThan(1000)
  })

  it('a selection-name pattern with many stars', () => {
    const names = Array.from({ length: 3 }, (_, i) => `    ${'a'.repeat(1000)}${i}:\n        Image: x`).join('\n')
    const started = performance.now()
    const rule = compileRuleText(ruleWith(`${names}\n    condition: 1 of ${'a*'.repeat(40)}b`))
    expect(rule.diagnostics.map((d) => d.check)).toEqual(['sigma/undefined-selection'])
    expect(performance.now() - started).toBeLessThan(1000)
  })
})

describe('regexes RE2 cannot run', () => {
  it.each([
    ['(a)\\1', 'backreference'],
    ['(?=a)b', 'lookahead'],
    ['(?<!a)b', 'lookbehind'],
  ])('%s is sigma/invalid-regex (%s)', (pattern) => {
    const rule = compileRuleText(ruleWith(`    selection:\n        CommandLine|re: '${pattern}'\n    condition: selection`))
    expect(rule.diagnostics.map((d) => [d.check, d.severity, d.line])).toEqual([['sigma/invalid-regex', 'error', 9]])
    expect(rule.diagnostics[0]?.message).toContain('cannot be run safely')
  })
})

describe('lint flags backtracking in PCRE', () => {
  it.each([
    ['(a+)+$', '(a+)+'],
    ['(a|a)*', '(a|a)*'],
    ['(.*a){20}', '(.*a){20}'],
  ])('%s', (pattern, group) => {
    expect(nestedQuantifier(pattern)).toBe(group)
    const file = parseRuleFile('r.yml', ruleWith(`    selection:\n        CommandLine|re: '${pattern}'\n    condition: selection`))
    const rule = file.rules[0]?.rule
    if (!rule) throw new Error('rule expected')
    const found = lintRule(rule, { config: defaultConfig(), relativePath: (p) => p }).filter((d) => d.check === 'detection/regex-backtracking')
    expect(found.map((d) => [d.line, d.column])).toEqual([[9, 25]])
  })

  it.each(['(a|b)*', '(.*a){3}', 'a+b+', '(ab)+'])('%s is not flagged', (pattern) => {
    expect(nestedQuantifier(pattern)).toBeUndefined()
  })
})
