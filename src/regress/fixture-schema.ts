import type { ErrorObject } from 'ajv'
import schema from '../../schemas/fixtures.schema.json' with { type: 'json' }
import type { Diagnostic, Span } from '../diagnostic.js'
import { diagnosticAt } from '../diagnostic.js'
import { validateFixtures } from '../generated/validate-fixtures.js'
import { COUNT_KINDS } from './fixture-expectation.js'
import type { PathSegment, YamlSource } from './fixture-yaml.js'

/** Schema problems of a fixture file and the cases they make unusable. */
export interface SchemaCheck {
  diagnostics: Diagnostic[]
  /** Entries with errors as `list/index` (`cases/0`, `tp/2`); they are not run. */
  invalidCases: Set<string>
  /** True when the file's shape leaves no cases to read at all. */
  unusable: boolean
}

const TOP_LEVEL_KEYS = Object.keys(schema.properties)
const CASE_KEYS = Object.keys(schema.definitions.case.properties)
const SAMPLE_KEYS = Object.keys(schema.definitions.sample.properties)
/** The lists of a fixture file whose entries are cases. */
export const CASE_LISTS = ['cases', 'tp', 'fp'] as const
export type CaseList = (typeof CASE_LISTS)[number]
const EVENT_SOURCES = ['event', 'events', 'file']
const EXPECT_HINT =
  'Use match, no-match, or one bound with a whole number such as { at-least: 1 }, { exactly: 2 } or { at-most: 3 }.'

function validateFixture(value: unknown): ErrorObject[] {
  return validateFixtures(value) ? [] : (validateFixtures.errors ?? [])
}

/** Validate a fixture file's value against schemas/fixtures.schema.json. */
export function checkFixtureSchema(
  source: YamlSource,
  file: string,
): SchemaCheck {
  const errors = validateFixture(source.value)
  const reporter = new SchemaReporter(source, file)
  const expectPaths = new Set<string>()

  for (const error of errors) {
    const expectPath = /^\/cases\/\d+\/expect/.exec(error.instancePath)?.[0]
    if (expectPath !== undefined) expectPaths.add(expectPath)
    else if (!isInsideOneOf(error)) reporter.report(error)
  }
  for (const expectPath of expectPaths) reporter.reportExpectation(expectPath)
  return reporter.result()
}

/** Errors of a oneOf's or anyOf's branches only restate that error itself. */
function isInsideOneOf(error: ErrorObject): boolean {
  return (
    error.schemaPath.includes('/oneOf/') || error.schemaPath.includes('/anyOf/')
  )
}

class SchemaReporter {
  private readonly diagnostics: Diagnostic[] = []
  private readonly invalidCases = new Set<string>()
  private unusable = false
  private readonly pendingSourceErrors: Array<{
    error: ErrorObject
    path: PathSegment[]
  }> = []
  private readonly sourceTypos = new Set<string>()

  constructor(
    private readonly source: YamlSource,
    private readonly file: string,
  ) {}

  report(error: ErrorObject): void {
    const path = pointerToPath(error.instancePath)
    this.markInvalid(path, error)

    switch (error.keyword) {
      case 'additionalProperties':
        return this.reportUnknownKey(
          path,
          String(error.params['additionalProperty']),
        )
      case 'required':
        return this.reportMissingKey(
          path,
          String(error.params['missingProperty']),
        )
      case 'type':
        return this.reportWrongType(path, String(error.params['type']))
      case 'minItems':
      case 'minLength':
        return this.reportEmpty(path)
      case 'oneOf':
        this.pendingSourceErrors.push({ error, path })
        return
      case 'anyOf':
        return this.add(
          startOf(this.source.spanOf(path)),
          "The fixture file has no 'cases', 'tp' or 'fp' list. Add 'cases:' with at least one case, or 'tp:' and 'fp:' with events the rule must and must not match.",
        )
      default:
        return this.add(
          this.source.spanOf(path),
          `${describePath(path, this.source.value)} is invalid: ${error.message ?? 'schema error'}. Compare it with docs/fixtures.md.`,
        )
    }
  }

  reportExpectation(expectPath: string): void {
    const path = pointerToPath(expectPath)
    this.markInvalid(path)
    const value = valueAt(this.source.value, path)
    const where = describePath(path.slice(0, 2), this.source.value)
    const typo = unknownCountKind(value)
    if (typo !== undefined) {
      const message = `Unknown expectation '${typo}' in ${where}.${suggestion(typo, COUNT_KINDS)} ${EXPECT_HINT}`
      this.add(
        this.source.keySpanOf(path, typo),
        message,
        'fixture/unknown-key',
      )
      return
    }

    const hint =
      typeof value === 'string' ? suggestion(value, ['match', 'no-match']) : ''
    const message = `Invalid expectation ${quote(value)} in ${where}.${hint} ${EXPECT_HINT}`
    this.add(this.source.spanOf(path), message)
  }

  result(): SchemaCheck {
    for (const { path } of this.pendingSourceErrors)
      this.reportEventSource(path)
    const diagnostics = this.diagnostics.sort(
      (left, right) => left.line - right.line || left.column - right.column,
    )
    return {
      diagnostics,
      invalidCases: this.invalidCases,
      unusable: this.unusable,
    }
  }

  private reportUnknownKey(path: PathSegment[], key: string): void {
    const known =
      path.length === 0
        ? TOP_LEVEL_KEYS
        : path[0] === 'cases'
          ? CASE_KEYS
          : SAMPLE_KEYS
    const closest = closestName(key, known)
    const entry = entryKey(path)
    if (
      entry !== undefined &&
      closest !== undefined &&
      EVENT_SOURCES.includes(closest)
    ) {
      this.sourceTypos.add(entry)
    }

    const where =
      path.length === 0
        ? 'at the top level'
        : `in ${describePath(path, this.source.value)}`
    const fix =
      closest === undefined
        ? ` Remove it or use one of: ${known.join(', ')}.`
        : ` Did you mean '${closest}'?`
    const message = `Unknown key '${key}' ${where}.${fix}`
    this.add(this.source.keySpanOf(path, key), message, 'fixture/unknown-key')
  }

  private reportMissingKey(path: PathSegment[], key: string): void {
    const span = startOf(this.source.spanOf(path))
    if (path.length === 0) {
      this.add(
        span,
        "The fixture file has no 'cases' list. Add 'cases:' with at least one case.",
      )
      return
    }

    const where = describePath(path, this.source.value)
    const fix =
      key === 'expect'
        ? EXPECT_HINT
        : 'Add a short name that says what the case tests.'
    this.add(span, `${capitalise(where)} has no '${key}'. ${fix}`)
  }

  private reportWrongType(path: PathSegment[], expected: string): void {
    const value = valueAt(this.source.value, path)
    const where = describePath(path, this.source.value)
    if (path.length === 0 && (value === null || value === undefined)) {
      const message =
        "The fixture file is empty. Add 'cases:' with at least one case."
      this.add(this.source.spanOf(path), message)
      return
    }
    if (value === null || value === undefined) {
      const message = `${capitalise(where)} has no value. Give it ${describeSchemaType(expected)}.`
      this.add(this.source.spanOf(path), message)
      return
    }

    const found = describeType(value)
    let hint = ''
    if (path.length === 0)
      hint = " Start the file with 'cases:' and list the cases below it."
    else if (expected === 'string') hint = ' Put the value in quotes.'
    const message = `${capitalise(where)} must be ${describeSchemaType(expected)}, not ${found} ${quote(value)}.${hint}`
    this.add(this.source.spanOf(path), message)
  }

  private reportEmpty(path: PathSegment[]): void {
    const where = describePath(path, this.source.value)
    const key = path.at(-1)
    const fixes: Record<string, string> = {
      cases: 'Add at least one case.',
      events: "Add at least one event, or use 'event' or 'file'.",
      name: 'Give the case a short name that says what it tests.',
      file: 'Give the path of an event file relative to the fixture file.',
    }
    const fix = fixes[String(key)] ?? 'Give it a value.'
    this.add(this.source.spanOf(path), `${capitalise(where)} is empty. ${fix}`)
  }

  private reportEventSource(path: PathSegment[]): void {
    const entry = entryKey(path)
    const value = valueAt(this.source.value, path)
    if (!isObject(value)) return

    const present = EVENT_SOURCES.filter((key) => key in value)
    const where = describePath(path, this.source.value)

    if (present.length === 0) {
      if (entry !== undefined && this.sourceTypos.has(entry)) return
      const message = `${capitalise(where)} has no events. Add 'event' (one event), 'events' (a list) or 'file' (an event file).`
      this.add(startOf(this.source.spanOf(path)), message)
      return
    }

    const [first, second] = present
    const message = `${capitalise(where)} has both '${first}' and '${second}'. Keep one of them: each case reads its events from one place.`
    this.add(this.source.keySpanOf(path, second ?? ''), message)
  }

  private markInvalid(path: PathSegment[], error?: ErrorObject): void {
    const entry = entryKey(path)
    if (entry !== undefined) {
      this.invalidCases.add(entry)
      return
    }
    const unknownTopKey =
      error?.keyword === 'additionalProperties' && path.length === 0
    if (!unknownTopKey) this.unusable = true
  }

  private add(span: Span, message: string, check = 'fixture/schema'): void {
    this.diagnostics.push(
      diagnosticAt(span, check, 'error', message, this.file),
    )
  }
}

/** Return `list/index` for a path into a case list, such as `tp/2`. */
export function entryKey(path: readonly PathSegment[]): string | undefined {
  const [list, index] = path
  if (typeof list !== 'string' || !isCaseList(list)) return undefined
  return typeof index === 'number' ? `${list}/${index}` : undefined
}

function isCaseList(value: PathSegment): value is CaseList {
  return (CASE_LISTS as readonly PathSegment[]).includes(value)
}

function pointerToPath(pointer: string): PathSegment[] {
  if (pointer === '') return []
  return pointer
    .slice(1)
    .split('/')
    .map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'))
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part))
}

function valueAt(root: unknown, path: readonly PathSegment[]): unknown {
  let value = root
  for (const segment of path) {
    if (Array.isArray(value) && typeof segment === 'number')
      value = value[segment]
    else if (isObject(value)) value = value[String(segment)]
    else return undefined
  }
  return value
}

/** Describe a place in a fixture file the way a reader finds it: "case 2 ('x')". */
function describePath(path: readonly PathSegment[], root: unknown): string {
  const [first, caseIndex, key, item] = path
  if (first === undefined) return 'the fixture file'
  if (!isCaseList(first) || typeof caseIndex !== 'number')
    return `'${path.join('.')}'`

  const name = valueAt(root, [first, caseIndex, 'name'])
  const label = typeof name === 'string' && name !== '' ? ` ('${name}')` : ''
  const noun = first === 'cases' ? 'case' : `${first} entry`
  const caseText = `${noun} ${caseIndex + 1}${label}`
  if (key === undefined) return caseText
  if (key === 'events' && typeof item === 'number')
    return `event ${item + 1} of 'events' in ${caseText}`
  return `'${key}' in ${caseText}`
}

function unknownCountKind(value: unknown): string | undefined {
  if (!isObject(value)) return undefined
  return Object.keys(value).find(
    (key) => !(COUNT_KINDS as readonly string[]).includes(key),
  )
}

/** Return the known name closest to `word` when it is a likely typo. */
export function closestName(
  word: string,
  known: readonly string[],
): string | undefined {
  let best: string | undefined
  let bestDistance = Infinity
  for (const candidate of known) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase())
    if (distance < bestDistance) {
      best = candidate
      bestDistance = distance
    }
  }
  const allowed = Math.max(2, Math.floor(word.length / 3))
  return bestDistance <= allowed ? best : undefined
}

function editDistance(left: string, right: string): number {
  let previous = Array.from({ length: right.length + 1 }, (_, index) => index)
  for (let i = 1; i <= left.length; i++) {
    const current = [i]
    for (let j = 1; j <= right.length; j++) {
      const substitution =
        (previous[j - 1] ?? 0) + (left[i - 1] === right[j - 1] ? 0 : 1)
      current[j] = Math.min(
        (previous[j] ?? 0) + 1,
        (current[j - 1] ?? 0) + 1,
        substitution,
      )
    }
    previous = current
  }
  return previous[right.length] ?? 0
}

function suggestion(word: string, known: readonly string[]): string {
  const closest = closestName(word, known)
  return closest === undefined ? '' : ` Did you mean '${closest}'?`
}

function describeSchemaType(type: string): string {
  const names: Record<string, string> = {
    object: 'a map',
    array: 'a list',
    string: 'a string',
    integer: 'a whole number',
    number: 'a number',
  }
  return names[type] ?? `a ${type}`
}

function describeType(value: unknown): string {
  if (Array.isArray(value)) return 'a list'
  if (typeof value === 'object') return 'a map'
  return `a ${typeof value}`
}

function quote(value: unknown): string {
  if (value === null || value === undefined) return "''"
  const text = typeof value === 'string' ? value : JSON.stringify(value)
  return `'${text.length > 60 ? `${text.slice(0, 57)}...` : text}'`
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}

function startOf(span: Span): Span {
  return { line: span.line, column: span.column }
}
