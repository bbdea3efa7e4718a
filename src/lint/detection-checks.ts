import type { Diagnostic } from '../diagnostic.js'
import type { PatternPart } from '../ir/expr.js'
import type { SigmaRule } from '../sigma/rule.js'
import { parseSigmaString } from '../sigma/string-value.js'
import { isMap, isSeq } from '../sigma/yaml-document.js'
import type { Emit, RuleCheck } from './check.js'
import { fieldEntries, isFilterName, type FieldEntry } from './detection-walk.js'
import { nestedQuantifier } from './regex-risk.js'

/** Modifiers after which a value is no longer a Sigma wildcard string. */
const NON_WILDCARD_MODIFIERS = ['re', 'cidr', 'base64', 'base64offset', 'exists', 'fieldref', 'gt', 'gte', 'lt', 'lte', 'expand']

/** Fields that hold an account name. */
const ACCOUNT_FIELDS = /^(User|UserName|Username|AccountName|SubjectUserName|TargetUserName|ParentUser|SourceUser|TargetUser|SamAccountName)$/

/** Account names that many other account names contain. */
const GENERIC_ACCOUNT_WORDS = ['SYSTEM', 'LOCAL SERVICE', 'NETWORK SERVICE', 'ADMIN', 'ADMINISTRATOR', 'GUEST', 'USER', 'SERVICE']

/** Well-known Windows service accounts, with their exact names. */
const NT_AUTHORITY_ACCOUNTS = ['SYSTEM', 'LOCAL SERVICE', 'NETWORK SERVICE']

export const DETECTION_CHECKS: RuleCheck[] = [
  {
    id: 'detection/single-item-list',
    severity: 'info',
    summary: 'A value list or a selection list holds a single element.',
    why: 'A one-element list reads as if values were missing; a plain value says the same more clearly.',
    bad: 'selection:\n    Image|endswith:\n        - \\cmd.exe',
    good: "selection:\n    Image|endswith: '\\cmd.exe'",
    fix: 'Write the single element on the key line, without the list.',
    run(rule, _context, emit) {
      const found: Diagnostic[] = []
      for (const entry of fieldEntries(rule)) {
        if (entry.key === '' || !isSeq(entry.valueNode) || entry.valueNode.items.length !== 1) continue
        found.push(emit(entry.keySpan, `'${entry.key}' has a list with a single value '${String(entry.values[0]?.value)}'. Write the value on the key line: '${entry.key}: ...'.`))
      }
      for (const selection of rule.detection?.selections ?? []) {
        const node = selection.node
        if (isSeq(node) && node.items.length === 1 && isMap(node.items[0])) {
          found.push(emit(selection.span, `The selection '${selection.name}' is a list holding one map. Remove the '- ' and write the map directly under '${selection.name}:'.`))
        }
      }
      return found
    },
  },
  {
    id: 'detection/wildcard-instead-of-modifier',
    severity: 'info',
    summary: "A value starts or ends with '*' where `startswith`, `endswith` or `contains` says the same.",
    why: 'The modifiers state the intent, keep values free of wildcards and let backends pick their fastest operator.',
    bad: "selection:\n    Image: '*\\cmd.exe'",
    good: "selection:\n    Image|endswith: '\\cmd.exe'",
    fix: "Add the modifier named in the message to the field and remove the '*' from each value.",
    run(rule, _context, emit) {
      const found: Diagnostic[] = []
      for (const entry of fieldEntries(rule)) {
        if (entry.key === '' || entry.modifiers.list.length > 0) continue
        const modifier = commonModifier(entry)
        if (!modifier) continue
        found.push(emit(entry.keySpan, `Every value of '${entry.key}' ${modifierShape(modifier)}. Write '${entry.key}|${modifier}' and remove those wildcards from the values.`))
      }
      return found
    },
  },
  {
    id: 'detection/redundant-wildcard',
    severity: 'warning',
    summary: "A value has '**', or a '*' that its `contains`, `startswith` or `endswith` modifier already adds.",
    why: "A doubled wildcard is almost always a slip that hides what was meant, and some backends turn it into a slower query.",
    bad: "selection:\n    CommandLine|contains: '*-enc*'",
    good: "selection:\n    CommandLine|contains: '-enc'",
    fix: "Remove the extra '*'.",
    run(rule, _context, emit) {
      const found: Diagnostic[] = []
      for (const entry of wildcardEntries(rule)) {
        for (const value of entry.values) {
          if (typeof value.value !== 'string') continue
          const problem = redundantWildcard(value.value, entry)
          if (problem) found.push(emit(value.span, `The value '${value.value}' of '${entry.key}' ${problem}. Remove the extra '*'.`))
        }
      }
      return found
    },
  },
  {
    id: 'detection/regex-backtracking',
    severity: 'warning',
    summary: 'A `re` value repeats a group whose content is itself repeated, e.g. `(a+)+`.',
    why: 'Backtracking regex engines (PCRE in Splunk, Java, .NET) can take exponential time on such a pattern when an event almost matches, which can stall a search.',
    bad: "selection:\n    CommandLine|re: '(\\w+\\s?)+$'",
    good: "selection:\n    CommandLine|re: '\\w+(\\s\\w+)*$'",
    fix: 'Rewrite the group so that each character can be matched in only one way, or bound the outer repetition.',
    run(rule, _context, emit) {
      const found: Diagnostic[] = []
      for (const entry of fieldEntries(rule)) {
        if (!entry.modifiers.has('re')) continue
        for (const value of entry.values) {
          const group = typeof value.value === 'string' ? nestedQuantifier(value.value) : undefined
          if (group) found.push(emit(value.span, `The regular expression '${String(value.value)}' repeats '${group}', a group whose content is already repeated; PCRE can backtrack exponentially on it. Rewrite it so that each character can match in only one way, or bound the outer repetition.`))
        }
      }
      return found
    },
  },
  {
    id: 'detection/control-character',
    severity: 'warning',
    summary: 'A value contains a line break or another control character.',
    why: 'Such characters usually come from a block scalar or a paste; event fields rarely contain them, so the value silently never matches.',
    bad: 'selection:\n    CommandLine|contains: |\n        -enc',
    good: "selection:\n    CommandLine|contains: '-enc'",
    fix: 'Quote the value on one line, without the control character.',
    run(rule, _context, emit) {
      const found: Diagnostic[] = []
      for (const entry of fieldEntries(rule)) {
        for (const value of entry.values) {
          if (typeof value.value !== 'string') continue
          const match = /[\u0000-\u0008\u000a-\u001f\u007f]/.exec(value.value)
          if (match) found.push(emit(value.span, `The value '${printable(value.value)}' of '${entry.key || 'keywords'}' contains the control character U+${match[0].charCodeAt(0).toString(16).padStart(4, '0').toUpperCase()}. Quote the value on one line, without it.`))
        }
      }
      return found
    },
  },
  {
    id: 'detection/regex-without-modifier',
    severity: 'warning',
    summary: "A value without `|re` contains regex syntax such as '.*' inside the value, '.+' or '[0-9]'.",
    why: "Without `|re` the value is a Sigma wildcard string: '.*' means a literal dot followed by anything, and '\\d' is a backslash and a 'd', so the rule does not match what was meant.",
    bad: "selection:\n    CommandLine: 'rundll32.*,#\\d+'",
    good: "selection:\n    CommandLine|re: 'rundll32.*,#\\d+'",
    fix: "Add `|re` to the field if the value is a regular expression; otherwise write it with Sigma wildcards ('*' and '?').",
    run(rule, _context, emit) {
      const found: Diagnostic[] = []
      for (const entry of wildcardEntries(rule)) {
        for (const value of entry.values) {
          if (typeof value.value !== 'string') continue
          const syntax = regexSyntax(value.value)
          if (syntax) found.push(emit(value.span, `The value '${value.value}' of '${entry.key || 'keywords'}' contains the regex syntax '${syntax}', but without '|re' it is a wildcard string, where '${syntax}' has no regex meaning. Add '|re' if it is a regular expression, or rewrite it with '*' and '?'.`))
        }
      }
      return found
    },
  },
  {
    id: 'detection/broad-filter',
    severity: 'warning',
    summary: 'A filter excludes by `contains` on a generic account name such as SYSTEM.',
    why: "`User|contains: SYSTEM` also excludes any user whose name merely contains SYSTEM, e.g. an attacker's 'SYSTEMADMIN' account, so the rule misses real activity.",
    bad: 'filter_system:\n    User|contains: SYSTEM',
    good: "filter_system:\n    User: 'NT AUTHORITY\\SYSTEM'",
    fix: "Match the exact account, e.g. `User: 'NT AUTHORITY\\SYSTEM'` or `User|endswith: '\\SYSTEM'`.",
    run(rule, _context, emit) {
      const found: Diagnostic[] = []
      for (const entry of fieldEntries(rule)) {
        if (!isFilterName(entry.selection.name) || !entry.modifiers.has('contains')) continue
        if (!ACCOUNT_FIELDS.test(entry.modifiers.field)) continue
        const words = entry.values
          .map((value) => String(value.value ?? '').trim())
          .filter((value) => GENERIC_ACCOUNT_WORDS.includes(value.toUpperCase()))
        if (words.length > 0) found.push(broadFilter(entry, words, emit))
      }
      return found
    },
  },
  {
    id: 'detection/duplicate-value',
    severity: 'warning',
    summary: 'The same value is listed twice for one field.',
    why: 'A repeated value is a copy-paste slip that often replaced the value that was meant.',
    bad: 'Image|endswith:\n    - \\cmd.exe\n    - \\cmd.exe',
    good: 'Image|endswith:\n    - \\cmd.exe\n    - \\powershell.exe',
    fix: 'Remove the repeated value or correct it.',
    run(rule, _context, emit) {
      const found: Diagnostic[] = []
      for (const entry of fieldEntries(rule)) {
        const seen = new Map<string, number>()
        for (const value of entry.values) {
          const key = isCaseSensitive(entry) ? String(value.value) : String(value.value).toLowerCase()
          const first = seen.get(key)
          if (first === undefined) seen.set(key, value.span.line)
          else found.push(emit(value.span, `The value '${String(value.value)}' of '${entry.key || 'keywords'}' is listed again (first on line ${first}). Remove the repeated value or correct it.`))
        }
      }
      return found
    },
  },
  {
    id: 'detection/them-includes-filter',
    severity: 'warning',
    summary: "The condition uses `1 of them` or `all of them` while a selection is named `filter*`.",
    why: "`them` means every selection, so a filter meant to exclude events becomes one more selection that matches (`1 of them`) or must match (`all of them`).",
    bad: 'selection:\n    Image|endswith: \\cmd.exe\nfilter_main:\n    User: NT AUTHORITY\\SYSTEM\ncondition: 1 of them',
    good: 'selection:\n    Image|endswith: \\cmd.exe\nfilter_main:\n    User: NT AUTHORITY\\SYSTEM\ncondition: selection and not filter_main',
    fix: 'Name the selections in the condition, e.g. `1 of selection_* and not 1 of filter_*`.',
    run(rule, _context, emit) {
      const filters = (rule.detection?.selections ?? []).filter((selection) => isFilterName(selection.name))
      if (filters.length === 0) return []
      return (rule.detection?.condition ?? [])
        .filter((condition) => /\b(1|any|all)\s+of\s+them\b/i.test(condition.value))
        .map((condition) => emit(condition.span, `The condition '${condition.value}' uses 'them', which includes the filter '${filters[0]?.name}' as a selection to match. Name the selections instead, e.g. '1 of selection_* and not 1 of filter_*'.`))
    },
  },
  {
    id: 'detection/all-of-them',
    severity: 'info',
    summary: 'The condition uses `all of them`.',
    why: '`all of them` silently changes meaning when someone adds a selection later; named selections keep the logic visible.',
    bad: 'condition: all of them',
    good: 'condition: all of selection_*',
    fix: 'Name the selections, e.g. `all of selection_*` or `selection_a and selection_b`.',
    run(rule, _context, emit) {
      return (rule.detection?.condition ?? [])
        .filter((condition) => /\ball\s+of\s+them\b/i.test(condition.value))
        .map((condition) => emit(condition.span, `The condition '${condition.value}' uses 'all of them', which changes meaning when a selection is added. Name the selections, e.g. 'all of selection_*'.`))
    },
  },
]

/** Field entries whose values are Sigma wildcard strings. */
function wildcardEntries(rule: SigmaRule): FieldEntry[] {
  return fieldEntries(rule).filter((entry) => !NON_WILDCARD_MODIFIERS.some((name) => entry.modifiers.has(name)))
}

/** Whether values of an entry compare case-sensitively: `cased`, `re` and encoded values do. */
function isCaseSensitive(entry: FieldEntry): boolean {
  return ['cased', 're', 'base64', 'base64offset'].some((name) => entry.modifiers.has(name))
}

type PositionModifier = 'contains' | 'startswith' | 'endswith'

function positionOf(parts: PatternPart[]): PositionModifier | undefined {
  const kinds = parts.map((part) => part.kind).join(',')
  if (kinds === 'any,text,any') return 'contains'
  if (kinds === 'text,any') return 'startswith'
  if (kinds === 'any,text') return 'endswith'
  return undefined
}

function commonModifier(entry: FieldEntry): PositionModifier | undefined {
  if (entry.values.length === 0) return undefined
  const positions = entry.values.map((value) =>
    typeof value.value === 'string' ? positionOf(parseSigmaString(value.value)) : undefined,
  )
  const [first] = positions
  return first && positions.every((position) => position === first) ? first : undefined
}

function modifierShape(modifier: PositionModifier): string {
  if (modifier === 'contains') return "starts and ends with '*'"
  if (modifier === 'startswith') return "ends with '*'"
  return "starts with '*'"
}

function redundantWildcard(value: string, entry: FieldEntry): string | undefined {
  const parts = parseSigmaString(value)
  // A lone '*' with contains is the common idiom for "field is not empty".
  if (parts.every((part) => part.kind === 'any')) return undefined
  const doubled = parts.some((part, index) => part.kind === 'any' && parts[index + 1]?.kind === 'any')
  if (doubled) return "contains '**', which matches the same as one '*'"
  const leading = parts[0]?.kind === 'any'
  const trailing = parts.length > 1 && parts[parts.length - 1]?.kind === 'any'
  const { modifiers } = entry
  if ((modifiers.has('contains') || modifiers.has('endswith')) && leading) {
    return `starts with '*', which '|${modifiers.has('contains') ? 'contains' : 'endswith'}' already adds`
  }
  if ((modifiers.has('contains') || modifiers.has('startswith')) && trailing) {
    return `ends with '*', which '|${modifiers.has('contains') ? 'contains' : 'startswith'}' already adds`
  }
  return undefined
}

/** Return the first piece of regex-only syntax in a wildcard value. */
function regexSyntax(value: string): string | undefined {
  // Backslash classes ('\d', '\w', '\.') are left out: Windows paths are
  // full of them ('\w3wp.exe', '\.NETFramework').
  // A final '.*' is left out too, because '127.*' is a fine wildcard value.
  const match = /(\.\*(?=.)|\.\+|\[[0-9a-zA-Z]-[0-9a-zA-Z]\]|\(\?i\))/.exec(value)
  return match?.[0]
}

function printable(value: string): string {
  return value.replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t')
}

function broadFilter(entry: FieldEntry, words: string[], emit: Emit): Diagnostic {
  const field = entry.modifiers.field
  const quoted = words.map((word) => `'${word}'`)
  const list = quoted.length === 1 ? quoted[0] : `${quoted.slice(0, -1).join(', ')} or ${quoted[quoted.length - 1]}`
  const [word = 'SYSTEM'] = words
  const exact = NT_AUTHORITY_ACCOUNTS.includes(word.toUpperCase())
    ? `${field}: 'NT AUTHORITY\\${word}' or ${field}|endswith: '\\${word}'`
    : `${field}|endswith: '\\${word}'`
  return emit(entry.keySpan, `The filter '${entry.selection.name}' excludes every event whose '${field}' contains ${list}, so it also excludes any user whose name merely contains ${quoted.length === 1 ? 'it' : 'one of them'} (e.g. '${word}ADMIN'). Match the exact account instead, e.g. ${exact}.`)
}
