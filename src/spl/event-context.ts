import type { FieldValue } from '../events/event.js'

/** An event given to the SPL engine: field names mapped to values. */
export type SplEvent = Record<string, FieldValue>

/**
 * One event passing through one query's commands. `overlay` contains the
 * fields that `eval` and `rex` set, with null for a removed field. The event
 * itself is never modified, so many queries can share it.
 */
export interface EventContext {
  readonly event: SplEvent
  readonly overlay: Map<string, FieldValue> | null
  readonly cache: EventCache
}

/**
 * Values derived from an event once and shared by every query that reads
 * them: the lower-cased strings of each field and the `_raw` text.
 */
export interface EventCache {
  lower: Map<string, string[] | null>
  strings: Map<string, string[] | null>
  raw?: string
  lowerRaw?: string
}

const caches = new WeakMap<SplEvent, EventCache>()

// Callers test one event against many queries in a row, so the last event's
// cache is kept at hand to skip most WeakMap lookups.
let lastEvent: SplEvent | null = null
let lastCache: EventCache | null = null

/** Return the shared cache of an event, creating it on first use. */
export function cacheOf(event: SplEvent): EventCache {
  if (event === lastEvent && lastCache !== null) return lastCache

  let cache = caches.get(event)
  if (cache === undefined) {
    cache = { lower: new Map(), strings: new Map() }
    caches.set(event, cache)
  }
  lastEvent = event
  lastCache = cache
  return cache
}

/**
 * Return a field's value, or undefined when the event lacks it. `_raw` is
 * always present: synthesised from the values when the event has none.
 */
export function fieldValue(
  context: EventContext,
  name: string,
): FieldValue | undefined {
  if (context.overlay?.has(name)) return context.overlay.get(name)
  if (Object.hasOwn(context.event, name)) return context.event[name]
  return name === '_raw' ? rawText(context) : undefined
}

/**
 * Return the string form of each value of a field, or null when the field is
 * absent or has only null values. Numbers and booleans print as Splunk would
 * index them (`4688`, `true`).
 */
export function fieldStrings(context: EventContext, name: string): string[] | null {
  if (context.overlay?.has(name)) return toStrings(context.overlay.get(name))

  const cache = context.cache.strings
  let strings = cache.get(name)
  if (strings === undefined) {
    strings = toStrings(fieldValue(context, name))
    cache.set(name, strings)
  }
  return strings
}

/** Return `fieldStrings` in lower case, for case-insensitive search terms. */
export function lowerFieldStrings(
  context: EventContext,
  name: string,
): string[] | null {
  if (context.overlay?.has(name)) {
    return lowerAll(toStrings(context.overlay.get(name)))
  }

  const cache = context.cache.lower
  let lower = cache.get(name)
  if (lower === undefined) {
    lower = lowerAll(fieldStrings(context, name))
    cache.set(name, lower)
  }
  return lower
}

/**
 * Return the event's `_raw` text: its own `_raw` field when it has one, or
 * else all its values joined by newlines, in field order.
 */
export function rawText(context: EventContext): string {
  const cache = context.cache
  if (cache.raw === undefined) {
    const event = context.event
    const own = Object.hasOwn(event, '_raw') ? toStrings(event['_raw']) : null
    cache.raw = own?.join('\n') ?? Object.values(event).flatMap(flatStrings).join('\n')
  }
  return cache.raw
}

/** Return `rawText` in lower case. */
export function lowerRawText(context: EventContext): string {
  const cache = context.cache
  cache.lowerRaw ??= rawText(context).toLowerCase()
  return cache.lowerRaw
}

function toStrings(value: FieldValue | undefined): string[] | null {
  if (value === undefined || value === null) return null
  const strings = flatStrings(value)
  return strings.length === 0 ? null : strings
}

function flatStrings(value: FieldValue): string[] {
  if (value === null) return []
  if (Array.isArray(value)) return value.flatMap(flatStrings)
  return [String(value)]
}

function lowerAll(strings: string[] | null): string[] | null {
  return strings === null ? null : strings.map((s) => s.toLowerCase())
}
