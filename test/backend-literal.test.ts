import fc from 'fast-check'
import { describe, expect, test } from 'vitest'

import { quoteSplString } from '../src/backends/splunk/spl-literal.js'

/**
 * Read one double-quoted SPL string the way the dialect defines it:
 * `\\` → `\`, `\"` → `"`, any other backslash pair kept as two characters.
 * Returns the value and where the closing quote was found.
 */
function unquote(literal: string): { value: string; end: number } {
  let value = ''
  let index = 1

  while (index < literal.length) {
    const character = literal[index] ?? ''
    const next = literal[index + 1]
    if (character === '"') return { value, end: index }

    if (character === '\\' && (next === '\\' || next === '"')) {
      value += next
      index += 2
    } else {
      value += character
      index += 1
    }
  }

  return { value, end: -1 }
}

describe('quoteSplString', () => {
  test('escapes quote and backslashes', () => {
    expect(quoteSplString('a"b\\c\\')).toBe(String.raw`"a\"b\\c\\"`)
  })

  test('round-trips through the dialect unescape', () => {
    const value = fc
      .string({ unit: 'binary' })
      .filter((text) => !text.includes('*'))

    fc.assert(
      fc.property(value, (text) => {
        const literal = quoteSplString(text)
        const { value: read, end } = unquote(literal)

        expect(literal.startsWith('"')).toBe(true)
        expect(end).toBe(literal.length - 1)
        expect(read).toBe(text)
      }),
      { numRuns: 2000 },
    )
  })

  test('round-trips strings made of escape characters', () => {
    const value = fc.string({
      unit: fc.constantFrom('\\', '"', 'a', '|', '\n', '\u2013'),
    })

    fc.assert(
      fc.property(value, (text) => {
        const literal = quoteSplString(text)
        const { value: read, end } = unquote(literal)

        expect(end).toBe(literal.length - 1)
        expect(read).toBe(text)
      }),
      { numRuns: 2000 },
    )
  })
})
