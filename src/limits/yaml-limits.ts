import { isAlias, isCollection, isPair, type Document, type LineCounter, type Node } from 'yaml'
import { diagnosticAt, type Diagnostic } from '../diagnostic.js'
import { spanOf, type YamlDocument } from '../sigma/yaml-document.js'
import { limitDiagnostic, type Limits } from './limits.js'

/**
 * Check parsed YAML documents against the document count and nesting depth
 * limits, and report aliases. The walk keeps its own stack, so a deep file
 * cannot overflow the call stack here. Aliases are reported because the
 * rule reader reads nodes and never expands them: an alias would be read
 * as something other than the value its author meant.
 */
export function checkYamlLimits(
  documents: readonly YamlDocument[],
  lineCounter: LineCounter,
  limits: Limits,
): Diagnostic[] {
  if (documents.length > limits.yamlDocuments) {
    const extra = documents[limits.yamlDocuments]
    const span = spanOf(extra?.contents, lineCounter)
    return [limitDiagnostic(span, 'limits/yaml-documents', `The file has ${documents.length} YAML documents, which`, 'yamlDocuments', limits.yamlDocuments)]
  }

  const diagnostics: Diagnostic[] = []
  for (const document of documents) {
    const found = walkDocument(document.contents, lineCounter, limits)
    diagnostics.push(...found)
  }
  return diagnostics
}

function walkDocument(root: unknown, lineCounter: LineCounter, limits: Limits): Diagnostic[] {
  const diagnostics: Diagnostic[] = []
  const stack: { node: unknown; depth: number }[] = [{ node: root, depth: 0 }]
  while (stack.length > 0) {
    const { node, depth } = stack.pop() as { node: unknown; depth: number }
    if (isAlias(node)) {
      diagnostics.push(aliasDiagnostic(node, lineCounter))
      continue
    }
    if (!isCollection(node)) continue
    if (depth >= limits.nestingDepth) {
      const subject = `The YAML here is nested more than ${limits.nestingDepth} levels deep, which`
      return [limitDiagnostic(spanOf(node, lineCounter), 'limits/nesting-depth', subject, 'nestingDepth', limits.nestingDepth)]
    }
    for (const item of node.items) {
      if (isPair(item)) {
        stack.push({ node: item.value, depth: depth + 1 })
        stack.push({ node: item.key, depth: depth + 1 })
      } else stack.push({ node: item, depth: depth + 1 })
    }
  }
  return diagnostics.sort((a, b) => a.line - b.line || a.column - b.column)
}

function aliasDiagnostic(node: Node, lineCounter: LineCounter): Diagnostic {
  const source = isAlias(node) ? node.source : ''
  const message = `The YAML alias '*${source}' is not supported in rules: sigma-gate reads each value where it is written and never expands aliases. Write the value out in full instead of referring to the anchor '&${source}'.`
  return diagnosticAt(spanOf(node, lineCounter), 'yaml/alias', 'error', message)
}

/**
 * Run `convert`, which turns a parsed document into plain values. The yaml
 * package throws a ReferenceError for an alias without an anchor, and for
 * alias expansion past its `maxAliasCount` (a "billion laughs" file). Both
 * become a diagnostic at the document's first alias.
 */
export function expandDocument(
  convert: () => unknown,
  document: Document.Parsed,
  lineCounter: LineCounter,
  check: string,
): { value: unknown } | { diagnostic: Diagnostic } {
  try {
    return { value: convert() }
  } catch (error) {
    if (!(error instanceof ReferenceError)) throw error
    const message = `The YAML aliases cannot be expanded: ${error.message}. Define each anchor before its alias, and write values out instead of nesting aliases.`
    return { diagnostic: diagnosticAt(spanOf(firstAlias(document.contents), lineCounter), check, 'error', message) }
  }
}

function firstAlias(root: unknown): Node | undefined {
  const stack: unknown[] = [root]
  while (stack.length > 0) {
    const node = stack.pop()
    if (isAlias(node)) return node
    if (isPair(node)) stack.push(node.value, node.key)
    else if (isCollection(node)) stack.push(...[...node.items].reverse())
  }
  return undefined
}
