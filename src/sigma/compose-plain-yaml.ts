import { CST, isScalar, Pair, Parser, Scalar, Schema, YAMLMap, YAMLSeq, type CollectionTag, type LineCounter, type Node, type ScalarTag } from 'yaml'

/**
 * Build the nodes of a plain rule file straight from `yaml`'s concrete
 * syntax tree, skipping its composer, which is faster.
 *
 * Composing the documents cost about a quarter of `parseAllDocuments` on the
 * SigmaHQ corpus (yaml 2.9), and a run parses every rule file. Most rule
 * files use only block maps and lists of scalars with comments, so this walk
 * builds the same `YAMLMap`, `YAMLSeq`, `Pair` and `Scalar` nodes, with the
 * same values and ranges, for exactly that subset. It returns undefined for
 * anything else: several documents, flow collections, anchors, aliases,
 * tags, explicit keys, empty values, tab characters, a duplicate key, or any
 * problem yaml would report. The caller then parses the file with
 * `parseAllDocuments`, which reports the problem. Ranges follow the
 * composer's rules in yaml 2.9 (`resolve-block-map.js`, `resolve-block-seq.js`,
 * `resolve-props.js`); test/compose-plain-yaml.test.ts compares both on the
 * corpus and on random edits of it.
 */
export function composePlainYaml(text: string, lineCounter: LineCounter): YAMLMap | undefined {
  // Tabs take part in yaml's indentation checks, which this walk does not repeat.
  if (text.includes('\t')) return undefined
  let document: CST.Document | undefined
  for (const token of new Parser(lineCounter.addNewLine).parse(text)) {
    if (token.type !== 'document' || document !== undefined) return undefined
    document = token
  }
  if (document === undefined || document.value?.type !== 'block-map') return undefined
  if (!isOnlySpace(document.start, true) || !isOnlySpace(document.end ?? [], false)) return undefined
  try {
    return composeBlockMap(document.value, 1)
  } catch (error) {
    if (error instanceof Unsupported) return undefined
    throw error
  }
}

/**
 * Deepest nesting of collections that a file may have to be composed. yaml's
 * composer recurses once per level and reports a stack overflow as an error
 * at wherever the stack ran out. That depends on the thread's stack size
 * (about 3 000 levels on the main thread, more in a worker thread), so the
 * same file would get different findings on different threads.
 */
export const MAX_YAML_DEPTH = 1000

/**
 * Return the offset of the first collection nested deeper than
 * `MAX_YAML_DEPTH` in the text, or undefined. Walks yaml's concrete syntax
 * tree with its own stack, so any depth is safe to measure.
 */
export function findTooDeepOffset(text: string): number | undefined {
  if (countIndicators(text) < MAX_YAML_DEPTH) return undefined
  const stack: { token: CST.Token | undefined; depth: number }[] = []
  for (const token of new Parser().parse(text)) {
    if (token.type === 'document') stack.push({ token: token.value, depth: 0 })
  }
  while (stack.length > 0) {
    const { token, depth } = stack.pop() as { token: CST.Token | undefined; depth: number }
    if (!token || (token.type !== 'block-map' && token.type !== 'block-seq' && token.type !== 'flow-collection')) continue
    if (depth >= MAX_YAML_DEPTH) return token.offset
    for (const item of token.items) {
      if ('key' in item) stack.push({ token: item.key ?? undefined, depth: depth + 1 })
      stack.push({ token: item.value, depth: depth + 1 })
    }
  }
  return undefined
}

/**
 * Count the characters that open a level of nesting (`:`, `-`, `?`, `[`,
 * `{`), up to `MAX_YAML_DEPTH`. Every level needs one of its own, so fewer
 * of them bound the depth without parsing the text.
 */
function countIndicators(text: string): number {
  let count = 0
  for (let index = 0; index < text.length && count < MAX_YAML_DEPTH; index++) {
    const code = text.charCodeAt(index)
    // ':' '-' '?' '[' '{'
    if (code === 58 || code === 45 || code === 63 || code === 91 || code === 123) count++
  }
  return count
}

/** Thrown inside the walk when the file leaves the subset; never escapes `composePlainYaml`. */
class Unsupported extends Error {}

function unsupported(): never {
  throw new Unsupported()
}

const CORE_TAGS = new Schema({ schema: 'core', resolveKnownTags: true }).tags

/** Tags of the YAML 1.2 core schema that resolve an untagged plain scalar, in the order yaml tries them. */
const PLAIN_SCALAR_TAGS = CORE_TAGS.filter((tag): tag is ScalarTag => tag.default === true && isTestedScalarTag(tag))

/** The same at a map key, where yaml also tries tags marked for keys. */
const PLAIN_KEY_TAGS = CORE_TAGS.filter((tag): tag is ScalarTag => (tag.default === true || tag.default === 'key') && isTestedScalarTag(tag))

function isTestedScalarTag(tag: ScalarTag | CollectionTag): tag is ScalarTag {
  return tag.test !== undefined && !('collection' in tag && tag.collection !== undefined)
}

/** The document options yaml passes to a tag's resolve function (its defaults). */
const RESOLVE_OPTIONS = { intAsBigInt: false }

/** First characters of plain scalars that a core schema tag other than string may match. */
const NON_STRING_START = /^[-+.0-9~nNtTfF]/

/**
 * Walk the separator tokens before a node (`start` of an item, `sep` of a
 * pair) as yaml's `resolveProps` does, for spaces, newlines, comments and
 * one `indicator`. Returns where they end and whether they hold the
 * indicator and a newline.
 */
function readSeparators(tokens: readonly CST.SourceToken[], indicator: string, offset: number, startOnNewline: boolean): { found: boolean; hasNewline: boolean; end: number } {
  let hasSpace = startOnNewline
  let hasNewline = false
  let found = false
  for (const token of tokens) {
    switch (token.type) {
      case 'space':
        hasSpace = true
        break
      case 'newline':
        hasSpace = true
        hasNewline = true
        break
      case 'comment':
        // yaml reports a comment that touches the token before it.
        if (!hasSpace) unsupported()
        break
      default:
        if (token.type !== indicator || found) unsupported()
        found = true
        hasSpace = false
    }
  }
  const last = tokens[tokens.length - 1]
  return { found, hasNewline, end: last ? last.offset + last.source.length : offset }
}

/** Tell whether the tokens are only spaces, newlines and comments that yaml accepts there. */
function isOnlySpace(tokens: readonly CST.SourceToken[], startOnNewline: boolean): boolean {
  try {
    return !readSeparators(tokens, '', 0, startOnNewline).found
  } catch (error) {
    if (error instanceof Unsupported) return false
    throw error
  }
}

/**
 * Deepest collection the walk builds. Its recursion uses the call stack, and
 * rules need a few levels, so deeper files go to the composer, which reports
 * the nesting (see `MAX_YAML_DEPTH`).
 */
const MAX_PLAIN_DEPTH = 64

function composeNode(token: CST.Token, atKey: boolean, depth: number): Node {
  switch (token.type) {
    case 'block-map':
      return composeBlockMap(token, depth + 1)
    case 'block-seq':
      return composeBlockSeq(token, depth + 1)
    case 'scalar':
    case 'single-quoted-scalar':
    case 'double-quoted-scalar':
    case 'block-scalar':
      return composeScalar(token, atKey)
    default:
      return unsupported()
  }
}

function composeBlockMap(token: CST.BlockMap, depth: number): YAMLMap {
  if (depth > MAX_PLAIN_DEPTH) unsupported()
  const map = new YAMLMap()
  const keys = new Set<unknown>()
  let offset = token.offset
  let commentEnd: number | undefined
  for (const { start, key, sep, value } of token.items) {
    const keyProps = readSeparators(start, '', offset, true)
    if (!key && !sep) {
      // A line of comments at the map's indentation.
      commentEnd = keyProps.end
      continue
    }
    if (!key || !sep || !value || !('indent' in key) || key.indent !== token.indent) unsupported()
    if (key.type !== 'scalar' && key.type !== 'single-quoted-scalar' && key.type !== 'double-quoted-scalar') unsupported()
    // An implicit key must be on one line.
    if (key.source.includes('\n') || key.end?.some((item) => item.type === 'newline')) unsupported()
    const keyNode = composeScalar(key, true)
    if (isDuplicateKey(map, keyNode.value, keys)) unsupported()

    const valueProps = readSeparators(sep, 'map-value-ind', keyNode.range?.[2] ?? offset, false)
    if (!valueProps.found) unsupported()
    if (value.type === 'block-map' && !valueProps.hasNewline) unsupported()
    // yaml's strict mode limits an implicit key to 1024 characters before its ':'.
    const indicator = sep.find((item) => item.type === 'map-value-ind')
    if (!indicator || indicator.offset - key.offset > 1024) unsupported()
    const valueNode = composeNode(value, false, depth)
    offset = valueNode.range?.[2] ?? unsupported()
    map.items.push(new Pair(keyNode, valueNode))
  }
  if (commentEnd !== undefined && commentEnd < offset) unsupported()
  map.range = [token.offset, offset, commentEnd ?? offset]
  return map
}

/** Maps with fewer keys than this are searched pair by pair, which costs less than a set. */
const KEY_SET_FROM = 16

/**
 * Tell whether a map already has a key of this value, as yaml's unique-key
 * check compares scalars, and record the key. Large maps use `keys`, so a
 * map with many keys stays linear. A NaN key, which yaml never counts as
 * equal, is taken for a duplicate there, which only sends the file to yaml.
 */
function isDuplicateKey(map: YAMLMap, value: unknown, keys: Set<unknown>): boolean {
  if (map.items.length < KEY_SET_FROM) return map.items.some((pair) => isScalar(pair.key) && pair.key.value === value)
  if (keys.size === 0) for (const pair of map.items) keys.add(isScalar(pair.key) ? pair.key.value : pair.key)
  if (keys.has(value)) return true
  keys.add(value)
  return false
}

function composeBlockSeq(token: CST.BlockSequence, depth: number): YAMLSeq {
  if (depth > MAX_PLAIN_DEPTH) unsupported()
  const seq = new YAMLSeq()
  let offset = token.offset
  let commentEnd: number | undefined
  for (const { start, value } of token.items) {
    const itemProps = readSeparators(start, 'seq-item-ind', offset, true)
    if (!itemProps.found) {
      if (value) unsupported()
      commentEnd = itemProps.end
      continue
    }
    if (!value) unsupported()
    const item = composeNode(value, false, depth)
    offset = item.range?.[2] ?? unsupported()
    seq.items.push(item)
  }
  seq.range = [token.offset, offset, commentEnd ?? offset]
  return seq
}

function composeScalar(token: CST.FlowScalar | CST.BlockScalar, atKey: boolean): Scalar {
  const resolved = resolveOneLineScalar(token) ?? resolveAnyScalar(token)
  let node: Scalar
  let format: string | undefined
  const tag = token.type === 'scalar' ? findPlainScalarTag(resolved.value, atKey) : undefined
  if (tag) {
    const result: unknown = tag.resolve(resolved.value, () => unsupported(), RESOLVE_OPTIONS)
    node = isScalar(result) ? result : new Scalar(result)
    format = tag.format
  } else node = new Scalar(resolved.value)
  node.range = resolved.range
  node.source = resolved.value
  if (resolved.type) node.type = resolved.type
  if (format) node.format = format
  if (resolved.comment) node.comment = resolved.comment
  return node
}

/** A scalar as `CST.resolveAsScalar` returns it. */
type ResolvedScalar = NonNullable<ReturnType<typeof CST.resolveAsScalar>>

function resolveAnyScalar(token: CST.FlowScalar | CST.BlockScalar): ResolvedScalar {
  let problem = false
  const resolved = CST.resolveAsScalar(token, true, () => {
    problem = true
  })
  if (!resolved || problem) unsupported()
  return resolved
}

/**
 * Resolve a plain or single-quoted scalar on one line, the usual value of a
 * rule, without the line folding of `CST.resolveAsScalar`, which builds two
 * regular expressions per scalar. Returns undefined for any other scalar.
 */
function resolveOneLineScalar(token: CST.FlowScalar | CST.BlockScalar): ResolvedScalar | undefined {
  const { source, offset } = token
  if (source.includes('\n')) return undefined
  let value: string
  if (token.type === 'scalar') {
    // yaml reports these as the first character of a plain scalar.
    if (source === '' || BAD_PLAIN_START.test(source)) return undefined
    value = source
  } else if (token.type === 'single-quoted-scalar') {
    if (source.length < 2 || !source.endsWith("'")) return undefined
    const inner = source.slice(1, -1)
    // Inside the quotes a quote is written twice; anything else is left to yaml.
    if (inner.replaceAll("''", '').includes("'")) return undefined
    value = inner.replaceAll("''", "'")
  } else return undefined
  const valueEnd = offset + source.length
  const end = readScalarEnd(token.end ?? [], valueEnd)
  return { value, type: token.type === 'scalar' ? Scalar.PLAIN : Scalar.QUOTE_SINGLE, comment: end.comment, range: [offset, valueEnd, end.offset] }
}

/** First characters that yaml rejects at the start of a plain scalar. */
const BAD_PLAIN_START = /^[\t,%|>@`]/

/** Walk the tokens after a scalar as yaml's `resolveEnd` does in strict mode. */
function readScalarEnd(tokens: readonly CST.SourceToken[], offset: number): { comment: string; offset: number } {
  let comment = ''
  let hasSpace = false
  let separator = ''
  let end = offset
  for (const token of tokens) {
    switch (token.type) {
      case 'space':
        hasSpace = true
        break
      case 'comment': {
        if (!hasSpace) unsupported()
        const text = token.source.substring(1) || ' '
        comment = comment === '' ? text : comment + separator + text
        separator = ''
        break
      }
      case 'newline':
        if (comment !== '') separator += token.source
        hasSpace = true
        break
      default:
        unsupported()
    }
    end += token.source.length
  }
  return { comment, offset: end }
}

function findPlainScalarTag(value: string, atKey: boolean): ScalarTag | undefined {
  if (value !== '' && !NON_STRING_START.test(value) && !atKey) return undefined
  return (atKey ? PLAIN_KEY_TAGS : PLAIN_SCALAR_TAGS).find((tag) => tag.test?.test(value))
}
