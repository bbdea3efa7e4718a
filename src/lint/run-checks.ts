import path from 'node:path'
import type { Node } from 'yaml'
import type { Diagnostic, Span } from '../diagnostic.js'
import type { Located, RuleKind, SigmaRule } from '../sigma/rule.js'
import { isMap, isScalar, isSeq, spanOf } from '../sigma/yaml-document.js'
import type { Emit, RunCheck } from './check.js'
import { pairOf } from './metadata-checks.js'

/**
 * The attributes of one parsed rule that the cross-rule checks compare. They
 * are plain data, so a worker thread that parsed the rule can send them to
 * the thread that compares all rules of the run.
 */
export interface RunFacts {
  file: string
  /** 0-based position of the document in its file. */
  document: number
  kind: RuleKind
  span: Span
  id?: Located<string>
  name?: Located<string>
  title?: Located<string>
  /** A digest of the log source and detection with map keys sorted, at the `detection` key; set for detection rules only. */
  logic?: Located<string>
  /** The `related[].id` values. */
  related: Located<string>[]
}

/** Take the facts the cross-rule checks need from a parsed rule. */
export function runFactsOf(rule: SigmaRule): RunFacts {
  const facts: RunFacts = { file: rule.file, document: rule.document, kind: rule.kind, span: rule.span, related: relatedIds(rule) }
  if (rule.id) facts.id = rule.id
  if (rule.name) facts.name = rule.name
  if (rule.title) facts.title = rule.title
  const detection = pairOf(rule, 'detection')
  if (rule.kind === 'rule' && detection) {
    const span = spanOf(detection.key as Node, rule.lineCounter) ?? rule.span
    const logic = canonical({ logsource: pairOf(rule, 'logsource')?.value, detection: detection.value })
    facts.logic = { value: digest(logic), span }
  }
  return facts
}

export const RUN_CHECKS: RunCheck[] = [
  {
    id: 'metadata/duplicate-id',
    severity: 'error',
    summary: 'Two rules of the run have the same `id`.',
    why: 'Ids must be globally unique: tools that track, suppress or relate rules by id mix the two up.',
    bad: '# a.yml\nid: 929a690e-bef0-4204-a928-ef5e620d6fcc\n# b.yml\nid: 929a690e-bef0-4204-a928-ef5e620d6fcc',
    good: '# a.yml\nid: 929a690e-bef0-4204-a928-ef5e620d6fcc\n# b.yml\nid: 0b4b8b0e-3c5a-4f8e-9d7e-2f3c1a6b5d4e',
    fix: 'Give the later rule a new UUID.',
    runAll(rules, context, emit) {
      return reportRepeats(rules, (rule) => rule.id, (value) => value.toLowerCase(), (_rule, located, first) =>
        emit(located.span, `The id '${located.value}' is already used by the rule at ${context.relativePath(first.file)}:${first.id?.span.line ?? 1}. Give this rule a new UUID.`),
      )
    },
  },
  {
    id: 'metadata/duplicate-name',
    severity: 'error',
    summary: 'Two rules of the run have the same `name`.',
    why: 'Correlation rules refer to rules by name, so a name must be unique.',
    bad: '# a.yml\nname: failed_logon\n# b.yml\nname: failed_logon',
    good: '# a.yml\nname: failed_logon\n# b.yml\nname: failed_logon_ssh',
    fix: 'Rename one of the rules.',
    runAll(rules, context, emit) {
      return reportRepeats(rules, (rule) => rule.name, (value) => value, (_rule, located, first) =>
        emit(located.span, `The name '${located.value}' is already used by the rule at ${where(first, context.relativePath)}. Give this rule a unique name.`),
      )
    },
  },
  {
    id: 'metadata/duplicate-title',
    severity: 'warning',
    summary: 'Two rules of the run have the same title.',
    why: 'Alerts are told apart by title; two rules with one title look like one rule firing twice.',
    bad: '# a.yml\ntitle: Whoami Execution\n# b.yml\ntitle: Whoami Execution',
    good: '# a.yml\ntitle: Whoami Execution\n# b.yml\ntitle: Whoami Execution - Security',
    fix: 'Make the titles distinct, e.g. with a suffix naming the log source.',
    runAll(rules, context, emit) {
      return reportRepeats(rules, (rule) => rule.title, (value) => value.trim().toLowerCase(), (_rule, located, first) =>
        emit(located.span, `The title '${located.value}' is already used by the rule at ${where(first, context.relativePath)}. Make the titles distinct, e.g. with a suffix naming the log source.`),
      )
    },
  },
  {
    id: 'metadata/duplicate-filename',
    severity: 'warning',
    summary: 'Two rule files of the run have the same file name in different folders.',
    why: 'Outputs named after the rule file (SPL files, saved searches) overwrite each other, and reviewers confuse the two.',
    bad: 'rules/windows/a/proc_creation_win_whoami.yml\nrules/windows/b/proc_creation_win_whoami.yml',
    good: 'rules/windows/a/proc_creation_win_whoami.yml\nrules/windows/b/proc_creation_win_whoami_system.yml',
    fix: 'Rename one of the files.',
    runAll(rules, context, emit) {
      const firstDocuments = rules.filter((rule) => rule.document === 0 || !rules.some((other) => other.file === rule.file && other.document < rule.document))
      const named = (rule: RunFacts): Located<string> => ({ value: path.basename(rule.file), span: rule.title?.span ?? rule.span })
      return reportRepeats(firstDocuments, named, (value) => value.toLowerCase(), (_rule, located, first) =>
        emit(located.span, `The file name '${located.value}' is also used by ${context.relativePath(first.file)}. Rename one of the files.`),
      )
    },
  },
  {
    id: 'detection/duplicate-logic',
    severity: 'warning',
    summary: 'Two rules of the run have the same log source and detection.',
    why: 'Identical logic fires twice for every event; usually one rule is a stale copy of the other.',
    bad: '# a.yml and b.yml\ndetection:\n    selection:\n        Image|endswith: \\whoami.exe\n    condition: selection',
    good: '# a.yml only\ndetection:\n    selection:\n        Image|endswith: \\whoami.exe\n    condition: selection',
    fix: 'Remove one rule, or relate them and change one as intended.',
    runAll(rules, context, emit) {
      return reportRepeats(rules, (rule) => rule.logic, (value) => value, (_rule, located, first) =>
        emit(located.span, `The log source and detection are identical to those of the rule at ${where(first, context.relativePath)}. Remove one rule, or relate them and change one as intended.`),
      )
    },
  },
  {
    id: 'metadata/unknown-related',
    severity: 'info',
    summary: 'A `related` entry names an id that no rule of the run has.',
    why: 'The relation cannot be checked; the id may be mistyped, or the related rule lives outside the linted paths.',
    bad: 'related:\n    - id: 00000000-0000-0000-0000-000000000000\n      type: derived',
    good: 'related:\n    - id: 929a690e-bef0-4204-a928-ef5e620d6fcc\n      type: derived',
    fix: 'Correct the id, or ignore the finding when the related rule is elsewhere.',
    runAll(rules, context, emit) {
      const ids = new Set(rules.flatMap((rule) => (rule.id ? [rule.id.value.toLowerCase()] : [])))
      for (const id of context.outsideIds ?? []) ids.add(id)
      const found = new Map<RunFacts, Diagnostic[]>()
      for (const rule of rules) {
        const unknown = rule.related.filter((related) => !ids.has(related.value.toLowerCase()))
        if (unknown.length > 0) found.set(rule, unknown.map((related) => unknownRelated(related, emit)))
      }
      return found
    },
  },
]

function unknownRelated(related: Located<string>, emit: Emit): Diagnostic {
  return emit(related.span, `The related id '${related.value}' belongs to no rule in this run. Correct it, or ignore this finding if the related rule is outside the linted paths.`)
}

/** Return the located `related[].id` values of a rule. */
function relatedIds(rule: SigmaRule): Located<string>[] {
  const value = pairOf(rule, 'related')?.value as Node | null | undefined
  if (!isSeq(value)) return []
  const ids: Located<string>[] = []
  for (const item of value.items) {
    if (!isMap(item)) continue
    const id = item.items.find((pair) => isScalar(pair.key) && pair.key.value === 'id')?.value as Node | undefined
    const span = spanOf(id, rule.lineCounter)
    if (isScalar(id) && typeof id.value === 'string' && span) ids.push({ value: id.value, span })
  }
  return ids
}

/** Report each rule whose key value an earlier rule in the run already has. */
function reportRepeats(
  rules: readonly RunFacts[],
  keyOf: (rule: RunFacts) => Located<string> | undefined,
  normalise: (value: string) => string,
  report: (rule: RunFacts, located: Located<string>, first: RunFacts) => Diagnostic,
): Map<RunFacts, Diagnostic[]> {
  const firstByKey = new Map<string, RunFacts>()
  const found = new Map<RunFacts, Diagnostic[]>()
  for (const rule of rules) {
    const located = keyOf(rule)
    if (!located) continue
    const key = normalise(located.value)
    const first = firstByKey.get(key)
    if (!first) {
      firstByKey.set(key, rule)
      continue
    }
    found.set(rule, [...(found.get(rule) ?? []), report(rule, located, first)])
  }
  return found
}

function where(rule: RunFacts, relativePath: (file: string) => string): string {
  const line = rule.title?.span.line ?? rule.span.line
  return `${relativePath(rule.file)}:${line}`
}

/**
 * Return a 64-bit digest of a text: FNV-1a over its UTF-16 code units in two
 * 32-bit lanes with different offset bases. It keeps the facts small, since
 * only equality of the logic matters, and costs far less than a
 * cryptographic hash; nothing here needs collision resistance.
 */
function digest(text: string): string {
  let low = 0x811c9dc5
  let high = 0x050c5d1f
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i)
    low = Math.imul(low ^ unit, 0x01000193)
    high = Math.imul(high ^ unit, 0x01000193) ^ (low >>> 7)
  }
  return `${(low >>> 0).toString(16)}${(high >>> 0).toString(16).padStart(8, '0')}`
}

/** Serialise YAML nodes with sorted map keys, so key order does not matter. */
function canonical(value: Record<string, unknown>): string {
  const entries = Object.entries(value).map(([key, node]) => `${JSON.stringify(key)}:${canonicalNode(node)}`)
  return `{${entries.sort().join(',')}}`
}

/**
 * Serialise one YAML node with its map keys sorted. Walking the nodes
 * directly is several times cheaper than converting them to JavaScript
 * first; aliases, which only `toJSON` resolves, take that slower way.
 */
function canonicalNode(node: unknown): string {
  if (node === undefined || node === null) return 'null'
  if (isScalar(node)) return JSON.stringify(node.value ?? null) ?? 'null'
  if (isSeq(node)) return `[${node.items.map(canonicalNode).join(',')}]`
  if (isMap(node)) {
    const entries = node.items.map((pair) => `${JSON.stringify(isScalar(pair.key) ? String(pair.key.value) : canonicalNode(pair.key))}:${canonicalNode(pair.value)}`)
    return `{${entries.sort().join(',')}}`
  }
  return JSON.stringify(sortKeys((node as { toJSON?: () => unknown }).toJSON?.() ?? null)) ?? 'null'
}

function sortKeys(input: unknown): unknown {
  if (Array.isArray(input)) return input.map(sortKeys)
  if (input && typeof input === 'object') {
    const entries = Object.entries(input as Record<string, unknown>)
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return Object.fromEntries(entries.map(([key, item]) => [key, sortKeys(item)]))
  }
  return input
}
