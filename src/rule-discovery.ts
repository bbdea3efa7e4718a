import { statSync } from 'node:fs'
import path from 'node:path'
import { glob } from 'tinyglobby'
import type { Diagnostic } from './diagnostic.js'
import { fixturePathFor } from './regress/fixture-file.js'
import { looksLikeRuleFile } from './sigma/load-rule-file.js'
import { DEFAULT_LIMITS } from './limits/limits.js'
import { readBounded, readRegularFileSync } from './limits/read-bounded.js'

export interface DiscoveredFile {
  /** Absolute path of the rule file. */
  path: string
  /** The directory given to the run that contains the file. */
  root: string
  /** The file's text, when discovery read it to tell a rule file; the engine then does not read it again. */
  text?: string
  /** Whether `<rule>.fixtures.yml` was listed beside it; unset when discovery did not list the folder. */
  hasFixtureFile?: boolean
}

/** YAML files that are never rules, whatever they contain. */
function isSidecarFile(file: string): boolean {
  const name = path.basename(file).toLowerCase()
  return /\.fixtures\.ya?ml$/.test(name) || name === 'info.yml' || name === 'info.yaml' || name === '.sigma-gate.yml' || name === '.sigma-gate.yaml'
}

/**
 * Find the rule files under the given files and directories, in a stable
 * order. A path that does not exist is a diagnostic, not an exception.
 */
export async function discoverRuleFiles(paths: string[], cwd: string): Promise<{ files: DiscoveredFile[]; diagnostics: Diagnostic[] }> {
  const files = new Map<string, DiscoveredFile>()
  const diagnostics: Diagnostic[] = []

  for (const requested of paths) {
    const absolute = path.resolve(cwd, requested)
    const info = statOrUndefined(absolute)
    if (!info) {
      diagnostics.push({ check: 'run/path-not-found', severity: 'error', message: `The path '${requested}' does not exist. Check the 'paths' you passed.`, file: requested, line: 1, column: 1 })
      continue
    }
    if (!info.isDirectory()) {
      const root = isInside(absolute, cwd) ? cwd : path.dirname(absolute)
      if (files.has(absolute)) continue
      // A named file is always checked; its text only saves the engine a read.
      const read = readRegularFileSync(absolute, DEFAULT_LIMITS.ruleFileBytes)
      files.set(absolute, read?.ok ? { path: absolute, root, text: read.bytes.toString('utf8') } : { path: absolute, root })
      continue
    }
    const found = await glob(['**/*.yml', '**/*.yaml'], { cwd: absolute, absolute: true, dot: false, ignore: ['**/node_modules/**', '**/.git/**'] })
    const listed = new Set(found.map((file) => path.resolve(file)))
    for (const file of found.sort()) {
      const resolved = path.resolve(file)
      if (isSidecarFile(resolved) || files.has(resolved)) continue
      const read = await readBounded(resolved, DEFAULT_LIMITS.ruleFileBytes)
      // A file that cannot be read, or is over the size limit, is kept unread, so the engine reports it.
      if (!read.ok) {
        files.set(resolved, { path: resolved, root: absolute })
        continue
      }
      const text = read.bytes.toString('utf8')
      if (looksLikeRuleFile(text)) files.set(resolved, { path: resolved, root: absolute, text, hasFixtureFile: listed.has(fixturePathFor(resolved)) })
    }
  }
  if (files.size === 0 && diagnostics.length === 0) {
    // A mistyped path must not pass CI by checking nothing.
    const listed = paths.map((requested) => `'${requested}'`).join(', ')
    diagnostics.push({ check: 'run/no-rules', severity: 'error', message: `No rule files were found under ${listed}. Check the paths: a rule file is a .yml or .yaml file with a top-level title, logsource, detection, correlation or filter key.`, line: 1, column: 1 })
  }
  const sorted = [...files.values()].sort(byPath)
  return { files: sorted, diagnostics }
}

/** Stat synchronously: a run may name thousands of files, and each awaited stat is a thread-pool round trip. */
function statOrUndefined(file: string): ReturnType<typeof statSync> | undefined {
  try {
    return statSync(file)
  } catch {
    return undefined
  }
}

function byPath(a: DiscoveredFile, b: DiscoveredFile): number {
  if (a.path === b.path) return 0
  return a.path < b.path ? -1 : 1
}

function isInside(file: string, directory: string): boolean {
  const relative = path.relative(directory, file)
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative)
}
