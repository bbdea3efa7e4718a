import { realpathSync, statSync } from 'node:fs'
import path from 'node:path'

/**
 * The result of resolving a path that a fixture or rule names: a file inside
 * the run's root, a path that does not exist, or one that leaves the root.
 */
export type ResolvedPath =
  | { status: 'inside'; path: string; isDirectory: boolean }
  | { status: 'missing'; path: string }
  | { status: 'outside'; path: string; reason: OutsideReason }

/** The reason a path was rejected as leaving the root. */
export type OutsideReason = 'absolute' | 'parent' | 'symlink'

/**
 * Resolve `relative` against `fromDirectory` and make sure that the result,
 * after following symlinks, stays inside `root`. Backslashes count as
 * separators so that paths written on Windows work. The file system is asked
 * synchronously: a regression path is tried in every folder from the rule's
 * up to the root, and an awaited call per folder made that search about a
 * tenth of a corpus run.
 */
export function resolveInsideRoot(
  fromDirectory: string,
  relative: string,
  root: string,
): ResolvedPath {
  const written = relative.replaceAll('\\', '/')
  if (path.isAbsolute(written) || path.win32.isAbsolute(relative)) {
    return { status: 'outside', path: relative, reason: 'absolute' }
  }

  const resolved = path.resolve(fromDirectory, written)
  if (!isInside(path.resolve(root), resolved)) {
    return { status: 'outside', path: resolved, reason: 'parent' }
  }
  return followLinks(resolved, root)
}

function followLinks(resolved: string, root: string): ResolvedPath {
  try {
    const real = realpathSync.native(resolved)
    if (!isInside(realpathSync.native(root), real)) {
      return { status: 'outside', path: resolved, reason: 'symlink' }
    }
    const info = statSync(real)
    return { status: 'inside', path: resolved, isDirectory: info.isDirectory() }
  } catch {
    return { status: 'missing', path: resolved }
  }
}

/** Return true when `candidate` is `directory` itself or lies below it. */
export function isInside(directory: string, candidate: string): boolean {
  const relative = path.relative(directory, candidate)
  if (relative === '') return true
  const leaves = relative === '..' || relative.startsWith(`..${path.sep}`)
  return !leaves && !path.isAbsolute(relative)
}

/** Describe why a path leaves the root, for diagnostics. */
export function describeOutsideReason(reason: OutsideReason): string {
  switch (reason) {
    case 'absolute':
      return 'it is an absolute path'
    case 'parent':
      return "its '..' parts lead out of the checked directory"
    case 'symlink':
      return 'it is a symbolic link to a place outside the checked directory'
  }
}
