import { and, or, type Expr } from '../ir/expr.js'
import type { SigmaRule } from '../sigma/rule.js'

/**
 * Sysmon event ids for each generic Windows log source category, from the
 * Sigma taxonomy appendix and Sysmon's event list.
 */
export const SYSMON_CATEGORY_EVENT_IDS: Readonly<Record<string, readonly number[]>> = {
  process_creation: [1],
  file_change: [2],
  network_connection: [3],
  sysmon_status: [4, 16],
  process_termination: [5],
  driver_load: [6],
  image_load: [7],
  create_remote_thread: [8],
  raw_access_thread: [9],
  process_access: [10],
  file_event: [11],
  registry_add: [12],
  registry_delete: [12],
  registry_set: [13],
  registry_rename: [14],
  registry_event: [12, 13, 14],
  create_stream_hash: [15],
  pipe_created: [17, 18],
  wmi_event: [19, 20, 21],
  dns_query: [22],
  file_delete: [23, 26],
  clipboard_capture: [24],
  process_tampering: [25],
  file_delete_detected: [26],
  file_block_executable: [27],
  file_block_shredding: [28],
  file_executable_detected: [29],
  sysmon_error: [255],
}

/** How a rule's log source maps onto the Sysmon schema. */
export type SysmonMapping =
  /** A generic category: the pipeline adds the event id condition. */
  | { kind: 'category'; category: string; eventIds: readonly number[] }
  /** `service: sysmon`: the rule selects its own event ids. */
  | { kind: 'service' }
  /** Any other log source, which the Sysmon schema does not cover. */
  | { kind: 'other'; description: string }

export function sysmonMapping(rule: SigmaRule): SysmonMapping {
  const product = rule.logsource?.product?.value
  const category = rule.logsource?.category?.value
  const service = rule.logsource?.service?.value
  if (product === 'windows' && service === 'sysmon' && category === undefined) return { kind: 'service' }
  const eventIds = category !== undefined ? SYSMON_CATEGORY_EVENT_IDS[category] : undefined
  if (product === 'windows' && eventIds && service === undefined) {
    return { kind: 'category', category: category as string, eventIds }
  }
  const parts = [
    product && `product: ${product}`,
    category && `category: ${category}`,
    service && `service: ${service}`,
  ].filter(Boolean)
  return { kind: 'other', description: parts.join(', ') || 'no logsource' }
}

/** Field renames from Sysmon's names to the Splunk Add-on's. */
export const SPLUNK_SYSMON_FIELD_NAMES: Readonly<Record<string, string>> = {
  EventID: 'EventCode',
}

/** Add the log source's event id condition to a rule's detection. */
export function applySysmonLogsource(expr: Expr, mapping: SysmonMapping): Expr {
  if (mapping.kind !== 'category') return expr
  const eventIds = or(
    mapping.eventIds.map((id) => ({
      kind: 'field',
      field: 'EventID',
      test: { kind: 'string', parts: [{ kind: 'text', text: String(id) }], cased: false },
    })),
  )
  return and([eventIds, expr])
}

/** Statuses whose rules are checked but never deployed. */
export const SKIPPED_STATUSES: readonly string[] = ['deprecated', 'unsupported']

/** Return the rule's status when it keeps the rule out of the outputs. */
export function skippedStatus(rule: SigmaRule): string | undefined {
  const status = rule.status?.value
  return status !== undefined && SKIPPED_STATUSES.includes(status) ? status : undefined
}
