import { isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml'
import type { Node } from 'yaml'

import type { Span } from '../src/diagnostic.js'
import type {
  AttackLintInput,
  LocatedString,
} from '../src/lint/attack-tags.js'

/** Read tags, references and description with their positions from rule text. */
export function attackLintInput(text: string): AttackLintInput {
  const lineCounter = new LineCounter()
  const document = parseDocument(text, { lineCounter })
  const spanOf = (node: Node | null | undefined): Span => {
    const start = lineCounter.linePos(node?.range?.[0] ?? 0)
    return { line: start.line, column: start.col }
  }
  const stringsAt = (key: string): LocatedString[] => {
    const node = document.get(key, true)
    if (!isSeq(node)) return []
    return node.items
      .filter(item => isScalar(item) && typeof item.value === 'string')
      .map(item => ({
        value: (item as { value: string }).value,
        span: spanOf(item as Node),
      }))
  }

  const input: AttackLintInput = {
    tags: stringsAt('tags'),
    references: stringsAt('references'),
  }
  const description = document.get('description', true)
  if (isScalar(description) && typeof description.value === 'string') {
    input.description = { value: description.value, span: spanOf(description) }
  }
  if (isMap(document.contents)) {
    const pair = document.contents.items.find(
      item => isScalar(item.key) && item.key.value === 'tags',
    )
    if (pair && isScalar(pair.key)) input.tagsSpan = spanOf(pair.key)
  }
  return input
}
