import type { Diagnostic } from '../diagnostic.js'
import { diagnosticAt } from '../diagnostic.js'
import type { YamlSource } from './fixture-yaml.js'

/** One usable `regression_tests_info` entry of a SigmaHQ info.yml. */
export interface RegressionEntry {
  /** Position in the `regression_tests_info` list. */
  index: number
  name: string
  /** The .evtx path as written, relative to the rules repository's root. */
  path: string
  /** Lower bound on the number of matching events. */
  matchCount: number
}

/**
 * Read the entries of an info.yml, written as
 * `regression_tests_info: [{ name, type: evtx, provider, match_count?, path }]`.
 * Entries of other types and malformed entries are reported as warnings and
 * skipped. The rules repository ships this data, and one broken entry should
 * not hide the others.
 */
export function readRegressionEntries(
  source: YamlSource,
  infoPath: string,
): { entries: RegressionEntry[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = []
  const warn = (
    span: Parameters<typeof diagnosticAt>[0],
    check: string,
    message: string,
  ): void => {
    diagnostics.push(diagnosticAt(span, check, 'warning', message, infoPath))
  }

  const list = isObject(source.value)
    ? source.value['regression_tests_info']
    : undefined
  if (!Array.isArray(list)) {
    warn(
      source.spanOf([]),
      'regression/no-tests',
      "The regression info file has no 'regression_tests_info' list, so no regression test runs. Add the list or remove regression_tests_path from the rule.",
    )
    return { entries: [], diagnostics }
  }

  const entries: RegressionEntry[] = []
  list.forEach((raw: unknown, index) => {
    const span = source.spanOf(['regression_tests_info', index])
    const entry = readEntry(raw, index)
    if (typeof entry === 'string') warn(span, 'regression/invalid-info', entry)
    else if (entry.type !== 'evtx')
      warn(
        span,
        'regression/unsupported-type',
        `Regression test ${index + 1} has type '${entry.type}', which cannot be run; only evtx tests are. The test is skipped.`,
      )
    else entries.push(entry.entry)
  })
  return { entries, diagnostics }
}

/** Return the entry and its type, or a message saying what is wrong with it. */
function readEntry(
  raw: unknown,
  index: number,
): { entry: RegressionEntry; type: string } | string {
  const where = `Regression test ${index + 1}`
  if (!isObject(raw))
    return `${where} is not a map. Write it as a map with name, type, match_count and path.`

  const { name, type, path, match_count: matchCount } = raw
  if (typeof path !== 'string' || path === '') {
    return `${where} has no 'path'. Add the .evtx path relative to the rules repository's root.`
  }
  const validCount =
    typeof matchCount === 'number' &&
    Number.isInteger(matchCount) &&
    matchCount >= 0
  if (matchCount !== undefined && !validCount) {
    return `${where} has match_count '${String(matchCount)}', which is not a whole number. Give the number of events the rule matches.`
  }

  const entry: RegressionEntry = {
    index,
    name: typeof name === 'string' && name !== '' ? name : `${where}`,
    path,
    matchCount: validCount ? matchCount : 1,
  }
  return { entry, type: typeof type === 'string' ? type : 'evtx' }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
