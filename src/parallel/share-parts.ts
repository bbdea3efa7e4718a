import type { Logger } from '../logger.js'
import { countOf } from '../report/report-order.js'
import type { PartResult, PartTask } from './part-task.js'
import { takeWorker, type PartRunner, type WorkerHeap } from './worker-pool.js'

/** Options of a run whose chunks this thread and worker threads share. */
export interface SharedRun {
  /** The program each worker thread loads; it serves parts when started as a worker. */
  entry: string | URL
  /** Worker threads to use besides this one. */
  workers: number
  /** `unbounded` when a chunk is a whole part checked in one batch. */
  heap: WorkerHeap
  /** Compile a chunk on this thread. */
  compileHere: (chunk: PartTask) => Promise<PartResult>
  logger: Logger
}

/**
 * Run the chunks on this thread and on worker threads, each taking the next
 * chunk when it is free, so the threads finish close together however the
 * work is spread over the files. Every worker keeps a second chunk queued
 * when there are enough, because this thread handles its messages only
 * between its own chunks. The chunks of a worker that fails, and those a
 * worker that cannot start would have taken, are compiled by the others.
 * Returns the results in chunk order.
 */
export async function runShared(chunks: readonly PartTask[], options: SharedRun): Promise<PartResult[]> {
  const results: (PartResult | undefined)[] = chunks.map(() => undefined)
  let next = 0
  // Chunks a failed worker had in flight, which this thread compiles.
  const orphaned: number[] = []
  let wake: (() => void) | undefined
  const notify = (): void => {
    wake?.()
    wake = undefined
  }
  const queued = chunks.length >= 2 * (options.workers + 1) ? 2 : 1

  const feedWorker = async (): Promise<void> => {
    let runner: PartRunner
    try {
      runner = takeWorker(options.entry, options.heap)
    } catch (error) {
      options.logger.warning(`A worker thread could not start (${messageOf(error)}), so its share of the rule files was checked on the other threads.`)
      return
    }
    const inFlight = new Set<number>()
    let failed = false
    await new Promise<void>((done) => {
      const send = (): void => {
        if (failed) return
        if (next >= chunks.length) {
          if (inFlight.size === 0) done()
          return
        }
        const index = next++
        inFlight.add(index)
        runner.run(chunks[index] as PartTask).then(
          (result) => {
            results[index] = result
            inFlight.delete(index)
            notify()
            send()
          },
          (error: unknown) => {
            if (failed) return
            failed = true
            const files = [...inFlight].reduce((sum, chunk) => sum + (chunks[chunk]?.files.length ?? 0), 0)
            options.logger.warning(`A worker thread failed (${messageOf(error)}), so the main thread checked its ${countOf(files, 'rule file')}.`)
            orphaned.push(...inFlight)
            inFlight.clear()
            notify()
            done()
          },
        )
      }
      for (let slot = 0; slot < queued; slot++) send()
    })
    runner.release()
  }

  const feeding = Array.from({ length: options.workers }, feedWorker)
  for (;;) {
    const index = orphaned.shift() ?? (next < chunks.length ? next++ : undefined)
    if (index !== undefined) {
      results[index] = await options.compileHere(chunks[index] as PartTask)
      // Let the workers' results and requests in before the next chunk.
      await new Promise<void>((resolve) => setImmediate(resolve))
      continue
    }
    if (results.every((result) => result !== undefined)) break
    await new Promise<void>((resolve) => {
      wake = resolve
    })
  }
  await Promise.all(feeding)
  return results as PartResult[]
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
