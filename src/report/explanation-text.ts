import type { FieldValue } from '../events/event.js'
import type {
  Explanation,
  FieldExplanation,
  SelectionExplanation,
} from '../match/explain.js'

/** Values of a key shown before the rest are counted. */
const SHOWN_VALUES = 3

/** Characters of an event value shown before it is cut. */
const SHOWN_CHARACTERS = 120

/**
 * Format an explanation as indented lines for a CI log: the event, then
 * each selection with its verdict and each key with the rule's values, the
 * event's value and the modifier that decided.
 *
 * @example
 * ```
 * event 1 (line 3) did not match
 *   selection 'selection' did not match
 *     ParentImage|endswith: rule '\w3wp.exe', event 'C:\Windows\explorer.exe': no match for endswith '\w3wp.exe' (rule line 12)
 * ```
 */
export function formatExplanationLines(explanation: Explanation): string[] {
  const lines = [describeEvent(explanation)]
  for (const selection of explanation.selections) {
    lines.push(`  ${describeSelection(selection)}`)
    for (const field of selection.fields) {
      lines.push(`    ${describeField(field)}`)
    }
  }
  return lines
}

/**
 * Summarise an explanation in a few sentences for an annotation: the
 * selections that kept the event out (or let it in) and their deciding keys.
 */
export function summariseExplanation(explanation: Explanation): string {
  const sentences = [`${capitalise(describeEvent(explanation))}.`]
  // A match is explained by its selections; the event id test that every
  // event of the log source passes adds nothing there.
  const deciding = explanation.matched
    ? explanation.selections.filter((item) => item.role === 'selection' && item.matched)
    : explanation.selections.filter((item) => item.role !== 'filter' && !item.matched)
  for (const selection of deciding) {
    const fields = selection.fields.filter((field) => field.matched === selection.matched)
    const details = fields.map(describeField).join('; ')
    sentences.push(`${capitalise(describeSelection(selection))}: ${details}.`)
  }
  for (const name of explanation.excludedBy) {
    const filter = explanation.selections.find((item) => item.name === name)
    const fields = (filter?.fields ?? []).filter((field) => field.matched)
    sentences.push(`Filter '${name}' matched and excluded the event: ${fields.map(describeField).join('; ')}.`)
  }
  if (explanation.matched && explanation.excludedBy.length === 0) {
    const filters = explanation.selections.filter((item) => item.role === 'filter')
    if (filters.length > 0) sentences.push(`No filter excluded it (${filters.map((item) => `'${item.name}'`).join(', ')} did not match).`)
  }
  return sentences.join(' ')
}

function describeEvent(explanation: Explanation): string {
  const line = explanation.line === undefined ? '' : ` (line ${explanation.line})`
  const verdict = explanation.matched ? 'matched' : 'did not match'
  return `event ${explanation.index + 1}${line} ${verdict}`
}

function describeSelection(selection: SelectionExplanation): string {
  const verdict = selection.matched ? 'matched' : 'did not match'
  if (selection.role === 'logsource') {
    return `logsource (the Sysmon event id test) ${verdict}`
  }
  if (selection.role === 'filter') {
    const effect = selection.matched ? ', so it excluded the event' : ''
    return `filter '${selection.name}' ${verdict}${effect}`
  }
  return `selection '${selection.name}' ${verdict}`
}

function describeField(field: FieldExplanation): string {
  const expected = describeValues(field.expected)
  const actual = field.actual === undefined ? 'absent' : quoteValue(field.actual)
  const place = field.line > 0 ? ` (rule line ${field.line})` : ''
  return `${field.key}: rule ${expected}, event ${actual}: ${field.decidedBy}${place}`
}

function describeValues(values: readonly string[]): string {
  const shown = values.slice(0, SHOWN_VALUES).map((value) => `'${value}'`)
  const more = values.length - shown.length
  return more > 0 ? `${shown.join(', ')} and ${more} more` : shown.join(', ')
}

function quoteValue(value: FieldValue): string {
  if (Array.isArray(value)) return `[${value.map(quoteValue).join(', ')}]`
  const text = String(value)
  const cut = text.length > SHOWN_CHARACTERS ? `${text.slice(0, SHOWN_CHARACTERS)}...` : text
  return `'${cut}'`
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}
