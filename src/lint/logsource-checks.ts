import type { Node } from 'yaml'
import type { Diagnostic } from '../diagnostic.js'
import type { Located, SigmaRule } from '../sigma/rule.js'
import { isMap, isScalar, spanOf } from '../sigma/yaml-document.js'
import type { RuleCheck } from './check.js'
import { closestName } from './closest-name.js'
import { fieldEntries, isFilterName, type FieldEntry } from './detection-walk.js'
import { pairOf } from './metadata-checks.js'
import {
  knownCategories,
  knownProducts,
  knownServices,
  PRODUCT_LOGSOURCES,
  PRODUCTLESS_CATEGORIES,
  PRODUCTLESS_SERVICES,
} from './logsource-taxonomy.js'
import { categoriesForEventIds, sysmonEventIds, sysmonFieldsFor } from './sysmon-fields.js'

const LOGSOURCE_KEYS = ['product', 'category', 'service', 'definition']

export const LOGSOURCE_CHECKS: RuleCheck[] = [
  {
    id: 'logsource/use-category',
    severity: 'warning',
    summary: '`service: sysmon` with an `EventID` that a generic log source category covers.',
    why: 'A generic category such as `process_creation` lets the rule run on every source of that event type (Sysmon, Security 4688, EDR data), and the backend adds the event id itself.',
    bad: 'logsource:\n    product: windows\n    service: sysmon\ndetection:\n    selection:\n        EventID: 1\n        Image|endswith: \\cmd.exe\n    condition: selection',
    good: 'logsource:\n    product: windows\n    category: process_creation\ndetection:\n    selection:\n        Image|endswith: \\cmd.exe\n    condition: selection',
    fix: 'Replace `service: sysmon` with the category named in the message and remove `EventID` from the selection.',
    run(rule, _context, emit) {
      const service = sysmonService(rule)
      if (!service || rule.logsource?.category) return []
      const eventIds = eventIdEntries(rule)
      const ids = [...new Set(eventIds.flatMap((entry) => entry.ids))].sort((a, b) => a - b)
      if (ids.length === 0) return []
      const categories = categoriesForEventIds(ids)
      const [category] = categories
      if (!category) return []
      const written = eventIds.map((entry) => `'EventID: ${entry.ids.join(', ')}' in '${entry.selection}' (line ${entry.line})`).join(' and ')
      const target = categories.map((name) => `'category: ${name}'`).join(' or ')
      return [emit(service.span, `'service: sysmon' with ${written} is the generic log source ${target}. Replace 'service: sysmon' with ${target} and remove the EventID from the selection; the backend then adds the event id, and the rule also runs on other sources of the same events.`)]
    },
  },
  {
    id: 'logsource/sysmon-without-eventid',
    severity: 'warning',
    summary: 'A `service: sysmon` rule does not select an `EventID`.',
    why: 'Sysmon writes many event types to one channel; without an event id the rule matches any of them that has the fields it tests.',
    bad: 'logsource:\n    product: windows\n    service: sysmon\ndetection:\n    selection:\n        Image|endswith: \\cmd.exe\n    condition: selection',
    good: 'logsource:\n    product: windows\n    category: process_creation\ndetection:\n    selection:\n        Image|endswith: \\cmd.exe\n    condition: selection',
    fix: 'Use a generic category, or add `EventID` to the selection.',
    run(rule, _context, emit) {
      const service = sysmonService(rule)
      if (!service || rule.logsource?.category || rule.kind !== 'rule') return []
      if (fieldEntries(rule).some((entry) => entry.modifiers.field === 'EventID')) return []
      return [emit(service.span, `The rule reads 'service: sysmon' but selects no EventID, so it matches any Sysmon event type that has its fields. Use a generic category such as 'category: process_creation', or add 'EventID' to the selection.`)]
    },
  },
  {
    id: 'logsource/unknown-field',
    severity: 'warning',
    summary: 'A Windows Sysmon-backed rule tests a field that the Sysmon event of its category does not have.',
    why: 'The rule is converted for the Sysmon schema; a field the event lacks never matches, so the selection (or filter) silently never applies.',
    bad: 'logsource:\n    product: windows\n    category: file_event\ndetection:\n    selection:\n        CommandLine|contains: vssadmin\n    condition: selection',
    good: 'logsource:\n    product: windows\n    category: process_creation\ndetection:\n    selection:\n        CommandLine|contains: vssadmin\n    condition: selection',
    fix: 'Use the field name of the Sysmon event (the message suggests one when it looks misspelled), or move the rule to a log source that has the field.',
    run(rule, _context, emit) {
      const eventIds = sysmonEventIdsOf(rule)
      if (!eventIds) return []
      const allowed = sysmonFieldsFor(eventIds)
      const found: Diagnostic[] = []
      for (const entry of fieldEntries(rule)) {
        const field = entry.modifiers.field
        if (field === '' || allowed.has(field)) continue
        const suggestion = closestName(field, allowed)
        const hint = suggestion ? `Did you mean '${suggestion}'?` : `Use a field of Sysmon event ${eventIds.join('/')}, or a log source that has '${field}'.`
        found.push(emit(entry.keySpan, `The field '${field}' is not part of Sysmon event ${eventIds.join('/')} (${describeLogsource(rule)}), so this test never matches Sysmon data. ${hint}`))
      }
      return found
    },
  },
  {
    id: 'logsource/misspelled',
    severity: 'warning',
    summary: 'A log source key or value looks like a misspelling of one in the Sigma taxonomy.',
    why: 'Log source values are matched exactly by backends and pipelines; `proces_creation` selects no logs at all.',
    bad: 'logsource:\n    product: windows\n    categroy: proces_creation',
    good: 'logsource:\n    product: windows\n    category: process_creation',
    fix: 'Use the key or value the message suggests.',
    run(rule, _context, emit) {
      return [...misspelledKeys(rule, emit), ...misspelledValues(rule, emit)]
    },
  },
  {
    id: 'logsource/unknown',
    severity: 'info',
    summary: 'The product, category and service combination is not in the Sigma taxonomy appendix.',
    why: 'Backends and pipelines know the taxonomy log sources; a rule with another log source needs a custom mapping before it converts to a useful query.',
    bad: 'logsource:\n    product: windows\n    service: my-app',
    good: 'logsource:\n    product: windows\n    service: application',
    fix: 'Use a taxonomy log source where one fits, or make sure your pipeline maps this one.',
    run(rule, _context, emit) {
      const logsource = rule.logsource
      if (!logsource || isKnownCombination(rule)) return []
      return [emit(logsource.span, `The log source (${describeLogsource(rule)}) is not in the Sigma taxonomy, so backends need a custom mapping for it. Use a taxonomy log source where one fits.`)]
    },
  },
]

function sysmonService(rule: SigmaRule): Located<string> | undefined {
  const logsource = rule.logsource
  if (logsource?.product?.value !== 'windows' || logsource.service?.value !== 'sysmon') return undefined
  return logsource.service
}

interface EventIdEntry {
  selection: string
  line: number
  ids: number[]
}

/** Return the EventID values that positive (non-filter) selections require. */
function eventIdEntries(rule: SigmaRule): EventIdEntry[] {
  return fieldEntries(rule)
    .filter((entry) => entry.key === 'EventID' && !isFilterName(entry.selection.name))
    .map((entry) => ({ selection: entry.selection.name, line: entry.keySpan.line, ids: numericValues(entry) }))
    .filter((entry) => entry.ids.length > 0)
}

function numericValues(entry: FieldEntry): number[] {
  return entry.values.map((value) => Number(value.value)).filter((value) => Number.isInteger(value))
}

/** Return the Sysmon event ids a Windows rule is limited to, if its log source is Sysmon-backed. */
function sysmonEventIdsOf(rule: SigmaRule): readonly number[] | undefined {
  const logsource = rule.logsource
  if (rule.kind !== 'rule' || logsource?.product?.value !== 'windows') return undefined
  const category = logsource.category?.value
  if (category !== undefined && logsource.service === undefined) return sysmonEventIds(category)
  if (category !== undefined || !sysmonService(rule)) return undefined
  const ids = [...new Set(eventIdEntries(rule).flatMap((entry) => entry.ids))]
  return ids.length > 0 ? ids : undefined
}

function describeLogsource(rule: SigmaRule): string {
  const logsource = rule.logsource
  const parts = (['product', 'category', 'service'] as const)
    .map((key) => logsource?.[key] && `${key}: ${logsource[key]?.value}`)
    .filter(Boolean)
  return parts.join(', ') || 'no log source values'
}

function isKnownCombination(rule: SigmaRule): boolean {
  const product = rule.logsource?.product?.value
  const category = rule.logsource?.category?.value
  const service = rule.logsource?.service?.value
  if (product === undefined) {
    if (category !== undefined && !PRODUCTLESS_CATEGORIES.includes(category)) return false
    if (service !== undefined && !PRODUCTLESS_SERVICES.includes(service)) return false
    return category !== undefined || service !== undefined
  }
  const entry = PRODUCT_LOGSOURCES[product]
  if (!entry) return false
  if (category !== undefined && !entry.categories.includes(category)) return false
  if (service !== undefined && !entry.services.includes(service)) return false
  return true
}

function misspelledKeys(rule: SigmaRule, emit: Parameters<RuleCheck['run']>[2]): Diagnostic[] {
  const value = pairOf(rule, 'logsource')?.value as Node | null | undefined
  if (!isMap(value)) return []
  const found: Diagnostic[] = []
  for (const pair of value.items) {
    if (!isScalar(pair.key)) continue
    const key = String(pair.key.value)
    if (LOGSOURCE_KEYS.includes(key)) continue
    const suggestion = closestName(key, LOGSOURCE_KEYS)
    if (!suggestion) continue
    found.push(emit(spanOf(pair.key as Node, rule.lineCounter), `The log source key '${key}' is not a Sigma log source attribute, so converters ignore it. Did you mean '${suggestion}'?`))
  }
  return found
}

function misspelledValues(rule: SigmaRule, emit: Parameters<RuleCheck['run']>[2]): Diagnostic[] {
  const logsource = rule.logsource
  if (!logsource) return []
  const known: Record<'product' | 'category' | 'service', ReadonlySet<string>> = {
    product: knownProducts(),
    category: knownCategories(),
    service: knownServices(),
  }
  const found: Diagnostic[] = []
  for (const key of ['product', 'category', 'service'] as const) {
    const value = logsource[key]
    if (!value || known[key].has(value.value)) continue
    const suggestion = closestName(value.value, known[key])
    if (!suggestion) continue
    found.push(emit(value.span, `The ${key} '${value.value}' is not in the Sigma taxonomy, so backends select no logs for it. Did you mean '${suggestion}'?`))
  }
  return found
}
