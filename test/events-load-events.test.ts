import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, test } from 'vitest'
import type { EvtxReader } from '../src/events/load-events.js'
import {
  detectEventFormat,
  loadEventFile,
  parseEventText,
} from '../src/events/load-events.js'

const testDirectory = path.dirname(fileURLToPath(import.meta.url))
const fixtures = path.join(testDirectory, 'fixtures', 'events')
const fixture = (name: string): string => path.join(fixtures, name)

describe('loadEventFile formats', () => {
  test('single JSON object', async () => {
    const { events, diagnostics } = await loadEventFile(
      fixture('single-object.json'),
    )
    expect(diagnostics).toEqual([])
    expect(events).toEqual([
      {
        event: {
          EventID: 1,
          Image: 'C:\\Windows\\System32\\cmd.exe',
          CommandLine: 'cmd.exe /c whoami',
          ParentImage: 'C:\\Windows\\System32\\inetsrv\\w3wp.exe',
        },
        index: 0,
        line: 1,
      },
    ])
  })

  test('JSON array keeps types and lines', async () => {
    const { events, diagnostics } = await loadEventFile(fixture('array.json'))
    expect(diagnostics).toEqual([])
    expect(events).toEqual([
      {
        event: { EventID: 1, Image: 'C:\\Windows\\System32\\cmd.exe' },
        index: 0,
        line: 2,
      },
      {
        event: { EventID: 3, DestinationPort: 443, Initiated: true },
        index: 1,
        line: 3,
      },
      {
        event: {
          EventID: 1,
          Image: 'C:\\Windows\\explorer.exe',
          Hashes: ['MD5=00', 'SHA256=11'],
        },
        index: 2,
        line: 4,
      },
    ])
  })

  test('NDJSON skips blank lines and flattens nesting', async () => {
    const { events, diagnostics } = await loadEventFile(
      fixture('events.ndjson'),
    )
    expect(diagnostics).toEqual([])
    expect(events).toEqual([
      {
        event: {
          EventID: 1,
          Image: 'C:\\Windows\\System32\\cmd.exe',
          User: 'IIS APPPOOL\\DefaultAppPool',
        },
        index: 0,
        line: 1,
      },
      {
        event: {
          EventID: 1,
          Image: 'C:\\Windows\\System32\\whoami.exe',
          'process.parent.name': 'cmd.exe',
        },
        index: 1,
        line: 3,
      },
      {
        event: {
          EventID: 11,
          TargetFilename: 'C:\\Users\\Public\\a.ps1',
          Signed: null,
        },
        index: 2,
        line: 4,
      },
    ])
  })

  test('evtx_dump concatenated records', async () => {
    const { events, diagnostics } = await loadEventFile(
      fixture('evtx-dump.json'),
    )
    expect(diagnostics).toEqual([])
    expect(events.map((loaded) => loaded.line)).toEqual([1, 49])
    expect(events[0]?.event).toEqual({
      Provider_Name: 'Microsoft-Windows-Sysmon',
      Guid: '5770385F-C22A-43E0-BF4C-06F5698FFBD9',
      EventID: 1,
      Version: 5,
      Level: 4,
      Task: 1,
      Opcode: 0,
      Keywords: '0x8000000000000000',
      TimeCreated: '2025-01-02T03:04:05.123456Z',
      SystemTime: '2025-01-02T03:04:05.123456Z',
      EventRecordID: 100,
      ProcessID: 3308,
      ThreadID: 4008,
      Channel: 'Microsoft-Windows-Sysmon/Operational',
      Computer: 'host.example.local',
      UserID: 'S-1-5-18',
      Image: 'C:\\Windows\\System32\\cmd.exe',
      CommandLine: 'cmd.exe /c whoami',
      ParentImage: 'C:\\Windows\\System32\\inetsrv\\w3wp.exe',
      LogonId: '0x3e7',
      RuleName: '',
    })
    expect(events[1]?.event).toEqual({
      Provider_Name: 'Microsoft-Windows-Sysmon',
      EventID: 3,
      EventRecordID: 101,
      Channel: 'Microsoft-Windows-Sysmon/Operational',
      Image: 'C:\\Windows\\System32\\svchost.exe',
      DestinationPort: 443,
    })
  })

  test('unnamed Data and EventID qualifiers', async () => {
    const { events, diagnostics } = await loadEventFile(
      fixture('classic-provider.json'),
    )
    expect(diagnostics).toEqual([])
    expect(events[0]?.event).toEqual({
      Provider_Name: 'Service Control Manager',
      EventSourceName: 'Service Control Manager',
      EventID: 7045,
      Qualifiers: 16384,
      Channel: 'System',
      Data: ['evil', 'C:\\evil.exe', '', 'auto start'],
      Binary: '0A0B',
    })
  })

  test('named Data list in both attribute styles', async () => {
    const { events, diagnostics } = await loadEventFile(
      fixture('named-data-array.json'),
    )
    expect(diagnostics).toEqual([])
    expect(events).toEqual([
      {
        event: {
          Provider_Name: 'Microsoft-Windows-Security-Auditing',
          EventID: 4688,
          Qualifiers: '',
          Channel: 'Security',
          NewProcessName: 'C:\\Windows\\System32\\cmd.exe',
          CommandLine: 'cmd /c dir',
          TokenElevationType: '',
        },
        index: 0,
        line: 2,
      },
    ])
  })

  test('UTF-16LE file with byte order mark', async () => {
    const directory = await mkdtemp(path.join(tmpdir(), 'events-utf16-'))
    const file = path.join(directory, 'powershell.json')
    const text = '[{"EventID": 1, "User": "Jürgen"}]'
    await writeFile(
      file,
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]),
    )

    const { events, diagnostics } = await loadEventFile(file)
    expect(diagnostics).toEqual([])
    expect(events).toEqual([
      { event: { EventID: 1, User: 'Jürgen' }, index: 0, line: 1 },
    ])
  })

  test('format detection', () => {
    expect(detectEventFormat('  [{"a": 1}]')).toBe('json-array')
    expect(detectEventFormat('{"a": 1}\n{"a": 2}\n')).toBe('ndjson')
    expect(detectEventFormat('{"a": 1}\n')).toBe('json-stream')
    expect(detectEventFormat('{\n  "a": 1\n}\n{\n  "a": 2\n}\n')).toBe(
      'json-stream',
    )
  })
})

describe('loadEventFile broken input', () => {
  test('NDJSON keeps the readable lines', async () => {
    const file = fixture('broken.ndjson')
    const { events, diagnostics } = await loadEventFile(file)
    expect(
      events.map((loaded) => [
        loaded.index,
        loaded.line,
        loaded.event['Image'],
      ]),
    ).toEqual([
      [0, 1, 'a.exe'],
      [2, 3, 'c.exe'],
      [4, 5, 'e.exe'],
    ])
    expect(diagnostics).toEqual([
      {
        check: 'fixture/invalid-json',
        severity: 'error',
        message:
          'Record 2 is not valid JSON: expected a property name in double quotes. Fix the JSON at this position; the other records are still loaded.',
        line: 2,
        column: 33,
        file,
      },
      {
        check: 'fixture/invalid-json',
        severity: 'error',
        message:
          "Record 4 is not valid JSON: expected ',' or '}' after a property value. Fix the JSON at this position; the other records are still loaded.",
        line: 4,
        column: 15,
        file,
      },
    ])
  })

  test('array reports bad elements', async () => {
    const file = fixture('broken-array.json')
    const { events, diagnostics } = await loadEventFile(file)
    expect(
      events.map((loaded) => [
        loaded.index,
        loaded.line,
        loaded.event['Image'],
      ]),
    ).toEqual([
      [0, 2, 'a.exe'],
      [3, 5, 'd.exe'],
    ])
    expect(diagnostics).toEqual([
      {
        check: 'fixture/invalid-event',
        severity: 'error',
        message:
          'Record 2 is a string (\'"not an event"\'), not a JSON object. Write each event as an object of field names and values.',
        line: 3,
        column: 3,
        file,
      },
      {
        check: 'fixture/invalid-json',
        severity: 'error',
        message:
          "Record 3 is not valid JSON: unexpected character '}', expected a value. Fix the JSON at this position; the other records are still loaded.",
        line: 4,
        column: 28,
        file,
      },
    ])
  })

  test('stream resumes after an unclosed record', async () => {
    const file = fixture('broken-stream.json')
    const { events, diagnostics } = await loadEventFile(file)
    expect(
      events.map((loaded) => [
        loaded.index,
        loaded.line,
        loaded.event['Image'],
      ]),
    ).toEqual([
      [0, 1, 'a.exe'],
      [2, 13, 'c.exe'],
    ])
    expect(diagnostics).toHaveLength(1)
    expect(diagnostics[0]).toMatchObject({
      check: 'fixture/invalid-json',
      message:
        "Record 2 is not valid JSON: expected ',' or '}' after a property value. Fix the JSON at this position; the other records are still loaded.",
      line: 13,
      column: 1,
    })
  })

  test('broken line is one broken record', () => {
    const text = '{"EventID": 1, "Image": "a"}\n{"EventID": 1, "Image": "b"}\nnot json\n{"EventID": 1, "Image": "c"}\n'

    const { events, diagnostics } = parseEventText(text, 'events.ndjson')

    expect(events.map((loaded) => loaded.event['Image'])).toEqual(['a', 'b', 'c'])
    expect(diagnostics).toHaveLength(1)
    expect(diagnostics[0]).toMatchObject({
      check: 'fixture/invalid-json',
      message: "Record 3 is not valid JSON: unexpected character 'n', expected a value. Fix the JSON at this position; the other records are still loaded.",
      line: 3,
      column: 1,
    })
  })

  test('unclosed array and trailing text', () => {
    const unclosed = parseEventText('[{"a": 1},\n {"a": 2}', 'x.json')
    expect(unclosed.events.map((loaded) => loaded.event)).toEqual([
      { a: 1 },
      { a: 2 },
    ])
    expect(
      unclosed.diagnostics.map((d) => [d.check, d.line, d.column, d.message]),
    ).toEqual([
      [
        'fixture/invalid-json',
        2,
        10,
        "Event file is not valid JSON: the array has no closing ']'. Fix the JSON at this position; the other records are still loaded.",
      ],
    ])

    const trailing = parseEventText('[{"a": 1}] x', 'x.json')
    expect(trailing.events).toHaveLength(1)
    expect(trailing.diagnostics.map((d) => [d.line, d.column])).toEqual([
      [1, 12],
    ])
  })

  test('string escapes and control characters', () => {
    const badEscape = parseEventText('{"a": "C:\\x"}', 'x.json')
    expect(badEscape.diagnostics.map((d) => [d.column, d.message])).toEqual([
      [
        10,
        'Record 1 is not valid JSON: invalid escape sequence in a string. Fix the JSON at this position; the other records are still loaded.',
      ],
    ])

    const unicode = parseEventText('{"a": "\\u00e9\\n"}', 'x.json')
    expect(unicode.events[0]?.event).toEqual({ a: 'é\n' })
  })

  test('scalar records and empty files', () => {
    const scalars = parseEventText('{"a": 1}\n42\nnull\n', 'x.json')
    expect(scalars.events.map((loaded) => loaded.event)).toEqual([{ a: 1 }])
    expect(
      scalars.diagnostics.map((d) => [d.check, d.line, d.message]),
    ).toEqual([
      [
        'fixture/invalid-event',
        2,
        "Record 2 is a number ('42'), not a JSON object. Write each event as an object of field names and values.",
      ],
      [
        'fixture/invalid-event',
        3,
        "Record 3 is null ('null'), not a JSON object. Write each event as an object of field names and values.",
      ],
    ])

    const empty = parseEventText(' \n\n', 'empty.json')
    expect(empty.events).toEqual([])
    expect(empty.diagnostics.map((d) => [d.check, d.severity])).toEqual([
      ['fixture/empty-file', 'warning'],
    ])
  })

  test('missing file and XML', async () => {
    const missing = await loadEventFile(fixture('no-such-file.json'))
    expect(missing.events).toEqual([])
    expect(missing.diagnostics.map((d) => [d.check, d.line, d.column])).toEqual(
      [['fixture/missing-file', 1, 1]],
    )

    const xml = parseEventText('<Events><Event><a></b></Event></Events>', 'x.xml')
    expect(xml.diagnostics.map((d) => [d.check, d.line, d.column])).toEqual([
      ['fixture/invalid-xml', 1, 23],
    ])
  })

  test('deep nesting is reported, not thrown', () => {
    const deep = `{"a": ${'['.repeat(5000)}`
    const result = parseEventText(deep, 'deep.json')
    expect(result.events).toEqual([])
    expect(result.diagnostics.map((d) => d.check)).toEqual([
      'fixture/invalid-json',
    ])
  })
})

describe('loadEventFile binary EVTX', () => {
  const evtxHeader = Buffer.concat([
    Buffer.from('ElfFile\0', 'latin1'),
    Buffer.alloc(120),
  ])

  test('without a reader uses the built-in one', async () => {
    const directory = await mkdtemp(path.join(tmpdir(), 'events-evtx-'))
    const file = path.join(directory, 'log.evtx')
    await writeFile(file, evtxHeader)

    const { events, diagnostics } = await loadEventFile(file)
    expect(events).toEqual([])
    expect(diagnostics.map((d) => [d.check, d.severity, d.file])).toEqual([
      ['evtx/truncated', 'error', file],
    ])
  })

  test('with a reader normalises records', async () => {
    const directory = await mkdtemp(path.join(tmpdir(), 'events-evtx-'))
    const file = path.join(directory, 'log.evtx')
    await writeFile(file, evtxHeader)
    const readEvtx: EvtxReader = async () => ({
      records: [
        { Event: { System: { EventID: 1 }, EventData: { Image: 'a.exe' } } },
        'broken',
      ],
      diagnostics: [],
    })

    const { events, diagnostics } = await loadEventFile(file, { readEvtx })
    expect(events).toEqual([
      { event: { EventID: 1, Image: 'a.exe' }, index: 0 },
    ])
    expect(diagnostics.map((d) => [d.check, d.file])).toEqual([
      ['fixture/invalid-event', file],
    ])
  })
})
