import { COMPARISON_MODIFIERS, MATCH_POSITION_MODIFIERS, TIME_MODIFIERS, type ModifierSet } from './modifiers.js'

/**
 * Modifiers that replace plain string matching, each with the modifiers that
 * still mean something next to it. Any other modifier beside one of these
 * would be dropped without effect, so the combination is rejected.
 */
const EXCLUSIVE_COMPANIONS: readonly { name: string; companions: readonly string[]; hint: string }[] = [
  { name: 're', companions: ['i', 'm', 's', 'all', 'neq'], hint: "Put the position or case into the pattern itself, e.g. '.*\\\\cmd\\.exe$' or '|re|i'." },
  { name: 'fieldref', companions: ['contains', 'startswith', 'endswith', 'cased', 'all', 'neq'], hint: 'A field reference compares the values of two fields, so encodings, windash and patterns do not apply.' },
  { name: 'cidr', companions: ['all', 'neq'], hint: "Write the network alone, e.g. 'DestinationIp|cidr: 10.0.0.0/8'." },
  ...COMPARISON_MODIFIERS.map((name) => ({ name, companions: ['all', 'neq'], hint: `Compare a number alone, e.g. 'DestinationPort|${name}: 1024'.` })),
]

const UTF16_MODIFIERS = ['utf16le', 'utf16be', 'utf16', 'wide']

/**
 * Describe why the modifiers of one field key cannot be combined, or return
 * undefined when they can. Time modifiers, `exists` and `expand` check their
 * own companions where they are lowered.
 */
export function modifierConflict(modifiers: ModifierSet): string | undefined {
  const present = (names: readonly string[]): string[] => names.filter((name) => modifiers.has(name))
  if (modifiers.has('exists') || modifiers.has('expand') || present(TIME_MODIFIERS).length > 0) return undefined

  const positions = present(MATCH_POSITION_MODIFIERS)
  if (positions.length > 1) return `'${positions.join("' and '")}' each set where the value must match. Keep one of them, or use '|re' for a more complex pattern.`
  const comparisons = present(COMPARISON_MODIFIERS)
  if (comparisons.length > 1) return `'${comparisons.join("' and '")}' are two comparisons on one value. Write a range as two field entries in one selection.`
  const base64 = present(['base64', 'base64offset'])
  if (base64.length > 1) return `'base64' and 'base64offset' are two encodings. Keep 'base64offset' to find the value anywhere inside encoded text, or 'base64' for the whole value.`
  const utf16 = present(UTF16_MODIFIERS)
  if (utf16.length > 1) return `'${utf16.join("' and '")}' are two text encodings. Keep one of them.`

  for (const { name, companions, hint } of EXCLUSIVE_COMPANIONS) {
    if (!modifiers.has(name)) continue
    const extra = modifiers.list.filter((other) => other !== name && !companions.includes(other))
    if (extra.length > 0) return `'${name}' ignores '${extra.join("', '")}'. ${hint}`
  }
  return undefined
}
