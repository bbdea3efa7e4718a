/**
 * `strptime` and `strftime` of Splunk eval, in UTC, for the directives the
 * backend writes: `%Y %m %d %H %M %S %3N %V` and `%%`. Splunk uses the
 * search's time zone for both, so a parse followed by a format reads the
 * fields as written, as UTC does here.
 */

/** Directives `parseTime` reads: the name and its digit count. */
const PARSE_DIRECTIVES: Record<string, number> = { Y: 4, m: 2, d: 2, H: 2, M: 2, S: 2, '3N': 3 }

/** Directives `formatTime` writes. */
const FORMAT_DIRECTIVES = new Set(['Y', 'm', 'd', 'H', 'M', 'S', 'V', '3N', '%'])

/** Tokens of a format: literal text, or a directive name without `%`. */
type FormatToken = { kind: 'text'; text: string } | { kind: 'directive'; name: string }

/** Split a format into tokens, or return the first unsupported directive. */
export function tokenizeFormat(format: string): FormatToken[] | { unsupported: string } {
  const tokens: FormatToken[] = []
  for (let i = 0; i < format.length; i++) {
    const char = format[i] as string
    if (char !== '%') {
      tokens.push({ kind: 'text', text: char })
      continue
    }
    const name = format.startsWith('3N', i + 1) ? '3N' : (format[i + 1] ?? '')
    if (!FORMAT_DIRECTIVES.has(name)) return { unsupported: '%' + name }
    tokens.push(name === '%' ? { kind: 'text', text: '%' } : { kind: 'directive', name })
    i += name.length
  }
  return tokens
}

/**
 * Parse `text` as a whole against the format and return UTC epoch seconds,
 * or null when it does not fit or names an impossible date.
 * NOTE: Splunk may accept text after the parsed part; this engine does not.
 */
export function parseTime(text: string, tokens: readonly FormatToken[]): number | null {
  const fields: Record<string, number> = { Y: 1970, m: 1, d: 1, H: 0, M: 0, S: 0, '3N': 0 }
  let position = 0
  for (const token of tokens) {
    if (token.kind === 'text') {
      if (text[position] !== token.text) return null
      position += 1
      continue
    }
    const width = PARSE_DIRECTIVES[token.name]
    const digits = text.slice(position, position + (width ?? 0))
    if (width === undefined || !/^\d+$/.test(digits) || digits.length !== width) return null
    fields[token.name] = Number(digits)
    position += width
  }
  if (position !== text.length) return null
  return epochSeconds(fields)
}

function epochSeconds(fields: Record<string, number>): number | null {
  const { Y: year = 0, m: month = 0, d: day = 0, H: hour = 0, M: minute = 0, S: second = 0 } = fields
  const date = new Date(0)
  date.setUTCFullYear(year, month - 1, day)
  const validDate = date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
  if (!validDate || hour > 23 || minute > 59 || second > 59) return null
  date.setUTCHours(hour, minute, second, fields['3N'] ?? 0)
  return date.getTime() / 1000
}

/** Format UTC epoch seconds with the tokens. */
export function formatTime(seconds: number, tokens: readonly FormatToken[]): string {
  const date = new Date(Math.floor(seconds * 1000))
  return tokens.map((token) => (token.kind === 'text' ? token.text : formatDirective(date, token.name))).join('')
}

function formatDirective(date: Date, name: string): string {
  switch (name) {
    case 'Y':
      return String(date.getUTCFullYear()).padStart(4, '0')
    case 'm':
      return pad(date.getUTCMonth() + 1)
    case 'd':
      return pad(date.getUTCDate())
    case 'H':
      return pad(date.getUTCHours())
    case 'M':
      return pad(date.getUTCMinutes())
    case 'S':
      return pad(date.getUTCSeconds())
    case '3N':
      return String(date.getUTCMilliseconds()).padStart(3, '0')
    default:
      return pad(isoWeekOf(date))
  }
}

/** Compute the ISO 8601 week number (`%V`) from the date's Thursday. */
function isoWeekOf(date: Date): number {
  const thursday = new Date(date.getTime())
  thursday.setUTCHours(0, 0, 0, 0)
  thursday.setUTCDate(thursday.getUTCDate() + 3 - ((thursday.getUTCDay() + 6) % 7))
  const januaryFirst = new Date(0)
  januaryFirst.setUTCFullYear(thursday.getUTCFullYear(), 0, 1)
  return Math.floor((thursday.getTime() - januaryFirst.getTime()) / (7 * 86_400_000)) + 1
}

function pad(value: number): string {
  return String(value).padStart(2, '0')
}
