import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { convertToSpl } from '../src/backends/splunk/index.js'
import type { SigmaEvent } from '../src/events/event.js'
import type { Expr, PatternPart, ValueTest } from '../src/ir/expr.js'
import { compileMatcher } from '../src/match/compile-matcher.js'
import { toSplEvent } from '../src/pipeline/spl-event.js'
import { compileSpl, parseSpl } from '../src/spl/index.js'

/**
 * Random detections and random events: the native matcher and the SPL
 * engine running the printed SPL must give the same verdict. Field values
 * are single strings without digits (numeric-looking text and multi-valued
 * fields are documented differences of fieldref in docs/semantics.md);
 * numbers and addresses live in their own fields.
 */

const TEXT_FIELDS = ['A', 'B', 'C']
const CHARACTERS = ['a', 'B', 'é', '%', '_', '\\', '*', '?', '.', ' ', '"', '(', '\n']
const FIELD_NAMES = { EventID: 'EventCode', A: 'a_renamed' }

const text = fc.array(fc.constantFrom(...CHARACTERS), { maxLength: 4 }).map((chars) => chars.join(''))
const textPart: fc.Arbitrary<PatternPart> = text.map((value) => ({ kind: 'text', text: value }))
const part: fc.Arbitrary<PatternPart> = fc.oneof(
  { weight: 4, arbitrary: textPart },
  { weight: 1, arbitrary: fc.constant<PatternPart>({ kind: 'any' }) },
  { weight: 1, arbitrary: fc.constant<PatternPart>({ kind: 'one' }) },
)

const valueTest: fc.Arbitrary<{ field: string; test: ValueTest }> = fc.oneof(
  fc.record({
    field: fc.constantFrom(...TEXT_FIELDS),
    test: fc.record({ kind: fc.constant('string' as const), parts: fc.array(part, { maxLength: 4 }), cased: fc.boolean() }),
  }),
  fc.record({
    field: fc.constantFrom(...TEXT_FIELDS),
    test: fc.record({
      kind: fc.constant('regex' as const),
      pattern: fc.constantFrom('a', '^a', 'b$', 'a.b', '(?:a|é)\\\\', '\\.', '^$', 'A|%'),
      flags: fc.record({ i: fc.boolean(), m: fc.boolean(), s: fc.boolean() }),
    }),
  }),
  fc.record({
    field: fc.constant('N'),
    test: fc.record({ kind: fc.constant('number' as const), op: fc.constantFrom('gt' as const, 'gte' as const, 'lt' as const, 'lte' as const), value: fc.constantFrom(-1, 0, 2, 2.5, 10) }),
  }),
  fc.record({ field: fc.constantFrom(...TEXT_FIELDS, 'N'), test: fc.constant<ValueTest>({ kind: 'null' }) }),
  fc.record({ field: fc.constantFrom(...TEXT_FIELDS, 'N'), test: fc.record({ kind: fc.constant('exists' as const), exists: fc.boolean() }) }),
  fc.record({
    field: fc.constant('Ip'),
    test: fc.record({ kind: fc.constant('cidr' as const), network: fc.constantFrom('10.0.0.0/8', '192.168.1.0/24', '10.1.2.3/32', 'fe80::/10', '::1/128') }),
  }),
  fc.record({
    field: fc.constantFrom(...TEXT_FIELDS),
    test: fc.record({
      kind: fc.constant('fieldref' as const),
      field: fc.constantFrom(...TEXT_FIELDS),
      position: fc.constantFrom('equals' as const, 'contains' as const, 'startswith' as const, 'endswith' as const),
      cased: fc.boolean(),
    }),
  }),
  fc.record({ field: fc.constantFrom(...TEXT_FIELDS), test: fc.record({ kind: fc.constant('placeholder' as const), name: fc.constantFrom('Admins', 'Servers') }) }),
  fc.record({
    field: fc.constant('T'),
    test: fc.record({
      kind: fc.constant('time-part' as const),
      part: fc.constantFrom('minute' as const, 'hour' as const, 'day' as const, 'week' as const, 'month' as const, 'year' as const),
      op: fc.constantFrom('eq' as const, 'gt' as const, 'gte' as const, 'lt' as const, 'lte' as const),
      value: fc.constantFrom(0, 1, 3, 29, 52, 53, 2020, 2021),
    }),
  }),
)

const leaf: fc.Arbitrary<Expr> = fc.oneof(
  { weight: 6, arbitrary: valueTest.map(({ field, test }): Expr => ({ kind: 'field', field, test })) },
  {
    weight: 1,
    // Keyword text without line breaks or inner wildcards: such a match in
    // _raw lies inside one field value (see "Keywords" in docs/semantics.md).
    arbitrary: fc
      .record({ keyword: text.filter((value) => !value.includes('\n')), cased: fc.boolean() })
      .map(({ keyword, cased }): Expr => ({ kind: 'keyword', test: { kind: 'string', parts: [{ kind: 'any' }, { kind: 'text', text: keyword }, { kind: 'any' }], cased } })),
  },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 3 }).map((id): Expr => ({ kind: 'field', field: 'EventID', test: { kind: 'string', parts: [{ kind: 'text', text: String(id) }], cased: false } })) },
)

const expr: fc.Arbitrary<Expr> = fc.letrec<{ node: Expr }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.record({ kind: fc.constantFrom('and' as const, 'or' as const), items: fc.array(tie('node'), { minLength: 1, maxLength: 3 }) }),
    fc.record({ kind: fc.constant('not' as const), item: tie('node') }),
  ),
})).node

const event: fc.Arbitrary<SigmaEvent> = fc
  .record(
    {
      EventID: fc.constantFrom(1, 2, '3'),
      A: text,
      B: text,
      C: text,
      N: fc.constantFrom<SigmaEvent[string]>('1', '2', '2.5', 10, '-1', 'x', ''),
      Ip: fc.constantFrom('10.1.2.3', '192.168.1.7', '172.16.0.1', 'fe80::1', '::1', 'nope', ''),
      T: fc.constantFrom('2020-12-31 23:59:59.999', '2021-01-03T00:00:00.000Z', '2021-02-29 00:00:00.000', '2020-02-29T03:01:00.000Z', '2021-01-03 00:00:00', 'x', ''),
    },
    // Every Sysmon event has an EventID, so `_raw` is never empty.
    { requiredKeys: ['EventID'] },
  )
  .map((record) => record as SigmaEvent)

/** Compile both engines for one detection; undefined when it does not convert. */
function engines(detection: Expr): { native: (e: SigmaEvent) => boolean; spl: (e: SigmaEvent) => boolean; query: string } | undefined {
  const conversion = convertToSpl(detection, { scope: { source: 'S' }, fieldNames: FIELD_NAMES })
  const [query] = conversion.queries
  if (query === undefined) return undefined
  const parsed = parseSpl(query)
  if (!parsed.ok) throw new Error(`unparsable SPL: ${query}: ${parsed.error.message}`)
  const compiled = compileSpl(parsed.query)
  if (!compiled.ok) throw new Error(`uncompilable SPL: ${query}: ${compiled.error.message}`)
  const predicate = compiled.predicate
  return { native: compileMatcher(detection), spl: (e) => predicate(toSplEvent(e, FIELD_NAMES, { source: 'S' })), query }
}

describe('native matcher and SPL engine on random detections', () => {
  it('agree on 10 000 detection × event cases', () => {
    let cases = 0
    fc.assert(
      fc.property(expr, fc.array(event, { minLength: 5, maxLength: 5 }), (detection, events) => {
        const both = engines(detection)
        if (!both) return
        for (const e of events) {
          cases++
          expect({ query: both.query, event: e, verdict: both.spl(e) }).toEqual({ query: both.query, event: e, verdict: both.native(e) })
        }
      }),
      { numRuns: 2_200 },
    )
    expect(cases).toBeGreaterThanOrEqual(10_000)
  })

  it('cover every kind of value test', () => {
    const kinds = new Set<string>()
    fc.assert(
      fc.property(valueTest, ({ test }) => {
        kinds.add(test.kind)
      }),
      { numRuns: 500 },
    )
    expect([...kinds].sort()).toEqual(['cidr', 'exists', 'fieldref', 'null', 'number', 'placeholder', 'regex', 'string', 'time-part'])
  })
})
