import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { correlationSchedule } from '../src/backends/splunk/splunk-outputs.js'
import { run } from '../src/engine.js'

const dirs: string[] = []
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true })
})

const base = [
  'title: Whoami',
  'id: 0b5a9d4e-3c1f-4d8e-9a55-6f2b7c1d0e01',
  'name: whoami_run',
  'status: stable',
  'logsource:',
  '    category: process_creation',
  '    product: windows',
  'detection:',
  '    selection:',
  "        Image|endswith: '\\whoami.exe'",
  '    condition: selection',
  'level: low',
].join('\n')

function correlation(title: string, timespan: string, extra = ''): string {
  return [
    `title: ${title}`,
    'status: stable',
    'correlation:',
    '    type: event_count',
    '    rules:',
    '        - whoami_run',
    '    group-by:',
    '        - User',
    `    timespan: ${timespan}`,
    '    condition:',
    '        gte: 3',
    'level: high',
    extra,
  ].join('\n')
}

/** Convert a file of the base rule and the given correlations; return the lines of savedsearches.conf. */
async function convert(correlations: string[], config?: string): Promise<string[]> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sigma-gate-schedule-'))
  dirs.push(dir)
  if (config !== undefined) await writeFile(path.join(dir, '.sigma-gate.yml'), config)
  await writeFile(path.join(dir, 'rules.yml'), [base, ...correlations].join('\n---\n'))
  await run({ verb: 'convert', paths: ['rules.yml'], cwd: dir, outDir: 'out' })
  return (await readFile(path.join(dir, 'out', 'savedsearches.conf'), 'utf8')).split('\n')
}

/** Pick the schedule lines of one stanza, in file order. */
function scheduleOf(lines: string[], stanza: string): string[] {
  const start = lines.indexOf(`[${stanza}]`)
  const end = lines.findIndex((line, index) => index > start && line.startsWith('['))
  return lines.slice(start, end === -1 ? undefined : end).filter((line) => /^(cron_schedule|dispatch\.)/.test(line))
}

describe('correlation schedules', () => {
  it('derive cron and dispatch window from the timespan', async () => {
    const lines = await convert([correlation('Ten Minutes', '10m'), correlation('One Hour', '1h'), correlation('One Day', '1d')])

    expect(scheduleOf(lines, 'Ten Minutes')).toEqual(['cron_schedule = */10 * * * *', 'dispatch.earliest_time = -20m@m', 'dispatch.latest_time = @m'])
    expect(scheduleOf(lines, 'One Hour')).toEqual(['cron_schedule = 0 * * * *', 'dispatch.earliest_time = -2h@h', 'dispatch.latest_time = @h'])
    expect(scheduleOf(lines, 'One Day')).toEqual(['cron_schedule = 0 0 * * *', 'dispatch.earliest_time = -2d@d', 'dispatch.latest_time = @d'])
  })

  it('keep the rule schedule of plain rules', async () => {
    const lines = await convert([correlation('One Hour', '1h').replace('    timespan: 1h', '    timespan: 1h\n    generate: true')])

    expect(scheduleOf(lines, 'Whoami')).toEqual(['cron_schedule = */15 * * * *', 'dispatch.earliest_time = -20m@m', 'dispatch.latest_time = -5m@m'])
  })

  it("give way to the rule's own splunk settings key by key", async () => {
    const lines = await convert([correlation('One Hour', '1h', 'splunk:\n    latest: -5m@m')])

    expect(scheduleOf(lines, 'One Hour')).toEqual(['cron_schedule = 0 * * * *', 'dispatch.earliest_time = -2h@h', 'dispatch.latest_time = -5m@m'])
  })

  it('give way to a schedule set in .sigma-gate.yml', async () => {
    const lines = await convert([correlation('One Hour', '1h')], 'splunk:\n  cron: "*/5 * * * *"\n')

    expect(scheduleOf(lines, 'One Hour')).toEqual(['cron_schedule = */5 * * * *', 'dispatch.earliest_time = -20m@m', 'dispatch.latest_time = -5m@m'])
  })
})

describe('correlationSchedule', () => {
  it('runs at least once per timespan on evenly spaced steps', () => {
    expect(correlationSchedule('30s')).toEqual({ cron: '* * * * *', earliest: '-60s@s', latest: '@s' })
    expect(correlationSchedule('5m')).toEqual({ cron: '*/5 * * * *', earliest: '-10m@m', latest: '@m' })
    expect(correlationSchedule('45m')).toEqual({ cron: '*/30 * * * *', earliest: '-90m@m', latest: '@m' })
    expect(correlationSchedule('90m')).toEqual({ cron: '0 * * * *', earliest: '-180m@m', latest: '@m' })
    expect(correlationSchedule('6h')).toEqual({ cron: '0 */6 * * *', earliest: '-12h@h', latest: '@h' })
    expect(correlationSchedule('7h')).toEqual({ cron: '0 */6 * * *', earliest: '-14h@h', latest: '@h' })
    expect(correlationSchedule('2d')).toEqual({ cron: '0 0 * * *', earliest: '-4d@d', latest: '@d' })
    expect(correlationSchedule('0m')).toBeUndefined()
    expect(correlationSchedule('1w')).toBeUndefined()
  })
})
