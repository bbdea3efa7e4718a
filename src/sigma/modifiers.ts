/** Modifiers of the Sigma specification v2.1, grouped by what they change. */
export const MATCH_POSITION_MODIFIERS = ['contains', 'startswith', 'endswith'] as const
export const ENCODING_MODIFIERS = ['base64', 'base64offset', 'utf16le', 'utf16be', 'utf16', 'wide'] as const
export const REGEX_FLAG_MODIFIERS = ['i', 'm', 's'] as const
export const COMPARISON_MODIFIERS = ['gt', 'gte', 'lt', 'lte'] as const
export const TIME_MODIFIERS = ['minute', 'hour', 'day', 'week', 'month', 'year'] as const
export const OTHER_MODIFIERS = ['all', 're', 'cased', 'windash', 'cidr', 'exists', 'fieldref', 'neq', 'expand'] as const

export const KNOWN_MODIFIERS: ReadonlySet<string> = new Set<string>([
  ...MATCH_POSITION_MODIFIERS,
  ...ENCODING_MODIFIERS,
  ...REGEX_FLAG_MODIFIERS,
  ...COMPARISON_MODIFIERS,
  ...TIME_MODIFIERS,
  ...OTHER_MODIFIERS,
])

/** The modifiers of one field key such as `CommandLine|windash|contains`. */
export interface ModifierSet {
  field: string
  list: string[]
  has(name: string): boolean
}

export function splitFieldKey(key: string): ModifierSet {
  const [field = '', ...list] = key.split('|')
  const names = new Set(list)
  return { field, list, has: (name) => names.has(name) }
}
