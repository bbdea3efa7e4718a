import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest'
import type { ArtifactUploader } from '../src/action/artifacts.js'
import { runAction } from '../src/action/run-action.js'
import { run } from '../src/engine.js'
import { COMMENT_MARKER } from '../src/report/pr-comment.js'
import { repoRoot } from './helpers.js'

// The action runs in-process through runAction with the real engine, the real
// @actions/core and Octokit, against a stand-in GitHub API on 127.0.0.1.

interface Recorded {
  method: string
  path: string
  authorization: string
  body: unknown
}

interface StandIn {
  url: string
  requests: Recorded[]
  comments: Array<{ id: number; body: string; user: { login: string } }>
  readOnly: boolean
  close: () => Promise<void>
}

const whoami = 'rules/windows/process_creation/proc_creation_win_whoami_privileges_discovery.yml'
const winrm = 'rules/windows/network_connection/net_connection_win_winrm_by_non_service_account.yml'
const winrmId = '0f3b6a34-5a0e-4e55-9f6c-2d8f1c9b7a20'
const brokenCount = 30

let temp: string
let workspace: string
let checkout: string
let cwd: string
let summaryFile: string
let eventFile: string
let baseSha: string
let headSha: string
let server: StandIn
const savedEnv = { ...process.env }

beforeAll(async () => {
  temp = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-gh-'))
  workspace = path.join(temp, 'ws')
  // actions/checkout with `path: checkout`, rules in a subdirectory.
  checkout = path.join(workspace, 'checkout')
  cwd = path.join(checkout, 'detections')
  fs.mkdirSync(cwd, { recursive: true })
  for (const file of [whoami, whoami.replace('.yml', '.fixtures.yml'), winrm]) {
    fs.mkdirSync(path.dirname(path.join(cwd, file)), { recursive: true })
    fs.copyFileSync(path.join(repoRoot, file), path.join(cwd, file))
  }
  git('init', '-q', '-b', 'main')
  git('add', '-A')
  git('commit', '-q', '-m', 'base')
  baseSha = git('rev-parse', 'HEAD')

  editHeadBranch()
  git('add', '-A')
  git('commit', '-q', '-m', 'head')
  headSha = git('rev-parse', 'HEAD')

  summaryFile = path.join(temp, 'summary.md')
  eventFile = path.join(temp, 'event.json')
  server = await startStandIn()
})

afterAll(async () => {
  await server.close()
  process.env = savedEnv
  fs.rmSync(temp, { recursive: true, force: true })
})

function git(...args: string[]): string {
  const env = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' }
  return execFileSync('git', args, { cwd: checkout, env, encoding: 'utf8' }).trim()
}

/** The pull request: retag and change the whoami rule, add broken rules and an id clash. */
function editHeadBranch(): void {
  const file = path.join(cwd, whoami)
  const text = fs.readFileSync(file, 'utf8')
  fs.writeFileSync(file, text.replace('attack.t1033', 'attack.t1087.001').replace("- ' /all'", "- ' /all'\n            - ' /upn'"))

  const broken = 'title: Broken rule NN\nid: not-a-uuid\nlogsource:\n    product: windows\n    category: process_creation\ndetection:\n    selection:\n        Image|endswith: \\x.exe\n    condition: selection or missing\nlevel: high\n'
  for (let index = 1; index <= brokenCount; index += 1) {
    const name = String(index).padStart(2, '0')
    fs.writeFileSync(path.join(cwd, `rules/broken-${name}.yml`), broken.replace('NN', name))
  }

  const clash = `title: Clashing id\nid: ${winrmId}\nstatus: test\ndescription: Reuses the WinRM rule's id.\nauthor: t\ndate: 2026-11-30\ntags:\n    - attack.t1059.001\nlogsource:\n    product: windows\n    category: process_creation\ndetection:\n    selection:\n        Image|endswith: '\\pwsh.exe'\n    condition: selection\nlevel: low\n`
  fs.writeFileSync(path.join(cwd, 'rules/a-clash.yml'), clash)
}

async function startStandIn(): Promise<StandIn> {
  const state: Omit<StandIn, 'url' | 'close'> = { requests: [], comments: [], readOnly: false }
  let nextComment = 1000
  const httpServer = http.createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8')
      const body: unknown = text === '' ? undefined : JSON.parse(text)
      const method = request.method ?? ''
      const url = request.url ?? ''
      state.requests.push({ method, path: url, authorization: request.headers.authorization ?? '', body })

      const reply = (status: number, value: unknown): void => {
        response.writeHead(status, { 'content-type': 'application/json' })
        response.end(JSON.stringify(value))
      }
      if (state.readOnly && method !== 'GET' && !url.startsWith('/graphql')) {
        return reply(403, { message: 'Resource not accessible by integration' })
      }

      if (url === '/graphql') return reply(200, { data: { viewer: { login: 'github-actions[bot]' } } })
      if (method === 'GET' && url.startsWith('/repos/octo/rules/issues/7/comments')) return reply(200, state.comments)
      if (method === 'POST' && url === '/repos/octo/rules/issues/7/comments') {
        const comment = { id: nextComment++, body: (body as { body: string }).body, user: { login: 'github-actions[bot]' } }
        state.comments.push(comment)
        return reply(201, comment)
      }

      const patch = /^\/repos\/octo\/rules\/issues\/comments\/(\d+)$/.exec(url)
      if (method === 'PATCH' && patch) {
        const comment = state.comments.find((entry) => entry.id === Number(patch[1]))
        if (comment) comment.body = (body as { body: string }).body
        return reply(comment ? 200 : 404, comment ?? { message: 'Not Found' })
      }

      if (method === 'POST' && url === '/repos/octo/rules/check-runs') return reply(201, { id: 99 })
      if (method === 'PATCH' && url === '/repos/octo/rules/check-runs/99') return reply(200, { id: 99 })
      return reply(404, { message: 'Not Found' })
    })
  })

  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve))
  const { port } = httpServer.address() as AddressInfo
  const standIn = state as StandIn
  standIn.url = `http://127.0.0.1:${port}`
  standIn.close = () => new Promise((resolve) => httpServer.close(() => resolve()))
  return standIn
}

interface Upload {
  name: string
  files: readonly string[]
  rootDirectory: string
  options: { retentionDays?: number }
}

interface GateRun {
  exitCode: number | undefined
  stdout: string[]
  outputs: Record<string, string>
  summary: string
  uploads: Upload[]
}

/** Run the action as the runner would on a pull_request event. */
async function runGate(inputs: Record<string, string>, extraEnv: Record<string, string> = {}): Promise<GateRun> {
  const outputFile = path.join(temp, `output-${Date.now()}-${Math.random()}`)
  fs.writeFileSync(outputFile, '')
  fs.writeFileSync(summaryFile, '')
  fs.writeFileSync(eventFile, JSON.stringify({
    number: 7,
    pull_request: { number: 7, base: { sha: baseSha, ref: 'main' }, head: { sha: headSha, repo: { full_name: 'octo/rules' } } },
  }))
  process.env = {
    PATH: savedEnv['PATH'] ?? '',
    HOME: savedEnv['HOME'] ?? '',
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_WORKSPACE: workspace,
    GITHUB_EVENT_PATH: eventFile,
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_REPOSITORY: 'octo/rules',
    GITHUB_SERVER_URL: 'https://github.example',
    GITHUB_API_URL: server.url,
    GITHUB_SHA: headSha,
    GITHUB_RUN_ID: '42',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_JOB: 'sigma',
    INPUT_TOKEN: 'ghs_standin',
    INPUT_PATHS: 'rules',
    ...extraEnv,
  }
  for (const [name, value] of Object.entries(inputs)) process.env[`INPUT_${name.toUpperCase()}`] = value

  const uploads: Upload[] = []
  const uploader: ArtifactUploader = {
    upload: async (name, files, rootDirectory, options) => {
      uploads.push({ name, files, rootDirectory, options })
      return { id: 1, size: 10 }
    },
  }

  const chunks: string[] = []
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    chunks.push(String(chunk))
    return true
  })
  process.exitCode = undefined
  try {
    await runAction({ run, cwd, workspace, uploader })
  } finally {
    spy.mockRestore()
  }

  const exitCode = process.exitCode === undefined ? undefined : Number(process.exitCode)
  process.exitCode = undefined
  const stdout = chunks.join('').split(os.EOL)
  return { exitCode, stdout, outputs: parseOutputs(fs.readFileSync(outputFile, 'utf8')), summary: fs.readFileSync(summaryFile, 'utf8'), uploads }
}

function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {}
  for (const match of text.matchAll(/^([\w-]+)<<(ghadelimiter_[\w-]+)\n([\s\S]*?)\n\2$/gm)) {
    outputs[match[1] ?? ''] = match[3] ?? ''
  }
  return outputs
}

function headSplOf(directory: string): string {
  const report = JSON.parse(fs.readFileSync(path.join(directory, 'sigma-gate-out/report.json'), 'utf8')) as { rules: Array<{ path: string; spl: string[] }> }
  const spl = report.rules.find((rule) => rule.path === whoami)?.spl.join('\n') ?? ''
  return spl.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

function requestsSince(start: number): Recorded[] {
  return server.requests.slice(start)
}

describe('action on a pull request, against a stand-in GitHub API', () => {
  test('first run annotates, summarises, comments, publishes a check run and uploads', async () => {
    const start = server.requests.length
    const result = await runGate({ 'retention-days': '5' })
    const outDir = path.join(cwd, 'sigma-gate-out')

    expect(result.exitCode).toBe(1)
    const errors = result.stdout.filter((line) => line.startsWith('::error'))
    // Nine rule errors fit beside setFailed's own; all lie in changed files.
    expect(errors).toHaveLength(10)
    expect(errors.slice(0, 9).every((line) => /file=detections\/rules\/(a-clash|broken-0[1-4])\.yml,/.test(line))).toBe(true)
    // The id clash lands on the unchanged WinRM rule (the later one), so it yields its slot.
    expect(errors.some((line) => line.includes('net_connection_win_winrm'))).toBe(false)
    expect(errors[0]).toMatch(/^::error title=schema\/pattern,file=detections\/rules\/broken-01\.yml,line=2,endLine=2,col=5,endColumn=15::'id' is 'not-a-uuid', which is not in the required form\./)
    expect(errors[1]).toBe("::error title=sigma/undefined-selection,file=detections/rules/broken-01.yml,line=9,endLine=9,col=29,endColumn=36::The condition uses 'missing', which is not a selection of this rule. Define it under detection or fix the name.")
    expect(errors.at(-1)).toMatch(/^::error::sigma-gate failed the check with fail-on 'error': 90 errors\./)
    const leftOut = result.stdout.filter((line) => line.startsWith('::notice title=Annotations left out'))
    expect(leftOut).toHaveLength(1)
    expect(leftOut[0]).toContain('(81 errors, ')

    expect(result.outputs).toMatchObject({
      rules: '33',
      errors: '90',
      'fixtures-failed': '0',
      'report-file': path.join(outDir, 'report.json'),
      'navigator-file': path.join(outDir, 'navigator-layer.json'),
      'sarif-file': path.join(outDir, 'sigma-gate.sarif'),
      'comment-file': path.join(outDir, 'comment.md'),
      'artifact-name': expect.stringMatching(/^sigma-gate-sigma-[0-9a-f]{8}-attempt-1$/),
    })

    expect(result.summary).toContain(`[rules/broken-01.yml:2:5](https://github.example/octo/rules/blob/${headSha}/detections/rules/broken-01.yml#L2)`)
    expect(result.summary).toContain('### ATT&CK coverage')
    expect(result.summary).toContain('### SPL of changed rules')
    expect(result.summary).toContain(`<details><summary><code>${whoami}</code></summary>\n\n<pre>${headSplOf(cwd)}</pre>`)

    const calls = requestsSince(start)
    expect(calls.every((call) => call.authorization === 'token ghs_standin')).toBe(true)
    const commentCalls = calls.filter((call) => call.path.includes('/issues/'))
    expect(commentCalls.map((call) => call.method)).toEqual(['GET', 'POST'])
    expect(server.comments).toHaveLength(1)
    const body = server.comments[0]?.body ?? ''
    expect(body.startsWith(COMMENT_MARKER)).toBe(true)
    expect(body).toBe(fs.readFileSync(path.join(outDir, 'comment.md'), 'utf8'))

    const report = JSON.parse(fs.readFileSync(path.join(outDir, 'report.json'), 'utf8')) as { rules: Array<{ path: string; spl: string[] }> }
    const headSpl = report.rules.find((rule) => rule.path === whoami)?.spl[0] ?? ''
    const baseSpl = headSpl.replace(/, "\* .upn\*"/gu, '')
    expect(headSpl).not.toBe(baseSpl)
    expect(body).toContain(`<details><summary><code>${whoami}</code> Whoami Privilege and Group Discovery: SPL changed</summary>`)
    expect(body).toContain(`\n-${baseSpl.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}\n`)
    expect(body).toContain(`\n+${headSpl.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}\n`)
    expect(body).toContain('Gained 2: T1059.001 PowerShell, T1087.001 Local Account')
    expect(body).toContain('Lost 1: T1033 System Owner/User Discovery')

    const checkCalls = calls.filter((call) => call.path.includes('/check-runs'))
    expect(checkCalls[0]).toMatchObject({ method: 'POST', body: { name: 'sigma-gate (sigma)', head_sha: headSha, status: 'in_progress' } })
    const batches = checkCalls.slice(1, -1).map((call) => (call.body as { output: { annotations: unknown[] } }).output.annotations.length)
    const total = batches.reduce((sum, size) => sum + size, 0)
    expect(batches.slice(0, -1).every((size) => size === 50)).toBe(true)
    expect(batches.at(-1)).toBe(total - 50 * (batches.length - 1))
    expect(total).toBeGreaterThan(90)
    expect(checkCalls.at(-1)).toMatchObject({ method: 'PATCH', body: { status: 'completed', conclusion: 'failure' } })

    expect(result.uploads).toHaveLength(1)
    const upload = result.uploads[0] as Upload
    expect(upload.name).toBe(result.outputs['artifact-name'])
    expect(upload.rootDirectory).toBe(outDir)
    expect(upload.options).toEqual({ retentionDays: 5 })
    const uploaded = upload.files.map((file) => path.relative(outDir, file))
    expect(uploaded).toEqual(expect.arrayContaining(['report.json', 'navigator-layer.json', 'sigma-gate.sarif', 'comment.md', 'windows/process_creation/proc_creation_win_whoami_privileges_discovery.spl']))
  })

  test('second run updates the same comment through its marker', async () => {
    const start = server.requests.length
    const before = server.comments[0]?.id
    await runGate({})

    const commentCalls = requestsSince(start).filter((call) => call.path.includes('/issues/'))
    expect(commentCalls.map((call) => `${call.method} ${call.path}`)).toEqual([
      'GET /repos/octo/rules/issues/7/comments?per_page=100',
      `PATCH /repos/octo/rules/issues/comments/${before}`,
    ])
    expect(server.comments).toHaveLength(1)
  })

  test('a read-only fork token skips the comment with a notice and does not fail the step', async () => {
    server.readOnly = true
    try {
      const result = await runGate({ 'fail-on': 'never' })

      expect(result.exitCode).toBeUndefined()
      const notices = result.stdout.filter((line) => line.startsWith('::notice title=sigma-gate comment skipped'))
      expect(notices).toHaveLength(1)
      expect(notices[0]).toContain('GitHub returned 403')
      expect(notices[0]).toContain("'workflow_run'")
      expect(result.stdout).toContain("The Checks API returned 403, so the full annotation list was not published; grant 'checks: write' to the job to get it.")
    } finally {
      server.readOnly = false
    }
  })

  test('changed-only checks the changed rules and still finds an id used elsewhere', async () => {
    const result = await runGate({ 'changed-only': 'true', comment: 'false', 'upload-artifacts': 'false' })

    // 30 broken rules, the clash and the whoami rule; the WinRM rule is not checked.
    expect(result.outputs['rules']).toBe('32')
    expect(result.stdout).toContain('changed-only: 32 changed files; checking 32 of 33 rule files.')
    expect(result.stdout.some((line) => line.startsWith('::error title=metadata/duplicate-id,file=detections/rules/a-clash.yml,line=2'))).toBe(true)
    expect(result.uploads).toHaveLength(0)
  })

  test('SARIF file locates findings from the repository root with stable fingerprints', async () => {
    const first = await runGate({ comment: 'false' })
    const sarifPath = first.outputs['sarif-file'] ?? ''
    const log = JSON.parse(fs.readFileSync(sarifPath, 'utf8')) as SarifShape
    const second = await runGate({ comment: 'false' })
    const again = JSON.parse(fs.readFileSync(second.outputs['sarif-file'] ?? '', 'utf8')) as SarifShape

    const runLog = log.runs[0]
    expect(log.version).toBe('2.1.0')
    expect(runLog?.tool.driver.name).toBe('sigma-gate')
    const clash = runLog?.results.find((result) => result.ruleId === 'metadata/duplicate-id' && JSON.stringify(result.locations).includes('winrm'))
    expect(clash?.locations[0]?.physicalLocation).toEqual({
      artifactLocation: { uri: `detections/${winrm}`, uriBaseId: '%SRCROOT%' },
      region: { startLine: 2, startColumn: 5, endLine: 2, endColumn: 41 },
    })
    expect(runLog?.tool.driver.rules[clash?.ruleIndex ?? -1]?.id).toBe('metadata/duplicate-id')
    const prints = (shape: SarifShape) => shape.runs[0]?.results.map((result) => result.partialFingerprints['sigmaGateFinding/v1'])
    expect(prints(again)).toEqual(prints(log))
    expect(new Set(prints(log)).size).toBe(prints(log)?.length)
  })
})

interface SarifShape {
  version: string
  runs: Array<{
    tool: { driver: { name: string; rules: Array<{ id: string }> } }
    results: Array<{
      ruleId: string
      ruleIndex: number
      locations: Array<{ physicalLocation: unknown }>
      partialFingerprints: Record<string, string>
    }>
  }>
}
