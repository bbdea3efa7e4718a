import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { glob } from 'tinyglobby'
import { describe, expect, it } from 'vitest'
import { readEvtx } from '../src/events/evtx/index.js'

const here = path.dirname(fileURLToPath(import.meta.url))
const corpus = path.resolve(here, '../../shared/corpus/sigmahq/regression_data')
const hasCorpus = existsSync(corpus)

/**
 * Splits evtx_dump output: pretty-printed JSON objects written one after the
 * other, without commas or an enclosing array.
 */
function splitConcatenatedJson(text: string): unknown[] {
  const values: unknown[] = []
  let depth = 0
  let start = 0
  let inString = false
  let escaped = false

  for (let i = 0; i < text.length; i++) {
    const char = text[i]
    if (inString) {
      if (escaped) escaped = false
      else if (char === '\\') escaped = true
      else if (char === '"') inString = false
      continue
    }
    if (char === '"') inString = true
    if (char === '{' && depth++ === 0) start = i
    if (char === '}' && --depth === 0) {
      values.push(JSON.parse(text.slice(start, i + 1)))
    }
  }

  return values
}

/** Counts of one comparison run. */
interface Tally {
  fields: number
  equal: number
  trailingWhitespace: number
  nineDigitTime: number
  differences: string[]
}

const NINE_DIGIT_TIME = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6})\d{3}Z$/

/**
 * Compares two leaves, allowing the two rendering differences of the corpus
 * JSON: its evtx_dump release trimmed trailing whitespace from strings, and
 * one record carries a time with nine fraction digits instead of six.
 */
function compareLeaf(
  ours: unknown,
  theirs: unknown,
  where: string,
  tally: Tally,
) {
  tally.fields++
  if (Object.is(ours, theirs)) {
    tally.equal++
    return
  }

  if (typeof ours === 'string' && typeof theirs === 'string') {
    if (ours.trimEnd() === theirs && ours !== theirs) {
      tally.trailingWhitespace++
      return
    }
    if (theirs.replace(NINE_DIGIT_TIME, '$1Z') === ours) {
      tally.nineDigitTime++
      return
    }
  }
  tally.differences.push(
    `${where}: ours ${JSON.stringify(ours)}, theirs ${JSON.stringify(theirs)}`,
  )
}

/** Walks both trees and compares every leaf and every member name. */
function compareTree(
  ours: unknown,
  theirs: unknown,
  where: string,
  tally: Tally,
) {
  const isObject = (value: unknown): value is Record<string, unknown> =>
    typeof value === 'object' && value !== null

  if (!isObject(ours) || !isObject(theirs)) {
    compareLeaf(ours, theirs, where, tally)
    return
  }

  const keys = new Set([...Object.keys(ours), ...Object.keys(theirs)])
  for (const key of keys) {
    compareTree(ours[key], theirs[key], `${where}.${key}`, tally)
  }
}

function eventRecordId(event: unknown): unknown {
  const typed = event as { Event?: { System?: { EventRecordID?: unknown } } }
  return typed.Event?.System?.EventRecordID
}

async function corpusFiles() {
  const files = await glob('**/*.evtx', { cwd: corpus, absolute: true })
  return files.sort()
}

describe.skipIf(!hasCorpus)('evtx reader on the SigmaHQ corpus', () => {
  it('reads every file without diagnostics', async () => {
    const files = await corpusFiles()
    expect(files.length).toBe(155)

    const diagnostics = files.flatMap((file) =>
      readEvtx(readFileSync(file)).diagnostics.map(
        (diagnostic) => `${path.basename(file)}: ${diagnostic.message}`,
      ),
    )
    expect(diagnostics).toEqual([])
  })

  it('returns as many records as each chunk header counts', async () => {
    for (const file of await corpusFiles()) {
      const bytes = readFileSync(file)
      const first = bytes.readBigUInt64LE(4096 + 24)
      const last = bytes.readBigUInt64LE(4096 + 32)

      const count = readEvtx(bytes).records.length
      expect(count, file).toBe(Number(last - first) + 1)
    }
  })

  it('matches the evtx_dump JSON beside each file', async () => {
    const tally: Tally = {
      fields: 0,
      equal: 0,
      trailingWhitespace: 0,
      nineDigitTime: 0,
      differences: [],
    }
    let recordCount = 0
    let equalRecords = 0

    for (const file of await corpusFiles()) {
      const { records } = readEvtx(readFileSync(file))
      const json = readFileSync(file.replace(/\.evtx$/, '.json'), 'utf8')
      const expected = splitConcatenatedJson(json)
      expect(records.length, file).toBe(expected.length)

      for (const [index, record] of records.entries()) {
        const before = tally.differences.length
        const beforeNormalised = tally.trailingWhitespace + tally.nineDigitTime
        const where = `${path.basename(file)}/${eventRecordId(record.event)}`
        compareTree(record.event, expected[index], where, tally)
        recordCount++
        const normalised = tally.trailingWhitespace + tally.nineDigitTime
        const unchanged =
          tally.differences.length === before && normalised === beforeNormalised
        if (unchanged) equalRecords++
      }
    }

    console.log(
      [
        `evtx corpus: ${recordCount} records`,
        `${equalRecords} equal without normalisation`,
        `${tally.fields} fields`,
        `${tally.equal} equal`,
        `${tally.trailingWhitespace} trailing whitespace`,
        `${tally.nineDigitTime} nine-digit time`,
        `${tally.differences.length} other`,
      ].join(', '),
    )
    expect(recordCount).toBe(181)
    expect(tally.fields).toBe(6284)
    expect(tally.equal).toBe(6213)
    // 58 ParentCommandLine, 10 CommandLine and 1 Details value.
    expect(tally.trailingWhitespace).toBe(69)
    expect(tally.nineDigitTime).toBe(1)
    // The JSON of this record was not made from these bytes: the .evtx contains
    // 'Explorer.EXE' (UTF-16 text at file offset 8597) while the JSON says
    // 'Explorer.exe'. The same record is the only one with a nine-digit
    // time, another sign that a different converter wrote its JSON.
    expect(tally.differences).toEqual([
      'ad691d92-15f2-4181-9aa4-723c74f9ddc3.evtx/23419552.Event.EventData.ParentCommandLine: ' +
        'ours "C:\\\\Windows\\\\Explorer.EXE", theirs "C:\\\\Windows\\\\Explorer.exe"',
    ])
    expect(equalRecords).toBe(117)
  })

  it('reads all corpus chunks as one file', async () => {
    const files = (await corpusFiles()).map((file) => readFileSync(file))
    const header = files[0]?.subarray(0, 4096) ?? new Uint8Array()
    const chunks = files.map((file) => file.subarray(4096))
    const combined = Buffer.concat([header, ...chunks])
    const separate = files.flatMap((file) => readEvtx(file).records)

    const started = performance.now()
    const { records, diagnostics } = readEvtx(combined)
    const seconds = (performance.now() - started) / 1000

    const megabytes = (combined.length / 1e6).toFixed(1)
    console.log(
      `evtx: ${chunks.length} chunks, ${megabytes} MB in ${seconds.toFixed(3)} s`,
    )
    expect(diagnostics).toEqual([])
    expect(records).toEqual(separate)
  })

  it('keeps trailing whitespace that the JSON trimmed', async () => {
    const file = (await corpusFiles()).find((each) =>
      each.includes('proc_creation_win_curl_custom_user_agent'),
    )
    const { records } = readEvtx(readFileSync(file ?? ''))
    const event = records[0]?.event as {
      Event: { EventData: Record<string, unknown> }
    }

    expect(event.Event.EventData.ParentCommandLine).toBe(
      '"C:\\WINDOWS\\system32\\cmd.exe" ',
    )
  })

  it('takes record id and time from the header', async () => {
    const file = (await corpusFiles()).find((each) =>
      each.includes('image_load_win_werfaultsecure_dbgcore_dbghelp_load'),
    )
    const { records } = readEvtx(readFileSync(file ?? ''))
    const event = records[0]?.event as {
      Event: { System: Record<string, unknown> }
    }

    // The corpus files were exported from bigger logs, so the record header
    // numbers records from 1 while the XML keeps the original EventRecordID.
    expect(records.map((record) => record.recordId)).toEqual([1])
    expect(event.Event.System.EventRecordID).toBe(571146)
    expect(records[0]?.timestamp).toBe('2025-11-27T07:40:10.165324Z')
  })
})
