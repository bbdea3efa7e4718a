import os from 'node:os'
import path from 'node:path'
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads'
import { scanRuleText } from '../changed-rules.js'
import { readTextForScan } from '../limits/read-bounded.js'
import { DEFAULT_LIMITS } from '../limits/limits.js'
import { mayHoldMetaDocument } from '../meta-documents.js'
import { shardGroups } from '../shard.js'
import type { PartFile, PartResult, PartTask } from './part-task.js'

/** Marks the data of a worker started to run one part, so the program's entry can tell. */
const WORKER_KIND = 'sigma-gate/part'

/**
 * Minimum number of rule files per part. Starting a thread and loading the
 * program into it costs about as much as compiling this many rules (an
 * estimate from the SigmaHQ corpus on a 2-core machine).
 */
const MIN_FILES_PER_PART = 250

/** Return the default number of threads for a run on this machine. */
export function defaultThreadCount(): number {
  return threadCountFor(os.availableParallelism())
}

/**
 * Return the default number of threads on a machine with `cores` cores: one
 * per core, at most 8, but one thread on two cores or fewer. Each new thread
 * compiles the program cold, and on two cores that costs more than it saves
 * in one process. The SigmaHQ corpus took about 2.8 s on two threads and
 * 2.5 s on one (2-core AMD EPYC VM, Node 20). A warm process, such as the
 * benchmark's repeated runs, gains from the second thread.
 */
export function threadCountFor(cores: number): number {
  // NOTE: the gain from 3 or more cores is expected, not measured here (the
  // development machine has 2).
  return cores <= 2 ? 1 : Math.min(8, cores)
}

/** Return how many parts a run of `files` rule files is split into with `threads` threads. */
export function partCount(files: number, threads: number, minFilesPerPart = MIN_FILES_PER_PART): number {
  return Math.max(1, Math.min(Math.floor(threads), Math.floor(files / Math.max(1, minFilesPerPart))))
}

/**
 * Split a task into `count` parts of about equal size. Files that must be
 * checked together (a correlation or filter and the files defining the
 * rules it names, found by the text scan of `--shard`) stay in one part.
 */
export function planParts(task: PartTask, count: number): PartTask[] {
  const groups = groupFiles(task)
  const parts = Array.from({ length: Math.max(1, count) }, () => ({ files: [] as PartFile[], size: 0 }))
  groups.forEach((group) => {
    const smallest = parts.reduce((best, part) => (part.size < best.size ? part : best))
    smallest.files.push(...group)
    smallest.size += group.reduce((sum, file) => sum + sizeOf(file), 0)
  })
  return parts
    .filter((part) => part.files.length > 0)
    .map((part) => ({ ...task, files: part.files.sort((a, b) => a.index - b.index) }))
}

/**
 * Most rule files in one chunk of a run shared by threads. Small chunks let
 * the threads finish close together and keep a worker's unsent results
 * small, and each chunk costs one message each way.
 */
const CHUNK_FILES = 64

/** Return the chunk size for `files` rule files on `threads` threads: about four chunks per thread, at most `CHUNK_FILES` files each. */
export function chunkSize(files: number, threads: number): number {
  return Math.max(1, Math.min(CHUNK_FILES, Math.ceil(files / (Math.max(1, threads) * 4))))
}

/**
 * Split a task into chunks of at least `size` files, in file order, for
 * threads that each take the next chunk when they are free. Files that must
 * be checked together stay in one chunk, as in `planParts`.
 */
export function planChunks(task: PartTask, size: number): PartTask[] {
  const chunks: PartFile[][] = []
  let current: PartFile[] = []
  for (const group of groupFiles(task)) {
    current.push(...group)
    if (current.length >= size) {
      chunks.push(current)
      current = []
    }
  }
  if (current.length > 0) chunks.push(current)
  return chunks.map((files) => ({ ...task, files: files.sort((a, b) => a.index - b.index) }))
}

/** Group the task's files, in the order of each group's first file. */
function groupFiles(task: PartTask): PartFile[][] {
  const texts = task.files.map((file) => file.text ?? readTextForScan(file.path, DEFAULT_LIMITS.ruleFileBytes))
  // Only correlations and filters tie files together; most runs have none.
  if (!texts.some(mayHoldMetaDocument)) return task.files.map((file) => [file])

  const scanned = task.files.map((file, position) => scanRuleText(file.path, file.root, texts[position] as string))
  const keyOf = shardGroups(scanned, task.cwd)
  const groups = new Map<string, PartFile[]>()
  for (const file of task.files) {
    const key = keyOf.get(file.path) ?? path.relative(task.cwd, file.path)
    const group = groups.get(key)
    if (group) group.push(file)
    else groups.set(key, [file])
  }
  return [...groups.values()]
}

/** Weigh a file by its length, which the parsing cost follows. */
function sizeOf(file: PartFile): number {
  return file.text?.length ?? 4096
}

/** A worker thread taken from the pool for one run. It runs the parts sent to it one after another. */
export interface PartRunner {
  /** Send a part; the promise rejects when the thread fails before returning its result. */
  run(task: PartTask): Promise<PartResult>
  /** Put the thread back in the pool for later runs; a thread that failed is dropped. */
  release(): void
}

/** Idle worker threads by entry, reused by later runs of the same process. */
const idleWorkers = new Map<string, Worker[]>()

/**
 * Take an idle worker thread that loads `entry`, or start one. Threads are
 * kept between runs of one process (the benchmark, a long-lived caller), so
 * their compiled code stays warm. An idle thread never keeps the process
 * alive. Throws when a thread cannot start, e.g. at the process limit
 * (EAGAIN) or for an entry that is not an absolute path.
 */
export function takeWorker(entry: string | URL, heap: WorkerHeap = 'bounded'): PartRunner {
  const key = `${heap} ${String(entry)}`
  const pool = idleWorkers.get(key) ?? []
  idleWorkers.set(key, pool)
  const worker = pool.pop() ?? startWorker(entry, heap)
  // The thread serves its parts in order, so results arrive in the order sent.
  const waiting: { resolve: (result: PartResult) => void; reject: (error: Error) => void }[] = []
  let failed = false

  const onMessage = (result: PartResult): void => {
    waiting.shift()?.resolve(result)
    if (waiting.length === 0) worker.unref()
  }
  const onFailure = (error: unknown): void => {
    failed = true
    detach()
    void worker.terminate()
    const reason = error instanceof Error ? error : new Error(`The worker thread ended with exit code ${String(error)} before sending its results.`)
    for (const pending of waiting.splice(0)) pending.reject(reason)
  }
  const detach = (): void => {
    worker.off('message', onMessage)
    worker.off('error', onFailure)
    worker.off('exit', onFailure)
  }
  worker.on('message', onMessage)
  worker.on('error', onFailure)
  worker.on('exit', onFailure)

  return {
    run(task: PartTask): Promise<PartResult> {
      if (failed) return Promise.reject(new Error('The worker thread failed earlier in this run.'))
      return new Promise<PartResult>((resolve, reject) => {
        waiting.push({ resolve, reject })
        // Held while it works, so the process waits for the part.
        worker.ref()
        try {
          worker.postMessage(task)
        } catch (error) {
          onFailure(error)
        }
      })
    },
    release(): void {
      if (failed) return
      detach()
      worker.unref()
      pool.push(worker)
    },
  }
}

/**
 * Heap of a worker thread. A `bounded` thread runs chunks, each parsed,
 * checked and sent back before the next, so it keeps only the program and
 * one chunk. An `unbounded` one runs a whole part in one batch, as a
 * baseline sweep needs.
 */
export type WorkerHeap = 'bounded' | 'unbounded'

/**
 * Young generation of a worker's heap. The V8 default lets it grow to about
 * 32 MB; a part allocates short-lived YAML nodes fast but keeps few, and with
 * half of that the corpus run peaked about 10 MB lower in the same time.
 */
const WORKER_YOUNG_GENERATION_MB = 16

/**
 * Old generation of a bounded worker. Without a limit V8 lets garbage grow
 * to several times the live data before collecting. With 64 MB the SigmaHQ
 * corpus run on two threads peaked about 15 MB lower in the same time, and
 * with 48 MB about 8 MB lower again (2-core VM, Node 20). A
 * chunk that needs more (a rule file with tens of thousands of values, a
 * correlation grouped with hundreds of rule files) ends the thread with
 * ERR_WORKER_OUT_OF_MEMORY, and the main thread checks its chunks.
 */
const WORKER_OLD_GENERATION_MB = 48

function startWorker(entry: string | URL, heap: WorkerHeap): Worker {
  const resourceLimits = { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB, ...(heap === 'bounded' ? { maxOldGenerationSizeMb: WORKER_OLD_GENERATION_MB } : {}) }
  const worker = new Worker(entry, { workerData: { kind: WORKER_KIND }, resourceLimits })
  worker.unref()
  return worker
}

/** Tell whether this thread was started by `takeWorker`. */
export function isPartWorker(): boolean {
  return !isMainThread && (workerData as { kind?: unknown } | null)?.kind === WORKER_KIND
}

/** Serve the parts sent to this worker thread, one at a time, until the process ends. */
export function servePart(compile: (task: PartTask) => Promise<PartResult>): void {
  let queue = Promise.resolve()
  parentPort?.on('message', (task: PartTask) => {
    queue = queue.then(async () => parentPort?.postMessage(await compile(task)))
  })
}
