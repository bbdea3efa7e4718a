import { execFileSync, spawn } from 'node:child_process'
import fs from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { repoRoot } from './helpers.js'

// The committed bundle runs as a child process with the runner's environment,
// against a stand-in GitHub API and artifact service on 127.0.0.1.

const action = path.join(repoRoot, 'dist/action/index.js')
const whoami = 'rules/windows/process_creation/proc_creation_win_whoami_privileges_discovery'
const artifactService = '/twirp/github.actions.results.api.v1.ArtifactService/'
const pullNumber = 7

interface Recorded {
  method: string
  path: string
  authorization: string
  body: unknown
  bytes: number
}

interface Run {
  status: number | null
  stdout: string
  outputs: Record<string, string>
  summary: string
  requests: Recorded[]
}

let temp: string
let repo: string
let baseSha: string
let headSha: string
let standIn: { url: string; requests: Recorded[]; close: () => Promise<void> }
let first: Run
let second: Run

beforeAll(async () => {
  temp = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-dist-gh-'))
  repo = path.join(temp, 'repo')
  fs.cpSync(path.join(repoRoot, 'rules'), path.join(repo, 'rules'), { recursive: true })
  git('init', '-q', '-b', 'main')
  git('add', '-A')
  git('commit', '-q', '-m', 'base')
  baseSha = git('rev-parse', 'HEAD')

  editPullRequest()
  git('add', '-A')
  git('commit', '-q', '-m', 'pull request')
  headSha = git('rev-parse', 'HEAD')

  standIn = await startStandIn()
  first = await runBundle()
  second = await runBundle()
}, 120_000)

afterAll(async () => {
  await standIn.close()
  fs.rmSync(temp, { recursive: true, force: true })
})

function git(...args: string[]): string {
  const env = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' }
  return execFileSync('git', args, { cwd: repo, env, encoding: 'utf8' }).trim()
}

/** Change one rule, break its fixture, and add a rule with a lint error. */
function editPullRequest(): void {
  const rule = path.join(repo, `${whoami}.yml`)
  fs.writeFileSync(rule, fs.readFileSync(rule, 'utf8').replace("- ' /all'", "- ' /all'\n            - ' /upn'"))
  fs.appendFileSync(
    path.join(repo, `${whoami}.fixtures.yml`),
    "  - name: whoami upn expected to stay quiet\n    expect: no-match\n    event: { EventID: 1, Image: 'C:\\Windows\\System32\\whoami.exe', CommandLine: 'whoami /upn', User: 'EXAMPLE\\alice' }\n",
  )
  fs.writeFileSync(
    path.join(repo, 'rules/broken.yml'),
    'title: Broken rule\nid: not-a-uuid\nlogsource:\n    product: windows\n    category: process_creation\ndetection:\n    selection:\n        Image|endswith: \\x.exe\n    condition: selection or missing\nlevel: high\n',
  )
}

/** Build an unsigned runtime token whose scope names the run and job backend ids. */
function runtimeToken(): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url')
  return `${part({ alg: 'none', typ: 'JWT' })}.${part({ scp: 'Actions.GenericRead Actions.Results:run-backend-1:job-backend-1' })}.sig`
}

async function runBundle(): Promise<Run> {
  const outputFile = path.join(temp, 'output')
  const summaryFile = path.join(temp, 'summary.md')
  const eventFile = path.join(temp, 'event.json')
  fs.writeFileSync(outputFile, '')
  fs.writeFileSync(summaryFile, '')
  fs.writeFileSync(eventFile, JSON.stringify({ number: pullNumber, pull_request: { number: pullNumber, base: { sha: baseSha }, head: { sha: headSha, repo: { full_name: 'octo/rules' } } } }))
  const env: Record<string, string> = {
    PATH: process.env['PATH'] ?? '',
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_EVENT_PATH: eventFile,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_WORKSPACE: repo,
    GITHUB_REPOSITORY: 'octo/rules',
    GITHUB_SHA: headSha,
    GITHUB_API_URL: standIn.url,
    GITHUB_RUN_ID: '99',
    GITHUB_JOB: 'lint',
    RUNNER_TEMP: temp,
    ACTIONS_RUNTIME_TOKEN: runtimeToken(),
    ACTIONS_RESULTS_URL: `${standIn.url}/`,
    INPUT_PATHS: 'rules',
    'INPUT_FAIL-ON': 'error',
    'INPUT_OUTPUT-DIR': 'out',
    INPUT_TOKEN: 'ghs_standin',
  }
  const start = standIn.requests.length
  const child = spawn(process.execPath, [action], { cwd: repo, env })
  let stdout = ''
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')))
  const status = await new Promise<number | null>((resolve) => child.on('close', resolve))
  return {
    status,
    stdout,
    outputs: parseOutputs(fs.readFileSync(outputFile, 'utf8')),
    summary: fs.readFileSync(summaryFile, 'utf8'),
    requests: standIn.requests.slice(start),
  }
}

/** Parse the `name<<delimiter` blocks @actions/core writes to GITHUB_OUTPUT. */
function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {}
  const pattern = /^(.+?)<<(.+)\n([\s\S]*?)\n\2$/gm
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) outputs[match[1] as string] = match[3] as string
  return outputs
}

async function startStandIn(): Promise<typeof standIn> {
  const requests: Recorded[] = []
  const comments: Array<{ id: number; body: string }> = []
  let nextId = 500
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const raw = Buffer.concat(chunks)
      const method = request.method ?? ''
      const url = request.url ?? ''
      const json = (request.headers['content-type'] ?? '').includes('json') && raw.length > 0
      requests.push({ method, path: url, authorization: request.headers.authorization ?? '', body: json ? JSON.parse(raw.toString('utf8')) : undefined, bytes: raw.length })

      const reply = (status: number, value?: unknown): void => {
        response.writeHead(status, { 'content-type': 'application/json' })
        response.end(value === undefined ? '' : JSON.stringify(value))
      }
      const route = `${method} ${url.split('?')[0]}`
      const body = (json ? JSON.parse(raw.toString('utf8')) : {}) as { body?: string }
      if (route === 'POST /graphql') return reply(200, { data: { viewer: { login: 'github-actions[bot]' } } })
      if (route === `GET /repos/octo/rules/issues/${pullNumber}/comments`) {
        return reply(200, comments.map((comment) => ({ ...comment, user: { login: 'github-actions[bot]' } })))
      }
      if (route === `POST /repos/octo/rules/issues/${pullNumber}/comments`) {
        const comment = { id: nextId++, body: body.body ?? '' }
        comments.push(comment)
        return reply(201, { ...comment, user: { login: 'github-actions[bot]' } })
      }
      const patched = /^PATCH \/repos\/octo\/rules\/issues\/comments\/(\d+)$/.exec(route)
      if (patched) {
        const comment = comments.find((entry) => entry.id === Number(patched[1]))
        if (comment === undefined) return reply(404, { message: 'Not Found' })
        comment.body = body.body ?? ''
        return reply(200, { ...comment, user: { login: 'github-actions[bot]' } })
      }
      if (route === 'POST /repos/octo/rules/check-runs') return reply(201, { id: nextId++ })
      if (/^PATCH \/repos\/octo\/rules\/check-runs\/\d+$/.test(route)) return reply(200, {})
      if (route === `POST ${artifactService}ListArtifacts`) return reply(200, { artifacts: [] })
      if (route === `POST ${artifactService}CreateArtifact`) {
        return reply(200, { ok: true, signedUploadUrl: `${address()}/blob/account/container/artifact.zip?sig=standin` })
      }
      if (route === `POST ${artifactService}FinalizeArtifact`) return reply(200, { ok: true, artifactId: '4242' })
      if (method === 'PUT' && url.startsWith('/blob/')) {
        response.writeHead(201, { 'content-length': '0' })
        return response.end()
      }
      reply(404, { message: 'Not Found (stand-in)' })
    })
  })
  const address = () => `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { url: address(), requests, close: () => new Promise((resolve) => server.close(() => resolve())) }
}

const brokenErrors = [
  "::error title=schema/pattern,file=rules/broken.yml,line=2,endLine=2,col=5,endColumn=15::'id' is 'not-a-uuid', which is not in the required form. Generate a UUID, e.g. with 'uuidgen', and keep it stable across edits.",
  "::error title=sigma/undefined-selection,file=rules/broken.yml,line=9,endLine=9,col=29,endColumn=36::The condition uses 'missing', which is not a selection of this rule. Define it under detection or fix the name.",
]
const fixtureError = `::error title=test/failed,file=${whoami}.fixtures.yml,line=16::Test 'whoami upn expected to stay quiet' of rule '${whoami}.yml' failed: expected no-match, native 1, spl 1. Expected no-match, but 1 of 1 events matched.`

function paths(run: Run): string[] {
  return run.requests.map((request) => `${request.method} ${request.path.replace(/blockid=[^&]+/, 'blockid=*')}`)
}

describe.skipIf(!fs.existsSync(action))('action bundle on a pull request', () => {
  it('fails with the lint and fixture errors as workflow commands', () => {
    expect(first.status).toBe(1)
    const lines = first.stdout.split('\n')
    for (const error of brokenErrors) expect(lines).toContain(error)
    expect(lines.filter((line) => line.startsWith(fixtureError))).toHaveLength(1)
    expect(lines).toContain("::error::sigma-gate failed the check with fail-on 'error': 2 errors, 1 failing fixture test. The step log and the job summary list every finding.")
  })

  it('writes the job summary with the totals and the failing test', () => {
    expect(first.summary).toContain("## sigma-gate\n\n**Failed** with fail-on 'error': 2 errors, 1 failing fixture test.\n")
    expect(first.summary).toContain('| 21 | 10 | 2 | 4 | 47 | 1 |')
    expect(first.summary).toContain('| rules/windows/process\\_creation/proc\\_creation\\_win\\_whoami\\_privileges\\_discovery.yml | whoami upn expected to stay quiet |')
  })

  it('sets the outputs', () => {
    const out = path.join(repo, 'out')
    expect(first.outputs).toMatchObject({
      rules: '21',
      errors: '2',
      warnings: '4',
      'fixtures-failed': '1',
      'spl-dir': out,
      'report-file': path.join(out, 'report.json'),
      'sarif-file': path.join(out, 'sigma-gate.sarif'),
      'comment-file': path.join(out, 'comment.md'),
      'artifact-name': 'sigma-gate-lint-1f4cc4b5-attempt-1',
    })
  })

  it('creates the comment on the first run and updates it on the second', () => {
    const created = first.requests.find((request) => request.method === 'POST' && request.path === `/repos/octo/rules/issues/${pullNumber}/comments`)
    const createdBody = (created?.body as { body: string }).body
    expect(createdBody).toContain('<!-- sigma-gate')
    expect(createdBody).toContain('whoami upn expected to stay quiet')
    expect(paths(second).filter((line) => line.includes('/comments'))).toEqual([
      `GET /repos/octo/rules/issues/${pullNumber}/comments?per_page=100`,
      'PATCH /repos/octo/rules/issues/comments/500',
    ])
    expect(first.requests.every((request) => !request.path.startsWith('/repos/') || request.authorization === 'token ghs_standin')).toBe(true)
  })

  it('creates a check run on the head commit and sends the annotations in a batch', () => {
    const checks = first.requests.filter((request) => request.path.startsWith('/repos/octo/rules/check-runs'))
    expect(checks.map((request) => `${request.method} ${request.path}`)).toEqual([
      'POST /repos/octo/rules/check-runs',
      'PATCH /repos/octo/rules/check-runs/501',
      'PATCH /repos/octo/rules/check-runs/501',
    ])
    expect(checks[0]?.body).toEqual({ name: 'sigma-gate (lint)', head_sha: headSha, status: 'in_progress' })

    const batch = (checks[1]?.body as { output: { annotations: Array<Record<string, unknown>> } }).output.annotations
    expect(batch).toHaveLength(25)
    expect(batch.filter((annotation) => annotation['annotation_level'] === 'failure').map((annotation) => [annotation['path'], annotation['start_line'], annotation['title']])).toEqual([
      ['rules/broken.yml', 2, 'schema/pattern'],
      ['rules/broken.yml', 9, 'sigma/undefined-selection'],
      [`${whoami}.fixtures.yml`, 16, 'test/failed'],
    ])
    expect(checks[2]?.body).toMatchObject({ status: 'completed', conclusion: 'failure' })
    expect((checks[2]?.body as { output: object }).output).not.toHaveProperty('annotations')
  })

  it('uploads the output directory through the artifact service', () => {
    expect(paths(first).filter((line) => !line.includes(' /repos/') && !line.includes('/graphql'))).toEqual([
      `POST ${artifactService}ListArtifacts`,
      `POST ${artifactService}CreateArtifact`,
      'PUT /blob/account/container/artifact.zip?sig=standin&comp=block&blockid=*',
      'PUT /blob/account/container/artifact.zip?sig=standin&comp=blocklist',
      `POST ${artifactService}FinalizeArtifact`,
    ])
    const create = first.requests.find((request) => request.path.endsWith('/CreateArtifact'))
    expect(create?.body).toMatchObject({ workflow_run_backend_id: 'run-backend-1', workflow_job_run_backend_id: 'job-backend-1', name: 'sigma-gate-lint-1f4cc4b5-attempt-1', version: 7 })
    const block = first.requests.find((request) => request.path.includes('comp=block&'))
    const finalize = first.requests.find((request) => request.path.endsWith('/FinalizeArtifact'))
    expect(finalize?.body).toMatchObject({ name: 'sigma-gate-lint-1f4cc4b5-attempt-1', size: String(block?.bytes) })
    expect(first.stdout).toContain("Uploaded 21 files as artifact 'sigma-gate-lint-1f4cc4b5-attempt-1'.")
  })

  it('writes the report, SARIF, SPL, saved searches and manifest to output-dir', () => {
    const out = path.join(repo, 'out')
    const files = fs.readdirSync(out, { recursive: true, encoding: 'utf8' }).filter((file) => fs.statSync(path.join(out, file)).isFile()).sort()
    expect(files).toEqual([
      'comment.md',
      'manifest.json',
      'navigator-layer.json',
      'proxy/mr_proxy_large_upload_to_one_host.0.spl',
      'proxy/mr_proxy_large_upload_to_one_host.1.spl',
      'report.json',
      'savedsearches.conf',
      'sigma-gate.sarif',
      'sigma_gate_detections.tgz',
      'splunk-app/sigma_gate_detections/default/app.conf',
      'splunk-app/sigma_gate_detections/default/macros.conf',
      'splunk-app/sigma_gate_detections/default/savedsearches.conf',
      'splunk-app/sigma_gate_detections/metadata/default.meta',
      'windows/correlation/mr_win_mass_file_deletion_by_process.0.spl',
      'windows/correlation/mr_win_office_dropped_exe_executed.0.spl',
      'windows/correlation/mr_win_rare_process_on_host.0.spl',
      'windows/correlation/mr_win_recon_burst_same_user.0.spl',
      'windows/correlation/mr_win_smb_scan_many_hosts.0.spl',
      'windows/network_connection/net_connection_win_winrm_by_non_service_account.spl',
      'windows/process_creation/proc_creation_win_shell_spawned_by_web_or_script_runtime.spl',
      'windows/process_creation/proc_creation_win_whoami_privileges_discovery.spl',
    ])
    const report = JSON.parse(fs.readFileSync(path.join(out, 'report.json'), 'utf8')) as { summary: { rules: number; errors: number } }
    expect(report.summary).toMatchObject({ rules: 21, errors: 2 })
    const sarif = JSON.parse(fs.readFileSync(path.join(out, 'sigma-gate.sarif'), 'utf8')) as { runs: Array<{ results: Array<{ ruleId: string; level: string }> }> }
    const errors = sarif.runs[0]?.results.filter((result) => result.level === 'error').map((result) => result.ruleId)
    expect(errors).toEqual(['schema/pattern', 'sigma/undefined-selection', 'test/failed'])
    expect(fs.readFileSync(path.join(out, `${whoami.replace('rules/', '')}.spl`), 'utf8')).toContain('/upn')
    expect(fs.readFileSync(path.join(out, 'savedsearches.conf'), 'utf8')).toContain('[')
  })
})
