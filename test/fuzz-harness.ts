import { readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import fc from 'fast-check'
import type { Diagnostic } from '../src/diagnostic.js'
import { hasShared, sharedRoot } from './helpers.js'

/**
 * Multiplier on every target's run count. `npm test` runs the seeded small
 * runs (1); `npm run fuzz` sets SIGMA_GATE_FUZZ_SCALE for the large run.
 */
export const FUZZ_SCALE = Number(process.env['SIGMA_GATE_FUZZ_SCALE'] ?? '1')

/** The seed of the small runs, so `npm test` is reproducible. */
export const FUZZ_SEED = Number(process.env['SIGMA_GATE_FUZZ_SEED'] ?? '20240601')

/** Time one input may take before it counts as a hang. */
export const MAX_MS_PER_INPUT = 1000

/** Numbers of one fuzz target, printed by the large run. */
export interface FuzzStats {
  target: string
  inputs: number
  maxMs: number
  slowest: string
  /** Inputs over the time limit once but not when timed again. */
  retried: number
}

const collected: FuzzStats[] = []

/** Return the statistics of every target run so far in this file. */
export function fuzzStats(): FuzzStats[] {
  return collected
}

const CHECK_ID = /^[a-z0-9-]+\/[a-z0-9-]+$/

/** Return a description of what is wrong with a diagnostic, or undefined. */
export function diagnosticProblem(d: Diagnostic): string | undefined {
  if (!CHECK_ID.test(d.check)) return `check id '${d.check}'`
  if (!['error', 'warning', 'info'].includes(d.severity)) return `severity '${d.severity}'`
  if (!Number.isInteger(d.line) || d.line < 1) return `line ${d.line}`
  if (!Number.isInteger(d.column) || d.column < 1) return `column ${d.column}`
  if (typeof d.message !== 'string' || d.message.length < 10) return `message '${d.message}'`
  return undefined
}

/**
 * Run `run` on `runs × FUZZ_SCALE` inputs. Each input must return (no
 * exception), finish within MAX_MS_PER_INPUT and give only well-formed,
 * located diagnostics; `run` returns its diagnostics and asserts its own
 * outcome checks.
 */
export function fuzzTarget<T>(
  target: string,
  arbitrary: fc.Arbitrary<T>,
  runs: number,
  run: (input: T) => Diagnostic[],
): FuzzStats {
  const stats: FuzzStats = { target, inputs: 0, maxMs: 0, slowest: '', retried: 0 }
  const property = fc.property(arbitrary, (input) => {
    const started = performance.now()
    const diagnostics = run(input)
    const elapsed = performance.now() - started
    stats.inputs++
    if (elapsed > stats.maxMs) {
      stats.maxMs = elapsed
      stats.slowest = preview(input)
    }
    // A slow input is timed again, so that a garbage collection pause or a busy machine is not reported as a hang.
    if (elapsed > MAX_MS_PER_INPUT) {
      const again = performance.now()
      run(input)
      const retried = performance.now() - again
      if (retried > MAX_MS_PER_INPUT) throw new Error(`input took ${Math.round(elapsed)} ms, then ${Math.round(retried)} ms`)
      stats.retried++
    }
    for (const d of diagnostics) {
      const problem = diagnosticProblem(d)
      if (problem) throw new Error(`malformed diagnostic (${problem}): ${JSON.stringify(d)}`)
    }
  })
  fc.assert(property, { numRuns: Math.max(1, Math.round(runs * FUZZ_SCALE)), seed: FUZZ_SEED, endOnFailure: true })
  collected.push(stats)
  return stats
}

function preview(input: unknown): string {
  if (typeof input === 'string') return input.slice(0, 80)
  if (input instanceof Uint8Array) return `<${input.length} bytes>`
  return (JSON.stringify(input) ?? '').slice(0, 80)
}

/** Print the statistics of a large run; silent in the small runs. */
export function printStats(): void {
  if (FUZZ_SCALE <= 1) return
  for (const s of collected) {
    console.log(`fuzz ${s.target}: ${s.inputs} inputs, max ${s.maxMs.toFixed(1)} ms per input, ${s.retried} timed again`)
  }
}

/** Return the files under a corpus folder with one of the extensions, sorted. */
export function corpusFiles(relative: string, extensions: string[], limit = Infinity): string[] {
  if (!hasShared) return []
  return listFiles(path.join(sharedRoot, 'corpus/sigmahq', relative), extensions, limit)
}

/** Return the files under a folder with one of the extensions, sorted. */
export function listFiles(root: string, extensions: string[], limit = Infinity): string[] {
  const found: string[] = []
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const full = path.join(dir, name)
      if (statSync(full).isDirectory()) walk(full)
      else if (extensions.some((extension) => name.endsWith(extension))) found.push(full)
    }
  }
  walk(root)
  return found.slice(0, limit)
}

/** Read the corpus files as text. */
export function corpusTexts(files: string[]): string[] {
  return files.map((file) => readFileSync(file, 'utf8'))
}

/** One edit that the mutation arbitraries apply to a corpus file. */
type Mutation =
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'delete-line'; at: number }
  | { kind: 'indent'; at: number; delta: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'duplicate-line'; at: number }
  | { kind: 'insert'; at: number; token: string }

/** Fragments that tend to reach unusual parser paths. */
const HOSTILE_TOKENS = [
  '&a ', '*a', '<<: *a', '{', '}', '[', ']', '|', '>', "'", '"', '\\', '\t', '---\n', '...\n', '? ',
  '!!binary ', '!!js/function ', '%YAML 1.2\n', '\u0000', '\uFEFF', '\r', ': ', '- ', '#', '|re', '|contains|all',
  '|base64offset|contains', '|cidr', '|windash', '|expand', '|fieldref', '|exists', '1 of ', 'all of them', 'not ',
  '(', ')', '*', '?', '${a}', '%var%', '\ud800', '9'.repeat(400), '[[[[[[[[[[', '{{{{{{{{{{', '"\\u', '1e999', '-0', 'null',
]

const mutationArbitrary: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('delete-line' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('indent' as const), at: fc.nat(), delta: fc.integer({ min: -4, max: 4 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('duplicate-line' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), token: fc.constantFrom(...HOSTILE_TOKENS) }),
)

/** Return an arbitrary of corpus texts with 0 to 4 mutations applied. */
export function mutatedText(texts: string[]): fc.Arbitrary<string> {
  return fc
    .record({ index: fc.nat({ max: Math.max(0, texts.length - 1) }), mutations: fc.array(mutationArbitrary, { maxLength: 4 }) })
    .map(({ index, mutations }) => mutations.reduce(applyMutation, texts[index] ?? ''))
}

function applyMutation(text: string, mutation: Mutation): string {
  const lines = text.split('\n')
  const line = lines.length > 0 ? mutation.at % lines.length : 0
  switch (mutation.kind) {
    case 'flip': {
      const bytes = Buffer.from(text, 'utf8')
      if (bytes.length === 0) return text
      const at = mutation.at % bytes.length
      bytes[at] = (bytes[at] as number) ^ (1 << mutation.bit)
      return bytes.toString('utf8')
    }
    case 'delete-line':
      lines.splice(line, 1)
      return lines.join('\n')
    case 'indent': {
      const current = lines[line] ?? ''
      lines[line] = mutation.delta >= 0 ? ' '.repeat(mutation.delta) + current : current.replace(new RegExp(`^ {0,${-mutation.delta}}`), '')
      return lines.join('\n')
    }
    case 'truncate':
      return text.slice(0, text.length === 0 ? 0 : mutation.at % text.length)
    case 'duplicate-line':
      lines.splice(line, 0, lines[line] ?? '')
      return lines.join('\n')
    case 'insert': {
      const at = text.length === 0 ? 0 : mutation.at % text.length
      return text.slice(0, at) + mutation.token + text.slice(at)
    }
  }
}

/** Return an arbitrary of byte arrays with bit flips, zeroed ranges and truncation applied. */
export function mutatedBytes(files: Uint8Array[]): fc.Arbitrary<Uint8Array> {
  const edit = fc.oneof(
    fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
    fc.record({ kind: fc.constant('byte' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
    fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  )
  return fc
    .record({ index: fc.nat({ max: Math.max(0, files.length - 1) }), edits: fc.array(edit, { minLength: 1, maxLength: 8 }), headerBias: fc.boolean() })
    .map(({ index, edits, headerBias }) => {
      let bytes = Uint8Array.from(files[index] ?? new Uint8Array())
      for (const e of edits) {
        if (bytes.length === 0) break
        // Half of the edits land in the first 8 KiB: the file header, the chunk header and the string and template tables.
        const at = headerBias ? e.at % Math.min(bytes.length, 8192) : e.at % bytes.length
        if (e.kind === 'flip') bytes[at] = (bytes[at] as number) ^ (1 << e.bit)
        else if (e.kind === 'byte') bytes[at] = e.value
        else bytes = bytes.subarray(0, at)
      }
      return bytes
    })
}
