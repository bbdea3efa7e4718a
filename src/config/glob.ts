import { RE2JS } from 're2js'

/**
 * Compile a path glob to a regular expression: `**` spans folders, `*` and
 * `?` stay within one path segment, `{a,b}` is an alternation, and a
 * pattern ending in `/` or naming a folder also matches what lies below it.
 * Paths are compared with '/' separators.
 */
export function globToRegExp(glob: string): RE2JS {
  const closers = closingBraces(glob)
  let source = ''
  let open = 0
  for (let i = 0; i < glob.length; i++) {
    const char = glob[i] as string
    if (char === '*' && glob[i + 1] === '*') {
      const slash = glob[i + 2] === '/'
      source += slash ? '(?:.*/)?' : '.*'
      i += slash ? 2 : 1
    } else if (char === '*') source += '[^/]*'
    else if (char === '?') source += '[^/]'
    else if (char === '{' && closers.has(i)) {
      source += '(?:'
      open++
    } else if (char === '}' && open > 0) {
      source += ')'
      open--
    } else if (char === ',' && open > 0) source += '|'
    else source += char.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  }
  // RE2 runs in linear time, so a glob from a pull request's config cannot stall the run.
  return RE2JS.compile(`^(?:\\./)?${source.replace(/\/$/, '')}(?:/.*)?$`)
}

/** Return the positions of the `{` that have a matching `}`; the others are literal text. */
function closingBraces(glob: string): Set<number> {
  const opens: number[] = []
  const matched = new Set<number>()
  for (let i = 0; i < glob.length; i++) {
    if (glob[i] === '{') opens.push(i)
    else if (glob[i] === '}' && opens.length > 0) matched.add(opens.pop() as number)
  }
  return matched
}

/** Whether a repository-relative path matches any of the globs. */
export function matchesAnyGlob(file: string, globs: readonly string[]): boolean {
  const posix = file.split('\\').join('/').replace(/^\.\//, '')
  return globs.some((glob) => globToRegExp(glob.replace(/^\.\//, '')).test(posix))
}
