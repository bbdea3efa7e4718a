import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { crc32 as zlibCrc32 } from 'node:zlib'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { Diagnostic } from '../src/diagnostic.js'
import { crc32Fallback } from '../src/events/evtx/crc32.js'
import { readEvtx } from '../src/events/evtx/index.js'

const here = path.dirname(fileURLToPath(import.meta.url))
// A corpus file with one chunk of seven records (Sysmon event 11).
const sample = path.resolve(
  here,
  '../../shared/corpus/sigmahq/regression_data/rules/windows/file/file_event',
  'file_event_win_hktl_netexec_file_indicators',
  'efc21479-9e83-41da-8cf1-122e06ba8db3.evtx',
)
const hasSample = existsSync(sample)

const CHUNK = 4096
/** File offsets of the seven records; the records end at 11840. */
const RECORD_OFFSETS = [4608, 7080, 7864, 8648, 9416, 10216, 11024]
const RECORDS_END = 11840
const RECORD_ENDS = [...RECORD_OFFSETS.slice(1), RECORDS_END]

function load(): Buffer {
  return Buffer.from(readFileSync(sample))
}

function diagnostic(check: string, severity: string, message: string) {
  return { check, severity, message, line: 1, column: 1 }
}

/** Rewrites the file header CRC so that a test checks only its own damage. */
function fixFileHeaderCrc(bytes: Buffer) {
  bytes.writeUInt32LE(zlibCrc32(bytes.subarray(0, 120)), 124)
}

/** Rewrites both CRCs of the chunk at `offset`. */
function fixChunkCrcs(bytes: Buffer, offset = CHUNK) {
  const chunk = bytes.subarray(offset, offset + 0x10000)
  const freeSpace = Math.min(chunk.readUInt32LE(48), chunk.length)
  chunk.writeUInt32LE(zlibCrc32(chunk.subarray(512, freeSpace)), 52)
  chunk.writeUInt32LE(
    zlibCrc32(chunk.subarray(128, 512), zlibCrc32(chunk.subarray(0, 120))),
    124,
  )
}

describe.skipIf(!hasSample)('evtx reader on damaged files', () => {
  const intact = hasSample ? readEvtx(load()).records : []

  it('reads the intact sample', () => {
    const { records, diagnostics } = readEvtx(load())

    expect(diagnostics).toEqual([])
    const ids = records.map((record) => record.recordId)
    expect(ids).toEqual([1, 2, 3, 4, 5, 6, 7])
  })

  it('reports a file cut inside a record', () => {
    const cut = RECORD_OFFSETS[2]! + 100
    const { records, diagnostics } = readEvtx(load().subarray(0, cut))

    expect(records).toEqual(intact.slice(0, 2))
    expect(diagnostics).toEqual([
      diagnostic(
        'evtx/truncated',
        'error',
        `The EVTX file ends at byte offset ${cut}, inside the chunk that starts at byte offset 4096 (${cut - CHUNK} of 65536 bytes present), so records after the cut are missing. Copy the complete file again.`,
      ),
    ])
  })

  it('reports a file cut after the last record', () => {
    const cut = RECORDS_END + 10
    const { records, diagnostics } = readEvtx(load().subarray(0, cut))

    expect(records).toEqual(intact)
    expect(diagnostics.map((each) => each.check)).toEqual(['evtx/truncated'])
  })

  it('reports a file cut inside the chunk header', () => {
    const { records, diagnostics } = readEvtx(load().subarray(0, CHUNK + 300))

    expect(records).toEqual([])
    expect(diagnostics.map((each) => each.check)).toEqual(['evtx/truncated'])
  })

  it('reports a file of only the header', () => {
    const { records, diagnostics } = readEvtx(load().subarray(0, CHUNK))

    expect(records).toEqual([])
    expect(diagnostics).toEqual([
      diagnostic(
        'evtx/truncated',
        'error',
        'The EVTX file ends at byte offset 4096 after 0 chunks, but its header counts 1, so the missing chunks and their records are lost. Copy the complete file again.',
      ),
    ])
  })

  it('reports a file cut inside the header', () => {
    const { records, diagnostics } = readEvtx(load().subarray(0, 50))

    expect(records).toEqual([])
    expect(diagnostics).toEqual([
      diagnostic(
        'evtx/truncated',
        'error',
        'The EVTX file is 50 bytes long, shorter than its 4096-byte file header, so it contains no records. Copy the complete file again.',
      ),
    ])
  })

  it('rejects a file that is not EVTX', () => {
    const text = new TextEncoder().encode('{"Event": {}}\n')
    const { records, diagnostics } = readEvtx(text)

    expect(records).toEqual([])
    expect(diagnostics.map((each) => each.check)).toEqual(['evtx/not-evtx'])
    const empty = readEvtx(new Uint8Array(0))
    expect(empty.diagnostics.map((each) => each.check)).toEqual([
      'evtx/not-evtx',
    ])
  })

  it('returns a prefix at every 4 KiB cut', () => {
    const bytes = load()

    for (let cut = 0; cut <= bytes.length; cut += 4096) {
      const { records, diagnostics } = readEvtx(bytes.subarray(0, cut))
      const complete = RECORD_ENDS.filter((end) => end <= cut).length

      expect(records, `cut at ${cut}`).toEqual(intact.slice(0, complete))
      const checks = diagnostics.map((each) => each.check)
      if (cut === 0) expect(checks).toEqual(['evtx/not-evtx'])
      else if (cut === bytes.length) expect(checks).toEqual([])
      else expect(checks, `cut at ${cut}`).toContain('evtx/truncated')
    }
  })

  it('reports a changed byte in a record', () => {
    const bytes = load()
    // 'x' of 'nxc.exe' in the Image value of record 5, UTF-16LE.
    bytes[9925] = 'X'.charCodeAt(0)
    const { records, diagnostics } = readEvtx(bytes)
    const event = records[4]?.event as {
      Event: { EventData: { Image: string } }
    }

    expect(records.length).toBe(7)
    expect(event.Event.EventData.Image).toBe(
      'C:\\Users\\xodih\\Downloads\\nxc-windows-latest\\nXc.exe',
    )
    expect(diagnostics).toEqual([
      diagnostic(
        'evtx/bad-checksum',
        'warning',
        'EVTX chunk at byte offset 4096 has records CRC-32 0x468ed785 but stores 0x7ff7e557, so a record was changed or damaged after it was written. The readable records were returned; re-export the log if values look wrong.',
      ),
    ])
  })

  it('reports a changed chunk header', () => {
    const bytes = load()
    bytes[CHUNK + 60] = 0xff
    const { records, diagnostics } = readEvtx(bytes)

    expect(records).toEqual(intact)
    expect(diagnostics.map((each) => each.check)).toEqual(['evtx/bad-checksum'])
    expect(diagnostics[0]?.message).toMatch(
      /^EVTX chunk header at byte offset 4096 has CRC-32 0x[0-9a-f]{8} but stores 0x[0-9a-f]{8}, /,
    )
  })

  it('reports a changed file header', () => {
    const bytes = load()
    bytes[100] = 0x01
    const { records, diagnostics } = readEvtx(bytes)

    expect(records).toEqual(intact)
    expect(diagnostics.map((each) => each.check)).toEqual(['evtx/bad-checksum'])
    expect(diagnostics[0]?.message).toMatch(
      /^The EVTX file header at byte offset 0 has CRC-32/,
    )
  })

  it('reports the dirty flag', () => {
    const bytes = load()
    bytes[120] = bytes[120]! | 0x1
    const { records, diagnostics } = readEvtx(bytes)

    expect(records).toEqual(intact)
    expect(diagnostics).toEqual([
      diagnostic(
        'evtx/dirty-header',
        'warning',
        "The EVTX file header at byte offset 120 has the dirty flag set, so the log was copied while open or not closed cleanly and its header counts may be stale. All chunks present were read; export the log with 'wevtutil epl' for a clean copy.",
      ),
    ])
  })

  it('reports a bad record signature', () => {
    const bytes = load()
    bytes.writeUInt32LE(0x12345678, RECORD_OFFSETS[4]!)
    fixChunkCrcs(bytes)
    const { records, diagnostics } = readEvtx(bytes)

    expect(records).toEqual(intact.slice(0, 4))
    expect(diagnostics).toEqual([
      diagnostic(
        'evtx/bad-record',
        'error',
        "EVTX record at byte offset 9416 does not start with the record signature '**' (found 0x12345678). The rest of its chunk was skipped; re-export the log or replace the fixture.",
      ),
    ])
  })

  it('reports a bad record size copy', () => {
    const bytes = load()
    bytes.writeUInt32LE(12, RECORD_OFFSETS[5]! - 4)
    fixChunkCrcs(bytes)
    const { records, diagnostics } = readEvtx(bytes)

    expect(records).toEqual(intact.slice(0, 4))
    expect(diagnostics).toEqual([
      diagnostic(
        'evtx/bad-record',
        'error',
        'EVTX record at byte offset 9416 has size 800 but its closing copy of the size is 12, so it was cut while being written. The rest of its chunk was skipped; re-export the log or replace the fixture.',
      ),
    ])
  })

  it('reports a record size beyond the chunk', () => {
    const bytes = load()
    bytes.writeUInt32LE(0xfffffff0, RECORD_OFFSETS[1]! + 4)
    fixChunkCrcs(bytes)
    const { records, diagnostics } = readEvtx(bytes)

    expect(records).toEqual(intact.slice(0, 1))
    expect(diagnostics).toEqual([
      diagnostic(
        'evtx/bad-record',
        'error',
        'EVTX record at byte offset 7080 has size 4294967280, which does not fit between 28 bytes and the end of the chunk. The rest of its chunk was skipped; re-export the log or replace the fixture.',
      ),
    ])
  })

  it('skips one record with a bad template offset', () => {
    const bytes = load()
    // The definition offset of record 7's outer template instance.
    bytes.writeUInt32LE(0xfffffff0, RECORD_OFFSETS[6]! + 34)
    fixChunkCrcs(bytes)
    const { records, diagnostics } = readEvtx(bytes)

    expect(records).toEqual(intact.slice(0, 6))
    expect(diagnostics).toEqual([
      diagnostic(
        'evtx/bad-record',
        'error',
        'EVTX record 7 at byte offset 11024 could not be decoded: template definition offset 4294967280 lies outside the chunk. The record was skipped and the next one read; re-export the log or replace the fixture.',
      ),
    ])
  })

  it('skips all-zero chunks around a real one', () => {
    const bytes = load()
    const zeros = Buffer.alloc(0x10000)
    const header = bytes.subarray(0, CHUNK)
    const chunk = bytes.subarray(CHUNK)
    const file = Buffer.concat([header, zeros, chunk, zeros])
    const { records, diagnostics } = readEvtx(file)

    expect(records).toEqual(intact)
    expect(diagnostics).toEqual([])
  })

  it('reads chunks beyond the header count', () => {
    const bytes = load()
    bytes.writeUInt16LE(0, 42)
    fixFileHeaderCrc(bytes)

    expect(readEvtx(bytes)).toEqual({ records: intact, diagnostics: [] })
  })

  it('stops at zero padding after the last record', () => {
    const bytes = load()
    bytes.writeUInt32LE(0x10000, CHUNK + 48)
    bytes.writeBigUInt64LE(1000n, CHUNK + 32)
    fixChunkCrcs(bytes)

    expect(readEvtx(bytes)).toEqual({ records: intact, diagnostics: [] })
  })

  it('stops after maxRecords', () => {
    const { records } = readEvtx(load(), { maxRecords: 3 })

    expect(records).toEqual(intact.slice(0, 3))
  })

  it('never throws on random byte changes', () => {
    const original = load()
    const chunkBytes = fc.integer({ min: CHUNK, max: RECORDS_END + 64 })
    const change = fc.tuple(chunkBytes, fc.integer({ min: 0, max: 255 }))
    const changes = fc.array(change, { minLength: 1, maxLength: 24 })

    fc.assert(
      fc.property(changes, (list) => {
        const bytes = Buffer.from(original)
        for (const [offset, value] of list) bytes[offset] = value
        const { records, diagnostics } = readEvtx(bytes)

        expect(records.length).toBeLessThanOrEqual(7)
        for (const each of diagnostics as Diagnostic[]) {
          expect(each.check).toMatch(/^evtx\//)
        }
      }),
      { numRuns: 400, seed: 20260101 },
    )
  })
})

describe('crc32', () => {
  it('matches zlib in the fallback', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(), (bytes, seed) => {
        expect(crc32Fallback(bytes)).toBe(zlibCrc32(bytes))
        expect(crc32Fallback(bytes, seed)).toBe(zlibCrc32(bytes, seed))
      }),
    )
    const check = new TextEncoder().encode('123456789')
    expect(crc32Fallback(check)).toBe(0xcbf43926)
  })
})
