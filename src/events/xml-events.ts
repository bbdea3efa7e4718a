import { SaxesParser, type SaxesTag } from 'saxes'

/**
 * Reading of Windows event XML as `wevtutil qe /f:xml` and PowerShell's
 * `Get-WinEvent | ForEach-Object { $_.ToXml() }` print it: one `<Event>` or
 * several, with or without an enclosing `<Events>` element and an XML
 * declaration. Each `<Event>` becomes a record in xmltodict's layout
 * (attributes as `@Name` keys, text under `#text`), which `normaliseEvent`
 * flattens like evtx_dump records.
 *
 * saxes parses the XML: it is a streaming, well-formedness-checking parser
 * that reports line and column, so text can be fed in pieces and a large
 * export is read one event at a time.
 */

/** One `<Event>` element read from XML, as an xmltodict-style record. */
export interface XmlEventRecord {
  record: Record<string, unknown>
  /** 1-based line of the `<Event` start tag. */
  line: number
  /** 1-based column of the `<Event` start tag. */
  column: number
}

/** The first well-formedness error, with its 1-based position. */
export interface XmlEventError {
  message: string
  line: number
  column: number
}

/** An element being built: its name, attributes, children and text. */
interface OpenElement {
  name: string
  value: Record<string, unknown>
  text: string[]
}

const XML_DECLARATION = /^(\uFEFF?\s*)(<\?xml[^?]*\?>)/

/**
 * Parser of event XML fed in pieces. `write` returns the events completed by
 * that piece; after the first well-formedness error no more events come,
 * because what follows an error cannot be trusted.
 */
export class EventXmlReader {
  private readonly parser = new SaxesParser({ fragment: true })
  private readonly stack: OpenElement[] = []
  private completed: XmlEventRecord[] = []
  private eventStart: { line: number; column: number } | undefined
  private tagStart = { line: 1, column: 1 }
  private started = false
  private failure: XmlEventError | undefined

  constructor() {
    this.parser.on('opentagstart', (tag) => this.markTagStart(tag.name))
    this.parser.on('opentag', (tag) => this.open(tag))
    this.parser.on('closetag', () => this.close())
    this.parser.on('text', (text) => this.addText(text))
    this.parser.on('cdata', (text) => this.addText(text))
    this.parser.on('error', (error) => this.fail(error))
  }

  /** The first error met, if any. */
  get error(): XmlEventError | undefined {
    return this.failure
  }

  /** Parse the next piece of text and return the events it completed. */
  write(text: string): XmlEventRecord[] {
    if (this.failure !== undefined) return []
    this.parser.write(this.started ? text : blankDeclaration(text))
    this.started = true
    return this.take()
  }

  /** Finish the input: report unclosed elements and return the last events. */
  end(): XmlEventRecord[] {
    if (this.failure === undefined) this.parser.close()
    return this.take()
  }

  private take(): XmlEventRecord[] {
    const completed = this.completed
    this.completed = []
    return completed
  }

  private open(tag: SaxesTag): void {
    const name = localName(tag.name)
    if (this.stack.length === 0 && name === 'Event') {
      this.eventStart = this.tagStart
    }
    if (this.eventStart === undefined) return

    const value: Record<string, unknown> = {}
    for (const [attribute, attributeValue] of Object.entries(tag.attributes)) {
      const text =
        typeof attributeValue === 'string' ? attributeValue : attributeValue.value
      value[`@${localName(attribute)}`] = text
    }
    this.stack.push({ name, value, text: [] })
  }

  private close(): void {
    const element = this.stack.pop()
    if (element === undefined) return

    const built = finishElement(element)
    const parent = this.stack.at(-1)
    if (parent !== undefined) {
      addChild(parent.value, element.name, built)
      return
    }
    // An event closed after an error may be missing parts, so it is dropped.
    if (this.eventStart !== undefined && this.failure === undefined) {
      this.completed.push({ record: { Event: built }, ...this.eventStart })
      this.eventStart = undefined
    }
  }

  private addText(text: string): void {
    this.stack.at(-1)?.text.push(text)
  }

  private fail(error: Error): void {
    if (this.failure !== undefined) return
    // saxes prefixes its messages with 'line:column: ' and ends them with '.'.
    const message = error.message.replace(/^\d+:\d+: /, '').replace(/\.$/, '')
    this.failure = {
      message,
      line: this.parser.line,
      column: this.parser.column + 1,
    }
  }

  /** Remember where a start tag begins; saxes is just past its name. */
  private markTagStart(name: string): void {
    this.tagStart = {
      line: this.parser.line,
      column: Math.max(1, this.parser.column - name.length),
    }
  }
}

/**
 * Read every `<Event>` of an XML text. Returns the events before the first
 * well-formedness error, and that error.
 */
export function parseEventXml(text: string): {
  events: XmlEventRecord[]
  error?: XmlEventError
} {
  const reader = new EventXmlReader()
  const events = [...reader.write(text), ...reader.end()]
  return reader.error === undefined
    ? { events }
    : { events, error: reader.error }
}

/** Return true when text starts like XML (after a byte order mark and spaces). */
export function looksLikeXml(text: string): boolean {
  return /^\uFEFF?\s*</.test(text)
}

/**
 * Replace a leading XML declaration by spaces: saxes rejects a declaration
 * in fragment mode, which the several root `<Event>` elements of a
 * `wevtutil` export need. Spaces keep the columns of what follows.
 */
function blankDeclaration(text: string): string {
  return text.replace(
    XML_DECLARATION,
    (_, lead: string, declaration: string) =>
      lead + ' '.repeat(declaration.length),
  )
}

/** Drop a namespace prefix: `ev:Event` is `Event`. */
function localName(name: string): string {
  const colon = name.indexOf(':')
  return colon === -1 || name.startsWith('xmlns') ? name : name.slice(colon + 1)
}

/**
 * Turn an element into its xmltodict value: the text alone when it has
 * neither attributes nor children, `null` when it is empty, otherwise a map
 * with `#text` for the text.
 */
function finishElement(element: OpenElement): unknown {
  const joined = element.text.join('')
  const text = isIndentation(joined) ? '' : joined
  const hasFields = Object.keys(element.value).length > 0
  if (!hasFields) return text === '' ? null : text

  if (text !== '') element.value['#text'] = text
  return element.value
}

/**
 * Return true for whitespace with a line break: the indentation of a
 * pretty-printed export, not a value. A value of spaces alone is kept.
 */
function isIndentation(text: string): boolean {
  return text.trim() === '' && /[\r\n]/.test(text)
}

/** Add a child value; a repeated name turns into a list, as in xmltodict. */
function addChild(
  parent: Record<string, unknown>,
  name: string,
  value: unknown,
): void {
  if (!(name in parent)) {
    parent[name] = value
    return
  }

  const existing = parent[name]
  parent[name] = Array.isArray(existing)
    ? [...existing, value]
    : [existing, value]
}
