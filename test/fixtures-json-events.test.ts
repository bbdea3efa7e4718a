import fc from 'fast-check'
import { parseDocument } from 'yaml'
import { describe, expect, it } from 'vitest'
import { parseYamlSource } from '../src/regress/fixture-yaml.js'

const FILE = '/repo/rules/x.fixtures.yml'

/** Parse with the YAML composer alone, to compare the JSON shortcut with. */
function composed(text: string): unknown {
  return parseDocument(text, { merge: true }).toJS()
}

describe('one-line JSON events in fixture files', () => {
  it('read as the YAML composer reads them', () => {
    const text = [
      'cases:',
      '  - name: nested values and escapes',
      '    expect: match',
      '    events:',
      '      - {"EventID": 1, "Image": "C:\\\\Windows\\\\cmd.exe", "Hashes": ["a", "b"], "Extra": {"k": null, "n": -1.5e3}, "Text": "caf\\u00e9 \\"q\\""}',
      '      - {"EventID": 3, "Initiated": true}',
      '    event: {"EventID": 11, "TargetFilename": "x"}',
    ].join('\n')

    const source = parseYamlSource(text, FILE, 'fixture/yaml')

    expect(source.diagnostics).toEqual([])
    expect(source.value).toEqual(composed(text))
  })

  it('keeps the position of each event', () => {
    const text = 'cases:\n  - name: one\n    expect: match\n    events:\n      - {"EventID": 1, "Image": "a"}\n'

    const source = parseYamlSource(text, FILE, 'fixture/yaml')

    expect(source.spanOf(['cases', 0, 'events', 0])).toEqual({ line: 5, column: 9, endLine: 5, endColumn: 37 })
    expect(source.spanOf(['cases', 0, 'events', 0, 'Image'])).toEqual({ line: 5, column: 9, endLine: 5, endColumn: 37 })
  })

  it('reports a repeated key as YAML does', () => {
    const text = 'cases:\n  - name: one\n    expect: match\n    events:\n      - {"EventID": 1, "EventID": 2}\n'

    const source = parseYamlSource(text, FILE, 'fixture/yaml')

    expect(source.value).toBeUndefined()
    expect(source.diagnostics.map((d) => [d.check, d.line, d.column])).toEqual([['fixture/yaml', 5, 24]])
    expect(source.diagnostics[0]?.message).toBe('Invalid YAML: Map keys must be unique. Fix the syntax at this position.')
  })

  it('finds a key repeated through an escape or inside a nested object', () => {
    for (const event of ['{"a": 1, "\\u0061": 2}', '{"outer": {"k": 1, "k": 2}}', '{"list": [{"k": 1}, {"k": 2}], "k": 3}']) {
      const text = `events:\n  - ${event}\n`
      const expected = composed(text)
      const source = parseYamlSource(text, FILE, 'fixture/yaml')
      const repeated = source.diagnostics.some((d) => d.message.includes('Map keys must be unique'))
      expect([event, repeated]).toEqual([event, parseDocument(text).errors.length > 0])
      if (!repeated) expect(source.value).toEqual(expected)
    }
  })

  it('leaves JSON text inside a block scalar as text', () => {
    const text = 'description: |\n  - {"EventID": 1, "Image": "a"}\n  more\ncases: []\n'

    const source = parseYamlSource(text, FILE, 'fixture/yaml')

    expect(source.value).toEqual({ description: '- {"EventID": 1, "Image": "a"}\nmore\n', cases: [] })
  })

  it('leaves YAML flow maps and hex numbers to YAML', () => {
    const text = 'events:\n  - {EventID: 1, LogonId: 0x3e7}\n  - {"LogonId": 0x3e7}\n'

    const source = parseYamlSource(text, FILE, 'fixture/yaml')

    expect(source.value).toEqual({ events: [{ EventID: 1, LogonId: '0x3e7' }, { LogonId: '0x3e7' }] })
  })

  it('agrees with the composer on random JSON events', () => {
    const scalar = fc.oneof(fc.string(), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null))
    const event = fc.dictionary(fc.string({ minLength: 1 }), fc.oneof(scalar, fc.array(scalar, { maxLength: 3 })), { minKeys: 1, maxKeys: 6 })
    fc.assert(
      fc.property(fc.array(event, { minLength: 1, maxLength: 4 }), (events) => {
        const text = `events:\n${events.map((item) => `  - ${JSON.stringify(item)}`).join('\n')}\n`
        const source = parseYamlSource(text, FILE, 'fixture/yaml')
        expect(source.value).toEqual(composed(text))
      }),
      { numRuns: 500, seed: 20261204 },
    )
  })
})
