import type { SigmaEvent } from '../events/event.js'
import type { SplunkScope } from '../backends/splunk/index.js'

/**
 * Present a fixture event as Splunk would index it: Sysmon field names
 * renamed as the pipeline maps them (EventID → EventCode), and the
 * deployment scope (index, source, sourcetype) taken as satisfied unless the
 * event carries those fields itself.
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
  for (const key of ['index', 'source', 'sourcetype'] as const) {
    const value = scope[key]
    if (value !== undefined && !Object.hasOwn(renamed, key)) renamed[key] = value
  }
  return renamed
}
