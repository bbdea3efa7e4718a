import type { Node } from 'yaml'
import type { Span } from '../diagnostic.js'
import { splitFieldKey, type ModifierSet } from '../sigma/modifiers.js'
import type { Selection, SigmaRule } from '../sigma/rule.js'
import { isMap, isScalar, isSeq, spanOf } from '../sigma/yaml-document.js'

/** One value of a detection field, with its position. */
export interface FieldValue {
  value: string | number | boolean | null
  node: Node
  span: Span
}

/** One `field|modifiers: values` entry of a selection, or a keyword list. */
export interface FieldEntry {
  selection: Selection
  /** The key as written, e.g. `Image|endswith`; empty for keywords. */
  key: string
  modifiers: ModifierSet
  keySpan: Span
  /** The value node: a scalar or a list of scalars. */
  valueNode: Node | null
  values: FieldValue[]
}

/** Entries of each rule, because most detection and log source checks walk them. */
const entriesOf = new WeakMap<SigmaRule, readonly FieldEntry[]>()

/** Return every field entry and keyword list of a rule's detection. */
export function fieldEntries(rule: SigmaRule): readonly FieldEntry[] {
  let entries = entriesOf.get(rule)
  if (entries === undefined) entriesOf.set(rule, (entries = collectFieldEntries(rule)))
  return entries
}

function collectFieldEntries(rule: SigmaRule): FieldEntry[] {
  const entries: FieldEntry[] = []
  for (const selection of rule.detection?.selections ?? []) {
    const node = selection.node
    const maps = isMap(node) ? [node] : isSeq(node) ? node.items.filter(isMap) : []
    for (const map of maps) {
      for (const pair of map.items) {
        const keyNode = pair.key as Node
        const key = isScalar(keyNode) ? String(keyNode.value ?? '') : ''
        const keySpan = spanOf(keyNode, rule.lineCounter) ?? selection.span
        const valueNode = (pair.value as Node | null) ?? null
        entries.push({
          selection,
          key,
          modifiers: splitFieldKey(key),
          keySpan,
          valueNode,
          values: scalarValues(valueNode, rule),
        })
      }
    }
    const keywords = keywordValues(node, rule)
    if (keywords.length > 0) {
      entries.push({
        selection,
        key: '',
        modifiers: splitFieldKey(''),
        keySpan: selection.span,
        valueNode: node,
        values: keywords,
      })
    }
  }
  return entries
}

function scalarValues(node: Node | null, rule: SigmaRule): FieldValue[] {
  const items = isSeq(node) ? (node.items as Node[]) : node ? [node] : []
  const values: FieldValue[] = []
  for (const item of items) {
    const span = spanOf(item, rule.lineCounter)
    if (isScalar(item) && span) {
      values.push({ value: item.value as FieldValue['value'], node: item, span })
    }
  }
  return values
}

function keywordValues(node: Node | null, rule: SigmaRule): FieldValue[] {
  if (isScalar(node)) return scalarValues(node, rule)
  if (!isSeq(node)) return []
  return scalarValues(node, rule).filter((value) => isScalar(value.node))
}

/** Whether a selection name marks it as an exclusion, by the SigmaHQ `filter*` naming. */
export function isFilterName(name: string): boolean {
  return /^filter/i.test(name)
}
