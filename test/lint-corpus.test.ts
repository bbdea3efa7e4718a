import { readFileSync, readdirSync, statSync, writeFileSync, existsSync, mkdirSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { defaultConfig } from '../src/config/config.js'
import type { Diagnostic } from '../src/diagnostic.js'
import { lintRule, lintRun } from '../src/lint/lint-rule.js'
import { compileDetection } from '../src/sigma/compile-rule.js'
import { parseRuleFile } from '../src/sigma/load-rule-file.js'
import type { SigmaRule } from '../src/sigma/rule.js'
import { repoRoot, sharedRoot } from './helpers.js'

const corpus = path.join(sharedRoot, 'corpus/sigmahq/rules')

function ruleFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name)
    if (statSync(full).isDirectory()) return ruleFiles(full)
    return name.endsWith('.yml') ? [full] : []
  })
}

describe.skipIf(!existsSync(corpus))('lint on the SigmaHQ corpus', () => {
  it('reports errors on at most 1 % of rules', () => {
    const context = { config: defaultConfig(), relativePath: (file: string) => path.relative(corpus, file), today: '2026-12-04' }
    const byRule = new Map<SigmaRule | string, Diagnostic[]>()
    const rules: SigmaRule[] = []
    const files = ruleFiles(corpus)
    for (const file of files) {
      const parsed = parseRuleFile(file, readFileSync(file, 'utf8'))
      if (parsed.rules.length === 0) byRule.set(file, parsed.diagnostics)
      for (const { rule, diagnostics } of parsed.rules) {
        rules.push(rule)
        byRule.set(rule, [...parsed.diagnostics, ...diagnostics, ...lintRule(rule, context), ...compileDetection(rule).diagnostics])
      }
    }
    for (const [rule, found] of lintRun(rules, context)) byRule.get(rule)?.push(...found)

    const counts = new Map<string, number>()
    let withError = 0
    const lines: string[] = []
    for (const [rule, found] of byRule) {
      if (found.some((d) => d.severity === 'error')) withError++
      for (const d of found) {
        const key = `${d.check} ${d.severity}`
        counts.set(key, (counts.get(key) ?? 0) + 1)
        const file = typeof rule === 'string' ? rule : rule.file
        lines.push(`${path.relative(corpus, file)}:${d.line}:${d.column} ${d.severity} ${d.check} ${d.message}`)
      }
    }
    const summary = [...counts].sort((a, b) => b[1] - a[1]).map(([key, count]) => `${count}\t${key}`)
    const out = path.join(repoRoot, 'scratch')
    if (!existsSync(out)) mkdirSync(out)
    writeFileSync(path.join(out, 'lint-corpus-findings.txt'), lines.join('\n'))
    writeFileSync(path.join(out, 'lint-corpus-summary.txt'), `${files.length} files, ${byRule.size} rules, ${withError} with an error\n${summary.join('\n')}\n`)
    const conventions = { ...context, config: { ...defaultConfig(), conventions: 'sigmahq' as const } }
    const conventionCounts = new Map<string, number>()
    for (const rule of rules) {
      for (const d of lintRule(rule, conventions).filter((found) => found.check.startsWith('convention/'))) {
        conventionCounts.set(d.check, (conventionCounts.get(d.check) ?? 0) + 1)
        lines.push(`${path.relative(corpus, rule.file)}:${d.line}:${d.column} ${d.severity} ${d.check} ${d.message}`)
      }
    }
    writeFileSync(path.join(out, 'lint-corpus-conventions.txt'), [...conventionCounts].map(([key, count]) => `${count}\t${key}`).join('\n'))
    writeFileSync(path.join(out, 'lint-corpus-findings.txt'), lines.join('\n'))
    expect(files.length).toBe(3141)
    expect(withError / byRule.size).toBeLessThanOrEqual(0.01)
  })
})
