import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { Logger } from '../src/logger.js'
import type { PartResult, PartTask } from '../src/parallel/part-task.js'
import { runShared } from '../src/parallel/share-parts.js'
import { chunkSize, planChunks } from '../src/parallel/worker-pool.js'

// Stand-in worker programs: each returns for a chunk one report-level
// diagnostic naming the thread and the chunk's first file, so a test can see
// which thread compiled what.
const scratch = mkdtempSync(path.join(os.tmpdir(), 'sigma-gate-share-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

function workerProgram(name: string, body: string): string {
  const file = path.join(scratch, name)
  writeFileSync(file, `import { parentPort } from 'node:worker_threads'\nlet served = 0\nparentPort.on('message', (task) => {\n  served++\n${body}\n})\n`)
  return file
}

const answering = workerProgram(
  'answering.mjs',
  "  const result = { rules: [], diagnostics: [{ check: 'test/thread', message: 'worker ' + task.files[0].path }] }\n  setTimeout(() => parentPort.postMessage(result), 2)",
)
const failingOnSecond = workerProgram(
  'failing.mjs',
  "  if (served === 2) throw new Error('stand-in failure')\n  parentPort.postMessage({ rules: [], diagnostics: [{ check: 'test/thread', message: 'worker ' + task.files[0].path }] })",
)

const exhaustingHeap = workerProgram('exhausting.mjs', '  const kept = []\n  for (;;) kept.push(new Array(100_000).fill(served))')

function chunksOf(count: number): PartTask[] {
  return Array.from({ length: count }, (_, index) => ({
    runId: 'share',
    verb: 'lint',
    cwd: scratch,
    files: [{ index, path: `rule-${index}.yml`, root: scratch }],
    filterFiles: [],
    collectOutputs: false,
  }))
}

/** Compile a chunk on the test's thread, slowly enough that the worker takes some chunks too. */
async function compileHere(chunk: PartTask): Promise<PartResult> {
  await new Promise((resolve) => setTimeout(resolve, 5))
  return { rules: [], diagnostics: [{ check: 'test/thread', severity: 'info', message: `main ${chunk.files[0]?.path ?? ''}`, line: 1, column: 1 }] }
}

function recordingLogger(): Logger & { warnings: string[] } {
  const warnings: string[] = []
  return { warnings, info: () => {}, warning: (message) => warnings.push(message), debug: () => {}, startGroup: () => {}, endGroup: () => {} }
}

/** List the thread and file of each result, in result order. */
function layout(results: readonly PartResult[]): string[] {
  return results.map((result) => result.diagnostics[0]?.message ?? 'missing')
}

describe('runShared', () => {
  it('returns each chunk result in chunk order', async () => {
    const logger = recordingLogger()

    const results = await runShared(chunksOf(12), { entry: answering, workers: 1, heap: 'bounded', compileHere, logger })

    const files = layout(results).map((entry) => entry.split(' ')[1])
    expect(files).toEqual(Array.from({ length: 12 }, (_, index) => `rule-${index}.yml`))
    expect(logger.warnings).toEqual([])
  })

  it('shares the chunks between both threads', async () => {
    const results = await runShared(chunksOf(12), { entry: answering, workers: 1, heap: 'bounded', compileHere, logger: recordingLogger() })

    const threads = new Set(layout(results).map((entry) => entry.split(' ')[0]))
    expect(threads).toEqual(new Set(['main', 'worker']))
  })

  it('checks a failed worker chunks on the main thread', async () => {
    const logger = recordingLogger()

    const results = await runShared(chunksOf(12), { entry: failingOnSecond, workers: 1, heap: 'bounded', compileHere, logger })

    const files = layout(results).map((entry) => entry.split(' ')[1])
    expect(files).toEqual(Array.from({ length: 12 }, (_, index) => `rule-${index}.yml`))
    expect(logger.warnings).toHaveLength(1)
    expect(logger.warnings[0]).toMatch(/^A worker thread failed \(stand-in failure\), so the main thread checked its (1 rule file|2 rule files)\.$/)
    // The worker returned its first chunk before it failed.
    expect(layout(results).filter((entry) => entry.startsWith('worker'))).toHaveLength(1)
  })

  it('checks the chunk of a worker out of memory', async () => {
    const logger = recordingLogger()

    const results = await runShared(chunksOf(3), { entry: exhaustingHeap, workers: 1, heap: 'bounded', compileHere, logger })

    expect(layout(results)).toEqual(['main rule-0.yml', 'main rule-1.yml', 'main rule-2.yml'])
    expect(logger.warnings).toHaveLength(1)
    expect(logger.warnings[0]).toMatch(/^A worker thread failed \(.*ERR_WORKER_OUT_OF_MEMORY.*|.*out of memory.*\)/i)
  }, 30_000)

  it('checks everything here when no worker can start', async () => {
    const logger = recordingLogger()

    const results = await runShared(chunksOf(4), { entry: 'not-an-absolute-path.js', workers: 2, heap: 'bounded', compileHere, logger })

    expect(layout(results)).toEqual(['main rule-0.yml', 'main rule-1.yml', 'main rule-2.yml', 'main rule-3.yml'])
    expect(logger.warnings).toHaveLength(2)
    expect(logger.warnings[0]).toMatch(/^A worker thread could not start \(.+\), so its share of the rule files was checked on the other threads\.$/)
  })
})

describe('planChunks', () => {
  const task = (count: number): PartTask => ({
    runId: 'plan',
    verb: 'lint',
    cwd: scratch,
    files: Array.from({ length: count }, (_, index) => ({ index, path: path.join(scratch, `r${index}.yml`), root: scratch, text: 'title: t\n' })),
    filterFiles: [],
    collectOutputs: false,
  })

  it('cuts the files in order into chunks of the given size', () => {
    const chunks = planChunks(task(7), 3)

    expect(chunks.map((chunk) => chunk.files.map((file) => file.index))).toEqual([[0, 1, 2], [3, 4, 5], [6]])
    expect(chunks.every((chunk) => chunk.runId === 'plan')).toBe(true)
  })
})

describe('chunkSize', () => {
  it('aims at four chunks per thread of at most 64 files', () => {
    expect(chunkSize(3281, 2)).toBe(64)
    expect(chunkSize(300, 2)).toBe(38)
    expect(chunkSize(10, 3)).toBe(1)
    expect(chunkSize(0, 2)).toBe(1)
  })
})
