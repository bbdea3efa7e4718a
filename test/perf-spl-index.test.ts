import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { convertToSpl, DEFAULT_SYSMON_SCOPE } from '../src/backends/splunk/index.js'
import { parseEventText } from '../src/events/load-events.js'
import { toSplEvent } from '../src/pipeline/spl-event.js'
import { applySysmonLogsource, SPLUNK_SYSMON_FIELD_NAMES, sysmonMapping } from '../src/pipeline/sysmon.js'
import { compileDetection } from '../src/sigma/compile-rule.js'
import { parseRuleFile } from '../src/sigma/load-rule-file.js'
import { compileSpl, parseSpl, type SplQuery } from '../src/spl/index.js'
import { buildSplIndex, splRequirements, splRouteKeys, type IndexedQuery } from '../src/spl/spl-index.js'
import { hasShared, sharedRoot } from './helpers.js'

function query(text: string): SplQuery {
  const parsed = parseSpl(text)
  if (!parsed.ok) throw new Error(parsed.error.message)
  return parsed.query
}

function walk(dir: string, pattern: RegExp, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) walk(full, pattern, out)
    else if (pattern.test(entry.name)) out.push(full)
  }
  return out
}

const QUERIES: IndexedQuery[] = [
  { id: 'cmd', query: query('source="XmlWinEventLog:Microsoft-Windows-Sysmon/Operational" EventCode=1 Image="*\\\\cmd.exe"') },
  { id: 'files', query: query('EventCode IN (11, 23) TargetFilename="*\\\\Temp\\\\*"') },
  { id: 'raw', query: query('"mimikatz"') },
  { id: 'regex', query: query('EventCode=1 | regex CommandLine="(?i)invoke-expression"') },
  { id: 'flag', query: query('EventCode=1 | eval sg_1=if(match(CommandLine, "x"), 1, 0) | search sg_1=1') },
]

describe('buildSplIndex', () => {
  const index = buildSplIndex(QUERIES)

  it('routes by the EventCode terms of the SPL text and prefilters on its literals', () => {
    const event = { EventCode: 1, Image: 'C:\\Windows\\cmd.exe', CommandLine: 'x' }
    expect(index.candidates(event)).toEqual(['cmd', 'flag'])
    expect(index.matchAll(event)).toEqual(['cmd', 'flag'])
    expect(index.candidates({ EventCode: '23', TargetFilename: 'c:\\temp\\mimikatz.exe' })).toEqual(['files', 'raw'])
    expect(index.matchAll({ EventCode: '23', TargetFilename: 'c:\\temp\\mimikatz.exe' })).toEqual(['files', 'raw'])
    expect(index.failures).toEqual([])
  })

  it('derives routes and requirements from the parsed SPL only', () => {
    expect([...(splRouteKeys(QUERIES[1]?.query as SplQuery, 'EventCode') ?? [])]).toEqual(['11', '23'])
    expect(splRouteKeys(query('NOT EventCode=1'), 'EventCode')).toBeUndefined()
    expect(splRouteKeys(query('EventCode="1*"'), 'EventCode')).toBeUndefined()
    expect(splRequirements(QUERIES[0]?.query as SplQuery, new Set(['EventCode']))).toEqual([[{ field: 'Image', needle: '\\cmd.exe' }]])
    expect(splRequirements(QUERIES[3]?.query as SplQuery, new Set(['EventCode']))).toEqual([[{ field: 'CommandLine', needle: 'invoke-expre' }]])
  })
})

describe.skipIf(!hasShared)('buildSplIndex on the SigmaHQ corpus', () => {
  const corpus = path.join(sharedRoot, 'corpus', 'sigmahq')
  const files = walk(path.join(corpus, 'rules', 'windows'), /\.yml$/).sort()
  const queries: IndexedQuery[] = []
  for (const file of files) {
    for (const { rule } of parseRuleFile(file, readFileSync(file, 'utf8')).rules) {
      const detection = rule.kind === 'rule' ? compileDetection(rule) : undefined
      if (!detection?.expr) continue
      const expr = applySysmonLogsource(detection.expr, sysmonMapping(rule))
      const [text] = convertToSpl(expr, { scope: DEFAULT_SYSMON_SCOPE, fieldNames: SPLUNK_SYSMON_FIELD_NAMES }).queries
      const parsed = text === undefined ? undefined : parseSpl(text)
      if (parsed?.ok) queries.push({ id: file, query: parsed.query })
    }
  }
  const events = walk(path.join(corpus, 'regression_data'), /\.json$/).sort()
    .flatMap((file) => parseEventText(readFileSync(file, 'utf8'), file).events)
    .map((loaded) => toSplEvent(loaded.event, SPLUNK_SYSMON_FIELD_NAMES, {}))

  it('keeps every event that the unrouted queries keep, and no other', () => {
    const index = buildSplIndex(queries)
    const plain = queries.map(({ id, query: parsed }) => {
      const compiled = compileSpl(parsed)
      return { id, keep: compiled.ok ? compiled.predicate : () => false }
    })
    expect(queries.length).toBeGreaterThan(2000)
    for (const event of events) {
      expect(index.matchAll({ ...event })).toEqual(plain.filter((entry) => entry.keep({ ...event })).map((entry) => entry.id))
    }
  }, 120_000)
})
