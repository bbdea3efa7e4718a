#!/usr/bin/env node
// Run the differential check: every SigmaHQ rule against every regression
// event, native matcher against SPL engine, and our SPL against pySigma's
// reference queries. Compiles the sources first with the project's tsc.
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const shared = path.resolve(repo, '..', 'shared')
const args = process.argv.slice(2)
const option = (name, fallback) => {
  const at = args.indexOf(name)
  return at >= 0 && args[at + 1] ? path.resolve(args[at + 1]) : fallback
}
const corpus = option('--corpus', path.join(shared, 'corpus', 'sigmahq'))
const reference = option('--reference', path.join(shared, 'reference', 'pysigma-splunk-windows.json'))
const build = path.join(repo, 'node_modules', '.cache', 'sigma-gate-differential')

if (!existsSync(corpus)) {
  process.stderr.write(`The corpus '${corpus}' does not exist. Pass --corpus <SigmaHQ checkout>.\n`)
  process.exit(2)
}

try {
  execFileSync(path.join(repo, 'node_modules', '.bin', 'tsc'), ['-p', repo, '--outDir', build], { stdio: 'pipe' })
} catch (error) {
  process.stderr.write(`tsc reported type errors; running the emitted code anyway.\n${String(error.stdout ?? '')}`)
}

const module = await import(pathToFileURL(path.join(build, 'src', 'differential', 'run-differential.js')).href)
const started = Date.now()
const result = await module.runDifferential({ corpus, reference: existsSync(reference) ? reference : undefined, cwd: corpus })
process.stdout.write(module.formatDifferential(result))
process.stderr.write(`Finished in ${((Date.now() - started) / 1000).toFixed(1)} s.\n`)
process.exit(result.disagreements.length > 0 ? 1 : 0)
