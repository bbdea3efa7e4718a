import { readFile } from 'node:fs/promises'
import path from 'node:path'
import type { Diagnostic, Span } from '../diagnostic.js'
import { diagnosticAt } from '../diagnostic.js'
import type { EvtxReader, LoadedEvent } from '../events/load-events.js'
import { loadEventFile } from '../events/load-events.js'
import { normaliseEvent } from '../events/normalise-event.js'
import type { Expectation } from './fixture-expectation.js'
import { parseExpectation } from './fixture-expectation.js'
import { describeOutsideReason, resolveInsideRoot } from './fixture-path.js'
import { checkFixtureSchema } from './fixture-schema.js'
import type { YamlSource } from './fixture-yaml.js'
import { parseYamlSource } from './fixture-yaml.js'

export type { CountKind, Expectation } from './fixture-expectation.js'
export { describeExpectation, expectationMet } from './fixture-expectation.js'

/** One test case: events to run the rule on and the verdict expected. */
export interface FixtureCase {
  name: string
  expect: Expectation
  events: LoadedEvent[]
  /** Absolute path of the file the events came from (the fixture file for inline events). */
  fixture: string
  /** The case's source range in `file`. */
  span: Span
  /** Absolute path of the fixture file (or the regression info.yml). */
  file: string
  /** The binary .evtx file holding the same events, for SigmaHQ regression cases. */
  evtx?: string
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
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
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
  const rawCases = (source.value as { cases: unknown[] }).cases
  for (const [index, raw] of rawCases.entries()) {
    if (schema.invalidCases.has(index)) continue
    const fixtureCase = await buildCase(raw as RawCase, index, context)
    if (fixtureCase !== undefined) result.cases.push(fixtureCase)
  }
  reportDuplicateNames(context)
  return result
}

/** A case as the schema admits it. */
interface RawCase {
  name: string
  expect: unknown
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
  index: number,
  context: CaseContext,
): Promise<FixtureCase | undefined> {
  const expect = parseExpectation(raw.expect)
  if (expect === undefined) return undefined

  const base = {
    name: raw.name,
    expect,
    span: context.source.spanOf(['cases', index]),
    file: context.file,
  }
  if (raw.file !== undefined) {
    const loaded = await loadCaseFile(raw.file, index, context)
    return loaded === undefined ? undefined : { ...base, ...loaded }
  }

  return {
    ...base,
    events: inlineEvents(raw, index, context.source),
    fixture: context.file,
  }
}

function inlineEvents(
  raw: RawCase,
  index: number,
  source: YamlSource,
): LoadedEvent[] {
  if (raw.events === undefined) {
    const line = source.spanOf(['cases', index, 'event']).line
    return [{ event: normaliseEvent(raw.event), index: 0, line }]
  }

  return raw.events.map((event, position) => ({
    event: normaliseEvent(event),
    index: position,
    line: source.spanOf(['cases', index, 'events', position]).line,
  }))
}

async function loadCaseFile(
  written: string,
  index: number,
  context: CaseContext,
): Promise<{ events: LoadedEvent[]; fixture: string } | undefined> {
  const { file, options, result } = context
  const span = context.source.spanOf(['cases', index, 'file'])
  const resolved = await resolveInsideRoot(
    path.dirname(file),
    written,
    options.root,
  )

  if (resolved.status === 'outside') {
    const message = `Event file '${written}' in case ${index + 1} is outside the checked directory '${options.root}' because ${describeOutsideReason(resolved.reason)}. Put the file inside that directory and give its path relative to the fixture file.`
    result.diagnostics.push(
      diagnosticAt(span, 'fixture/outside-root', 'error', message, file),
    )
    return undefined
  }
  if (resolved.status === 'missing' || resolved.isDirectory) {
    const problem =
      resolved.status === 'missing' ? 'was not found' : 'is a directory'
    const message = `Event file '${written}' in case ${index + 1} ${problem} (looked for '${resolved.path}'). Give the path of an event file relative to the fixture file.`
    result.diagnostics.push(
      diagnosticAt(span, 'fixture/missing-file', 'error', message, file),
    )
    return undefined
  }

  const loadOptions =
    options.readEvtx === undefined ? {} : { readEvtx: options.readEvtx }
  const loaded = await loadEventFile(resolved.path, loadOptions)
  result.diagnostics.push(...loaded.diagnostics)
  return { events: loaded.events, fixture: resolved.path }
}

function reportDuplicateNames(context: CaseContext): void {
  const rawCases = (context.source.value as { cases: unknown[] }).cases
  const seen = new Set<string>()
  rawCases.forEach((raw, index) => {
    const name = (raw as { name?: unknown } | null)?.name
    if (typeof name !== 'string') return
    if (!seen.has(name)) {
      seen.add(name)
      return
    }
    const message = `Case name '${name}' is used more than once. Give each case its own name so that reports tell them apart.`
    const span = context.source.spanOf(['cases', index, 'name'])
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
