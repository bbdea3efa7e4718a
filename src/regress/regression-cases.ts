import { readFile } from 'node:fs/promises'
import path from 'node:path'
import type { Diagnostic, Span } from '../diagnostic.js'
import { diagnosticAt } from '../diagnostic.js'
import { loadEventFile } from '../events/load-events.js'
import type {
  FixtureCase,
  FixtureCases,
  FixtureOptions,
} from './fixture-file.js'
import type { ResolvedPath } from './fixture-path.js'
import {
  describeOutsideReason,
  isInside,
  resolveInsideRoot,
} from './fixture-path.js'
import type { YamlSource } from './fixture-yaml.js'
import { parseYamlSource } from './fixture-yaml.js'
import type { RegressionEntry } from './regression-info.js'
import { readRegressionEntries } from './regression-info.js'

/**
 * Build fixture cases from SigmaHQ regression data. A rule's
 * `regression_tests_path` (an info.yml, or the folder holding it) is written
 * relative to the rules repository's root, so it is resolved against the
 * nearest ancestor of the rule file that contains it, never above
 * `options.root`. Each `regression_tests_info` entry of type evtx becomes a
 * case reading the evtx_dump `.json` next to its `.evtx` and expecting at
 * least `match_count` matches (1 when absent). Missing data gives
 * `regression/missing-file` warnings at `pathSpan` in the rule file.
 */
export async function loadRegressionCases(
  ruleFile: string,
  regressionPath: string,
  pathSpan: Span,
  options: FixtureOptions,
): Promise<FixtureCases> {
  const result: FixtureCases = { cases: [], diagnostics: [] }
  const located = locateRegressionData(
    path.resolve(ruleFile),
    regressionPath,
    options.root,
  )
  if (located.status !== 'inside') {
    result.diagnostics.push(
      locationProblem(regressionPath, located, pathSpan, options.root),
    )
    return result
  }

  const infoPath = located.isDirectory
    ? path.join(located.path, 'info.yml')
    : located.path
  const source = await readInfoFile(infoPath, pathSpan, result)
  if (source === undefined) return result

  const entries = readRegressionEntries(source, infoPath)
  result.diagnostics.push(...entries.diagnostics)
  const context: EntryContext = {
    base: located.base,
    infoPath,
    source,
    pathSpan,
    options,
    result,
  }
  for (const entry of entries.entries) {
    result.cases.push(...(await buildRegressionCases(entry, context)))
  }
  return result
}

type LocatedData = ResolvedPath & { base: string }

/** Try `regressionPath` from the rule's folder upwards, stopping at the root. */
function locateRegressionData(
  ruleFile: string,
  regressionPath: string,
  root: string,
): LocatedData {
  const top = path.resolve(root)
  let directory = path.dirname(ruleFile)
  let last: LocatedData = { status: 'missing', path: regressionPath, base: top }

  while (isInside(top, directory)) {
    const resolved = resolveInsideRoot(directory, regressionPath, top)
    if (resolved.status !== 'missing') return { ...resolved, base: directory }
    last = { ...resolved, base: directory }

    const parent = path.dirname(directory)
    if (parent === directory) break
    directory = parent
  }
  return last
}

function locationProblem(
  regressionPath: string,
  located: LocatedData,
  pathSpan: Span,
  root: string,
): Diagnostic {
  if (located.status === 'outside') {
    const message = `Regression data '${regressionPath}' is outside the checked directory '${root}' because ${describeOutsideReason(located.reason)}. Give regression_tests_path relative to the rules repository's root.`
    return diagnosticAt(pathSpan, 'regression/outside-root', 'warning', message)
  }
  const message = `Regression data '${regressionPath}' was not found in the rule's folder or any parent folder inside '${root}'. Add the regression data or fix regression_tests_path.`
  return diagnosticAt(pathSpan, 'regression/missing-file', 'warning', message)
}

async function readInfoFile(
  infoPath: string,
  pathSpan: Span,
  result: FixtureCases,
): Promise<YamlSource | undefined> {
  let text: string
  try {
    text = await readFile(infoPath, 'utf8')
  } catch {
    const message = `Regression info file '${infoPath}' was not found. Add it next to the regression events or fix regression_tests_path.`
    result.diagnostics.push(
      diagnosticAt(pathSpan, 'regression/missing-file', 'warning', message),
    )
    return undefined
  }

  const source = parseYamlSource(text, infoPath, 'regression/yaml')
  result.diagnostics.push(...source.diagnostics)
  return source.value === undefined ? undefined : source
}

interface EntryContext {
  /** The folder that regression_tests_path was found under: the repository root. */
  base: string
  infoPath: string
  source: YamlSource
  pathSpan: Span
  options: FixtureOptions
  result: FixtureCases
}

/**
 * Build the cases of one entry: one reading the evtx_dump `.json`, and with
 * `options.regressionEvtx` a second one reading the binary `.evtx` itself.
 */
async function buildRegressionCases(
  entry: RegressionEntry,
  context: EntryContext,
): Promise<FixtureCase[]> {
  const { infoPath, options, result } = context
  const entrySpan = context.source.spanOf([
    'regression_tests_info',
    entry.index,
  ])
  const evtx = resolveInsideRoot(context.base, entry.path, options.root)
  if (evtx.status === 'outside') {
    const pathSpan = context.source.spanOf([
      'regression_tests_info',
      entry.index,
      'path',
    ])
    const message = `Regression event file '${entry.path}' is outside the checked directory '${options.root}' because ${describeOutsideReason(evtx.reason)}. Give the path relative to the rules repository's root.`
    result.diagnostics.push(
      diagnosticAt(
        pathSpan,
        'regression/outside-root',
        'warning',
        message,
        infoPath,
      ),
    )
    return []
  }

  const evtxFile =
    evtx.status === 'inside' && !evtx.isDirectory ? evtx.path : undefined
  const evtxCase: FixtureCase | undefined =
    options.regressionEvtx === true && evtxFile !== undefined
      ? {
          name: entry.name,
          expect: { kind: 'at-least', count: entry.matchCount },
          events: [],
          eventFile: evtxFile,
          streamEvents: true,
          fixture: evtxFile,
          span: entrySpan,
          file: infoPath,
        }
      : undefined

  const json = await findEventJson(evtx.path, context)
  if (json === undefined && evtxCase !== undefined) return [evtxCase]
  if (json === undefined) {
    const message = `Regression events for '${entry.path}' were not found: there is no evtx_dump JSON file '${jsonNameFor(entry.path)}' next to it. Export the .evtx file with evtx_dump to that name.`
    result.diagnostics.push(
      diagnosticAt(
        context.pathSpan,
        'regression/missing-file',
        'warning',
        message,
      ),
    )
    return []
  }

  const jsonCase: FixtureCase = {
    name: entry.name,
    expect: { kind: 'at-least', count: entry.matchCount },
    events: [],
    eventFile: json,
    fixture: json,
    span: entrySpan,
    file: infoPath,
  }
  if (options.stream === true) jsonCase.streamEvents = true
  else {
    const limits = options.limits === undefined ? {} : { limits: options.limits }
    const loaded = await loadEventFile(json, limits)
    result.diagnostics.push(...loaded.diagnostics)
    jsonCase.events = loaded.events
  }
  if (evtxFile !== undefined) jsonCase.evtx = evtxFile
  return evtxCase === undefined ? [jsonCase] : [jsonCase, evtxCase]
}

/**
 * Find the `.json` beside the `.evtx`; when the repository was moved and the
 * written path no longer resolves, look beside info.yml instead.
 */
async function findEventJson(
  evtxPath: string,
  context: EntryContext,
): Promise<string | undefined> {
  const name = jsonNameFor(evtxPath)
  const candidates = [
    path.join(path.dirname(evtxPath), name),
    path.join(path.dirname(context.infoPath), name),
  ]
  for (const candidate of candidates) {
    const resolved = resolveInsideRoot(
      context.base,
      path.relative(context.base, candidate),
      context.options.root,
    )
    if (resolved.status === 'inside' && !resolved.isDirectory)
      return resolved.path
  }
  return undefined
}

function jsonNameFor(evtxPath: string): string {
  const base = path.basename(evtxPath.replaceAll('\\', '/'))
  const extension = path.extname(base)
  return `${base.slice(0, base.length - extension.length)}.json`
}
