import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { run, type RunOptions } from '../src/engine.js'
import type { Logger } from '../src/logger.js'
import type { PartTask } from '../src/parallel/part-task.js'
import { partCount, planChunks, planParts, threadCountFor } from '../src/parallel/worker-pool.js'
import { hasShared, repoRoot, ruleWith, sharedRoot } from './helpers.js'

// Worker threads load a JavaScript program, so the tests start the committed
// CLI bundle, which serves parts when started as a worker. CI rebuilds the
// bundle and fails when it is stale.
const entry = path.join(repoRoot, 'dist', 'cli', 'index.js')

/** Record every log message, to show whether threads ran and none failed. */
function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = []
  return {
    lines,
    info: (message) => lines.push(`info: ${message}`),
    warning: (message) => lines.push(`warning: ${message}`),
    debug: () => {},
    startGroup: () => {},
    endGroup: () => {},
  }
}

async function bothWays(options: RunOptions, threads: number): Promise<{ single: unknown; split: unknown; lines: string[] }> {
  const single = await run(options)
  const logger = recordingLogger()
  const split = await run({ ...options, logger, workers: { entry, count: threads, minFilesPerPart: 1 } })
  return { single, split, lines: logger.lines }
}

describe('partCount', () => {
  it('gives a thread at most one part per 250 rule files by default', () => {
    expect(partCount(100, 8)).toBe(1)
    expect(partCount(600, 8)).toBe(2)
    expect(partCount(3281, 2)).toBe(2)
    expect(partCount(3281, 1)).toBe(1)
    expect(partCount(10, 3, 1)).toBe(3)
  })
})

describe('threadCountFor', () => {
  it('uses one thread per core from three cores, at most 8', () => {
    expect(threadCountFor(1)).toBe(1)
    expect(threadCountFor(2)).toBe(1)
    expect(threadCountFor(3)).toBe(3)
    expect(threadCountFor(4)).toBe(4)
    expect(threadCountFor(16)).toBe(8)
  })
})

describe('planParts', () => {
  const tree = mkdtempSync(path.join(os.tmpdir(), 'sigma-gate-parts-'))
  afterAll(() => rmSync(tree, { recursive: true, force: true }))
  const write = (name: string, text: string): string => {
    const file = path.join(tree, name)
    writeFileSync(file, text)
    return file
  }

  it('keeps a correlation with the rule files it names', () => {
    const base = ruleWith("    selection:\n        Image|endswith: '\\b.exe'\n    condition: selection")
    const files = [
      write('a_correlation.yml', 'title: Many b\nname: many_b\ncorrelation:\n    type: event_count\n    rules:\n        - b_rule\n    group-by:\n        - Computer\n    timespan: 5m\n    condition:\n        gte: 3\n'),
      write('b_other.yml', base.replace(/^title: .*$/m, 'title: Other')),
      write('c_rule.yml', base.replace(/^title: .*$/m, 'title: B\nname: b_rule')),
      write('d_other.yml', base.replace(/^title: .*$/m, 'title: D')),
    ]
    const task: PartTask = { runId: 'plan', verb: 'check', cwd: tree, files: files.map((file, index) => ({ index, path: file, root: tree })), filterFiles: [], collectOutputs: false }

    const parts = planParts(task, 2)
    const chunks = planChunks(task, 1)

    const layout = parts.map((part) => part.files.map((file) => path.basename(file.path)))
    expect(layout).toEqual([
      ['a_correlation.yml', 'c_rule.yml'],
      ['b_other.yml', 'd_other.yml'],
    ])
    const chunkLayout = chunks.map((chunk) => chunk.files.map((file) => path.basename(file.path)))
    expect(chunkLayout).toEqual([['a_correlation.yml', 'c_rule.yml'], ['b_other.yml'], ['d_other.yml']])
  })
})

describe('a run split across worker threads', () => {
  it("gives the repository's rules the report of a single-thread run", async () => {
    const { single, split, lines } = await bothWays({ verb: 'check', paths: ['rules'], cwd: repoRoot }, 3)

    expect(lines).toContain('info: Checking 10 rule files in 3 threads')
    expect(lines.filter((line) => line.startsWith('warning:'))).toEqual([])
    expect(split).toEqual(single)
  })

  it('keeps the cross-rule findings of rules checked in different threads', async () => {
    const tree = mkdtempSync(path.join(os.tmpdir(), 'sigma-gate-split-'))
    try {
      mkdirSync(path.join(tree, 'rules'))
      const rule = ruleWith("    selection:\n        Image|endswith: '\\x.exe'\n    condition: selection")
      for (const name of ['a', 'b', 'c', 'd']) writeFileSync(path.join(tree, 'rules', `${name}.yml`), rule)

      const { single, split } = await bothWays({ verb: 'lint', paths: ['rules'], cwd: tree }, 2)

      expect(split).toEqual(single)
      const checks = (split as { rules: { path: string; diagnostics: { check: string; line: number }[] }[] }).rules.map((entry) => [entry.path, entry.diagnostics.map((d) => `${d.check}:${d.line}`)])
      expect(checks).toEqual([
        ['rules/a.yml', ['metadata/missing-field:1']],
        ...['b', 'c', 'd'].map((name) => [`rules/${name}.yml`, ['metadata/missing-field:1', 'metadata/duplicate-id:2', 'metadata/duplicate-title:1', 'detection/duplicate-logic:7']]),
      ])
    } finally {
      rmSync(tree, { recursive: true, force: true })
    }
  })

  it('repeats on one thread when a correlation misses its rule', async () => {
    const tree = mkdtempSync(path.join(os.tmpdir(), 'sigma-gate-split-'))
    try {
      mkdirSync(path.join(tree, 'rules'))
      const correlation = 'title: Many X\nid: 0b0b0b0b-0000-4000-8000-000000000001\ncorrelation:\n    type: event_count\n    rules:\n        - far_rule\n    group-by:\n        - Computer\n    timespan: 5m\n    condition:\n        gte: 2\n'
      writeFileSync(path.join(tree, 'rules', 'a_correlation.yml'), correlation)
      for (const name of ['b', 'c', 'd', 'e']) writeFileSync(path.join(tree, 'rules', `${name}.yml`), ruleWith(`    selection:\n        Image|endswith: '\\${name}.exe'\n    condition: selection`).replace(/^id: .*$/m, `id: 0b0b0b0b-0000-4000-8000-00000000000${name.charCodeAt(0) - 96}`).replace(/^title: .*$/m, `title: Rule ${name}`))
      // A flow-style document: the text scan finds no name in it, so nothing keeps it with the correlation.
      writeFileSync(path.join(tree, 'rules', 'z_far.yml'), "{title: Far, name: far_rule, logsource: {category: process_creation, product: windows}, detection: {selection: {Image|endswith: '\\far.exe'}, condition: selection}}\n")

      const { single, split, lines } = await bothWays({ verb: 'lint', paths: ['rules'], cwd: tree }, 2)

      expect(lines).toContain('info: The run was repeated on one thread, because a correlation or filter named a rule that its thread did not find.')
      expect(split).toEqual(single)
      const unknown = (single as { rules: { diagnostics: { check: string }[] }[] }).rules.flatMap((entry) => entry.diagnostics).filter((d) => d.check === 'correlation/unknown-rule')
      expect(unknown).toEqual([])
    } finally {
      rmSync(tree, { recursive: true, force: true })
    }
  })

  it('reports a deeply nested file as one thread does', async () => {
    const tree = mkdtempSync(path.join(os.tmpdir(), 'sigma-gate-split-'))
    try {
      mkdirSync(path.join(tree, 'rules'))
      for (const name of ['a', 'b', 'c']) writeFileSync(path.join(tree, 'rules', `${name}.yml`), ruleWith(`    selection:\n        Image|endswith: '\\${name}.exe'\n    condition: selection`).replace(/^title: .*$/m, `title: Rule ${name}`))
      // Deeper than a thread's stack lets yaml's composer go on the main thread.
      writeFileSync(path.join(tree, 'rules', 'd_deep.yml'), `title: Deep\nlogsource:\n    product: windows\ndetection:\n    sel:\n        Image: x\n    condition: sel\nx:\n  ${'- '.repeat(5000)}v\n`)

      const { single, split } = await bothWays({ verb: 'lint', paths: ['rules'], cwd: tree }, 2)

      expect(split).toEqual(single)
      const deep = (single as { rules: { path: string; diagnostics: { check: string; line: number; column: number }[] }[] }).rules.find((entry) => entry.path === 'rules/d_deep.yml')
      expect(deep?.diagnostics.map((d) => `${d.check}:${d.line}:${d.column}`)).toEqual(['limits/nesting-depth:9:2001'])
    } finally {
      rmSync(tree, { recursive: true, force: true })
    }
  })

  it('resolves flow-map and BOM correlations', async () => {
    const tree = mkdtempSync(path.join(os.tmpdir(), 'sigma-gate-split-'))
    try {
      mkdirSync(path.join(tree, 'rules'))
      const rule = (name: string, id: string): string => `title: Rule ${name}\nid: ${id}\nname: rule_${name}\nstatus: test\nlogsource:\n    product: windows\n    category: process_creation\ndetection:\n    selection:\n        Image|endswith: '\\${name}.exe'\n    condition: selection\nlevel: low\n`
      writeFileSync(path.join(tree, 'rules', 'a.yml'), rule('a', '0b0b0b0b-0000-4000-8000-000000000001'))
      writeFileSync(path.join(tree, 'rules', 'b.yml'), rule('b', '0b0b0b0b-0000-4000-8000-000000000002'))
      writeFileSync(path.join(tree, 'rules', 'c_flow.yml'), '{title: Flow correlation, id: 0b0b0b0b-0000-4000-8000-000000000003, correlation: {type: temporal, rules: [rule_a, rule_b], group-by: [User], timespan: 5m}, level: high}\n')
      writeFileSync(path.join(tree, 'rules', 'd_bom.yml'), '\uFEFFcorrelation:\n    type: event_count\n    rules:\n        - rule_a\n    group-by:\n        - Computer\n    timespan: 5m\n    condition:\n        gte: 3\ntitle: Bom correlation\nid: 0b0b0b0b-0000-4000-8000-000000000004\nlevel: low\n')

      const { single, split } = await bothWays({ verb: 'lint', paths: ['rules'], cwd: tree }, 2)

      expect(split).toEqual(single)
      const checks = (single as { rules: { path: string; diagnostics: { check: string; line: number }[] }[] }).rules.map((entry) => [entry.path, entry.diagnostics.map((d) => `${d.check}:${d.line}`)])
      expect(checks).toEqual([
        ['rules/a.yml', ['metadata/missing-field:1', 'correlation/not-generated:1']],
        ['rules/b.yml', ['metadata/missing-field:1', 'correlation/not-generated:1']],
        ['rules/c_flow.yml', ['correlation/fixed-window:1']],
        ['rules/d_bom.yml', ['correlation/fixed-window:7']],
      ])
    } finally {
      rmSync(tree, { recursive: true, force: true })
    }
  })

  it('reads the configuration again for each run', async () => {
    const tree = mkdtempSync(path.join(os.tmpdir(), 'sigma-gate-split-'))
    try {
      mkdirSync(path.join(tree, 'rules'))
      for (const name of ['a', 'b', 'c', 'd']) writeFileSync(path.join(tree, 'rules', `${name}.yml`), ruleWith(`    selection:\n        Image|endswith: '\\${name}.exe'\n    condition: selection`).replace(/^title: .*$/m, `title: Rule ${name}`).replace(/^id: .*\n/m, ''))
      const checksOf = (report: unknown): string[] => (report as { rules: { diagnostics: { check: string }[] }[] }).rules.flatMap((entry) => entry.diagnostics.map((d) => d.check))
      const workers = { entry, count: 2, minFilesPerPart: 1 }

      const before = await run({ verb: 'lint', paths: ['rules'], cwd: tree, workers })
      writeFileSync(path.join(tree, '.sigma-gate.yml'), 'checks:\n  metadata/missing-id: off\n')
      const after = await run({ verb: 'lint', paths: ['rules'], cwd: tree, workers })

      expect(checksOf(before).filter((check) => check === 'metadata/missing-id')).toHaveLength(4)
      expect(checksOf(after).filter((check) => check === 'metadata/missing-id')).toEqual([])
    } finally {
      rmSync(tree, { recursive: true, force: true })
    }
  })

  it('checks on the main thread when a worker thread cannot start', async () => {
    const single = await run({ verb: 'lint', paths: ['rules'], cwd: repoRoot })
    const logger = recordingLogger()

    const split = await run({ verb: 'lint', paths: ['rules'], cwd: repoRoot, logger, workers: { entry: 'not-an-absolute-path.js', count: 2, minFilesPerPart: 1 } })

    expect(split).toEqual(single)
    const warnings = logger.lines.filter((line) => line.startsWith('warning:'))
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(/^warning: A worker thread could not start \(.+\), so its share of the rule files was checked on the other threads\.$/)
  })

  it.skipIf(!hasShared)('gives the SigmaHQ threat-hunting rules and the regression cases the single-thread report', async () => {
    const cwd = path.join(sharedRoot, 'corpus', 'sigmahq')
    const { single, split, lines } = await bothWays({ verb: 'check', paths: ['rules-threat-hunting', 'rules/windows/process_creation'], cwd }, 2)

    expect(lines.filter((line) => line.startsWith('warning:'))).toEqual([])
    expect(split).toEqual(single)
  }, 120_000)
})
