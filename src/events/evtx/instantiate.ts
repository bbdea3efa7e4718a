/**
 * Instantiation of parsed binary XML: substitutes template values, splices
 * embedded BinXml values and repeats elements that hold an array value.
 */
import type {
  SubstitutionValue,
  TemplateElement,
  TemplateNode,
} from './binxml.js'
import type { JsonScalar } from './values.js'

/**
 * Maximum nodes one record may expand to. A template can refer to the same
 * embedded value many times at every nesting level, so without a cap a small
 * record could expand exponentially.
 */
const MAX_NODES_PER_RECORD = 100_000

/** An element of the rendered event; text pieces keep their value types. */
export interface XmlElement {
  name: string
  attributes: XmlAttribute[]
  children: XmlElement[]
  text: JsonScalar[]
}

/** An attribute of the rendered event. */
export interface XmlAttribute {
  name: string
  pieces: JsonScalar[]
}

/** An instantiation problem that makes the record unreadable. */
export class InstantiationError extends Error {}

interface Scope {
  values: SubstitutionValue[]
  /** The array item that replaces one substitution in a repeated element. */
  arrayItem?: { index: number; value: JsonScalar }
}

interface Budget {
  nodes: number
  warnings: string[]
}

const NULL_VALUE: SubstitutionValue = { kind: 'scalar', value: null }

/** Looks up substitution `index`, reporting an index beyond the values. */
function valueAt(index: number, scope: Scope, budget: Budget) {
  if (scope.arrayItem?.index === index) {
    return { kind: 'scalar', value: scope.arrayItem.value } as const
  }

  const value = scope.values[index]
  if (value !== undefined) return value

  const count = scope.values.length
  budget.warnings.push(
    `substitution ${index} refers past the ${count} values of its template instance; it is rendered empty`,
  )
  return NULL_VALUE
}

/** Instantiates attribute value parts into pieces. */
function attributePieces(parts: TemplateNode[], scope: Scope, budget: Budget) {
  const pieces: JsonScalar[] = []

  for (const part of parts) {
    if (part.kind === 'text') pieces.push(part.text)
    if (part.kind !== 'substitution') continue

    const value = valueAt(part.index, scope, budget)
    if (value.kind === 'scalar') pieces.push(value.value)
    // NOTE: no known writer puts an array in an attribute. The items are
    // joined with spaces, as XML Schema list types are.
    if (value.kind === 'array') pieces.push(value.items.map(String).join(' '))
    if (value.kind === 'binxml' && value.nodes.length > 0) {
      budget.warnings.push(
        `substitution ${part.index} puts embedded BinXml in an attribute, where it is not allowed; it is left out`,
      )
    }
  }

  return pieces
}

/** Finds a substitution child whose value is an array, if any. */
function arrayChild(element: TemplateElement, scope: Scope) {
  for (const child of element.children) {
    if (child.kind !== 'substitution') continue
    if (scope.arrayItem?.index === child.index) continue

    const value = scope.values[child.index]
    if (value?.kind === 'array') {
      return { index: child.index, items: value.items }
    }
  }

  return undefined
}

/** Counts one instantiated node against the record's budget. */
function countNode(budget: Budget) {
  budget.nodes++
  if (budget.nodes <= MAX_NODES_PER_RECORD) return

  throw new InstantiationError(
    `the record expands to more than ${MAX_NODES_PER_RECORD} nodes`,
  )
}

/** Builds one copy of an element in `scope`. */
function buildElement(
  node: TemplateElement,
  scope: Scope,
  budget: Budget,
): XmlElement {
  countNode(budget)
  const element: XmlElement = {
    name: node.name,
    attributes: node.attributes.map((attribute) => ({
      name: attribute.name,
      pieces: attributePieces(attribute.parts, scope, budget),
    })),
    children: [],
    text: [],
  }
  instantiateInto(element, node.children, scope, budget)

  return element
}

/**
 * Adds an element to `parent`. An element whose content is an array value
 * is repeated once per item; an empty array still gives one empty element.
 */
function addElement(
  parent: XmlElement,
  node: TemplateElement,
  scope: Scope,
  budget: Budget,
) {
  const array = arrayChild(node, scope)
  if (array === undefined) {
    parent.children.push(buildElement(node, scope, budget))
    return
  }

  const items = array.items.length > 0 ? array.items : [null]
  for (const item of items) {
    const arrayItem = { index: array.index, value: item }
    const itemScope = { values: scope.values, arrayItem }
    parent.children.push(buildElement(node, itemScope, budget))
  }
}

/** Instantiates `nodes` as content of `parent`. */
function instantiateInto(
  parent: XmlElement,
  nodes: TemplateNode[],
  scope: Scope,
  budget: Budget,
) {
  for (const node of nodes) {
    countNode(budget)
    switch (node.kind) {
      case 'element':
        addElement(parent, node, scope, budget)
        break
      case 'text':
        parent.text.push(node.text)
        break
      case 'instance':
        instantiateInto(
          parent,
          node.definition,
          { values: node.values },
          budget,
        )
        break
      case 'substitution':
        addSubstitution(parent, valueAt(node.index, scope, budget), budget)
    }
  }
}

/** Adds a substitution value as content: text, items, or spliced elements. */
function addSubstitution(
  parent: XmlElement,
  value: SubstitutionValue,
  budget: Budget,
) {
  if (value.kind === 'scalar') parent.text.push(value.value)
  if (value.kind === 'array') parent.text.push(...value.items)
  if (value.kind === 'binxml') {
    instantiateInto(parent, value.nodes, { values: [] }, budget)
  }
}

/**
 * Instantiates the parsed stream of one record into a document node whose
 * children are the top-level elements (normally one `Event`).
 */
export function instantiateRecord(
  nodes: TemplateNode[],
  warnings: string[],
): XmlElement {
  const document: XmlElement = {
    name: '',
    attributes: [],
    children: [],
    text: [],
  }
  instantiateInto(document, nodes, { values: [] }, { nodes: 0, warnings })

  return document
}
