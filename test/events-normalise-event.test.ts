import { existsSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, test } from 'vitest'
import { loadEventFile } from '../src/events/load-events.js'
import { normaliseEvent } from '../src/events/normalise-event.js'

const testDirectory = path.dirname(fileURLToPath(import.meta.url))
const corpus = path.resolve(
  testDirectory,
  '../../shared/corpus/sigmahq/regression_data/rules/windows',
)

describe('normaliseEvent', () => {
  test('flat object passes through', () => {
    const flat = {
      EventID: 1,
      Image: 'a.exe',
      Hashes: ['x', 'y'],
      Signed: null,
      Ok: false,
    }
    expect(normaliseEvent(flat)).toEqual(flat)
  })

  test('nested plain objects get dotted names', () => {
    const raw = {
      host: { name: 'h1', ip: ['10.0.0.1'] },
      tags: [{ k: 'a' }, { k: 'b' }],
    }
    expect(normaliseEvent(raw)).toEqual({
      'host.name': 'h1',
      'host.ip': ['10.0.0.1'],
      'tags.k': ['a', 'b'],
    })
  })

  test('non-objects give an empty event', () => {
    expect(normaliseEvent(null)).toEqual({})
    expect(normaliseEvent([{ a: 1 }])).toEqual({})
    expect(normaliseEvent('EventID: 1')).toEqual({})
  })

  test('record without the Event wrapper', () => {
    const raw = {
      System: { EventID: '4688', Channel: 'Security' },
      EventData: { A: 1 },
    }
    expect(normaliseEvent(raw)).toEqual({
      EventID: 4688,
      Channel: 'Security',
      A: 1,
    })
  })

  test('UserData leaves, attributes and repeated siblings', () => {
    const raw = {
      Event: {
        System: { EventID: 1 },
        UserData: {
          Root: {
            '#attributes': { xmlns: 'urn:x', Version: '2' },
            Name: 'first',
            Name_1: 'second',
            Inner: { '#attributes': { Kind: 'k' }, Leaf: 7 },
            Empty: null,
          },
        },
      },
    }
    expect(normaliseEvent(raw)).toEqual({
      EventID: 1,
      Version: '2',
      Name: ['first', 'second'],
      Kind: 'k',
      Leaf: 7,
      Empty: '',
    })
  })

  test('name clash keeps both values', () => {
    const raw = {
      Event: {
        System: { EventID: 1, Channel: 'Security' },
        EventData: { Channel: 'Other', EventID: 1 },
      },
    }
    expect(normaliseEvent(raw)).toEqual({
      EventID: 1,
      Channel: ['Security', 'Other'],
    })
  })

  test('extra elements get dotted names', () => {
    const raw = {
      Event: {
        System: {
          EventID: 1,
          Extra: { '#attributes': { A: 'a' }, Child: 'c' },
        },
        RenderingInfo: { '#attributes': { Culture: 'en-US' }, Message: 'text' },
      },
    }
    expect(normaliseEvent(raw)).toEqual({
      EventID: 1,
      A: 'a',
      'System.Extra.Child': 'c',
      'RenderingInfo.Culture': 'en-US',
      'RenderingInfo.Message': 'text',
    })
  })
})

describe.skipIf(!existsSync(corpus))('normaliseEvent on corpus records', () => {
  test('Sysmon file event', async () => {
    const file = path.join(
      corpus,
      'file/file_event/file_event_win_creation_system_file/d5866ddf-ce8f-4aea-b28e-d96485a20d3d.json',
    )
    const { events, diagnostics } = await loadEventFile(file)
    expect(diagnostics).toEqual([])
    expect(events).toEqual([
      {
        index: 0,
        line: 1,
        event: {
          Provider_Name: 'Microsoft-Windows-Sysmon',
          Guid: '5770385F-C22A-43E0-BF4C-06F5698FFBD9',
          EventID: 11,
          Version: 2,
          Level: 4,
          Task: 11,
          Opcode: 0,
          Keywords: '0x8000000000000000',
          TimeCreated: '2025-10-24T23:41:48.497170Z',
          SystemTime: '2025-10-24T23:41:48.497170Z',
          EventRecordID: 24322,
          ProcessID: 3308,
          ThreadID: 4008,
          Channel: 'Microsoft-Windows-Sysmon/Operational',
          Computer: 'ar-win-dc.attackrange.local',
          UserID: 'S-1-5-18',
          RuleName: '-',
          UtcTime: '2025-10-24 23:41:48.482',
          ProcessGuid: '5AA13A44-0C90-68FC-BF1D-000000004002',
          ProcessId: 10048,
          Image: 'C:\\Windows\\system32\\cmd.exe',
          TargetFilename: 'C:\\bitsadmin.exe',
          CreationUtcTime: '2025-10-24 23:41:48.482',
          User: 'ATTACKRANGE\\Administrator',
        },
      },
    ])
  })

  test('WMI UserData event', async () => {
    const file = path.join(
      corpus,
      'builtin/wmi/win_wmi_activity_nteventlogfile_cleareventlog/d4f1a2b3-7c8e-4d5f-b6a9-1e0c2d3f4e5b.json',
    )
    const { events } = await loadEventFile(file)
    expect(events[0]?.event).toEqual({
      Provider_Name: 'Microsoft-Windows-WMI-Activity',
      Guid: '1418EF04-B0B4-4623-BF7E-D74AB47BBDAA',
      EventID: 5858,
      Version: 0,
      Level: 2,
      Task: 0,
      Opcode: 0,
      Keywords: '0x4000000000000000',
      TimeCreated: '2026-07-02T02:05:27.438557Z',
      SystemTime: '2026-07-02T02:05:27.438557Z',
      EventRecordID: 5314,
      ActivityID: '8E521E2B-7C26-0001-417F-9C8E267CDB01',
      ProcessID: 3092,
      ThreadID: 22616,
      Channel: 'Microsoft-Windows-WMI-Activity/Operational',
      Computer: 'swachchhanda',
      UserID: 'S-1-5-18',
      Id: '{00000000-0000-0000-0000-000000000000}',
      ClientMachine: 'SWACHCHHANDA',
      User: 'swachchhanda\\xodih',
      ClientProcessId: 25920,
      Component: 'Unknown',
      Operation:
        'Start IWbemServices::ExecMethod - ROOT\\CIMV2 : \\\\SWACHCHHANDA\\ROOT\\CIMV2:Win32_NTEventlogFile.Name="C:\\\\WINDOWS\\\\System32\\\\Winevt\\\\Logs\\\\System.evtx"::cleareventlog',
      ResultCode: '0x80041003',
      PossibleCause: 'Unknown',
    })
  })

  test('Security event without UserID', async () => {
    const file = path.join(
      corpus,
      'builtin/security/win_security_explicit_credential_local_logon/e3c6d245-7b8f-4e2a-c17f-a9d0e5b38f62.json',
    )
    const { events } = await loadEventFile(file)
    const event = events[0]?.event ?? {}
    expect(event['UserID']).toBeUndefined()
    expect(event['EventID']).toBe(4648)
    expect(event['Provider_Name']).toBe('Microsoft-Windows-Security-Auditing')
    expect(event['SubjectLogonId']).toBe('0x85527')
    expect(event['ProcessId']).toBe('0x378')
    expect(event['IpPort']).toBe('-')
  })

  test('multi-record file keeps order', async () => {
    const file = path.join(
      corpus,
      'file/file_event/file_event_win_hktl_netexec_file_indicators/efc21479-9e83-41da-8cf1-122e06ba8db3.json',
    )
    const { events, diagnostics } = await loadEventFile(file)
    expect(diagnostics).toEqual([])
    expect(events.map((loaded) => loaded.index)).toEqual([0, 1, 2, 3, 4, 5, 6])
    const recordIds = events.map(
      (loaded) => loaded.event['EventRecordID'] as number,
    )
    expect(recordIds).toEqual(
      [...recordIds].sort((left, right) => left - right),
    )
  })
})
