import type { FieldValue, SigmaEvent } from './event.js'
import { looksLikeXml, parseEventXml } from './xml-events.js'

/**
 * Flattening of event records into the flat Sigma fields that rules test.
 * Every loader, including the binary EVTX reader, passes its records through
 * `normaliseEvent`, so this module alone decides the field names.
 */

type JsonObject = Record<string, unknown>

/**
 * Turn one raw record into a flat event.
 *
 * An `{Event: {System, EventData | UserData}}` record becomes Sysmon-style
 * fields: `EventID`, `Channel`, `Computer`, `Provider_Name`, `TimeCreated`,
 * ..., plus every EventData and UserData value under its own name. Records
 * may use evtx_dump's layout (attributes under `#attributes`, text under
 * `#text`) or xmltodict's (attributes as `@Name` keys). An empty
 * EventData or UserData value (JSON `null`) becomes the empty string, and an
 * empty System element adds no field. Names that occur twice keep all their
 * values as a list.
 *
 * Any other object is already flat: scalars and lists pass through
 * unchanged and nested objects are flattened to dotted names
 * (`{process: {name: 'x'}}` becomes `{'process.name': 'x'}`).
 * A value that is not an object gives an empty event.
 */
export function normaliseEvent(raw: unknown): SigmaEvent {
  if (!isJsonObject(raw)) return {}

  const record = eventRecordOf(raw)
  const fields = new FieldCollector()
  if (record === undefined) addPlainObject(fields, '', raw)
  else addEventRecord(fields, record)
  return fields.toEvent()
}

/** Keys of one line of Splunk's export API (`output_mode=json`). */
const SPLUNK_LINE_KEYS = new Set(['preview', 'offset', 'lastrow', 'messages', 'result'])

/** Keys of a Splunk search results document with a `results` array. */
const SPLUNK_RESULTS_KEYS = new Set([
  'preview',
  'init_offset',
  'messages',
  'fields',
  'results',
  'highlighted',
  'post_process_count',
])

/** Fields Splunk adds to every result; they are not part of the event. */
const SPLUNK_METADATA = new Set([
  'punct',
  'linecount',
  'splunk_server',
  'splunk_server_group',
  'index',
  'source',
  'sourcetype',
  'host',
  'eventtype',
  'tag',
  'timestartpos',
  'timeendpos',
])

/**
 * Turn a record of any JSON event format into a flat event, or return
 * undefined for a record that holds no event. A line of Splunk's export API
 * (`{"preview": false, "result": {...}}`) gives its result, and such a line
 * without a result (a message, the last-row marker) holds no event. Any
 * other record goes to `normaliseEvent`.
 */
export function normaliseRecord(raw: unknown): SigmaEvent | undefined {
  if (!isJsonObject(raw) || !isSplunkLine(raw)) return normaliseEvent(raw)

  const result = raw['result']
  return isJsonObject(result) ? normaliseSplunkResult(result) : undefined
}

/**
 * Return the results of a Splunk search results document
 * (`{"results": [...]}` with Splunk's other top-level keys), or undefined
 * when `raw` is not one.
 */
export function splunkResultsOf(raw: unknown): unknown[] | undefined {
  if (!isJsonObject(raw) || !Array.isArray(raw['results'])) return undefined
  const keys = Object.keys(raw)
  return keys.every((key) => SPLUNK_RESULTS_KEYS.has(key))
    ? raw['results']
    : undefined
}

/**
 * Turn one Splunk search result into a flat event. When `_raw` holds the
 * event's XML (Splunk's `XmlWinEventLog` source type) or JSON, the event is
 * read from it, because the extracted fields depend on the search's field
 * extractions. Otherwise the extracted fields are the event: fields Splunk
 * adds (`_time`, `host`, `sourcetype`, `date_*`, ...) are dropped, empty
 * values count as absent, and `EventCode` also gives `EventID` when the
 * result has none, because Splunk's Windows add-on names the event id so.
 */
export function normaliseSplunkResult(
  result: Record<string, unknown>,
): SigmaEvent {
  const fromRaw = eventFromRaw(result['_raw'])
  if (fromRaw !== undefined) return fromRaw

  const fields = new FieldCollector()
  for (const [name, value] of Object.entries(result)) {
    if (isSplunkMetadata(name) || value === '' || value === null) continue
    fields.add(name, toPlainFieldValue(value))
  }
  const event = fields.toEvent()
  const eventCode = event['EventCode']
  if (event['EventID'] === undefined && eventCode !== undefined) {
    event['EventID'] = eventCode
  }
  if (event['EventID'] !== undefined) {
    event['EventID'] = toNumberIfNumeric(event['EventID'])
  }
  return event
}

function isSplunkLine(raw: JsonObject): boolean {
  const keys = Object.keys(raw)
  return (
    ('preview' in raw || 'result' in raw) &&
    keys.every((key) => SPLUNK_LINE_KEYS.has(key))
  )
}

function isSplunkMetadata(name: string): boolean {
  return (
    name.startsWith('_') ||
    name.startsWith('date_') ||
    name.startsWith('tag::') ||
    SPLUNK_METADATA.has(name)
  )
}

function eventFromRaw(raw: unknown): SigmaEvent | undefined {
  if (typeof raw !== 'string') return undefined
  if (looksLikeXml(raw)) {
    const [first] = parseEventXml(raw).events
    return first === undefined ? undefined : normaliseEvent(first.record)
  }
  if (!raw.trimStart().startsWith('{')) return undefined
  try {
    const parsed: unknown = JSON.parse(raw)
    return isJsonObject(parsed) ? normaliseEvent(parsed) : undefined
  } catch {
    return undefined
  }
}

/** Return true for a JSON object (not an array and not null). */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function eventRecordOf(raw: JsonObject): JsonObject | undefined {
  const event = raw['Event']
  if (isJsonObject(event) && looksLikeEventRecord(event)) return event
  if (isJsonObject(raw['System'])) return raw
  return undefined
}

function looksLikeEventRecord(event: JsonObject): boolean {
  return (
    isJsonObject(event['System']) || 'EventData' in event || 'UserData' in event
  )
}

/** Collects fields, turning a second different value of a name into a list. */
class FieldCollector {
  private readonly fields = new Map<string, FieldValue>()

  add(name: string, value: FieldValue): void {
    const existing = this.fields.get(name)
    if (existing === undefined) {
      this.fields.set(name, value)
      return
    }
    if (sameValue(existing, value)) return

    const list = Array.isArray(existing) ? existing : [existing]
    this.fields.set(name, [
      ...list,
      ...(Array.isArray(value) ? value : [value]),
    ])
  }

  toEvent(): SigmaEvent {
    return Object.fromEntries(this.fields)
  }
}

function sameValue(left: FieldValue, right: FieldValue): boolean {
  return JSON.stringify(left) === JSON.stringify(right)
}

function addEventRecord(fields: FieldCollector, record: JsonObject): void {
  for (const [name, value] of Object.entries(record)) {
    if (isAttributeKey(name)) continue
    if (name === 'System') addSystem(fields, value)
    else if (name === 'EventData') addEventData(fields, value)
    else if (name === 'UserData') addUserData(fields, value)
    else addNestedElement(fields, name, value)
  }
}

function addSystem(fields: FieldCollector, system: unknown): void {
  if (!isJsonObject(system)) return

  for (const [name, element] of Object.entries(system)) {
    if (isAttributeKey(name)) continue
    if (name === 'EventID') addEventId(fields, element)
    else if (name === 'Provider') addProvider(fields, element)
    else if (name === 'TimeCreated') addTimeCreated(fields, element)
    else addSystemElement(fields, name, element)
  }
}

function addEventId(fields: FieldCollector, element: unknown): void {
  const text = textOf(element)
  if (text !== undefined && text !== null)
    fields.add('EventID', toNumberIfNumeric(text))

  for (const [name, value] of attributesOf(element)) fields.add(name, value)
}

function addProvider(fields: FieldCollector, element: unknown): void {
  // The provider is `Provider_Name` because UserData payloads use a
  // `Provider` field of their own (WMI events, for one).
  for (const [name, value] of attributesOf(element)) {
    fields.add(name === 'Name' ? 'Provider_Name' : name, value)
  }
}

function addTimeCreated(fields: FieldCollector, element: unknown): void {
  // `TimeCreated` is the name the project documents; `SystemTime` is the one
  // other Sigma tools that read evtx_dump JSON use.
  for (const [name, value] of attributesOf(element)) {
    if (name === 'SystemTime') {
      fields.add('TimeCreated', value)
      fields.add('SystemTime', value)
    } else {
      fields.add(name, value)
    }
  }
}

function addSystemElement(
  fields: FieldCollector,
  name: string,
  element: unknown,
): void {
  // An empty System element such as `"Correlation": null` means that none of
  // its optional attributes were set, so it adds no field.
  if (element === null) return

  const text = textOf(element)
  if (text !== undefined) fields.add(name, toFieldValue(text))
  for (const [attribute, value] of attributesOf(element))
    fields.add(attribute, value)
  for (const [child, value] of childrenOf(element)) {
    addNestedElement(fields, `System.${name}.${child}`, value)
  }
}

function addEventData(fields: FieldCollector, eventData: unknown): void {
  if (!isJsonObject(eventData)) return

  const unnamed: FieldValue[] = []
  for (const [name, value] of attributesOf(eventData)) fields.add(name, value)
  for (const [name, value] of Object.entries(eventData)) {
    if (isAttributeKey(name)) continue
    if (name === 'Data') addDataElements(fields, value, unnamed)
    else if (name === '#text') unnamed.push(...toValueList(value))
    else addNamedValue(fields, name, value)
  }
  if (unnamed.length === 1) fields.add('Data', unnamed[0] ?? '')
  else if (unnamed.length > 1) fields.add('Data', unnamed)
}

/**
 * Add `Data` elements: named ones (`{#attributes: {Name}, #text}`) as fields
 * of that name, unnamed ones (classic providers) to `unnamed` in order.
 */
function addDataElements(
  fields: FieldCollector,
  data: unknown,
  unnamed: FieldValue[],
): void {
  for (const item of Array.isArray(data) ? data : [data]) {
    const name = attributesOf(item).get('Name')
    const text = textOf(item)
    if (typeof name === 'string' && name !== '') {
      fields.add(name, text === undefined ? '' : toFieldValue(text))
    } else if (text !== undefined) {
      unnamed.push(...toValueList(text))
    }
  }
}

function addNamedValue(
  fields: FieldCollector,
  name: string,
  value: unknown,
): void {
  if (Array.isArray(value)) {
    for (const item of value) addNamedValue(fields, name, item)
    return
  }

  const text = textOf(value)
  if (text !== undefined) fields.add(name, toFieldValue(text))
  for (const [child, childValue] of childrenOf(value)) {
    addNestedElement(fields, `${name}.${child}`, childValue)
  }
}

/**
 * Add UserData content: every leaf element and attribute under the provider's
 * root element becomes a field named after the leaf, because rules name the
 * leaf (`Operation`, `ClientProcessId`) without the root element's name.
 */
function addUserData(fields: FieldCollector, userData: unknown): void {
  for (const [, root] of childrenOf(userData)) addUserDataElement(fields, root)
}

function addUserDataElement(fields: FieldCollector, element: unknown): void {
  if (Array.isArray(element)) {
    for (const item of element) addUserDataElement(fields, item)
    return
  }

  for (const [name, value] of attributesOf(element)) fields.add(name, value)
  for (const [name, child] of childrenOf(element)) {
    if (isLeaf(child)) {
      const text = textOf(child)
      fields.add(name, text === undefined ? '' : toFieldValue(text))
    }
    addUserDataElement(fields, child)
  }
}

function isLeaf(element: unknown): boolean {
  if (Array.isArray(element)) return element.every(isLeaf)
  return !isJsonObject(element) || childrenOf(element).length === 0
}

/** Add any other element under a dotted name, for parts no rule names. */
function addNestedElement(
  fields: FieldCollector,
  name: string,
  value: unknown,
): void {
  if (Array.isArray(value)) {
    for (const item of value) addNestedElement(fields, name, item)
    return
  }
  if (!isJsonObject(value)) {
    fields.add(name, toFieldValue(value))
    return
  }

  const text = value['#text']
  if (text !== undefined) fields.add(name, toFieldValue(text))
  for (const [attribute, attributeValue] of attributesOf(value)) {
    fields.add(`${name}.${attribute}`, attributeValue)
  }
  for (const [child, childValue] of childrenOf(value)) {
    addNestedElement(fields, `${name}.${child}`, childValue)
  }
}

function addPlainObject(
  fields: FieldCollector,
  prefix: string,
  object: JsonObject,
): void {
  for (const [key, value] of Object.entries(object)) {
    addPlainValue(fields, prefix + key, value)
  }
}

function addPlainValue(
  fields: FieldCollector,
  name: string,
  value: unknown,
): void {
  if (isJsonObject(value)) {
    addPlainObject(fields, `${name}.`, value)
    return
  }
  if (Array.isArray(value) && value.some(isJsonObject)) {
    for (const item of value) addPlainValue(fields, name, item)
    return
  }
  fields.add(name, toPlainFieldValue(value))
}

function toPlainFieldValue(value: unknown): FieldValue {
  if (Array.isArray(value)) return value.map(toPlainFieldValue)
  if (value === null) return null
  if (
    typeof value === 'string' ||
    typeof value === 'number' ||
    typeof value === 'boolean'
  ) {
    return value
  }
  return String(value)
}

/** Return `#text` of an element, the element itself when it is a value. */
function textOf(element: unknown): unknown {
  if (isJsonObject(element)) return element['#text']
  return element
}

/** Return the attributes of an element except XML namespace declarations. */
function attributesOf(element: unknown): Map<string, FieldValue> {
  const attributes = new Map<string, FieldValue>()
  if (!isJsonObject(element)) return attributes

  const block = element['#attributes']
  const entries = isJsonObject(block) ? Object.entries(block) : []
  for (const [key, value] of Object.entries(element)) {
    if (key.startsWith('@')) entries.push([key.slice(1), value])
  }
  for (const [name, value] of entries) {
    if (name === 'xmlns' || name.startsWith('xmlns:')) continue
    if (value === null) continue
    attributes.set(name, toFieldValue(value))
  }
  return attributes
}

/**
 * Return the child elements of an element. evtx_dump names repeated siblings
 * `Name`, `Name_1`, `Name_2`; those suffixes are dropped so that the values
 * share one name.
 */
function childrenOf(element: unknown): Array<[string, unknown]> {
  if (!isJsonObject(element)) return []

  const children: Array<[string, unknown]> = []
  for (const [key, value] of Object.entries(element)) {
    if (isAttributeKey(key) || key === '#text') continue
    children.push([siblingName(key, element), value])
  }
  return children
}

function siblingName(key: string, parent: JsonObject): string {
  const match = /^(.+)_\d+$/.exec(key)
  if (match?.[1] !== undefined && match[1] in parent) return match[1]
  return key
}

function isAttributeKey(key: string): boolean {
  return key === '#attributes' || key.startsWith('@')
}

/** Convert an element's text to a field value; an empty element is ''. */
function toFieldValue(value: unknown): FieldValue {
  if (value === null || value === undefined) return ''
  if (
    typeof value === 'string' ||
    typeof value === 'number' ||
    typeof value === 'boolean'
  ) {
    return value
  }
  if (Array.isArray(value)) return value.map(toFieldValue)
  return JSON.stringify(value)
}

function toValueList(value: unknown): FieldValue[] {
  return Array.isArray(value) ? value.map(toFieldValue) : [toFieldValue(value)]
}

function toNumberIfNumeric(value: unknown): FieldValue {
  if (typeof value === 'string' && /^\d+$/.test(value.trim())) {
    return Number(value.trim())
  }
  return toFieldValue(value)
}
