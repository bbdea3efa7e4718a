import fs from 'node:fs'
import path from 'node:path'

/**
 * Find the repository root for a directory: the nearest directory at or
 * above `start` that contains `.git`, searched no higher than `workspace`,
 * else `workspace`, else `start`. GitHub locates annotation paths relative to
 * the repository, which differs from GITHUB_WORKSPACE when `actions/checkout`
 * puts it in a subfolder with `path:`.
 */
export function findRepositoryRoot(start: string, workspace?: string): string {
  const top = workspace === undefined ? undefined : path.resolve(workspace)
  let directory = path.resolve(start)

  for (;;) {
    if (fs.existsSync(path.join(directory, '.git'))) return directory
    if (directory === top) return top

    const parent = path.dirname(directory)
    if (parent === directory) return top ?? path.resolve(start)
    directory = parent
  }
}

/**
 * Create a `file → repository root` lookup for annotation paths. It caches
 * the root per directory, since a report names many files in few folders.
 */
export function createRootFinder(
  workspace?: string,
): (file: string) => string {
  const cache = new Map<string, string>()

  return (file) => {
    const directory = path.dirname(file)
    let root = cache.get(directory)
    if (root === undefined) {
      root = findRepositoryRoot(directory, workspace)
      cache.set(directory, root)
    }

    return root
  }
}
