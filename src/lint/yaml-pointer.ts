import type { LineCounter, Node, Pair } from 'yaml'
import type { Span } from '../diagnostic.js'
import { isMap, isScalar, isSeq, spanOf } from '../sigma/yaml-document.js'

/** Where a JSON pointer lands in a YAML tree. */
export interface PointerTarget {
  /** The deepest node the pointer reaches. */
  node: Node
  /** The key of the pair holding `node`, when `node` is a map value. */
  key?: Node
  /** Whether the whole pointer resolved, not only a prefix of it. */
  complete: boolean
}

/** Split a JSON pointer such as `/detection/selection/0` into its segments. */
export function pointerSegments(pointer: string): string[] {
  if (pointer === '') return []
  return pointer
    .slice(1)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
}

/**
 * Follow a JSON pointer (as ajv reports it in `instancePath`) through the
 * YAML nodes, so a schema error can be shown at the line it concerns.
 */
export function resolvePointer(root: Node, pointer: string): PointerTarget {
  let target: PointerTarget = { node: root, complete: true }
  for (const segment of pointerSegments(pointer)) {
    const next = childOf(target.node, segment)
    if (!next) return { ...target, complete: false }
    target = { ...next, complete: true }
  }
  return target
}

function childOf(node: Node, segment: string): Omit<PointerTarget, 'complete'> | undefined {
  if (isMap(node)) {
    const pair = node.items.find(
      (item: Pair) => isScalar(item.key) && String(item.key.value) === segment,
    )
    if (!pair) return undefined
    const key = pair.key as Node
    const value = (pair.value as Node | null) ?? key
    return { node: value, key }
  }
  if (isSeq(node)) {
    const item = node.items[Number(segment)] as Node | undefined
    return item ? { node: item } : undefined
  }
  return undefined
}

/** Return the span of a pointer's target: the key for a map value, else the node. */
export function pointerSpan(
  root: Node,
  pointer: string,
  lineCounter: LineCounter,
): Span | undefined {
  const target = resolvePointer(root, pointer)
  return spanOf(target.key ?? target.node, lineCounter)
}
