/**
 * Compile a path glob to a regular expression: `**` spans folders, `*` and
 * `?` stay within one path segment, `{a,b}` is an alternation, and a
 * pattern ending in `/` or naming a folder also matches what lies below it.
 * Paths are compared with '/' separators.
 */
export function globToRegExp(glob: string): RegExp {
  let source = ''
  for (let i = 0; i < glob.length; i++) {
    const char = glob[i] as string
    if (char === '*' && glob[i + 1] === '*') {
      const slash = glob[i + 2] === '/'
      source += slash ? '(?:.*/)?' : '.*'
      i += slash ? 2 : 1
    } else if (char === '*') source += '[^/]*'
    else if (char === '?') source += '[^/]'
    else if (char === '{') source += '(?:'
    else if (char === '}') source += ')'
    else if (char === ',' && glob.lastIndexOf('{', i) > glob.lastIndexOf('}', i)) source += '|'
    else source += char.replace(/[.+^$()|[\]\\]/g, '\\$&')
  }
  return new RegExp(`^(?:\\./)?${source.replace(/\/$/, '')}(?:/.*)?$`)
}

/** Whether a repository-relative path matches any of the globs. */
export function matchesAnyGlob(file: string, globs: readonly string[]): boolean {
  const posix = file.split('\\').join('/').replace(/^\.\//, '')
  return globs.some((glob) => globToRegExp(glob.replace(/^\.\//, '')).test(posix))
}
