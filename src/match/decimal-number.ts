/**
 * A decimal number as text: optional sign, digits with an optional fraction,
 * and an optional exponent. Hex (`0x10`), binary (`0b1`), `Infinity` and
 * digit separators are not numbers here, because the SPL engine's numeric
 * comparison (`parseSearchNumber` in `src/spl/compile-search.ts`) accepts
 * exactly this form and both engines must agree.
 */
const DECIMAL_NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?$/i

/** Parse decimal number text, ignoring surrounding whitespace, or return null. */
export function parseDecimalNumber(text: string): number | null {
  const trimmed = text.trim()
  return DECIMAL_NUMBER.test(trimmed) ? Number(trimmed) : null
}
