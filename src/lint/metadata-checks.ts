import type { Node, Pair } from 'yaml'
import type { Diagnostic } from '../diagnostic.js'
import type { Located, SigmaRule } from '../sigma/rule.js'
import { isScalar, isSeq, spanOf } from '../sigma/yaml-document.js'
import { todayOf, type RuleCheck } from './check.js'
import { closestName } from './closest-name.js'

/** Top-level attributes of the Sigma specification and common tool extensions. */
export const KNOWN_ATTRIBUTES = [
  'title',
  'id',
  'name',
  'related',
  'taxonomy',
  'status',
  'description',
  'license',
  'author',
  'references',
  'date',
  'modified',
  'logsource',
  'detection',
  'fields',
  'falsepositives',
  'level',
  'tags',
  'scope',
  'correlation',
  'filter',
  'regression_tests_path',
  'simulation',
]

/** Attributes a shareable rule should have besides the mandatory ones. */
const RECOMMENDED = ['status', 'description', 'author', 'date', 'level']

/** pySigma's title length validator warns above this many characters. */
const TITLE_MAX = 110

export const METADATA_CHECKS: RuleCheck[] = [
  {
    id: 'metadata/missing-id',
    severity: 'warning',
    summary: 'The rule has no `id`.',
    why: 'Tools track rules, baselines and related rules by id; without one, a renamed rule looks like a new rule.',
    bad: 'title: Whoami Execution\nstatus: test',
    good: 'title: Whoami Execution\nid: 929a690e-bef0-4204-a928-ef5e620d6fcc\nstatus: test',
    fix: "Add an `id` with a random UUID (e.g. from 'uuidgen') and keep it across edits.",
    run(rule, _context, emit) {
      if (rule.kind !== 'rule' || rule.id) return []
      return [emit(rule.title?.span ?? rule.span, `The rule has no 'id'. Add a UUID, e.g. from 'uuidgen', so that tools can track the rule across renames.`)]
    },
  },
  {
    id: 'metadata/missing-field',
    severity: 'info',
    summary: 'A recommended attribute (status, description, author, date, level) is missing.',
    why: 'Reviewers and alert consumers rely on these attributes to judge and triage a rule.',
    bad: 'title: Whoami Execution\nlogsource:\n    category: process_creation',
    good: 'title: Whoami Execution\nstatus: test\ndescription: Detects whoami.exe\nauthor: Jane Doe\ndate: 2024-03-01\nlevel: low\nlogsource:\n    category: process_creation',
    fix: 'Add the attributes named in the message.',
    run(rule, _context, emit) {
      if (rule.kind !== 'rule') return []
      const missing = RECOMMENDED.filter((key) => !pairOf(rule, key))
      if (missing.length === 0) return []
      const list = missing.map((key) => `'${key}'`).join(', ')
      return [emit(rule.title?.span ?? rule.span, `The rule has no ${list}. Add ${missing.length === 1 ? 'it' : 'them'} so that reviewers can judge and triage the rule.`)]
    },
  },
  {
    id: 'metadata/invalid-date',
    severity: 'error',
    summary: '`date` or `modified` is in YYYY-MM-DD form but is not a calendar date.',
    why: 'A date such as 2024-02-30 does not exist; tools that sort or filter rules by date reject it.',
    bad: 'date: 2024-02-30',
    good: 'date: 2024-02-29',
    fix: 'Correct the month or day.',
    run(rule, _context, emit) {
      return datesOf(rule)
        .filter((date) => isDateForm(date.value) && !isCalendarDate(date.value))
        .map((date) => emit(date.span, `'${date.key}' is '${date.value}', which is not a calendar date. Correct the month or the day.`))
    },
  },
  {
    id: 'metadata/future-date',
    severity: 'warning',
    summary: '`date` or `modified` lies in the future.',
    why: 'A future date is usually a typo in the year or month, and it breaks sorting rules by age.',
    bad: 'date: 2042-03-01',
    good: 'date: 2024-03-01',
    fix: 'Write the date the rule was created or last changed.',
    run(rule, context, emit) {
      const today = todayOf(context)
      return datesOf(rule)
        .filter((date) => isCalendarDate(date.value) && date.value > today)
        .map((date) => emit(date.span, `'${date.key}' is '${date.value}', which is after today (${today}). Write the date the rule was created or last changed.`))
    },
  },
  {
    id: 'metadata/modified-before-date',
    severity: 'warning',
    summary: '`modified` is earlier than `date`.',
    why: 'A rule cannot be changed before it was created; one of the two dates is wrong.',
    bad: 'date: 2024-03-01\nmodified: 2023-03-01',
    good: 'date: 2023-03-01\nmodified: 2024-03-01',
    fix: 'Correct whichever date is wrong.',
    run(rule, _context, emit) {
      const [date, modified] = ['date', 'modified'].map((key) => datesOf(rule).find((entry) => entry.key === key))
      if (!date || !modified || !isCalendarDate(date.value) || !isCalendarDate(modified.value)) return []
      if (modified.value >= date.value) return []
      return [emit(modified.span, `'modified' is '${modified.value}', earlier than 'date' '${date.value}'. Correct whichever date is wrong.`)]
    },
  },
  {
    id: 'metadata/empty-value',
    severity: 'warning',
    summary: 'An attribute or list entry is present but empty.',
    why: 'An empty author, description, reference or false positive says nothing and hides that the information is missing.',
    bad: "author:\nfalsepositives:\n    - ''",
    good: 'author: Jane Doe\nfalsepositives:\n    - Unknown',
    fix: 'Fill in the value or remove the attribute.',
    run(rule, _context, emit) {
      const found: Diagnostic[] = []
      for (const key of ['author', 'description', 'license', 'references', 'falsepositives', 'fields', 'tags']) {
        const pair = pairOf(rule, key)
        if (!pair) continue
        for (const node of emptyNodes(pair)) {
          found.push(emit(spanOf(node, rule.lineCounter), `'${key}' has an empty value. Fill it in or remove it.`))
        }
      }
      return found
    },
  },
  {
    id: 'metadata/invalid-reference',
    severity: 'warning',
    summary: 'A reference is not an http or https URL.',
    why: 'References let reviewers check the source of a rule; text that is not a link cannot be followed.',
    bad: 'references:\n    - internal research',
    good: 'references:\n    - https://example.com/blog/whoami-abuse',
    fix: 'Link the public source, or move the note into `description`.',
    run(rule, _context, emit) {
      return rule.references
        .filter((reference) => reference.value.trim() !== '' && !isHttpUrl(reference.value))
        .map((reference) => emit(reference.span, `Reference '${reference.value}' is not an http(s) URL. Link the public source, or move the note into 'description'.`))
    },
  },
  {
    id: 'metadata/duplicate-reference',
    severity: 'warning',
    summary: 'The same reference is listed twice.',
    why: 'A repeated reference is noise and often a copy-paste slip that replaced another link.',
    bad: 'references:\n    - https://example.com/a\n    - https://example.com/a',
    good: 'references:\n    - https://example.com/a',
    fix: 'Remove the repeated entry.',
    run(rule, _context, emit) {
      return duplicates(rule.references, (value) => value.replace(/\/+$/, '')).map(({ entry, first }) =>
        emit(entry.span, `Reference '${entry.value}' is listed again (first on line ${first.span.line}). Remove the repeated entry.`),
      )
    },
  },
  {
    id: 'metadata/duplicate-field',
    severity: 'warning',
    summary: 'A name is listed twice under `fields`.',
    why: 'A repeated field adds a repeated column to the analyst view and often hides a typo of another field.',
    bad: 'fields:\n    - CommandLine\n    - CommandLine',
    good: 'fields:\n    - CommandLine\n    - ParentImage',
    fix: 'Remove the repeated entry.',
    run(rule, _context, emit) {
      return duplicates(stringList(rule, 'fields'), (value) => value).map(({ entry, first }) =>
        emit(entry.span, `Field '${entry.value}' is listed again under 'fields' (first on line ${first.span.line}). Remove the repeated entry.`),
      )
    },
  },
  {
    id: 'metadata/field-with-modifier',
    severity: 'warning',
    summary: 'An entry of `fields` carries a value modifier such as `|contains`.',
    why: '`fields` names the event fields to show; a modifier makes the name match no field.',
    bad: 'fields:\n    - CommandLine|contains',
    good: 'fields:\n    - CommandLine',
    fix: 'Write the bare field name.',
    run(rule, _context, emit) {
      return stringList(rule, 'fields')
        .filter((field) => field.value.includes('|'))
        .map((field) => emit(field.span, `Field '${field.value}' under 'fields' carries a modifier. Write the bare field name '${field.value.split('|')[0] ?? ''}'.`))
    },
  },
  {
    id: 'metadata/title-length',
    severity: 'warning',
    summary: `The title is longer than ${TITLE_MAX} characters.`,
    why: 'Titles appear in alert lists and notification subjects, where long titles are cut off.',
    bad: 'title: Detects A Suspicious Windows Command Interpreter That Was Spawned As A Child Process By Any Of Several Web Servers Or Script Runtimes',
    good: 'title: Command Interpreter Spawned by Web or Script Runtime',
    fix: 'Shorten the title and move the detail into `description`.',
    run(rule, _context, emit) {
      const title = rule.title
      if (!title || title.value.length <= TITLE_MAX) return []
      return [emit(title.span, `The title has ${title.value.length} characters, more than ${TITLE_MAX}. Shorten it and move the detail into 'description'.`)]
    },
  },
  {
    id: 'metadata/title-style',
    severity: 'info',
    summary: "The title ends with a period, starts in lower case, or starts with 'Detects'.",
    why: "A title is a label in alert lists, not a sentence: 'Detects' and a final period take space without adding meaning.",
    bad: 'title: detects whoami execution.',
    good: 'title: Whoami Execution',
    fix: "Start with a capital letter, drop a leading 'Detects' and the final period.",
    run(rule, _context, emit) {
      const title = rule.title
      if (!title) return []
      const problems: string[] = []
      if (/^detects?\b/i.test(title.value)) problems.push("starts with 'Detects'")
      if (/^[a-z]/.test(title.value) && !/^[a-z]+[A-Z0-9]/.test(title.value)) problems.push('starts in lower case')
      if (/\.\s*$/.test(title.value)) problems.push('ends with a period')
      if (problems.length === 0) return []
      return [emit(title.span, `The title '${title.value}' ${problems.join(' and ')}. Write it as a label, e.g. 'Whoami Execution'.`)]
    },
  },
  {
    id: 'metadata/attribute-typo',
    severity: 'warning',
    summary: 'A top-level attribute looks like a misspelling of a Sigma attribute.',
    why: 'Custom attributes are allowed, so a misspelled `refrences` or `falsepositive` is silently ignored by every tool.',
    bad: 'refrences:\n    - https://example.com/a',
    good: 'references:\n    - https://example.com/a',
    fix: 'Rename the attribute to the one the message suggests.',
    run(rule, _context, emit) {
      const found: Diagnostic[] = []
      for (const pair of rule.map.items) {
        if (!isScalar(pair.key)) continue
        const key = String(pair.key.value)
        if (KNOWN_ATTRIBUTES.includes(key)) continue
        const suggestion = closestName(key, KNOWN_ATTRIBUTES)
        if (!suggestion) continue
        found.push(emit(spanOf(pair.key as Node, rule.lineCounter), `The attribute '${key}' is not a Sigma attribute, so tools ignore it. Did you mean '${suggestion}'?`))
      }
      return found
    },
  },
]

/** Return the pair of a top-level attribute. */
export function pairOf(rule: SigmaRule, key: string): Pair | undefined {
  return rule.map.items.find((pair) => isScalar(pair.key) && pair.key.value === key)
}

/** Return the string entries of a top-level list attribute with their spans. */
export function stringList(rule: SigmaRule, key: string): Located<string>[] {
  const value = pairOf(rule, key)?.value as Node | null | undefined
  if (!isSeq(value)) return []
  const list: Located<string>[] = []
  for (const item of value.items) {
    const span = spanOf(item as Node, rule.lineCounter)
    if (isScalar(item) && typeof item.value === 'string' && span) list.push({ value: item.value, span })
  }
  return list
}

interface LocatedDate extends Located<string> {
  key: string
}

function datesOf(rule: SigmaRule): LocatedDate[] {
  const dates: LocatedDate[] = []
  for (const key of ['date', 'modified']) {
    const value = pairOf(rule, key)?.value as Node | null | undefined
    const span = spanOf(value, rule.lineCounter)
    if (isScalar(value) && typeof value.value === 'string' && span) dates.push({ key, value: value.value, span })
  }
  return dates
}

function isDateForm(value: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(value)
}

function isCalendarDate(value: string): boolean {
  if (!isDateForm(value)) return false
  const [year, month, day] = value.split('-').map(Number) as [number, number, number]
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month)
}

/** Return the days of a month of the proleptic Gregorian calendar. */
function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28
  return [4, 6, 9, 11].includes(month) ? 30 : 31
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value.trim())
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== ''
  } catch {
    return false
  }
}

function emptyNodes(pair: Pair): Node[] {
  // Null values are left to the schema check, which reports them as type errors.
  const isBlank = (node: unknown): boolean =>
    isScalar(node) && typeof node.value === 'string' && node.value.trim() === ''
  const value = pair.value as Node | null
  if (isBlank(value)) return [value as Node]
  if (!isSeq(value)) return []
  return (value.items as Node[]).filter(isBlank)
}

/** Return each entry whose normalised value an earlier entry already has. */
export function duplicates<T extends Located<string>>(
  entries: readonly T[],
  normalise: (value: string) => string,
): { entry: T; first: T }[] {
  const seen = new Map<string, T>()
  const found: { entry: T; first: T }[] = []
  for (const entry of entries) {
    const key = normalise(entry.value)
    const first = seen.get(key)
    if (first) found.push({ entry, first })
    else seen.set(key, entry)
  }
  return found
}
