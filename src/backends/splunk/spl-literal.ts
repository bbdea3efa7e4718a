/**
 * The one module that writes user values and field names into SPL text.
 * Every other module hands values to these functions, so escaping has a
 * single definition that the SPL engine's unescape (`\\` → `\`, `\"` → `"`)
 * reverses.
 */

/** One piece of a search-term value: literal text or the `*` wildcard. */
export type PatternPiece = { kind: 'text'; text: string } | { kind: 'wildcard' }

const PLAIN_FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_.:-]*$/
const INTEGER = /^[0-9]+$/

/** Upper-case words that the search parser reads as operators, not names. */
const OPERATOR_WORDS = new Set(['AND', 'OR', 'NOT', 'IN'])

/**
 * Characters that no quoting makes safe in a field name: quotes and
 * backslashes would need escapes that Splunk does not document for names,
 * `*` is a wildcard, and a backtick starts a macro.
 */
const UNWRITABLE_FIELD_CHARACTER = /["'\\`*\u0000-\u001f\u007f]/

/** Escape text for the inside of a double-quoted SPL string. */
export function escapeSplText(text: string): string {
  return text.replace(/[\\"]/g, (character) => '\\' + character)
}

/**
 * Write a double-quoted SPL string literal. In a search term a `*` inside it
 * is still a wildcard, so callers pass literal text without `*` there.
 */
export function quoteSplString(text: string): string {
  return '"' + escapeSplText(text) + '"'
}

/** Write a quoted search-term value whose wildcards are real `*`s. */
export function quoteSplPattern(pieces: readonly PatternPiece[]): string {
  const body = pieces
    .map((piece) =>
      piece.kind === 'wildcard' ? '*' : escapeSplText(piece.text),
    )
    .join('')
  return '"' + body + '"'
}

/** Tell whether a value can be written unquoted, as in `EventCode=1`. */
export function isPlainInteger(text: string): boolean {
  return INTEGER.test(text)
}

/** Tell whether a field name can be written in SPL at all. */
export function isWritableFieldName(name: string): boolean {
  return name.length > 0 && !UNWRITABLE_FIELD_CHARACTER.test(name)
}

/** Tell whether a field name can be written bare, e.g. in `| regex Image=`. */
export function isPlainFieldName(name: string): boolean {
  return PLAIN_FIELD_NAME.test(name) && !OPERATOR_WORDS.has(name)
}

/** Write a field name for a search expression, quoting it when needed. */
export function writeSearchField(name: string): string {
  return isPlainFieldName(name) ? name : quoteSplString(name)
}

/** Write a field name for an eval expression, where single quotes mark it. */
export function writeEvalField(name: string): string {
  return "'" + name + "'"
}

/**
 * Format a number for a comparison such as `Field>5`, or return undefined
 * when SPL has no plain decimal form for it (NaN, infinities, and
 * fractions that JavaScript prints in exponent notation).
 */
export function formatSplNumber(value: number): string | undefined {
  if (!Number.isFinite(value)) return undefined

  const text = String(value)
  if (!text.includes('e')) return text

  return Number.isInteger(value) ? BigInt(value).toString() : undefined
}

/** Write a scope macro call such as `` `sysmon` ``. */
export function writeMacro(name: string): string {
  return '`' + name + '`'
}
