import type { FieldValue, SigmaEvent } from '../events/event.js'
import type { SplunkScope } from '../backends/splunk/index.js'

/**
 * Present a fixture event as Splunk would index it: Sysmon field names
 * renamed as the pipeline maps them (EventID → EventCode), and the
 * deployment scope (index, source, sourcetype) taken as satisfied unless the
 * event carries those fields itself. The scope values stay out of `_raw`.
 */
export function toSplEvent(
  event: SigmaEvent,
  fieldNames: Readonly<Record<string, string>>,
  scope: SplunkScope,
): SigmaEvent {
  const renamed: SigmaEvent = {}
  for (const [name, value] of Object.entries(event)) {
    const target = fieldNames[name] ?? name
    if (target !== name && Object.hasOwn(event, target)) continue
    renamed[target] = value
  }
  const added = (['index', 'source', 'sourcetype'] as const).filter(
    (key) => scope[key] !== undefined && !Object.hasOwn(renamed, key),
  )
  // Splunk's _raw is the event as written, without the index-time scope
  // fields, so keywords must not find the scope values in it.
  if (added.length > 0 && !Object.hasOwn(renamed, '_raw')) {
    renamed['_raw'] = Object.values(renamed).flatMap(flatStrings).join('\n')
  }
  for (const key of added) renamed[key] = scope[key] as string
  return renamed
}

function flatStrings(value: FieldValue): string[] {
  if (value === null) return []
  if (Array.isArray(value)) return value.flatMap(flatStrings)
  return [String(value)]
}
