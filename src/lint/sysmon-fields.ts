import { SYSMON_CATEGORY_EVENT_IDS } from '../pipeline/sysmon.js'

/*
 * Field names of each Sysmon event, by event id. Sources: the event schema
 * that Sysmon v15 prints with `sysmon -s` (the <event> elements and their
 * <data> names), cross-checked against the field table of `process_creation`
 * in the Sigma taxonomy appendix v2.1.0, which adopts Sysmon's names for the
 * generic Windows categories. The category-to-event-id table is the one the
 * Sysmon pipeline uses (SYSMON_CATEGORY_EVENT_IDS).
 */
const PROCESS = ['ProcessGuid', 'ProcessId', 'Image', 'User']
const HASH_PARTS = ['md5', 'sha1', 'sha256', 'Imphash', 'imphash']
const FILE_DELETE = [...PROCESS, 'TargetFilename', 'Hashes', 'IsExecutable', ...HASH_PARTS]
const PIPE = ['EventType', ...PROCESS, 'PipeName']
const WMI = ['EventType', 'Operation', 'User']

export const SYSMON_EVENT_FIELDS: Readonly<Record<number, readonly string[]>> = {
  1: [
    ...PROCESS,
    'FileVersion',
    'Description',
    'Product',
    'Company',
    'OriginalFileName',
    'CommandLine',
    'CurrentDirectory',
    'LogonGuid',
    'LogonId',
    'TerminalSessionId',
    'IntegrityLevel',
    'Hashes',
    ...HASH_PARTS,
    'ParentProcessGuid',
    'ParentProcessId',
    'ParentImage',
    'ParentCommandLine',
    'ParentUser',
  ],
  2: [...PROCESS, 'TargetFilename', 'CreationUtcTime', 'PreviousCreationUtcTime'],
  3: [
    ...PROCESS,
    'Protocol',
    'Initiated',
    'SourceIsIpv6',
    'SourceIp',
    'SourceHostname',
    'SourcePort',
    'SourcePortName',
    'DestinationIsIpv6',
    'DestinationIp',
    'DestinationHostname',
    'DestinationPort',
    'DestinationPortName',
  ],
  4: ['State', 'Version', 'SchemaVersion'],
  5: PROCESS,
  6: ['ImageLoaded', 'Hashes', ...HASH_PARTS, 'Signed', 'Signature', 'SignatureStatus'],
  7: [
    ...PROCESS,
    'ImageLoaded',
    'FileVersion',
    'Description',
    'Product',
    'Company',
    'OriginalFileName',
    'Hashes',
    ...HASH_PARTS,
    'Signed',
    'Signature',
    'SignatureStatus',
  ],
  8: [
    'SourceProcessGuid',
    'SourceProcessId',
    'SourceImage',
    'TargetProcessGuid',
    'TargetProcessId',
    'TargetImage',
    'NewThreadId',
    'StartAddress',
    'StartModule',
    'StartFunction',
    'SourceUser',
    'TargetUser',
  ],
  9: [...PROCESS, 'Device'],
  10: [
    'SourceProcessGUID',
    'SourceProcessId',
    'SourceThreadId',
    'SourceImage',
    'TargetProcessGUID',
    'TargetProcessId',
    'TargetImage',
    'GrantedAccess',
    'CallTrace',
    'SourceUser',
    'TargetUser',
  ],
  11: [...PROCESS, 'TargetFilename', 'CreationUtcTime'],
  12: ['EventType', ...PROCESS, 'TargetObject'],
  13: ['EventType', ...PROCESS, 'TargetObject', 'Details'],
  14: ['EventType', ...PROCESS, 'TargetObject', 'NewName'],
  15: [...PROCESS, 'TargetFilename', 'CreationUtcTime', 'Hash', 'Contents'],
  16: ['Configuration', 'ConfigurationFileHash'],
  17: PIPE,
  18: PIPE,
  19: [...WMI, 'EventNamespace', 'Name', 'Query'],
  20: [...WMI, 'Name', 'Type', 'Destination'],
  21: [...WMI, 'Consumer', 'Filter'],
  22: [...PROCESS, 'QueryName', 'QueryStatus', 'QueryResults'],
  23: [...FILE_DELETE, 'Archived'],
  24: [...PROCESS, 'Session', 'ClientInfo', 'Hashes', 'Archived'],
  25: [...PROCESS, 'Type'],
  26: FILE_DELETE,
  27: FILE_DELETE,
  28: FILE_DELETE,
  29: [...PROCESS, 'TargetFilename', 'Hashes', ...HASH_PARTS],
  255: ['ID', 'Description'],
}

/** Fields of the event envelope that every Sysmon event carries. */
export const SYSMON_COMMON_FIELDS = [
  'EventID',
  'Channel',
  'Computer',
  'Provider_Name',
  'RuleName',
  'UtcTime',
]

/** Field sets by their event ids, joined with commas; rules use few distinct combinations. */
const fieldsByEventIds = new Map<string, ReadonlySet<string>>()

/** Return the field names allowed for a set of Sysmon event ids. */
export function sysmonFieldsFor(eventIds: readonly number[]): ReadonlySet<string> {
  const key = eventIds.join(',')
  const known = fieldsByEventIds.get(key)
  if (known) return known
  const fields = new Set(SYSMON_COMMON_FIELDS)
  for (const id of eventIds) {
    for (const field of SYSMON_EVENT_FIELDS[id] ?? []) fields.add(field)
  }
  fieldsByEventIds.set(key, fields)
  return fields
}

/** Return the Sysmon event ids of a generic Windows category, if it is one. */
export function sysmonEventIds(category: string): readonly number[] | undefined {
  return SYSMON_CATEGORY_EVENT_IDS[category]
}

/**
 * Return the generic categories that cover exactly the smallest set of
 * event ids including all of `eventIds`, e.g. [1] gives process_creation.
 */
export function categoriesForEventIds(eventIds: readonly number[]): string[] {
  const covering = Object.entries(SYSMON_CATEGORY_EVENT_IDS).filter(([, ids]) =>
    eventIds.every((id) => ids.includes(id)),
  )
  const smallest = Math.min(...covering.map(([, ids]) => ids.length))
  return covering.filter(([, ids]) => ids.length === smallest).map(([name]) => name)
}
