import type { PatternPart } from '../ir/expr.js'

/**
 * Split a Sigma string into text and wildcards by the specification's escape
 * rules: `\*` and `\?` are literal, `\\` is one backslash, and a backslash
 * before any other character is itself literal (so `C:\Windows` needs no
 * escaping). Three or four backslashes therefore mean two.
 */
export function parseSigmaString(value: string): PatternPart[] {
  const parts: PatternPart[] = []
  let text = ''
  const flush = (): void => {
    if (text !== '') parts.push({ kind: 'text', text })
    text = ''
  }

  for (let i = 0; i < value.length; i++) {
    const char = value[i] as string
    if (char === '\\') {
      const next = value[i + 1]
      if (next === '*' || next === '?' || next === '\\') {
        text += next
        i++
      } else text += '\\'
    } else if (char === '*') {
      flush()
      parts.push({ kind: 'any' })
    } else if (char === '?') {
      flush()
      parts.push({ kind: 'one' })
    } else text += char
  }
  flush()
  return parts
}

/** Build a pattern of plain text only, for values whose wildcards a modifier disables. */
export function plainPattern(text: string): PatternPart[] {
  return text === '' ? [] : [{ kind: 'text', text }]
}

/** The characters `windash` treats as interchangeable, in specification order. */
export const WINDASH_CHARACTERS = ['-', '/', '\u2013', '\u2014', '\u2015']

/** Variants beyond this make a value too expensive to expand. */
export const MAX_WINDASH_VARIANTS = 625

/**
 * Expand every dash or slash that starts a word (a command-line flag) into
 * each of the five windash characters. Returns undefined when the number of
 * variants would exceed MAX_WINDASH_VARIANTS.
 */
export function expandWindash(value: string): string[] | undefined {
  const positions: number[] = []
  for (let i = 0; i < value.length; i++) {
    const char = value[i] as string
    if (!WINDASH_CHARACTERS.includes(char)) continue
    const before = value[i - 1]
    const after = value[i + 1]
    const startsWord = before === undefined || !/\w/.test(before)
    if (startsWord && after !== undefined && /\w/.test(after)) positions.push(i)
  }
  if (WINDASH_CHARACTERS.length ** positions.length > MAX_WINDASH_VARIANTS) return undefined

  let variants = ['']
  let last = 0
  for (const position of positions) {
    const between = value.slice(last, position)
    variants = variants.flatMap((prefix) =>
      WINDASH_CHARACTERS.map((dash) => prefix + between + dash),
    )
    last = position + 1
  }
  const rest = value.slice(last)
  return variants.map((prefix) => prefix + rest)
}

/** Encode text as UTF-16 code units, as the `utf16le`/`utf16be`/`utf16` modifiers do. */
export function encodeUtf16(text: string, order: 'le' | 'be' | 'bom'): Uint8Array {
  const bom = order === 'bom' ? 2 : 0
  const bytes = new Uint8Array(bom + text.length * 2)
  if (order === 'bom') {
    bytes[0] = 0xff
    bytes[1] = 0xfe
  }
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i)
    const low = unit & 0xff
    const high = unit >> 8
    const at = bom + i * 2
    bytes[at] = order === 'be' ? high : low
    bytes[at + 1] = order === 'be' ? low : high
  }
  return bytes
}

export function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64')
}

/**
 * The three base64 forms of `bytes` when it sits at offset 0, 1 or 2 of a
 * longer encoded string: the characters that depend on unknown neighbours are
 * cut, as the `base64offset` modifier defines.
 */
export function base64Offsets(bytes: Uint8Array): string[] {
  const startCut = [0, 2, 3]
  const variants: string[] = []
  for (let shift = 0; shift < 3; shift++) {
    const padded = new Uint8Array(shift + bytes.length)
    padded.set(bytes, shift)
    const encoded = base64(padded)
    // Padding '=' and the last character depend on what follows the value.
    const remainder = (shift + bytes.length) % 3
    const endCut = remainder === 1 ? 3 : remainder === 2 ? 2 : 0
    variants.push(encoded.slice(startCut[shift], encoded.length - endCut))
  }
  return variants
}
