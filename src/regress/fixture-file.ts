import path from 'node:path'
import type { Diagnostic, Span } from '../diagnostic.js'
import { diagnosticAt } from '../diagnostic.js'
import { DEFAULT_LIMITS, limitDiagnostic, type Limits } from '../limits/limits.js'
import { readBounded } from '../limits/read-bounded.js'
import type { EvtxReader, LoadedEvent } from '../events/load-events.js'
import { loadEventFile } from '../events/load-events.js'
import { normaliseEvent } from '../events/normalise-event.js'
import type { Expectation } from './fixture-expectation.js'
import { parseExpectation } from './fixture-expectation.js'
import { describeOutsideReason, resolveInsideRoot } from './fixture-path.js'
import { CASE_LISTS, checkFixtureSchema, type CaseList } from './fixture-schema.js'
import type { YamlSource } from './fixture-yaml.js'
import { parseYamlSource } from './fixture-yaml.js'

export type { CountKind, Expectation } from './fixture-expectation.js'
export {
  caseRole,
  describeExpectation,
  expectationMet,
} from './fixture-expectation.js'

/** One test case: events to run the rule on and the verdict expected. */
export interface FixtureCase {
  name: string
  expect: Expectation
  /**
   * The events, read when the case was loaded. Empty when `streamEvents` is
   * set: then `eventFile` is read while the case runs.
   */
  events: LoadedEvent[]
  /** Absolute path of the event file the case names, if it names one. */
  eventFile?: string
  /** Read `eventFile` while the case runs instead of holding its events. */
  streamEvents?: boolean
  /** Absolute path of the file the events came from (the fixture file for inline events). */
  fixture: string
  /** The case's source range in `file`. */
  span: Span
  /** Absolute path of the fixture file (or the regression info.yml). */
  file: string
  /** The binary .evtx file holding the same events, for SigmaHQ regression cases. */
  evtx?: string
  /** The id or name of the document the case tests, in a multi-document rule file. */
  rule?: string
}

/** Cases read from one fixture source and the problems found. */
export interface FixtureCases {
  cases: FixtureCase[]
  diagnostics: Diagnostic[]
}

export interface FixtureOptions {
  /** The directory tree the run was given; `file:` paths may not leave it. */
  root: string
  /** Reader for `file:` entries that name a binary .evtx file. */
  readEvtx?: EvtxReader
  /** Bounds on fixture and event file size and event count; the defaults apply when unset. */
  limits?: Limits
  /**
   * Leave `file:` events unread, for `runCase` to stream them, so that a
   * large event file is never held in memory. Correlations need every event
   * at once, so their callers leave this unset.
   */
  stream?: boolean
  /**
   * Make a second case per SigmaHQ regression entry that reads the binary
   * `.evtx` file, next to the one that reads its evtx_dump `.json`.
   */
  regressionEvtx?: boolean
}

/** Return the fixture file that belongs to a rule: `x.yml` → `x.fixtures.yml`. */
export function fixturePathFor(ruleFile: string): string {
  const extension = path.extname(ruleFile)
  return `${ruleFile.slice(0, ruleFile.length - extension.length)}.fixtures.yml`
}

/**
 * Read a fixture file: parse the YAML, validate it against
 * schemas/fixtures.schema.json and load every case's events. Cases with
 * errors are left out and reported; the other cases are returned.
 */
export async function loadFixtureFile(
  fixturePath: string,
  options: FixtureOptions,
): Promise<FixtureCases> {
  const file = path.resolve(fixturePath)
  const maxBytes = (options.limits ?? DEFAULT_LIMITS).ruleFileBytes
  const read = await readBounded(file, maxBytes)
  if (!read.ok && read.reason === 'too-large') {
    const tooLarge = limitDiagnostic(undefined, 'limits/file-size', `Fixture file '${file}' is larger than ${maxBytes} bytes, which`, 'ruleFileBytes', maxBytes, file)
    return { cases: [], diagnostics: [tooLarge] }
  }
  const text = read.ok ? read.bytes.toString('utf8') : ''
  if (!read.ok) {
    const reason = read.message
    const message = `Fixture file '${file}' could not be read (${reason}). Check that it exists and is readable.`
    return {
      cases: [],
      diagnostics: [
        diagnosticAt(undefined, 'fixture/missing-file', 'error', message, file),
      ],
    }
  }

  const source = parseYamlSource(text, file, 'fixture/yaml')
  if (source.value === undefined)
    return { cases: [], diagnostics: source.diagnostics }

  const schema = checkFixtureSchema(source, file)
  const result: FixtureCases = {
    cases: [],
    diagnostics: [...source.diagnostics, ...schema.diagnostics],
  }
  if (schema.unusable) return result

  const context: CaseContext = { source, file, options, result }
  const lists = source.value as Partial<Record<CaseList, unknown[]>>
  for (const list of CASE_LISTS) {
    for (const [index, raw] of (lists[list] ?? []).entries()) {
      if (schema.invalidCases.has(`${list}/${index}`)) continue
      const place = { list, index }
      const fixtureCase = await buildCase(raw as RawCase, place, context)
      if (fixtureCase !== undefined) result.cases.push(fixtureCase)
    }
  }
  reportDuplicateNames(context)
  return result
}

/** Where an entry sits: its list (`cases`, `tp`, `fp`) and its position. */
interface EntryPlace {
  list: CaseList
  index: number
}

/** Describe an entry for messages: `case 2`, `tp entry 1`. */
function describeEntry(place: EntryPlace): string {
  const noun = place.list === 'cases' ? 'case' : `${place.list} entry`
  return `${noun} ${place.index + 1}`
}

/**
 * Return an entry's expectation: its `expect` in `cases`; every event must
 * match in `tp` and none in `fp`.
 */
function expectationOf(raw: RawCase, list: CaseList): Expectation | undefined {
  if (list === 'tp') return { kind: 'all' }
  if (list === 'fp') return { kind: 'no-match' }
  return parseExpectation(raw.expect)
}

/** A case as the schema admits it. */
interface RawCase {
  name: string
  expect: unknown
  rule?: string
  event?: unknown
  events?: unknown[]
  file?: string
}

interface CaseContext {
  source: YamlSource
  file: string
  options: FixtureOptions
  result: FixtureCases
}

async function buildCase(
  raw: RawCase,
  place: EntryPlace,
  context: CaseContext,
): Promise<FixtureCase | undefined> {
  const expect = expectationOf(raw, place.list)
  if (expect === undefined) return undefined

  const base = {
    name: raw.name,
    expect,
    span: context.source.spanOf([place.list, place.index]),
    file: context.file,
    ...(raw.rule === undefined ? {} : { rule: raw.rule }),
  }
  if (raw.file !== undefined) {
    const loaded = await loadCaseFile(raw.file, place, context)
    return loaded === undefined ? undefined : { ...base, ...loaded }
  }

  return {
    ...base,
    events: inlineEvents(raw, place, context.source),
    fixture: context.file,
  }
}

function inlineEvents(
  raw: RawCase,
  place: EntryPlace,
  source: YamlSource,
): LoadedEvent[] {
  const { list, index } = place
  if (raw.events === undefined) {
    const line = source.spanOf([list, index, 'event']).line
    return [{ event: normaliseEvent(raw.event), index: 0, line }]
  }

  return raw.events.map((event, position) => ({
    event: normaliseEvent(event),
    index: position,
    line: source.spanOf([list, index, 'events', position]).line,
  }))
}

type CaseFileEvents = Pick<
  FixtureCase,
  'events' | 'fixture' | 'eventFile' | 'streamEvents'
>

async function loadCaseFile(
  written: string,
  place: EntryPlace,
  context: CaseContext,
): Promise<CaseFileEvents | undefined> {
  const { file, options, result } = context
  const span = context.source.spanOf([place.list, place.index, 'file'])
  const where = describeEntry(place)
  const resolved = resolveInsideRoot(
    path.dirname(file),
    written,
    options.root,
  )

  if (resolved.status === 'outside') {
    const message = `Event file '${written}' in ${where} is outside the checked directory '${options.root}' because ${describeOutsideReason(resolved.reason)}. Put the file inside that directory and give its path relative to the fixture file.`
    result.diagnostics.push(
      diagnosticAt(span, 'fixture/outside-root', 'error', message, file),
    )
    return undefined
  }
  if (resolved.status === 'missing' || resolved.isDirectory) {
    const problem =
      resolved.status === 'missing' ? 'was not found' : 'is a directory'
    const message = `Event file '${written}' in ${where} ${problem} (looked for '${resolved.path}'). Give the path of an event file relative to the fixture file.`
    result.diagnostics.push(
      diagnosticAt(span, 'fixture/missing-file', 'error', message, file),
    )
    return undefined
  }

  const eventFile = resolved.path
  if (options.stream === true) {
    return { events: [], fixture: eventFile, eventFile, streamEvents: true }
  }
  const loadOptions = {
    ...(options.readEvtx === undefined ? {} : { readEvtx: options.readEvtx }),
    ...(options.limits === undefined ? {} : { limits: options.limits }),
  }
  const loaded = await loadEventFile(eventFile, loadOptions)
  result.diagnostics.push(...loaded.diagnostics)
  return { events: loaded.events, fixture: eventFile, eventFile }
}

function reportDuplicateNames(context: CaseContext): void {
  const lists = context.source.value as Partial<Record<CaseList, unknown[]>>
  const seen = new Set<string>()
  const entries = CASE_LISTS.flatMap((list) =>
    (lists[list] ?? []).map((raw, index) => ({ raw, list, index })),
  )
  entries.forEach(({ raw, list, index }) => {
    const name = (raw as { name?: unknown } | null)?.name
    if (typeof name !== 'string') return
    if (!seen.has(name)) {
      seen.add(name)
      return
    }
    const message = `Case name '${name}' is used more than once. Give each case its own name so that reports tell them apart.`
    const span = context.source.spanOf([list, index, 'name'])
    context.result.diagnostics.push(
      diagnosticAt(
        span,
        'fixture/duplicate-name',
        'warning',
        message,
        context.file,
      ),
    )
  })
}
