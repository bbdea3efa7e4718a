import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

import { describe, expect, it } from 'vitest'

import { compileSpl, parseSpl } from '../src/spl/index.js'
import type { SplEvent } from '../src/spl/index.js'
import { verdict } from './spl-helpers.js'

const shared = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../shared')
const referenceFile = path.join(shared, 'reference/pysigma-splunk-windows.json')

interface ReferenceEntry {
  id: string
  queries?: string[]
  error?: string
}

function loadQueries(): Array<[string, string]> {
  const reference = JSON.parse(readFileSync(referenceFile, 'utf8')) as Record<
    string,
    ReferenceEntry
  >
  return Object.entries(reference).flatMap(([rule, entry]) =>
    (entry.queries ?? []).map((query): [string, string] => [rule, query]),
  )
}

/** pySigma's known bad output: a final `| search` that starts with OR or AND. */
function startsSearchWithOperator(query: string): boolean {
  return query.split('\n').some((line) => /^\| search (OR|AND) /.test(line))
}

/** pySigma's other bad output: OR-ed regexes only, so no base search. */
function startsWithPipe(query: string): boolean {
  return query.trimStart().startsWith('|')
}

describe.skipIf(!existsSync(referenceFile))('pySigma reference corpus', () => {
  const queries = existsSync(referenceFile) ? loadQueries() : []

  it('rejects exactly the invalid queries', () => {
    const expectedFailures = queries
      .filter(([, query]) => startsSearchWithOperator(query) || startsWithPipe(query))
      .map(([rule]) => rule)
      .sort()
    const failures = queries
      .filter(([, query]) => !parseSpl(query).ok)
      .map(([rule]) => rule)
      .sort()

    expect(queries.length).toBe(3278)
    expect(queries.filter(([, q]) => startsSearchWithOperator(q)).length).toBe(12)
    expect(queries.filter(([, q]) => startsWithPipe(q)).length).toBe(18)
    expect(failures).toEqual(expectedFailures)
  })

  it('locates each rejection at the offending text', () => {
    for (const [rule, query] of queries) {
      const parsed = parseSpl(query)
      if (parsed.ok) continue

      const offset = parsed.error.column - 1
      const at = query.slice(offset, offset + 2)
      expect({ rule, at }).toEqual({ rule, at: startsWithPipe(query) ? '| ' : 'OR' })
    }
  })

  it('compiles every valid query', () => {
    const compileFailures: string[] = []
    for (const [rule, query] of queries) {
      const parsed = parseSpl(query)
      if (!parsed.ok) continue
      const compiled = compileSpl(parsed.query)
      if (!compiled.ok) compileFailures.push(`${rule}: ${compiled.error.message}`)
    }
    // No pattern in this corpus needs a construct that re2js cannot run.
    expect(compileFailures).toEqual([])
  })

  it('evaluates every query without throwing', () => {
    const events: SplEvent[] = [
      {},
      { EventCode: 1, Image: 'C:\\Windows\\System32\\cmd.exe', CommandLine: 'cmd /c whoami' },
      { EventCode: '4688', ScriptBlockText: 'x', DestinationIp: '10.1.2.3', f: ['a', null] },
    ]
    let evaluated = 0
    for (const [, query] of queries) {
      const parsed = parseSpl(query)
      if (!parsed.ok) continue
      const compiled = compileSpl(parsed.query)
      if (!compiled.ok) continue
      for (const event of events) expect(typeof compiled.predicate(event)).toBe('boolean')
      evaluated++
    }
    expect(evaluated).toBe(3248)
  })

  it('gives the documented verdicts on the attrib rule', () => {
    const query = String.raw`Image="*\\attrib.exe" OR OriginalFileName="ATTRIB.EXE" CommandLine="* +s *"`
    const image = 'C:\\Windows\\System32\\attrib.exe'
    expect(queries.some(([, q]) => q === query)).toBe(true)
    expect(verdict(query, { Image: image, CommandLine: 'attrib +s x' })).toBe(true)
    expect(verdict(query, { OriginalFileName: 'attrib.exe', CommandLine: 'a +s b' })).toBe(true)
    expect(verdict(query, { Image: image, CommandLine: 'attrib +h x' })).toBe(false)
    expect(verdict(query, { CommandLine: 'attrib +s x' })).toBe(false)
  })
})
