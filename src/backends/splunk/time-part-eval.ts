import type { TimePart, TimePartTest } from '../../ir/expr.js'
import { formatSplNumber } from './spl-literal.js'
import type { EvalNode } from './spl-syntax.js'

/**
 * The `strptime` formats of the two timestamp forms the native matcher
 * reads (`src/match/time-part.ts`): Sysmon's `UtcTime` and ISO 8601 in UTC.
 */
export const TIMESTAMP_FORMATS = ['%Y-%m-%d %H:%M:%S.%3N', '%Y-%m-%dT%H:%M:%S.%3NZ'] as const

/** The `strftime` directive of each time part; `%V` is the ISO 8601 week. */
export const TIME_PART_DIRECTIVES: Record<TimePart, string> = {
  minute: '%M',
  hour: '%H',
  day: '%d',
  week: '%V',
  month: '%m',
  year: '%Y',
}

const COMPARE = { gt: '>', gte: '>=', lt: '<', lte: '<=' } as const

/**
 * Build the eval condition of a time modifier, e.g.
 * `tonumber(strftime(coalesce(strptime('UtcTime', ...), ...), "%H"))>=9`.
 * Parsing and formatting happen in one time zone, so the part is the one
 * written in the value. A value in neither form parses to null, and the
 * comparison with null is not true.
 */
export function timePartCondition(field: string, test: TimePartTest): EvalNode {
  const reference: EvalNode = { kind: 'field', name: field }
  const parsed = TIMESTAMP_FORMATS.map((format): EvalNode => call('strptime', reference, { kind: 'string', text: format }))
  const time = call('coalesce', ...parsed)
  const directive: EvalNode = { kind: 'string', text: TIME_PART_DIRECTIVES[test.part] }
  const part = call('tonumber', call('strftime', time, directive))
  const value = numberNode(test.value)

  if (test.op === 'eq') return { kind: 'equals', left: part, right: value }
  return { kind: 'compare', op: COMPARE[test.op], left: part, right: value }
}

function numberNode(value: number): EvalNode {
  const text = formatSplNumber(Math.abs(value)) ?? '0'
  const node: EvalNode = { kind: 'number', text }
  return value < 0 ? { kind: 'negate', item: node } : node
}

function call(name: Extract<EvalNode, { kind: 'call' }>['name'], ...args: EvalNode[]): EvalNode {
  return { kind: 'call', name, args }
}
