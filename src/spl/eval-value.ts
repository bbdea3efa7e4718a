import type { FieldValue } from '../events/event.js'

/**
 * A value computed by an eval expression: null for a missing field or an
 * undefined result, a list for a multi-valued field, and booleans only from
 * conditions.
 */
export type EvalValue = string | number | boolean | null | string[]

/** Turn a field value into an eval value; booleans read as `true`/`false`. */
export function fromField(value: FieldValue | undefined): EvalValue {
  if (value === undefined || value === null) return null
  if (typeof value === 'boolean') return String(value)
  if (!Array.isArray(value)) return value

  const strings = value.flat(Infinity as 1).filter((v) => v !== null).map(String)
  if (strings.length === 0) return null
  return strings.length === 1 ? (strings[0] as string) : strings
}

/** Turn an eval result into a field value for `eval` to store. */
export function toField(value: EvalValue): FieldValue {
  return typeof value === 'boolean' ? String(value) : value
}

const NUMBER_TEXT = /^\s*[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\s*$/

/**
 * Read a value as a number the way eval treats field values: numbers as
 * they are, strings when their whole text is a decimal number, else null.
 */
export function asNumber(value: EvalValue): number | null {
  if (typeof value === 'number') return Number.isNaN(value) ? null : value
  if (typeof value === 'string' && NUMBER_TEXT.test(value)) return Number(value)
  return null
}

/** Return the text of a single value, or null for null, booleans and lists. */
export function asText(value: EvalValue): string | null {
  if (typeof value === 'string') return value
  if (typeof value === 'number') return formatNumber(value)
  return null
}

/** Return each value of a possibly multi-valued value as text. */
export function allTexts(value: EvalValue): string[] {
  if (Array.isArray(value)) return value
  const text = asText(value)
  return text === null ? [] : [text]
}

/** Print a number as eval does: integers without a fraction. */
export function formatNumber(value: number): string {
  return Number.isInteger(value) ? value.toFixed(0) : String(value)
}
