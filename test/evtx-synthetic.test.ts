import { describe, expect, it } from 'vitest'
import { readEvtx } from '../src/events/evtx/index.js'
import {
  ChunkWriter,
  le,
  raw,
  utf16le,
  type Content,
  type ValueSpec,
} from './evtx-builder.js'

const XMLNS = 'http://schemas.microsoft.com/win/2004/08/events/event'
const GUID_BYTES = [
  0x5f, 0x38, 0x70, 0x57, 0x2a, 0xc2, 0xe0, 0x43, 0xbf, 0x4c, 0x06, 0xf5, 0x69,
  0x8f, 0xfb, 0xd9,
]
const SID_S_1_5_18 = [1, 1, 0, 0, 0, 0, 0, 5, ...le(18, 4)]
/** Revision 1, two sub-authorities, authority 5 (NT). */
const SID_HEADER_2 = [1, 2, 0, 0, 0, 0, 0, 5]

const text = (value: string): Content => (writer) => writer.text(value)
const sub =
  (index: number, type: number, optional = true): Content =>
  (writer) =>
    writer.substitution(index, type, optional)

/** A `<Data Name="name">` element holding substitution `index`. */
const namedData =
  (name: string, index: number, type: number): Content =>
  (writer) =>
    writer.element('Data', {
      attributes: [['Name', text(name)]],
      content: sub(index, type, false),
    })

/** Builds a record body: one template instance defining `<Event>`. */
function eventRecord(body: Content, values: ValueSpec[]): Content {
  return (writer) => {
    writer.fragmentHeader()
    writer.templateInstance(
      (definition) =>
        definition.element('Event', {
          attributes: [['xmlns', text(XMLNS)]],
          content: body,
        }),
      values,
    )
    writer.u8(0x00)
  }
}

/** Reads a one-chunk file and returns events and diagnostics. */
function read(writer: ChunkWriter) {
  const { records, diagnostics } = readEvtx(writer.file())
  return { events: records.map((record) => record.event), diagnostics }
}

function single(body: Content, values: ValueSpec[]) {
  const writer = new ChunkWriter()
  writer.record(1n, eventRecord(body, values))
  return read(writer)
}

/** Wraps a value in an `<EventData>` with one named `Data`. */
function eventData(type: number, bytes: number[]) {
  return single(
    (writer) =>
      writer.element('EventData', { content: namedData('Value', 0, type) }),
    [raw(type, bytes)],
  )
}

describe('evtx binary XML', () => {
  it('renders System with qualifiers and nulls', () => {
    const system: Content = (writer) =>
      writer.element('System', {
        content: (inner) => {
          inner.element('Provider', {
            attributes: [
              ['Name', sub(0, 0x01)],
              ['Guid', sub(1, 0x0f)],
            ],
          })
          inner.element('EventID', {
            attributes: [['Qualifiers', sub(2, 0x06)]],
            content: sub(3, 0x06),
          })
          inner.element('TimeCreated', {
            attributes: [['SystemTime', sub(4, 0x11)]],
          })
          inner.element('Correlation', {
            attributes: [['ActivityID', sub(5, 0x0f)]],
          })
          inner.element('Keywords', { content: sub(6, 0x15) })
          inner.element('Security', { attributes: [['UserID', sub(7, 0x13)]] })
        },
      })
    const values = [
      raw(0x01, utf16le('Service Control Manager')),
      raw(0x0f, GUID_BYTES),
      raw(0x06, le(16384, 2)),
      raw(0x06, le(7045, 2)),
      raw(0x11, le(134058229084971709n, 8)),
      raw(0x00, []),
      raw(0x15, le(0x8080000000000000n, 8)),
      raw(0x13, SID_S_1_5_18),
    ]

    const { events, diagnostics } = single(system, values)

    expect(diagnostics).toEqual([])
    expect(events).toEqual([
      {
        Event: {
          '#attributes': { xmlns: XMLNS },
          System: {
            Provider: {
              '#attributes': {
                Name: 'Service Control Manager',
                Guid: '5770385F-C22A-43E0-BF4C-06F5698FFBD9',
              },
            },
            EventID: { '#attributes': { Qualifiers: 16384 }, '#text': 7045 },
            TimeCreated: {
              '#attributes': { SystemTime: '2025-10-24T23:41:48.497170Z' },
            },
            Correlation: null,
            Keywords: '0x8080000000000000',
            Security: { '#attributes': { UserID: 'S-1-5-18' } },
          },
        },
      },
    ])
  })

  it('collapses unnamed Data and keeps Binary', () => {
    const nested: ValueSpec = {
      type: 0x21,
      write: (writer) => {
        writer.fragmentHeader()
        writer.templateInstance(
          (definition) =>
            definition.element('EventData', {
              content: (inner) => {
                for (const index of [0, 1, 2]) {
                  inner.element('Data', { content: sub(index, 0x01, false) })
                }
                inner.element('Binary', { content: sub(3, 0x0e, false) })
              },
            }),
          [
            raw(0x01, utf16le('first')),
            raw(0x01, []),
            raw(0x08, le(42, 4)),
            raw(0x0e, [0xd9, 0x06, 0x00, 0x00]),
          ],
        )
        writer.u8(0x00)
      },
    }

    const { events, diagnostics } = single(sub(0, 0x21), [nested])

    expect(diagnostics).toEqual([])
    expect(events).toEqual([
      {
        Event: {
          '#attributes': { xmlns: XMLNS },
          EventData: {
            Data: { '#text': ['first', '', 42] },
            Binary: 'D9060000',
          },
        },
      },
    ])
  })

  it('repeats elements for a string array', () => {
    const list = [...utf16le('one\u0000\u0000three\u0000')]
    const body: Content = (writer) => {
      writer.element('EventData', { content: namedData('List', 0, 0x81) })
      writer.element('UserData', {
        content: (inner) =>
          inner.element('Data', { content: sub(0, 0x81, false) }),
      })
    }

    const { events } = single(body, [raw(0x81, list)])

    expect(events).toEqual([
      {
        Event: {
          '#attributes': { xmlns: XMLNS },
          EventData: { List: 'one', List_1: null, List_2: 'three' },
          UserData: { Data: { '#text': ['one', '', 'three'] } },
        },
      },
    ])
  })

  it('renders null substitution values empty', () => {
    const body: Content = (writer) =>
      writer.element('EventData', {
        attributes: [['Name', sub(0, 0x01)]],
        content: (inner) => {
          namedData('Normal', 1, 0x08)(inner)
          namedData('Sized', 2, 0x01)(inner)
        },
      })

    const { events, diagnostics } = single(body, [
      raw(0x00, []),
      raw(0x00, [0, 0, 0, 0]),
      raw(0x01, []),
    ])

    expect(diagnostics).toEqual([])
    expect(events).toEqual([
      {
        Event: {
          '#attributes': { xmlns: XMLNS },
          EventData: { Normal: null, Sized: null },
        },
      },
    ])
  })

  it('reports a substitution index out of range', () => {
    const body: Content = (writer) =>
      writer.element('EventData', { content: namedData('Missing', 4, 0x01) })

    const { events, diagnostics } = single(body, [raw(0x01, utf16le('x'))])

    expect(events).toEqual([
      {
        Event: {
          '#attributes': { xmlns: XMLNS },
          EventData: { Missing: null },
        },
      },
    ])
    expect(diagnostics).toEqual([
      {
        check: 'evtx/bad-record',
        severity: 'warning',
        message:
          'EVTX record 1 at byte offset 4608 has a damaged value: substitution 4 refers past the 1 values of its template instance; it is rendered empty. The record was still returned; check the value or replace the fixture.',
        line: 1,
        column: 1,
      },
    ])
  })

  it.each([
    ['Int8', 0x03, [0xfe], -2],
    ['UInt8', 0x04, [0xfe], 254],
    ['Int16', 0x05, le(0xfffe, 2), -2],
    ['Int32', 0x07, le(0xfffffffe, 4), -2],
    [
      'Int64 beyond 2^53',
      0x09,
      le(0x8000000000000000n, 8),
      '-9223372036854775808',
    ],
    ['UInt64', 0x0a, le(4660n, 8), 4660],
    [
      'UInt64 beyond 2^53',
      0x0a,
      le(0xffffffffffffffffn, 8),
      '18446744073709551615',
    ],
    ['Real32', 0x0b, [0xcd, 0xcc, 0xcc, 0x3d], '0.1'],
    ['Real64', 0x0c, [0, 0, 0, 0, 0, 0, 0xf8, 0x3f], '1.5'],
    ['Bool of 1 byte', 0x0d, [1], true],
    ['Bool of 4 bytes', 0x0d, [0, 0, 0, 0], false],
    ['SizeT of 4 bytes', 0x10, le(0x1000, 4), '0x1000'],
    ['SizeT of 8 bytes', 0x10, le(0x7ff612340000n, 8), '0x7ff612340000'],
    ['HexInt32', 0x14, le(0x3e7, 4), '0x3e7'],
    ['HexInt64', 0x15, le(0xc0000073n, 8), '0xc0000073'],
    ['AnsiString', 0x02, [0x63, 0x61, 0x66, 0xe9, 0], 'café'],
    ['String with NUL', 0x01, utf16le('cmd.exe\u0000junk'), 'cmd.exe'],
    ['String with spaces', 0x01, utf16le('Advapi  '), 'Advapi  '],
    ['SID', 0x13, [...SID_HEADER_2, ...le(32, 4), ...le(544, 4)], 'S-1-5-32-544'],
    ['FILETIME zero', 0x11, le(0n, 8), '1601-01-01T00:00:00.000000Z'],
    [
      'SYSTEMTIME',
      0x12,
      [2024, 2, 4, 29, 13, 5, 9, 7].flatMap((field) => le(field, 2)),
      '2024-02-29T13:05:09.007000Z',
    ],
    ['UInt32 of wrong size', 0x08, [1, 2, 3], '010203'],
    ['SID of wrong size', 0x13, [1, 5, 0, 0, 0, 0, 0, 5], '0105000000000005'],
  ])('decodes %s', (_name, type, bytes, expected) => {
    const { events } = eventData(type, bytes)

    expect(events).toEqual([
      {
        Event: {
          '#attributes': { xmlns: XMLNS },
          EventData: { Value: expected },
        },
      },
    ])
  })

  it('reports a value whose size does not fit its type', () => {
    const { diagnostics } = eventData(0x08, [1, 2, 3])

    expect(diagnostics.map((each) => each.message)).toEqual([
      'EVTX record 1 at byte offset 4608 has a damaged value: value 0 at chunk offset 876 has type 0x08 but 3 bytes that do not fit it; it is rendered as hex. The record was still returned; check the value or replace the fixture.',
    ])
  })

  it('decodes references and CDATA in text', () => {
    const body: Content = (writer) =>
      writer.element('Message', {
        content: (inner) => {
          inner.text('a')
          inner.u8(0x48)
          inner.u16(0x263a)
          inner.u8(0x49)
          inner.name('amp')
          inner.u8(0x49)
          inner.name('nbsp')
          inner.u8(0x07)
          inner.u16(4)
          inner.utf16('<b/>')
        },
      })

    const { events, diagnostics } = single(body, [])

    expect(diagnostics).toEqual([])
    expect(events).toEqual([
      {
        Event: {
          '#attributes': { xmlns: XMLNS },
          Message: 'a\u263a&&nbsp;<b/>',
        },
      },
    ])
  })

  it('reads bare elements without a template', () => {
    const writer = new ChunkWriter()
    writer.record(1n, (record) => {
      record.fragmentHeader()
      record.element('Event', {
        content: (event) =>
          event.element('System', {
            content: (system) => {
              system.element('EventID', { content: text('4624') })
              system.element('Channel', { content: text('Security') })
            },
          }),
      })
      record.u8(0x00)
    })

    const { events, diagnostics } = read(writer)

    expect(diagnostics).toEqual([])
    expect(events).toEqual([
      { Event: { System: { EventID: '4624', Channel: 'Security' } } },
    ])
  })

  it('reads template elements without dependency ids', () => {
    const body: Content = (writer) =>
      writer.element('EventData', {
        dependency: false,
        content: (inner) =>
          inner.element('Data', {
            dependency: false,
            attributes: [['Name', text('Port')]],
            content: sub(0, 0x06, false),
          }),
      })

    const { events, diagnostics } = single(body, [raw(0x06, le(443, 2))])

    expect(diagnostics).toEqual([])
    expect(events).toEqual([
      {
        Event: {
          '#attributes': { xmlns: XMLNS },
          EventData: { Port: 443 },
        },
      },
    ])
  })

  it('shares a template between records', () => {
    const writer = new ChunkWriter()
    const body: Content = (inner) =>
      inner.element('EventData', { content: namedData('User', 0, 0x01) })
    let definition = 0

    writer.record(1n, (record) => {
      record.fragmentHeader()
      definition = record.templateInstance(body, [raw(0x01, utf16le('alice'))])
      record.u8(0x00)
    })
    writer.record(2n, (record) => {
      record.fragmentHeader()
      record.templateInstance(definition, [raw(0x01, utf16le('bob'))])
      record.u8(0x00)
    })

    const { events, diagnostics } = read(writer)

    expect(diagnostics).toEqual([])
    expect(events).toEqual([
      { EventData: { User: 'alice' } },
      { EventData: { User: 'bob' } },
    ])
  })

  it('rejects a template that includes itself', () => {
    const writer = new ChunkWriter()
    writer.record(1n, (record) => {
      record.fragmentHeader()
      // The definition starts 10 bytes after the instance token; its body
      // contains an instance that refers to the definition being parsed.
      const definition = record.pos + 10
      record.templateInstance(
        (inner) => inner.templateInstance(definition, []),
        [],
      )
      record.u8(0x00)
    })
    writer.record(2n, eventRecord(text('fine'), []))

    const { events, diagnostics } = read(writer)

    expect(events).toEqual([
      { Event: { '#attributes': { xmlns: XMLNS }, '#text': 'fine' } },
    ])
    expect(diagnostics.map((each) => each.message)).toEqual([
      'EVTX record 1 at byte offset 4608 could not be decoded: template definition includes itself at chunk offset 550. The record was skipped and the next one read; re-export the log or replace the fixture.',
    ])
  })

  it('rejects a name offset outside the chunk', () => {
    const writer = new ChunkWriter()
    writer.record(1n, (record) => {
      record.fragmentHeader()
      record.u8(0x01)
      record.u32(0)
      record.u32(0xfffffff0)
      record.u8(0x03)
      record.u8(0x00)
    })

    const { events, diagnostics } = read(writer)

    expect(events).toEqual([])
    expect(diagnostics.map((each) => each.message)).toEqual([
      'EVTX record 1 at byte offset 4608 could not be decoded: name offset 4294967280 lies outside the chunk. The record was skipped and the next one read; re-export the log or replace the fixture.',
    ])
  })

  it('stops nesting of embedded BinXml', () => {
    // Each value is a stream whose template contains substitution 0 again.
    const nest = (levels: number): ValueSpec => ({
      type: 0x21,
      write: (writer) => {
        writer.fragmentHeader()
        const values = levels > 0 ? [nest(levels - 1)] : []
        writer.templateInstance(
          (inner) => inner.element('Level', { content: sub(0, 0x21) }),
          values,
        )
        writer.u8(0x00)
      },
    })

    const { events, diagnostics } = single(sub(0, 0x21), [nest(40)])

    expect(events).toEqual([])
    expect(diagnostics.map((each) => each.check)).toEqual(['evtx/bad-record'])
    expect(diagnostics[0]?.message).toContain(
      'template instances nest deeper than 16 levels',
    )
  })

  it('stops exponential expansion', () => {
    // Every template refers 40 times to its one embedded value, so four
    // levels would expand to 40^4 = 2,560,000 text nodes.
    const nest = (levels: number): ValueSpec => ({
      type: 0x21,
      write: (writer) => {
        writer.fragmentHeader()
        const values = levels > 0 ? [nest(levels - 1)] : [raw(0x01, [0x61, 0])]
        writer.templateInstance(
          (inner) =>
            inner.element('Level', {
              content: (level) => {
                for (let i = 0; i < 40; i++) level.substitution(0, 0x21, false)
              },
            }),
          values,
        )
        writer.u8(0x00)
      },
    })

    const { events, diagnostics } = single(sub(0, 0x21), [nest(4)])

    expect(events).toEqual([])
    expect(diagnostics.map((each) => each.message)).toEqual([
      'EVTX record 1 at byte offset 4608 could not be decoded: the record expands to more than 100000 nodes. The record was skipped and the next one read; re-export the log or replace the fixture.',
    ])
  })
})
