import type { TimePart } from '../ir/expr.js'

/** A timestamp's calendar fields as written, without zone conversion. */
export interface TimestampFields {
  year: number
  month: number
  day: number
  hour: number
  minute: number
}

/**
 * The two timestamp forms the time modifiers read: Sysmon's `UtcTime`
 * (`2026-04-24 10:15:02.311`) and ISO 8601 in UTC
 * (`2026-04-24T10:15:02.311Z`). The Splunk backend parses the same two with
 * `strptime`, so a change here needs the same change there.
 */
const TIMESTAMP_FORMS = [
  /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})\.\d{3}$/,
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\.\d{3}Z$/,
]

/** Parse a timestamp in one of the supported forms, or return undefined. */
export function parseTimestampFields(text: string): TimestampFields | undefined {
  const match = TIMESTAMP_FORMS.map((form) => form.exec(text)).find((found) => found !== null)
  if (!match) return undefined

  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [number, number, number, number, number, number]
  const validDate = month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month)
  if (!validDate || hour > 23 || minute > 59 || second > 59) return undefined
  return { year, month, day, hour, minute }
}

/** Return the number of one part of a timestamp; `week` is the ISO 8601 week. */
export function timePartOf(fields: TimestampFields, part: TimePart): number {
  switch (part) {
    case 'minute':
      return fields.minute
    case 'hour':
      return fields.hour
    case 'day':
      return fields.day
    case 'month':
      return fields.month
    case 'year':
      return fields.year
    case 'week':
      return isoWeek(fields.year, fields.month, fields.day)
  }
}

/**
 * Compute the ISO 8601 week: weeks start on Monday, and week 1 holds the
 * year's first Thursday, so a date belongs to the week of its Thursday.
 */
function isoWeek(year: number, month: number, day: number): number {
  const date = new Date(Date.UTC(year, month - 1, day))
  const mondayBased = (date.getUTCDay() + 6) % 7
  date.setUTCDate(date.getUTCDate() - mondayBased + 3)
  const thursdayYear = date.getUTCFullYear()
  const firstOfYear = Date.UTC(thursdayYear, 0, 1)
  const dayOfYear = Math.floor((date.getTime() - firstOfYear) / 86_400_000)
  return Math.floor(dayOfYear / 7) + 1
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate()
}
