import { compilePart, run } from '../engine.js'
import { defaultThreadCount, isPartWorker, servePart } from '../parallel/worker-pool.js'
import { runAction } from './run-action.js'

// The bundle also serves the parts of a large run when started as a worker
// thread; runAction reports every failure through setFailed and never rejects.
if (isPartWorker()) servePart(compilePart)
else void runAction({ run: (options) => run({ ...options, workers: { entry: new URL(import.meta.url), count: defaultThreadCount() } }) })
