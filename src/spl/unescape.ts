import type { ValuePart } from './ast.js'

/**
 * Split a search value into literal text and wildcards while resolving its
 * escapes, in one left-to-right pass. Splunk resolves `\\` to `\`, `\"` to
 * `"` and backslash-pipe to a pipe, and keeps any other backslash pair as it
 * is. `\*` is such a pair: the backslash stays literal and the star stays a
 * wildcard, because the search language cannot express a literal star. Doing
 * both steps in one pass keeps `C:\\*` (a backslash, then a wildcard) apart
 * from `\*`.
 */
export function splitSearchValue(raw: string): ValuePart[] {
  const parts: ValuePart[] = []
  let text = ''

  const flush = (): void => {
    if (text !== '') parts.push({ kind: 'text', text })
    text = ''
  }

  for (let i = 0; i < raw.length; i++) {
    const c = raw[i] as string
    if (c === '*') {
      flush()
      const previous = parts[parts.length - 1]
      if (previous?.kind !== 'wildcard') parts.push({ kind: 'wildcard' })
      continue
    }
    if (c !== '\\' || i + 1 >= raw.length) {
      text += c
      continue
    }

    const next = raw[i + 1] as string
    if (next === '\\' || next === '"' || next === '|') {
      text += next
      i++
    } else {
      // Any other pair, `\*` included, keeps its backslash; the next
      // character is read on the next turn so a star stays a wildcard.
      text += c
    }
  }

  flush()
  return parts
}

/**
 * Resolve the escapes of a quoted string that is not a search value: a
 * regular expression or an eval string literal. The rules are those of
 * `splitSearchValue` without wildcards.
 */
export function unescapeString(raw: string): string {
  let text = ''
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i] as string
    const next = raw[i + 1]
    if (c === '\\' && (next === '\\' || next === '"' || next === '|')) {
      text += next
      i++
    } else {
      text += c
    }
  }
  return text
}

/** Join value parts back into text, writing each wildcard as `*`. */
export function partsToText(parts: ValuePart[]): string {
  return parts.map((part) => (part.kind === 'text' ? part.text : '*')).join('')
}
