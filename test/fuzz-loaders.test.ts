import { readFileSync } from 'node:fs'
import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import { parseConfig } from '../src/config/load-config.js'
import { parseEventText } from '../src/events/load-events.js'
import { readEvtx } from '../src/events/evtx/index.js'
import { checkFixtureSchema } from '../src/regress/fixture-schema.js'
import { parseYamlSource } from '../src/regress/fixture-yaml.js'
import { compileSpl, parseSpl } from '../src/spl/index.js'
import { corpusFiles, corpusTexts, fuzzTarget, listFiles, mutatedBytes, mutatedText, printStats } from './fuzz-harness.js'
import { hasShared, repoRoot } from './helpers.js'

// A hang guard only: each input is held to 1 s inside fuzzTarget.
const HANG_GUARD_MS = 600_000

afterAll(printStats)

const eventTexts = [
  ...corpusTexts(corpusFiles('regression_data/rules/windows', ['.json'], 40)),
  ...['array.json', 'events.ndjson', 'evtx-dump.json', 'single-object.json', 'broken-stream.json'].map((name) =>
    readFileSync(`${repoRoot}/test/fixtures/events/${name}`, 'utf8'),
  ),
  `<Events><Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='Microsoft-Windows-Sysmon'/><EventID>1</EventID><TimeCreated SystemTime='2024-01-01T00:00:00.000Z'/></System><EventData><Data Name='Image'>C:\\Windows\\cmd.exe</Data><Data Name='CommandLine'>cmd /c &quot;x&quot; &amp; y</Data></EventData></Event>\n<Event><System><EventID>3</EventID></System><EventData><Data Name='DestinationIp'>10.0.0.1</Data><![CDATA[raw <text>]]></EventData></Event></Events>`,
]

describe('fuzz event files', () => {
  it('mutated event files give events or located diagnostics', () => {
    fuzzTarget('event text (mutated JSON, NDJSON, evtx_dump JSON, event XML)', mutatedText(eventTexts), 300, (text) => {
      const loaded = parseEventText(text, 'events.json')
      // Every record is either an event or the subject of a diagnostic.
      if (text.trim() !== '') expect(loaded.events.length + loaded.diagnostics.length).toBeGreaterThan(0)
      for (const d of loaded.diagnostics) expect(d.file).toBe('events.json')
      return loaded.diagnostics
    })
  }, HANG_GUARD_MS)

  it('random JSON-like text gives events or located diagnostics', () => {
    const text = fc.array(fc.constantFrom('{', '}', '[', ']', '"a"', ':', ',', '1', 'null', '\n', ' ', '"\\u12', '"\\"', 'true', '{"EventID": 1}'), { maxLength: 40 }).map((parts) => parts.join(''))
    fuzzTarget('event text (token soup)', text, 1000, (input) => parseEventText(input, 'events.json').diagnostics)
  }, HANG_GUARD_MS)
})

const evtxFiles = corpusFiles('regression_data/rules/windows', ['.evtx'], 8).map((file) => new Uint8Array(readFileSync(file)))

describe.skipIf(!hasShared)('fuzz EVTX', () => {
  it('damaged EVTX files give records or located diagnostics', () => {
    fuzzTarget('EVTX (mutated corpus)', mutatedBytes(evtxFiles), 150, (bytes) => {
      const read = readEvtx(bytes)
      if (bytes.length > 0) expect(read.records.length + read.diagnostics.length).toBeGreaterThan(0)
      return read.diagnostics
    })
  }, HANG_GUARD_MS)
})

const SPL_TOKENS = [
  'index=main', 'EventCode=1', 'Image="*\\\\cmd.exe"', 'NOT', 'OR', 'AND', '(', ')', '|', 'search', 'where', 'eval', 'regex', 'rex',
  'x=', '"', '\\"', '\\\\', '*', 'like(Image, "%a%")', 'match(CommandLine, "(a+)+$")', 'Image!="a"', 'CommandLine IN ("a", "b")',
  'len(x)>3', 'field="a\\*b"', '[', ']', '`macro`', 'x=if(a, b, c)', '"(?<name>\\\\w+)"', 'max_match=0', 'field=_raw', 'cidrmatch("10.0.0.0/8", ip)',
  '1e999', "'quoted'", '=', '!=', '<', '>=', '.', '+', 'lower(', 'case(a,1,b,2)', '\n',
]
const splText = fc.array(fc.constantFrom(...SPL_TOKENS), { maxLength: 24 }).map((tokens) => tokens.join(' '))

describe('fuzz SPL', () => {
  it('random SPL parses and evaluates, or fails at a column inside the text', () => {
    const event = { EventCode: '1', Image: 'C:\\cmd.exe', CommandLine: 'a'.repeat(5000) + '!', ip: '10.1.2.3' }
    const columns: string[] = []
    fuzzTarget('SPL parser and evaluator', splText, 2000, (text) => {
      const parsed = parseSpl(text)
      if (!parsed.ok) {
        expect(parsed.error.column).toBeGreaterThanOrEqual(1)
        expect(parsed.error.column).toBeLessThanOrEqual(text.length + 1)
        return [{ check: 'spl/syntax', severity: 'error', message: parsed.error.message, line: 1, column: parsed.error.column }]
      }
      const compiled = compileSpl(parsed.query)
      if (compiled.ok) expect(typeof compiled.predicate(event)).toBe('boolean')
      else columns.push(String(compiled.error.column))
      return []
    })
    expect(columns.every((column) => Number(column) >= 1)).toBe(true)
  }, HANG_GUARD_MS)
})

const configTexts = [
  'fail-on: warning\nconventions: sigmahq\nexclude:\n  - rules/legacy/**\nchecks:\n  attack/unknown-technique: warning\n  metadata/missing-author:\n    severity: off\n    ignore:\n      paths: [rules/{a,b}/**]\n      rules: [5e3a1c2b-0000-4000-8000-000000000000]\n',
  'limits:\n  nesting-depth: 10\n  events-per-fixture: 5\n  regex-length: 100\nsplunk:\n  index: main\n  macro: sysmon\n',
  'a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n',
]

describe('fuzz configuration', () => {
  it('mutated configuration files give settings or located diagnostics', () => {
    fuzzTarget('config (mutated)', mutatedText(configTexts), 1000, (text) => {
      const { config, diagnostics } = parseConfig(text, '/repo/.sigma-gate.yml')
      expect(['error', 'warning', 'never']).toContain(config.failOn)
      for (const d of diagnostics) expect(d.file).toBe('/repo/.sigma-gate.yml')
      return diagnostics
    })
  }, HANG_GUARD_MS)
})

const fixtureTexts = corpusTexts(listFiles(`${repoRoot}/rules`, ['.fixtures.yml'], 20)).concat([
  'cases:\n  - name: base\n    expect: match\n    events:\n      - &e {EventID: 1, Image: a}\n      - *e\n',
])

describe('fuzz fixture files', () => {
  it('mutated fixture files give cases or located diagnostics', () => {
    fuzzTarget('fixture YAML (mutated)', mutatedText(fixtureTexts), 500, (text) => {
      const source = parseYamlSource(text, '/repo/rules/x.fixtures.yml', 'fixture/yaml')
      if (source.value === undefined) {
        expect(source.diagnostics.length).toBeGreaterThan(0)
        return source.diagnostics
      }
      return checkFixtureSchema(source, '/repo/rules/x.fixtures.yml').diagnostics
    })
  }, HANG_GUARD_MS)
})
