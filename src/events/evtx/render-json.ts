/**
 * Rendering of an instantiated event in the JSON shape of evtx_dump:
 * `#attributes` objects, `#text`, `null` for empty elements, `Data`
 * elements keyed by their `Name`, `_1` suffixes for repeated names.
 */
import type { XmlElement } from './instantiate.js'
import type { JsonScalar } from './values.js'

/** A JSON value as evtx_dump writes it. */
export type JsonValue = JsonScalar | JsonValue[] | { [key: string]: JsonValue }

type JsonObject = { [key: string]: JsonValue }

const isEmpty = (piece: JsonScalar) => piece === null || piece === ''

/**
 * Joins text pieces. A text made of one typed value keeps its JSON type, a
 * text of several pieces becomes a string, and an empty text is null.
 */
function joinPieces(pieces: JsonScalar[]): JsonScalar {
  const present = pieces.filter((piece) => !isEmpty(piece))

  if (present.length === 0) return null
  if (present.length === 1) return present[0] ?? null
  return present.map(String).join('')
}

/** Renders the non-empty attributes, or returns undefined if none are left. */
function renderAttributes(element: XmlElement): JsonObject | undefined {
  let attributes: JsonObject | undefined

  for (const attribute of element.attributes) {
    const value = joinPieces(attribute.pieces)
    if (value === null) continue
    attributes ??= {}
    attributes[attribute.name] = value
  }

  return attributes
}

/** Adds a member, suffixing `_1`, `_2`, ... when the name is taken. */
function addMember(object: JsonObject, name: string, value: JsonValue) {
  let key = name

  for (let n = 1; Object.hasOwn(object, key); n++) key = `${name}_${n}`
  object[key] = value
}

/** Returns the non-empty `Name` attribute of a `Data` element. */
function dataName(element: XmlElement): string | undefined {
  const attribute = element.attributes.find((each) => each.name === 'Name')
  if (attribute === undefined) return undefined

  const name = joinPieces(attribute.pieces)
  return name === null ? undefined : String(name)
}

/**
 * Adds the child elements. `Data` children are keyed by their `Name` when
 * any of them has one (unnamed ones are then dropped), else all of them
 * collapse into `Data: { '#text': value or array of values }`.
 */
function addChildren(object: JsonObject, children: XmlElement[]) {
  const data = children.filter((child) => child.name === 'Data')
  const named = data.some((child) => dataName(child) !== undefined)
  let unnamedAdded = false

  for (const child of children) {
    if (child.name !== 'Data') {
      addMember(object, child.name, renderElement(child))
      continue
    }

    if (named) {
      const name = dataName(child)
      const content = { ...child, attributes: [] }
      if (name !== undefined) addMember(object, name, renderElement(content))
      continue
    }

    if (unnamedAdded) continue
    unnamedAdded = true
    const values = data.map((each) => joinPieces(each.text) ?? '')
    const text = values.length === 1 ? (values[0] ?? '') : values
    addMember(object, 'Data', { '#text': text })
  }
}

/** Renders one element as the value of its member. */
export function renderElement(element: XmlElement): JsonValue {
  const attributes = renderAttributes(element)
  const text = joinPieces(element.text)

  if (attributes === undefined && element.children.length === 0) return text

  const object: JsonObject = {}
  if (attributes !== undefined) object['#attributes'] = attributes
  addChildren(object, element.children)
  if (text !== null) object['#text'] = text

  return object
}

/** Renders a document node's elements as members of one object. */
export function renderDocument(document: XmlElement): JsonObject {
  const object: JsonObject = {}
  addChildren(object, document.children)

  return object
}
