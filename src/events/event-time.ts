import type { FieldValue, SigmaEvent } from './event.js'

/**
 * Timestamps as Windows writes them: `2026-04-24T10:15:02.3119876Z` in the
 * System element, `2026-04-24 10:15:02.311` in Sysmon's UtcTime. A missing
 * zone means UTC, which is what both fields are in.
 */
const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?$/

/**
 * Fields that give an event's time, in order of preference. The Splunk
 * Windows add-on takes `_time` from the System `TimeCreated SystemTime`
 * attribute, so that comes first; Sysmon's own `UtcTime` is the fallback for
 * flat fixture events that carry only it.
 */
export const EVENT_TIME_FIELDS = ['SystemTime', 'TimeCreated', 'UtcTime'] as const

/**
 * Return an event's time in seconds since the epoch (with milliseconds as
 * the fraction), or undefined when no time field holds a valid timestamp.
 */
export function eventTime(event: SigmaEvent): number | undefined {
  for (const field of EVENT_TIME_FIELDS) {
    const seconds = parseTimestamp(event[field])
    if (seconds !== undefined) return seconds
  }
  return undefined
}

/** Parse one timestamp value, or return undefined for anything else. */
export function parseTimestamp(value: FieldValue | undefined): number | undefined {
  if (typeof value !== 'string') return undefined
  const match = TIMESTAMP.exec(value.trim())
  if (match === null) return undefined

  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [number, number, number, number, number, number]
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return undefined
  const milliseconds = Number((match[7] ?? '').padEnd(3, '0').slice(0, 3))
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, milliseconds)
  return (utc - zoneOffsetMinutes(match[8]) * 60_000) / 1000
}

function zoneOffsetMinutes(zone: string | undefined): number {
  if (zone === undefined || zone === 'Z') return 0
  const sign = zone.startsWith('-') ? -1 : 1
  const digits = zone.slice(1).replace(':', '')
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2)))
}
