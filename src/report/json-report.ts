import type { Report } from './report.js'

/**
 * Known keys in the order they are written, one list for every object type:
 * each type's keys appear here in that type's reading order. Keys that later
 * report versions add follow in alphabetical order, so the same report always
 * serialises to the same text, whatever order its objects were built in.
 */
const keyOrder = [
  'version',
  'summary',
  'rules',
  'errors',
  'warnings',
  'converted',
  'fixtures',
  'path',
  'id',
  'title',
  'tags',
  'document',
  'check',
  'severity',
  'message',
  'name',
  'fixture',
  'file',
  'line',
  'column',
  'endLine',
  'endColumn',
  'diagnostics',
  'expected',
  'native',
  'spl',
  'passed',
  'failed',
  'reason',
  'tests',
]

const keyRank = new Map(keyOrder.map((key, index) => [key, index]))

/** Serialise a report as 2-space indented JSON with a fixed key order. */
export function formatJsonReport(report: Report): string {
  return JSON.stringify(report, orderKeys, 2) + '\n'
}

function orderKeys(_key: string, value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return value
  }

  const entries = Object.entries(value).sort(([a], [b]) => compareKeys(a, b))
  return Object.fromEntries(entries)
}

function compareKeys(a: string, b: string): number {
  const rankA = keyRank.get(a) ?? keyOrder.length
  const rankB = keyRank.get(b) ?? keyOrder.length
  if (rankA !== rankB) return rankA - rankB
  if (a === b) return 0
  return a < b ? -1 : 1
}
