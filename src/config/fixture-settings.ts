import path from 'node:path'
import type { BaselineAllow, Config, FixtureMinimum, FixturePolicy } from './config.js'

/**
 * Copy the fixture settings of a parsed `.sigma-gate.yml` into the config:
 * `baseline-events` (resolved against `dir`), `baseline-allow` and
 * `fixture-policy`. Ill-typed values are skipped here, because the schema
 * check has already reported them.
 */
export function readFixtureSettings(config: Config, raw: Record<string, unknown>, dir: string): void {
  const events = raw['baseline-events']
  if (typeof events === 'string' && events !== '') config.baselineEvents = path.resolve(dir, events)

  const allow = raw['baseline-allow']
  if (Array.isArray(allow)) config.baselineAllow = allow.filter(isAllowEntry)

  const policy = readPolicy(raw['fixture-policy'])
  if (policy !== undefined) config.fixturePolicy = policy
}

function isAllowEntry(value: unknown): value is BaselineAllow {
  if (!isObject(value)) return false
  return ['rule', 'field', 'pattern', 'reason'].every((key) => typeof value[key] === 'string' && value[key] !== '')
}

function readPolicy(value: unknown): FixturePolicy | undefined {
  if (!isObject(value)) return undefined
  const policy: FixturePolicy = { status: {} }
  for (const [key, minimum] of Object.entries(value)) {
    const read = readMinimum(minimum)
    if (read === undefined) continue
    if (key === 'all') policy.all = read
    else policy.status[key] = read
  }
  return policy
}

function readMinimum(value: unknown): FixtureMinimum | undefined {
  if (!isObject(value)) return undefined
  const count = (key: string): number => {
    const number = value[key]
    return typeof number === 'number' && Number.isInteger(number) && number >= 0 ? number : 0
  }
  return { tp: count('tp'), fp: count('fp') }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
