import { RE2JS } from 're2js'

/**
 * Build the test of eval's `like(s, pattern)`: `%` matches any run of
 * characters, `_` exactly one, everything else itself, case-sensitively and
 * over the whole value.
 */
export function likeMatcher(pattern: string): (value: string) => boolean {
  let source = '(?s)'
  let literal = ''
  for (const c of pattern) {
    if (c !== '%' && c !== '_') {
      literal += c
      continue
    }
    source += RE2JS.quote(literal) + (c === '%' ? '.*' : '.')
    literal = ''
  }
  source += RE2JS.quote(literal)

  const regex = RE2JS.compile(source)
  return (value) => regex.matches(value)
}
