import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { beforeEach, describe, expect, test } from 'vitest'
import { isEventDiagnostic, sniffFormat, streamEventFile } from '../src/events/event-stream.js'
import { loadEventFile } from '../src/events/load-events.js'
import { hasShared, sharedRoot } from './helpers.js'

let directory: string

beforeEach(async () => {
  directory = await mkdtemp(path.join(tmpdir(), 'event-formats-'))
})

async function write(name: string, text: string): Promise<string> {
  const file = path.join(directory, name)
  await writeFile(file, text)
  return file
}

const SYSMON_XML = `<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System><Provider Name="Microsoft-Windows-Sysmon" Guid="{5770385f-c22a-43e0-bf4c-06f5698ffbd9}"/><EventID>1</EventID><TimeCreated SystemTime="2026-04-24T10:15:02.3110000Z"/><Correlation/><Channel>Microsoft-Windows-Sysmon/Operational</Channel><Computer>web01.example.local</Computer></System><EventData><Data Name="Image">C:\\Windows\\System32\\cmd.exe</Data><Data Name="CommandLine">cmd.exe /c "whoami &amp; hostname"</Data><Data Name="ParentImage">C:\\Windows\\System32\\inetsrv\\w3wp.exe</Data><Data Name="Description"/></EventData></Event>`

const SYSMON_EVENT = {
  Provider_Name: 'Microsoft-Windows-Sysmon',
  Guid: '{5770385f-c22a-43e0-bf4c-06f5698ffbd9}',
  EventID: 1,
  TimeCreated: '2026-04-24T10:15:02.3110000Z',
  SystemTime: '2026-04-24T10:15:02.3110000Z',
  Channel: 'Microsoft-Windows-Sysmon/Operational',
  Computer: 'web01.example.local',
  Image: 'C:\\Windows\\System32\\cmd.exe',
  CommandLine: 'cmd.exe /c "whoami & hostname"',
  ParentImage: 'C:\\Windows\\System32\\inetsrv\\w3wp.exe',
  Description: '',
}

describe('event XML', () => {
  test('Events wrapper with declaration and pretty printing', async () => {
    const pretty = SYSMON_XML.replace(/></g, '>\n  <')
    const file = await write('events.xml', `<?xml version="1.0" encoding="utf-8"?>\n<Events>\n${pretty}\n${SYSMON_XML.replace('cmd.exe /c', 'cmd.exe /k')}\n</Events>\n`)
    const { events, diagnostics } = await loadEventFile(file)
    expect(diagnostics).toEqual([])
    expect(events.map((loaded) => [loaded.index, loaded.line])).toEqual([
      [0, 3],
      [1, 19],
    ])
    expect(events[0]?.event).toEqual(SYSMON_EVENT)
    expect(events[1]?.event['CommandLine']).toBe('cmd.exe /k "whoami & hostname"')
  })

  test('wevtutil output without a wrapper', async () => {
    const file = await write('wevtutil.txt', `${SYSMON_XML}${SYSMON_XML.replace('<EventID>1<', '<EventID>3<')}`)
    expect(await sniffFormat(file)).toEqual({ format: 'xml' })
    const { events, diagnostics } = await loadEventFile(file)
    expect(diagnostics).toEqual([])
    expect(events.map((loaded) => loaded.event['EventID'])).toEqual([1, 3])
    expect(events[1]?.line).toBe(1)
  })

  test('malformed XML keeps earlier events', async () => {
    const file = await write('broken.xml', `<Events>\n${SYSMON_XML}\n<Event><System><EventID>1</System></Event>\n</Events>\n`)
    const { events, diagnostics } = await loadEventFile(file)
    expect(events).toHaveLength(1)
    expect(diagnostics).toEqual([
      {
        check: 'fixture/invalid-xml',
        severity: 'error',
        message: 'The event XML is not well-formed: unexpected close tag. Fix the XML at this position; the events before it are still loaded.',
        line: 3,
        column: 35,
        file,
      },
    ])
  })

  test('XML without events is reported', async () => {
    const file = await write('empty.xml', '<Events></Events>')
    const { events, diagnostics } = await loadEventFile(file)
    expect(events).toEqual([])
    expect(diagnostics.map((d) => [d.check, d.severity])).toEqual([['fixture/empty-file', 'warning']])
  })
})

describe('Splunk exports', () => {
  test('export API JSON lines with _raw XML and extracted fields', async () => {
    const lines = [
      { preview: false, offset: 0, result: { _raw: SYSMON_XML, _time: '2026-04-24T10:15:02.311+00:00', host: 'web01', EventCode: '1', Image: 'ignored.exe' } },
      { preview: false, offset: 1, result: { _raw: 'not xml', EventCode: '3', Image: 'C:\\x.exe', DestinationPort: '443', User: '', sourcetype: 'XmlWinEventLog', date_hour: '10' } },
      { preview: false, lastrow: true },
    ]
    const file = await write('export.json', lines.map((line) => JSON.stringify(line)).join('\n'))
    expect(await sniffFormat(file)).toEqual({ format: 'ndjson' })
    const { events, diagnostics } = await loadEventFile(file)
    expect(diagnostics).toEqual([])
    expect(events).toEqual([
      { event: SYSMON_EVENT, index: 0, line: 1 },
      { event: { EventCode: '3', Image: 'C:\\x.exe', DestinationPort: '443', EventID: 3 }, index: 1, line: 2 },
    ])
  })

  test('results document', async () => {
    const file = await write('results.json', JSON.stringify({ preview: false, init_offset: 0, messages: [], fields: [{ name: 'Image' }], results: [{ EventCode: '1', Image: 'a.exe', CommandLine: ['a', 'b'] }, 7] }, null, 2))
    const { events, diagnostics } = await loadEventFile(file)
    expect(events).toEqual([{ event: { EventCode: '1', Image: 'a.exe', CommandLine: ['a', 'b'], EventID: 1 }, index: 0 }])
    expect(diagnostics.map((d) => [d.check, d.message])).toEqual([
      ['fixture/invalid-event', "Record 2 is a number ('7'), not a JSON object. Write each event as an object of field names and values."],
    ])
  })

  test('CSV with _raw, extracted fields and a broken record', async () => {
    const raw = SYSMON_XML.replace(/"/g, '""')
    const csv = `"_time",EventCode,Image,"_raw"\n"2026-04-24",1,"ignored.exe","${raw}"\n"2026-04-24",3,"C:\\Program Files\\a.exe",""\n"2026-04-24",1,"unclosed\n`
    const file = await write('export.csv', csv)
    expect(await sniffFormat(file)).toEqual({ format: 'csv' })
    const { events, diagnostics } = await loadEventFile(file)
    expect(events).toEqual([
      { event: SYSMON_EVENT, index: 0, line: 2 },
      { event: { EventCode: '3', Image: 'C:\\Program Files\\a.exe', EventID: 3 }, index: 1, line: 3 },
    ])
    expect(diagnostics.map((d) => [d.check, d.line])).toEqual([['fixture/invalid-csv', 4]])
  })
})

describe('NDJSON streaming', () => {
  test('yields events one by one in file order', async () => {
    const lines = Array.from({ length: 2000 }, (_, index) => JSON.stringify({ EventID: 1, Index: index }))
    const file = await write('many.ndjson', `${lines.join('\r\n')}\r\n`)
    let count = 0
    let last: unknown
    for await (const item of streamEventFile(file)) {
      if (isEventDiagnostic(item)) throw new Error(item.message)
      count++
      last = item
    }
    expect(count).toBe(2000)
    expect(last).toEqual({ event: { EventID: 1, Index: 1999 }, index: 1999, line: 2000 })
  })

  test('event limit stops the stream', async () => {
    const file = await write('three.ndjson', '{"a":1}\n{"a":2}\n{"a":3}\n')
    const items = []
    for await (const item of streamEventFile(file, { limits: { eventsPerFixture: 2, eventFileBytes: 1024 } })) items.push(item)
    expect(items.map((item) => ('check' in item ? [item.check, item.line] : item.index))).toEqual([0, 1, ['limits/events-per-fixture', 3]])
  })
})

describe.skipIf(!hasShared)('binary EVTX', () => {
  const folder = path.join(sharedRoot, 'corpus/sigmahq/regression_data/rules/windows/file/file_event/file_event_win_creation_system_file')

  test('gives the same events as its evtx_dump JSON', async () => {
    const fromEvtx = await loadEventFile(path.join(folder, 'd5866ddf-ce8f-4aea-b28e-d96485a20d3d.evtx'))
    const fromJson = await loadEventFile(path.join(folder, 'd5866ddf-ce8f-4aea-b28e-d96485a20d3d.json'))
    expect(fromEvtx.diagnostics).toEqual([])
    expect(fromEvtx.events.map((loaded) => loaded.event)).toEqual(fromJson.events.map((loaded) => loaded.event))
    expect(fromEvtx.events.map((loaded) => loaded.event['TargetFilename'])).toEqual(['C:\\bitsadmin.exe'])
  })
})
