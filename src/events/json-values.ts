/**
 * Splitting of event files into JSON values with their offsets, and location
 * of JSON syntax errors. `JSON.parse` parses each value; the scanner here only
 * finds where values start and end, so one broken record does not hide the
 * records around it.
 */

/** One JSON value's text range, `end` exclusive. */
export interface JsonSlice {
  start: number
  end: number
}

/** The first syntax error in a JSON text: an offset and what is wrong there. */
export interface JsonSyntaxError {
  offset: number
  message: string
}

/** Slices found in a text, plus problems between values (a missing comma). */
export interface JsonSplit {
  slices: JsonSlice[]
  errors: JsonSyntaxError[]
}

const WHITESPACE = new Set([' ', '\t', '\n', '\r', '\uFEFF'])

const MAX_DEPTH = 512

/** Return the offset of the first non-whitespace character at or after `from`. */
export function skipWhitespace(text: string, from: number): number {
  let offset = from
  while (offset < text.length && WHITESPACE.has(text[offset] ?? '')) offset++
  return offset
}

/**
 * Find where the value that starts at `start` ends, by matching brackets and
 * skipping strings. The value is not validated, and an unclosed bracket runs
 * to the end of the text.
 */
export function findValueEnd(text: string, start: number): number {
  const first = text[start]
  if (first === '"') return findStringEnd(text, start)
  if (first !== '{' && first !== '[') return findScalarEnd(text, start)

  let depth = 0
  let offset = start
  while (offset < text.length) {
    const char = text[offset]
    if (char === '"') {
      offset = findStringEnd(text, offset)
      continue
    }
    if (char === '{' || char === '[') depth++
    if (char === '}' || char === ']') depth--
    offset++
    if (depth === 0) return offset
  }
  return text.length
}

function findStringEnd(text: string, start: number): number {
  let offset = start + 1
  while (offset < text.length) {
    const char = text[offset]
    if (char === '\\') offset += 2
    else if (char === '"') return offset + 1
    else if (char === '\n') return offset
    else offset++
  }
  return text.length
}

function findScalarEnd(text: string, start: number): number {
  let offset = start
  while (offset < text.length) {
    const char = text[offset] ?? ''
    if (WHITESPACE.has(char) || ',[]{}"'.includes(char)) break
    offset++
  }
  return Math.max(offset, start + 1)
}

/** Split a text into one slice per non-empty line, as NDJSON is read. */
export function splitLines(text: string): JsonSlice[] {
  const slices: JsonSlice[] = []
  let lineStart = 0
  while (lineStart <= text.length) {
    const newline = text.indexOf('\n', lineStart)
    const lineEnd = newline === -1 ? text.length : newline
    const start = skipWhitespace(text.slice(0, lineEnd), lineStart)
    const end = trimEnd(text, start, lineEnd)
    if (end > start) slices.push({ start, end })
    if (newline === -1) break
    lineStart = newline + 1
  }
  return slices
}

function trimEnd(text: string, start: number, end: number): number {
  let offset = end
  while (offset > start && WHITESPACE.has(text[offset - 1] ?? '')) offset--
  return offset
}

/**
 * Split the elements of the top-level array that starts at `start`. Elements
 * are sliced one by one so that a broken element loses only itself.
 */
export function splitArray(text: string, start: number): JsonSplit {
  const slices: JsonSlice[] = []
  const errors: JsonSyntaxError[] = []
  let offset = skipWhitespace(text, start + 1)
  if (text[offset] === ']') return finishArray(text, offset, slices, errors)

  while (offset < text.length) {
    const end = findValueEnd(text, offset)
    slices.push({ start: offset, end })
    offset = skipWhitespace(text, end)

    const next = text[offset]
    if (next === ']') return finishArray(text, offset, slices, errors)
    if (next === ',') {
      offset = skipWhitespace(text, offset + 1)
      continue
    }
    if (offset < text.length) {
      errors.push({ offset, message: "expected ',' or ']' after an element" })
    }
  }
  errors.push({ offset: text.length, message: "the array has no closing ']'" })
  return { slices, errors }
}

function finishArray(
  text: string,
  closing: number,
  slices: JsonSlice[],
  errors: JsonSyntaxError[],
): JsonSplit {
  const rest = skipWhitespace(text, closing + 1)
  if (rest < text.length) {
    errors.push({
      offset: rest,
      message: "unexpected text after the array's closing ']'",
    })
  }
  return { slices, errors }
}

/**
 * Find the first syntax error in `text[start, end)` read as one JSON value.
 * Returns undefined when the range is valid JSON. `JSON.parse` error messages
 * differ between Node versions and often lack a position, hence this check.
 */
export function locateJsonError(
  text: string,
  start: number,
  end: number,
): JsonSyntaxError | undefined {
  const reader = new JsonChecker(text, end)
  try {
    const afterValue = reader.value(skipWhitespace(text, start), 0)
    const rest = reader.whitespace(afterValue)
    if (rest < end)
      return { offset: rest, message: 'unexpected text after the value' }
    return undefined
  } catch (error) {
    if (error instanceof JsonCheckFailure) return error.syntaxError
    throw error
  }
}

class JsonCheckFailure extends Error {
  constructor(readonly syntaxError: JsonSyntaxError) {
    super(syntaxError.message)
  }
}

/** A validating JSON reader that only reports where the text breaks. */
class JsonChecker {
  constructor(
    private readonly text: string,
    private readonly end: number,
  ) {}

  whitespace(offset: number): number {
    return Math.min(skipWhitespace(this.text, offset), this.end)
  }

  value(offset: number, depth: number): number {
    if (depth > MAX_DEPTH) this.fail(offset, 'the value is nested too deeply')
    const char = this.charAt(offset)
    if (char === '{') return this.object(offset, depth)
    if (char === '[') return this.array(offset, depth)
    if (char === '"') return this.string(offset)
    if (char === '-' || (char >= '0' && char <= '9')) return this.number(offset)
    for (const literal of ['true', 'false', 'null']) {
      if (
        this.text.startsWith(literal, offset) &&
        offset + literal.length <= this.end
      ) {
        return offset + literal.length
      }
    }
    if (offset >= this.end) this.fail(offset, 'the value ends too early')
    return this.fail(offset, `unexpected character '${char}', expected a value`)
  }

  private object(start: number, depth: number): number {
    let offset = this.whitespace(start + 1)
    if (this.charAt(offset) === '}') return offset + 1
    for (;;) {
      if (this.charAt(offset) !== '"') {
        this.fail(offset, 'expected a property name in double quotes')
      }
      offset = this.whitespace(this.string(offset))
      if (this.charAt(offset) !== ':') {
        this.fail(offset, "expected ':' after a property name")
      }
      offset = this.whitespace(
        this.value(this.whitespace(offset + 1), depth + 1),
      )
      const next = this.charAt(offset)
      if (next === '}') return offset + 1
      if (next !== ',')
        this.fail(offset, "expected ',' or '}' after a property value")
      offset = this.whitespace(offset + 1)
    }
  }

  private array(start: number, depth: number): number {
    let offset = this.whitespace(start + 1)
    if (this.charAt(offset) === ']') return offset + 1
    for (;;) {
      offset = this.whitespace(this.value(offset, depth + 1))
      const next = this.charAt(offset)
      if (next === ']') return offset + 1
      if (next !== ',')
        this.fail(offset, "expected ',' or ']' after an element")
      offset = this.whitespace(offset + 1)
    }
  }

  private string(start: number): number {
    let offset = start + 1
    while (offset < this.end) {
      const char = this.charAt(offset)
      if (char === '"') return offset + 1
      if (char < ' ')
        this.fail(
          offset,
          'control character inside a string; escape it, e.g. \\n',
        )
      if (char === '\\') offset = this.escape(offset)
      else offset++
    }
    return this.fail(start, 'the string has no closing double quote')
  }

  private escape(offset: number): number {
    const kind = this.charAt(offset + 1)
    if ('"\\/bfnrt'.includes(kind) && kind !== '') return offset + 2
    if (
      kind === 'u' &&
      /^[0-9a-fA-F]{4}$/.test(this.text.slice(offset + 2, offset + 6))
    ) {
      return offset + 6
    }
    return this.fail(offset, 'invalid escape sequence in a string')
  }

  private number(start: number): number {
    const match = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y
    match.lastIndex = start
    const found = match.exec(this.text)
    if (found === null) return this.fail(start, 'invalid number')
    return start + found[0].length
  }

  private charAt(offset: number): string {
    return offset < this.end ? (this.text[offset] ?? '') : ''
  }

  private fail(offset: number, message: string): never {
    throw new JsonCheckFailure({ offset: Math.min(offset, this.end), message })
  }
}
