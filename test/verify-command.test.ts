import { execFileSync } from 'node:child_process'
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { Command } from 'commander'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { defaultHecUrl } from '../src/verify/run-verify.js'
import { addVerifyCommand } from '../src/verify/verify-command.js'
import type { VerifyIo } from '../src/verify/verify-command.js'
import { repoRoot } from './helpers.js'
import type { StandInBehaviour } from './verify-stand-in.js'
import { SplunkStandIn } from './verify-stand-in.js'

const REST_TOKEN = 'eyJraWQiOiJzcGx1bmsuc2VjcmV0IiwiYWxnIjoiSFM1MTIifQ.rest'
const HEC_TOKEN = '6a1f3b2c-9d4e-4f50-8a7b-0c1d2e3f4a5b'

let directory: string
let standIn: SplunkStandIn | undefined

beforeEach(async () => {
  directory = await mkdtemp(path.join(tmpdir(), 'sigma-gate-verify-cli-'))
})

afterEach(async () => {
  await standIn?.stop()
  standIn = undefined
  await rm(directory, { recursive: true, force: true })
})

interface CliRun {
  code: number | undefined
  stdout: string
  stderr: string
}

/** Run `sigma-gate verify` in-process with captured output and environment. */
async function runCli(args: string[], env: Record<string, string | undefined>): Promise<CliRun> {
  const output = { stdout: '', stderr: '' }
  let code: number | undefined
  const io: VerifyIo = {
    env,
    cwd: repoRoot,
    stdout: (text) => {
      output.stdout += text
    },
    stderr: (text) => {
      output.stderr += text
    },
  }
  const program = new Command().exitOverride()
  program.configureOutput({ writeOut: (text) => io.stdout(text), writeErr: (text) => io.stderr(text) })
  addVerifyCommand(program, (exitCode) => (code = exitCode), () => io)
  await program.parseAsync(['node', 'sigma-gate', 'verify', ...args])
  return { code, ...output }
}

async function startStandIn(behaviour: Partial<StandInBehaviour> = {}, tls?: { key: string; cert: string }): Promise<string> {
  standIn = new SplunkStandIn({ restToken: REST_TOKEN, hecToken: HEC_TOKEN, indexes: ['sigma_gate'], ...behaviour })
  return standIn.start(tls)
}

const TOKENS = { SPLUNK_TOKEN: REST_TOKEN, SPLUNK_HEC_TOKEN: HEC_TOKEN }
const FAST = ['--index-timeout', '2', '--search-timeout', '2']

function expectNoToken(run: CliRun): void {
  for (const token of [REST_TOKEN, HEC_TOKEN]) {
    expect(run.stdout).not.toContain(token)
    expect(run.stderr).not.toContain(token)
  }
}

describe('sigma-gate verify', () => {
  it('exits 0 with a text report when Splunk agrees', async () => {
    const url = await startStandIn()
    const run = await runCli(['rules', '--splunk-url', url, '--hec-url', url, '-v', ...FAST], TOKENS)

    expect(run.code).toBe(0)
    expect(run.stdout).toContain('rules/windows/process_creation/proc_creation_win_whoami_privileges_discovery.yml: agreed (Splunk returned 3, the SPL engine matched 3)\n')
    expect(run.stdout).toMatch(/\d+ rules: \d+ agreed, 0 disagreed, 0 failed, \d+ skipped; \d+ events sent; 0 disagreements; events deleted\n$/)
    expect(run.stderr).toContain("Sending ")
    expectNoToken(run)
  })

  it('exits 1 with a JSON report on disagreement', async () => {
    const url = await startStandIn({ cannedAnswer: (spl) => (spl.includes('whoami') ? [] : undefined) })
    const run = await runCli(['rules', '--splunk-url', url, '--hec-url', url, '--format', 'json', ...FAST], TOKENS)
    const report = JSON.parse(run.stdout) as { summary: { disagreements: number; disagreed: number }; disagreements: { splunk: boolean; engine: boolean; rule: string }[] }

    expect(run.code).toBe(1)
    expect(report.summary.disagreed).toBe(1)
    expect(report.summary.disagreements).toBe(3)
    expect(report.disagreements.every((d) => !d.splunk && d.engine)).toBe(true)
    expect(new Set(report.disagreements.map((d) => d.rule))).toEqual(new Set(['rules/windows/process_creation/proc_creation_win_whoami_privileges_discovery.yml']))
    expectNoToken(run)
  })

  it('keeps tokens out of error output', async () => {
    const url = await startStandIn({ restToken: 'other', hecFailure: { status: 403, code: 4, text: `Invalid token ${HEC_TOKEN}` } })
    const run = await runCli(['rules', '--splunk-url', url, '--hec-url', url, '-v', ...FAST], TOKENS)

    expect(run.code).toBe(1)
    expect(run.stdout).toContain('error verify/unauthorized: Splunk rejected the token in SPLUNK_TOKEN')
    expectNoToken(run)
  })

  it('redacts a token that HEC echoes back', async () => {
    const url = await startStandIn({ hecFailure: { status: 403, code: 4, text: `Invalid token ${HEC_TOKEN}` } })
    const run = await runCli(['rules', '--splunk-url', url, '--hec-url', url, ...FAST], TOKENS)

    expect(run.code).toBe(1)
    expect(run.stdout).toContain("HEC said: 'Invalid token ***'.")
    expectNoToken(run)
  })

  it('exits 2 without tokens in the environment', async () => {
    const run = await runCli(['rules', '--splunk-url', 'https://127.0.0.1:1'], { SPLUNK_TOKEN: REST_TOKEN })

    expect(run.code).toBe(2)
    expect(run.stderr).toBe('sigma-gate verify: SPLUNK_HEC_TOKEN is not set. Export the Splunk authentication token as SPLUNK_TOKEN and the HEC token as SPLUNK_HEC_TOKEN; tokens are never taken from the command line.\n')
    expect(run.stdout).toBe('')
  })

  it('defaults the HEC URL to port 8088 of the host', () => {
    expect(defaultHecUrl(new URL('https://splunk.example.com:8089/')).href).toBe('https://splunk.example.com:8088/')
    expect(defaultHecUrl(new URL('http://[::1]:8089')).href).toBe('http://[::1]:8088/')
  })
})

const hasOpenssl = (() => {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
})()

describe.skipIf(!hasOpenssl)('sigma-gate verify over TLS', () => {
  async function selfSigned(): Promise<{ key: string; cert: string }> {
    const key = path.join(directory, 'key.pem')
    const cert = path.join(directory, 'cert.pem')
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1'], { stdio: 'ignore' })
    return { key: await readFile(key, 'utf8'), cert: await readFile(cert, 'utf8') }
  }

  it('rejects a self-signed certificate by default', async () => {
    const url = await startStandIn({}, await selfSigned())
    const run = await runCli(['rules', '--splunk-url', url, '--hec-url', url, ...FAST], TOKENS)

    expect(run.code).toBe(1)
    expect(run.stdout).toContain(`error verify/unreachable: The TLS certificate of '${url}/services/server/info' was not accepted (DEPTH_ZERO_SELF_SIGNED_CERT); install a trusted certificate or pass --insecure-skip-tls-verify for a test instance.`)
  })

  it('accepts it with --insecure-skip-tls-verify', async () => {
    const url = await startStandIn({}, await selfSigned())
    const run = await runCli(['rules', '--splunk-url', url, '--hec-url', url, '--insecure-skip-tls-verify', ...FAST], TOKENS)

    expect(run.code).toBe(0)
    expect(run.stdout).toContain(' 0 disagreed, 0 failed, ')
  })
})

describe('verify without fixtures', () => {
  it('sends nothing to Splunk', async () => {
    await mkdir(path.join(directory, 'rules'))
    await writeFile(path.join(directory, 'rules', 'empty.yml'), 'title: x\n')
    const url = await startStandIn()
    const run = await runCli([path.join(directory, 'rules'), '--splunk-url', url, '--hec-url', url, ...FAST], TOKENS)

    expect(run.code).toBe(0)
    expect(run.stdout).toContain('warning verify/nothing-to-verify: Found 0 rules with SPL and 0 fixture events, so nothing was sent to Splunk.')
    expect(standIn?.requests).toEqual([])
  })
})
