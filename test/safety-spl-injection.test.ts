import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { convertToSpl, DEFAULT_SYSMON_SCOPE } from '../src/backends/splunk/index.js'
import { confStanzaName, writeConf } from '../src/backends/splunk/conf-writer.js'
import { parseConf } from '../src/backends/splunk/conf-parser.js'
import { toSplEvent } from '../src/pipeline/spl-event.js'
import { SPLUNK_SYSMON_FIELD_NAMES } from '../src/pipeline/sysmon.js'
import type { SearchExpr, SplQuery } from '../src/spl/index.js'
import { compileSpl, parseSpl } from '../src/spl/index.js'
import { FUZZ_SEED } from './fuzz-harness.js'
import { compileRuleText, ruleWith } from './helpers.js'

const HOSTILE = ['a', 'B', '1', ' ', '"', "'", '\\', '|', '[', ']', '(', ')', '*', '?', '=', '`', '$', '\n', '\r', '\t', 'OR', 'NOT', '%', '<', '>', '!', ',', '\u00e9']
const hostileText = (maxLength: number): fc.Arbitrary<string> => fc.array(fc.constantFrom(...HOSTILE), { maxLength }).map((parts) => parts.join(''))
const MODIFIERS = ['', '|contains', '|startswith', '|endswith', '|contains|cased', '|contains|all']

/** Collect the fields and keywords a parsed search tests. */
function searchTerms(expr: SearchExpr, found: { fields: Set<string>; keywords: number }): void {
  if (expr.kind === 'and' || expr.kind === 'or') expr.items.forEach((item) => searchTerms(item, found))
  else if (expr.kind === 'not') searchTerms(expr.item, found)
  else if (expr.kind === 'keyword' || expr.kind === 'macro') found.keywords++
  else found.fields.add(expr.field)
}

function shapeOf(query: SplQuery): { stages: string[]; fields: string[]; keywords: number } {
  const found = { fields: new Set<string>(), keywords: 0 }
  for (const stage of query.stages) {
    if (stage.kind === 'search') searchTerms(stage.expr, found)
    if (stage.kind === 'eval') stage.assignments.forEach((assignment) => found.fields.add(assignment.field))
  }
  return { stages: query.stages.map((stage) => stage.kind), fields: [...found.fields].sort(), keywords: found.keywords }
}

/**
 * The stage lists the backend writes for one field test. A value a search
 * term can hold gives one base search, optionally followed by a
 * `where`/`regex` filter. Other values give an `eval` that sets a helper
 * field `sg_N`, then a `search` on it.
 */
const EXPECTED_STAGES = [['search'], ['search', 'where'], ['search', 'regex'], ['search', 'eval', 'search']]

describe('SPL injection through rule values', () => {
  it('10 000 hostile values round-trip unchanged in meaning or are refused', () => {
    const counts = { converted: 0, refused: 0 }
    const property = fc.property(hostileText(12), fc.constantFrom(...MODIFIERS), (value, modifier) => {
      const rule = compileRuleText(ruleWith(`    selection:\n        CommandLine${modifier}: ${JSON.stringify(value)}\n    condition: selection`))
      if (!rule.expr) {
        // Only the rule reader may reject the value, with an error at the value's line.
        expect(rule.diagnostics.filter((d) => d.severity === 'error').map((d) => d.line)).toEqual([9])
        counts.refused++
        return
      }
      const conversion = convertToSpl(rule.expr, { scope: DEFAULT_SYSMON_SCOPE, fieldNames: SPLUNK_SYSMON_FIELD_NAMES })
      if (conversion.queries.length === 0) {
        expect(conversion.diagnostics.some((d) => d.severity === 'error' && d.line >= 1)).toBe(true)
        counts.refused++
        return
      }
      const [spl] = conversion.queries as [string]
      const parsed = parseSpl(spl)
      if (!parsed.ok) throw new Error(`SPL does not parse (${parsed.error.message}): ${spl}`)

      // Exactly the stages the backend writes, and no term on any other field.
      const shape = shapeOf(parsed.query)
      expect(EXPECTED_STAGES, spl).toContainEqual(shape.stages)
      expect(shape.keywords).toBe(0)
      expect(shape.fields.filter((field) => !['CommandLine', 'EventCode', 'source', 'sg_1'].includes(field))).toEqual([])

      const compiled = compileSpl(parsed.query)
      if (!compiled.ok) throw new Error(`SPL does not compile: ${spl}`)
      // NOTE: an empty field value is left out: the native matcher lets `contains ''` match it, while
      // the SPL engine, like Splunk, treats an empty field as absent, so `CommandLine="*"` does not.
      const carriedValues = [value, `x${value}x`, value.slice(1), value.toUpperCase(), value.replaceAll('\\', '')].filter((v) => v !== '')
      for (const carried of carriedValues) {
        const event = { EventID: 1, CommandLine: carried }
        const splEvent = toSplEvent(event, SPLUNK_SYSMON_FIELD_NAMES, DEFAULT_SYSMON_SCOPE)
        expect(compiled.predicate(splEvent), `${spl} on ${JSON.stringify(carried)}`).toBe(rule.matches(event))
      }
      counts.converted++
    })
    fc.assert(property, { numRuns: 10_000, seed: FUZZ_SEED })
    expect(counts.converted + counts.refused).toBe(10_000)
    expect(counts.converted).toBeGreaterThan(counts.refused)
  }, 120_000)

  it('a plain value with quotes, pipes and brackets matches itself', () => {
    const value = 'a" | delete [search x] \\" OR 1=1'
    const rule = compileRuleText(ruleWith(`    selection:\n        CommandLine: ${JSON.stringify(value)}\n    condition: selection`))
    const conversion = convertToSpl(rule.expr as NonNullable<typeof rule.expr>, { scope: DEFAULT_SYSMON_SCOPE, fieldNames: SPLUNK_SYSMON_FIELD_NAMES })
    const [spl] = conversion.queries as [string]
    const parsed = parseSpl(spl)
    if (!parsed.ok) throw new Error(parsed.error.message)
    expect(shapeOf(parsed.query)).toEqual({ stages: ['search'], fields: ['CommandLine', 'EventCode', 'source'], keywords: 0 })
    const compiled = compileSpl(parsed.query)
    if (!compiled.ok) throw new Error(compiled.error.message)
    const event = toSplEvent({ EventID: 1, CommandLine: value }, SPLUNK_SYSMON_FIELD_NAMES, DEFAULT_SYSMON_SCOPE)
    expect(compiled.predicate(event)).toBe(true)
  })
})

/**
 * Return what a conf value keeps: its lines, with control characters as spaces,
 * each line trimmed, and no empty lines at the start or end. Splunk trims
 * that whitespace too, so only whitespace may differ after a round trip.
 */
function confMeaning(value: string): string[] {
  const lines = value
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, ' ')
    .split(/\r\n|\r|\n/)
    .map((line) => line.trim())
  while (lines[0] === '') lines.shift()
  while (lines.at(-1) === '') lines.pop()
  return lines
}

describe('savedsearches.conf injection through titles and descriptions', () => {
  it('10 000 hostile titles and descriptions stay in one stanza', () => {
    const spl = 'source="XmlWinEventLog:Microsoft-Windows-Sysmon/Operational" EventCode=1 CommandLine="*\\\\[x]*"'
    const property = fc.property(hostileText(16), hostileText(24), (title, description) => {
      const name = confStanzaName(title) || 'fallback'
      const text = writeConf([{ name, settings: [['description', description], ['search', spl]] }])
      const parsed = parseConf(text)
      expect(parsed.problems).toEqual([])
      expect(parsed.stanzas.map((stanza) => stanza.name)).toEqual([name])
      const settings = parsed.stanzas[0]?.settings ?? {}
      expect(Object.keys(settings)).toEqual(['description', 'search'])
      expect(settings['search']).toBe(spl)
      expect(confMeaning(settings['description'] ?? '')).toEqual(confMeaning(description))
    })
    fc.assert(property, { numRuns: 10_000, seed: FUZZ_SEED })
  }, 120_000)
})
