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

/** Return the default number of threads for a run: one per core, at most 8. */
export function defaultThreadCount(): number {
  return Math.max(1, Math.min(8, os.availableParallelism()))
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

/** A worker thread that serves parts one at a time, kept for later runs of the same process. */
interface PartWorker {
  worker: Worker
}

/** Idle worker threads by entry, reused by later runs of the same process. */
const idleWorkers = new Map<string, PartWorker[]>()

/**
 * Run one part in a worker thread that loads `entry`. Threads are kept
 * between runs of one process (the benchmark, a long-lived caller), so
 * their compiled code stays warm; they never keep the process alive. The
 * promise rejects when the thread fails or ends without a result; the
 * caller then runs the part itself.
 */
export function runInWorker(entry: string | URL, task: PartTask): Promise<PartResult> {
  const key = String(entry)
  const pool = idleWorkers.get(key) ?? []
  idleWorkers.set(key, pool)
  let part: PartWorker
  try {
    part = pool.pop() ?? startWorker(entry)
  } catch (error) {
    // The thread could not start, e.g. at the process limit (EAGAIN).
    return Promise.reject(error instanceof Error ? error : new Error(String(error)))
  }
  return new Promise<PartResult>((resolve, reject) => {
    const settle = (): void => {
      part.worker.off('message', onMessage)
      part.worker.off('error', onFailure)
      part.worker.off('exit', onFailure)
      part.worker.unref()
    }
    const onMessage = (result: PartResult): void => {
      settle()
      pool.push(part)
      resolve(result)
    }
    const onFailure = (error: unknown): void => {
      settle()
      void part.worker.terminate()
      reject(error instanceof Error ? error : new Error(`The worker thread ended with exit code ${String(error)} before sending its results.`))
    }
    part.worker.on('message', onMessage)
    part.worker.on('error', onFailure)
    part.worker.on('exit', onFailure)
    // Held while it works, so the process waits for the part; idle, it keeps nothing alive.
    part.worker.ref()
    part.worker.postMessage(task)
  })
}

/**
 * Young generation of a worker's heap. The V8 default lets it grow to about
 * 32 MB; a part allocates short-lived YAML nodes fast but keeps few, and with
 * half of that the corpus run peaked about 10 MB lower in the same time.
 */
const WORKER_YOUNG_GENERATION_MB = 16

function startWorker(entry: string | URL): PartWorker {
  const worker = new Worker(entry, { workerData: { kind: WORKER_KIND }, resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB } })
  worker.unref()
  return { worker }
}

/** Tell whether this thread was started by `runInWorker`. */
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
