import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { run } from '../src/engine.js'
import { formatJsonReport } from '../src/report/json-report.js'
import { formatJunitReport } from '../src/report/junit-report.js'
import { buildSarifLog, formatSarif } from '../src/report/sarif-report.js'
import { hasShared, sharedRoot } from './helpers.js'

const corpus = path.join(sharedRoot, 'corpus/sigmahq')
const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-determinism-'))
afterAll(() => fs.rmSync(temp, { recursive: true, force: true }))

/** Run a full check over the corpus and return every byte it produced, by name. */
async function fullRun(name: string): Promise<Map<string, Buffer>> {
  const outDir = path.join(temp, name)
  const report = await run({ verb: 'check', paths: ['rules'], cwd: corpus, outDir })
  const produced = new Map<string, Buffer>()
  produced.set('report.json', Buffer.from(formatJsonReport(report)))
  produced.set('report.sarif', Buffer.from(formatSarif(buildSarifLog(report, { cwd: corpus, root: corpus, version: '0.0.0' }))))
  produced.set('junit.xml', Buffer.from(formatJunitReport(report)))
  for (const entry of fs.readdirSync(outDir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue
    const file = path.join(entry.parentPath, entry.name)
    produced.set(path.relative(outDir, file), fs.readFileSync(file))
  }
  return produced
}

describe.skipIf(!hasShared)('determinism', () => {
  it('two full runs over the corpus give identical bytes', async () => {
    const first = await fullRun('first')
    const second = await fullRun('second')
    expect([...second.keys()].sort()).toEqual([...first.keys()].sort())
    const differing = [...first].filter(([name, bytes]) => !bytes.equals(second.get(name) ?? Buffer.alloc(0))).map(([name]) => name)
    expect(differing).toEqual([])
    expect(first.has('savedsearches.conf')).toBe(true)
    expect([...first.keys()].filter((name) => name.endsWith('.spl')).length).toBeGreaterThan(1000)
  }, 300_000)
})
