import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { silentLogger } from '../src/logger.js'
import { verifySplunkInAction } from '../src/verify/verify-action.js'
import { repoRoot } from './helpers.js'
import { SplunkStandIn } from './verify-stand-in.js'

const REST_TOKEN = 'action-rest-token-93c1'
const HEC_TOKEN = 'action-hec-token-04be'
const INPUTS = ['SPLUNK-URL', 'SPLUNK-HEC-URL', 'SPLUNK-TOKEN', 'SPLUNK-HEC-TOKEN', 'SPLUNK-INDEX']

let directory: string
let standIn: SplunkStandIn | undefined
let written: string

beforeEach(async () => {
  directory = await mkdtemp(path.join(tmpdir(), 'sigma-gate-verify-action-'))
  await writeFile(path.join(directory, 'summary.md'), '')
  await writeFile(path.join(directory, 'output.txt'), '')
  vi.stubEnv('GITHUB_STEP_SUMMARY', path.join(directory, 'summary.md'))
  vi.stubEnv('GITHUB_OUTPUT', path.join(directory, 'output.txt'))
  written = ''
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written += String(chunk)
    return true
  })
})

afterEach(async () => {
  vi.restoreAllMocks()
  vi.unstubAllEnvs()
  for (const name of INPUTS) delete process.env[`INPUT_${name}`]
  await standIn?.stop()
  standIn = undefined
  await rm(directory, { recursive: true, force: true })
})

function setInputs(inputs: Record<string, string>): void {
  for (const [name, value] of Object.entries(inputs)) vi.stubEnv(`INPUT_${name}`, value)
}

describe('verifySplunkInAction', () => {
  it('does nothing without splunk-url', async () => {
    setInputs({ 'SPLUNK-TOKEN': REST_TOKEN })
    const failure = await verifySplunkInAction(['rules'], repoRoot, silentLogger)

    expect(failure).toBeUndefined()
    expect(written).toBe(`::add-mask::${REST_TOKEN}\n`)
  })

  it('masks tokens and writes the summary section', async () => {
    standIn = new SplunkStandIn({ restToken: REST_TOKEN, hecToken: HEC_TOKEN, indexes: ['sigma_gate'], cannedAnswer: (spl) => (spl.includes('whoami') ? [] : undefined) })
    const url = await standIn.start()
    setInputs({ 'SPLUNK-URL': url, 'SPLUNK-HEC-URL': url, 'SPLUNK-TOKEN': REST_TOKEN, 'SPLUNK-HEC-TOKEN': HEC_TOKEN })
    const failure = await verifySplunkInAction(['rules'], repoRoot, silentLogger)
    const lines = written.split('\n')
    const summary = await readFile(path.join(directory, 'summary.md'), 'utf8')

    expect(lines.slice(0, 2)).toEqual([`::add-mask::${REST_TOKEN}`, `::add-mask::${HEC_TOKEN}`])
    expect(lines.slice(2).join('\n')).not.toContain(REST_TOKEN)
    expect(lines.slice(2).join('\n')).not.toContain(HEC_TOKEN)
    expect(failure).toBe('Splunk verification failed: 3 disagreements, 0 rules whose search failed, 0 errors. The step log and the job summary list them.')
    expect(summary).toContain('## Splunk verification\n')
    expect(summary).toContain('| rules/windows/process_creation/proc_creation_win_whoami_privileges_discovery.yml | rules/windows/process_creation/proc_creation_win_whoami_privileges_discovery.fixtures.yml#0, line 4 | not returned | match |')
    expect(summary).not.toContain(REST_TOKEN)
    expect(await readFile(path.join(directory, 'output.txt'), 'utf8')).toContain('splunk-disagreements')
  })

  it('fails when a token input is missing', async () => {
    setInputs({ 'SPLUNK-URL': 'https://127.0.0.1:1', 'SPLUNK-TOKEN': REST_TOKEN })
    const failure = await verifySplunkInAction(['rules'], repoRoot, silentLogger)

    expect(failure).toBe("The splunk-url input is set but splunk-token or splunk-hec-token is empty. Pass both tokens from repository secrets, e.g. 'splunk-token: ${{ secrets.SPLUNK_TOKEN }}'.")
  })
})
