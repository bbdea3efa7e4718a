import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, test, vi } from 'vitest'
import { checkRunName, checkTitle, sarifCategory } from '../src/action/publish-report.js'
import type { ActionInputs } from '../src/action/inputs.js'
import { readInputs } from '../src/action/inputs.js'
import type { GithubContext } from '../src/action/github-context.js'
import { runAction } from '../src/action/run-action.js'
import { run } from '../src/engine.js'
import { describeFailure } from '../src/report/failure-message.js'
import { buildJobSummary } from '../src/report/github-report.js'
import { buildPrComment } from '../src/report/pr-comment.js'
import { buildSarifLog } from '../src/report/sarif-report.js'
import { repoRoot } from './helpers.js'
import { sampleReport } from './report-sample.js'

const whoami = 'rules/windows/process_creation/proc_creation_win_whoami_privileges_discovery.yml'
const savedEnv = { ...process.env }
let temp: string
let repo: string

beforeAll(() => {
  temp = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-fixes-'))
})

afterAll(() => {
  process.env = savedEnv
  fs.rmSync(temp, { recursive: true, force: true })
})

beforeEach(() => {
  repo = fs.mkdtempSync(path.join(temp, 'repo-'))
  fs.mkdirSync(path.join(repo, 'rules'))
  // Without a description the rule gets one metadata/missing-field finding.
  const text = fs.readFileSync(path.join(repoRoot, whoami), 'utf8')
  fs.writeFileSync(path.join(repo, 'rules/r.yml'), text.replace(/^description:.*\n/m, ''))
})

/** Run the action in `repo` with the real engine; return the exit code and stdout lines. */
async function runGate(inputs: Record<string, string>, env: Record<string, string> = {}): Promise<{ exitCode: number | undefined; stdout: string[] }> {
  const outputFile = path.join(repo, 'github-output')
  fs.writeFileSync(outputFile, '')
  process.env = { PATH: savedEnv['PATH'] ?? '', HOME: savedEnv['HOME'] ?? '', GITHUB_OUTPUT: outputFile, INPUT_PATHS: 'rules', 'INPUT_UPLOAD-ARTIFACTS': 'false', ...env }
  for (const [name, value] of Object.entries(inputs)) process.env[`INPUT_${name.toUpperCase()}`] = value

  const chunks: string[] = []
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    chunks.push(String(chunk))
    return true
  })
  process.exitCode = undefined
  try {
    await runAction({ run, cwd: repo, workspace: repo })
  } finally {
    spy.mockRestore()
  }

  const exitCode = process.exitCode === undefined ? undefined : Number(process.exitCode)
  process.exitCode = undefined
  return { exitCode, stdout: chunks.join('').split(os.EOL) }
}

describe('fail-on from the config file', () => {
  test('an empty fail-on input reads fail-on from .sigma-gate.yml', async () => {
    fs.writeFileSync(path.join(repo, '.sigma-gate.yml'), 'fail-on: warning\nchecks:\n  metadata/missing-field: warning\n')

    const { exitCode, stdout } = await runGate({ 'fail-on': '' })

    expect(exitCode).toBe(1)
    expect(stdout.filter((line) => line.startsWith('::error::sigma-gate failed'))).toEqual([
      "::error::sigma-gate failed the check with fail-on 'warning': 1 warning. The step log and the job summary list every finding.",
    ])
  })

  test('the fail-on input still overrides the config file', async () => {
    fs.writeFileSync(path.join(repo, '.sigma-gate.yml'), 'fail-on: warning\nchecks:\n  metadata/missing-field: warning\n')

    const { exitCode } = await runGate({ 'fail-on': 'error' })

    expect(exitCode).toBeUndefined()
  })

  test('readInputs leaves failOn unset when the input is empty', () => {
    process.env = { 'INPUT_FAIL-ON': '' }
    const result = readInputs()
    expect(result.ok && result.inputs.failOn).toBeUndefined()
  })
})

describe('a named config file that does not exist', () => {
  test('is a config/not-found error naming the path', async () => {
    const report = await run({ verb: 'lint', paths: ['rules'], cwd: repo, configFile: 'nope.yml' })

    expect(report.diagnostics).toEqual([
      {
        check: 'config/not-found',
        severity: 'error',
        message: `The config file '${path.join(repo, 'nope.yml')}' does not exist, so none of its settings apply. Correct the path, or leave it empty to read .sigma-gate.yml in the working directory.`,
        file: 'nope.yml',
        line: 1,
        column: 1,
      },
    ])
    expect(report.summary.errors).toBe(1)
  })

  test('a missing default .sigma-gate.yml stays silent', async () => {
    const report = await run({ verb: 'lint', paths: ['rules'], cwd: repo })
    expect(report.diagnostics).toEqual([])
  })
})

const context: GithubContext = {
  serverUrl: 'https://github.example',
  apiUrl: 'https://api.github.example',
  repository: 'octo/rules',
  owner: 'octo',
  repo: 'rules',
  eventName: 'pull_request',
  sha: 'abc',
  headSha: 'abc',
  fromFork: false,
  runId: '1',
  runAttempt: '1',
  job: 'lint',
}

describe('links and URIs of paths with special characters', () => {
  const odd = 'my rules/x#y/100%.yml'
  const encoded = 'my%20rules/x%23y/100%25.yml'

  function oddReport() {
    const report = sampleReport()
    for (const rule of report.rules) rule.path = odd
    return report
  }

  test('the job summary encodes the path once', () => {
    const url = `https://github.example/octo/rules/blob/abc/${encoded}#L3`
    const markdown = buildJobSummary(oddReport(), { failOn: 'error', linkTo: () => url })
    expect(markdown).toContain(`](${url})`)
    expect(markdown).not.toContain('%2520')
  })

  test('the pull request comment encodes the path once', () => {
    const url = `https://github.example/octo/rules/blob/abc/${encoded}#L3`
    const markdown = buildPrComment({ report: oddReport(), failOn: 'error', changed: [], linkTo: () => url, changedOnly: false })
    expect(markdown).toContain(`](${url})`)
    expect(markdown).not.toContain('%2520')
  })

  test('SARIF artifact URIs are percent-encoded per segment', () => {
    const sarif = buildSarifLog(oddReport(), { cwd: '/repo', root: () => '/repo', version: '0.1.0' })
    const uris = new Set(sarif.runs[0]?.results.map((result) => result.locations[0]?.physicalLocation.artifactLocation.uri))
    expect(uris.has(encoded)).toBe(true)
    expect(uris.has(odd)).toBe(false)
  })
})

describe('matrix entries', () => {
  const inputs = { shard: { index: 1, count: 4 } } as ActionInputs

  test('the check run name carries the job and the shard', () => {
    expect(checkRunName({ context, inputs })).toBe('sigma-gate (lint, shard 1/4)')
    expect(checkRunName({ context: { ...context, job: '' }, inputs })).toBe('sigma-gate (shard 1/4)')
    expect(checkRunName({ context: { ...context, job: '' }, inputs: {} as ActionInputs })).toBe('sigma-gate')
  })

  test('the SARIF category carries the job and the shard', () => {
    expect(sarifCategory({ context, inputs })).toBe('sigma-gate/lint/shard-1-of-4')
    const sarif = buildSarifLog(sampleReport(), { cwd: '/repo', root: () => '/repo', version: '0.1.0', category: sarifCategory({ context: { ...context, job: '' }, inputs }) })
    expect(sarif.runs[0]?.automationDetails.id).toBe('sigma-gate/shard-1-of-4/')
  })
})

describe('output paths that cannot be written', () => {
  function outputsOf(): Record<string, string> {
    const text = fs.readFileSync(path.join(repo, 'github-output'), 'utf8')
    return Object.fromEntries([...text.matchAll(/^([\w-]+)<<(ghadelimiter_[\w-]+)\n([\s\S]*?)\n\2$/gm)].map((match) => [match[1], match[3]]))
  }

  test('an output-dir under a file fails by name and still sets the outputs', async () => {
    const { exitCode, stdout } = await runGate({ 'output-dir': 'rules/r.yml/out' })

    expect(exitCode).toBe(1)
    expect(stdout.filter((line) => line.startsWith('::error::'))).toEqual([
      `::error::output-dir 'rules/r.yml/out' cannot be created: ENOTDIR: not a directory, mkdir '${path.join(repo, 'rules/r.yml/out')}'; choose a directory path.`,
    ])
    expect(outputsOf()).toMatchObject({ rules: '1', errors: '0', warnings: '0' })
  })

  test('a sarif-file that is a directory fails by name', async () => {
    fs.mkdirSync(path.join(repo, 'sarif-dir'))

    const { exitCode, stdout } = await runGate({ 'sarif-file': 'sarif-dir' })

    expect(exitCode).toBe(1)
    expect(stdout.filter((line) => line.startsWith('::error::'))).toEqual([
      `::error::sarif-file 'sarif-dir' cannot be written: EISDIR: illegal operation on a directory, open '${path.join(repo, 'sarif-dir')}'; choose a file path.`,
    ])
    expect(outputsOf()).toMatchObject({ rules: '1', 'report-file': path.join(repo, 'sigma-gate-out/report.json') })
    expect(fs.existsSync(path.join(repo, 'sigma-gate-out/report.json'))).toBe(true)
  })
})

function git(...args: string[]): string {
  const env = { ...savedEnv, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' }
  return execFileSync('git', args, { cwd: repo, env, encoding: 'utf8' }).trim()
}

/** Commit the rule as the base, add `extra` more rules as the head; return both commits. */
function pullRequestRepo(extra: number): { base: string; head: string } {
  fs.writeFileSync(path.join(repo, '.gitignore'), 'github-output\nsigma-gate-out/\n')
  git('init', '-q', '-b', 'main')
  git('add', '-A')
  git('commit', '-q', '-m', 'base')
  const base = git('rev-parse', 'HEAD')
  const text = fs.readFileSync(path.join(repo, 'rules/r.yml'), 'utf8')
  for (let index = 0; index < extra; index += 1) {
    fs.writeFileSync(path.join(repo, `rules/r${index}.yml`), text.replace(/^id: .*$/m, `id: 5e0a7c52-8a41-4bfb-9d2f-7c2f0b1b6e${String(index).padStart(2, '0')}`))
  }
  git('add', '-A')
  git('commit', '-q', '-m', 'head')
  return { base, head: git('rev-parse', 'HEAD') }
}

interface StandIn {
  url: string
  requests: string[]
  close: () => Promise<void>
}

/** Serve the few GitHub API calls the action makes; comment posts fail with 500 when asked. */
async function startStandIn(failComments: boolean): Promise<StandIn> {
  const requests: string[] = []
  const server = http.createServer((request, response) => {
    request.resume()
    request.on('end', () => {
      const method = request.method ?? ''
      const url = request.url ?? ''
      requests.push(`${method} ${url}`)
      const reply = (status: number, value: unknown): void => {
        response.writeHead(status, { 'content-type': 'application/json' })
        response.end(JSON.stringify(value))
      }
      if (url === '/graphql') return reply(200, { data: { viewer: { login: 'github-actions[bot]' } } })
      if (method === 'GET' && url.startsWith('/repos/octo/rules/issues/7/comments')) return reply(200, [])
      if (method === 'POST' && url === '/repos/octo/rules/issues/7/comments') {
        return failComments ? reply(500, { message: 'Server Error' }) : reply(201, { id: 1 })
      }
      if (url.startsWith('/repos/octo/rules/check-runs')) return reply(201, { id: 99 })
      return reply(404, { message: 'Not Found' })
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return { url: `http://127.0.0.1:${port}`, requests, close: () => new Promise((resolve) => server.close(() => resolve())) }
}

function pullRequestEnv(event: string, commits: { base: string; head: string }, checkedOut: string, api: string): Record<string, string> {
  const eventFile = path.join(repo, '..', `${path.basename(repo)}-event.json`)
  fs.writeFileSync(eventFile, JSON.stringify({ number: 7, pull_request: { number: 7, base: { sha: commits.base }, head: { sha: commits.head, repo: { full_name: 'octo/rules' } } } }))
  return {
    GITHUB_EVENT_NAME: event,
    GITHUB_EVENT_PATH: eventFile,
    GITHUB_REPOSITORY: 'octo/rules',
    GITHUB_API_URL: api,
    GITHUB_SHA: checkedOut,
    GITHUB_JOB: 'lint',
    GITHUB_RUN_ID: '1',
    INPUT_TOKEN: 'ghs_standin',
    'INPUT_RETENTION-DAYS': '',
  }
}

describe('pull_request_target over the base branch', () => {
  test('warns and publishes no check run and no comment for the head', async () => {
    const commits = pullRequestRepo(1)
    git('checkout', '-q', commits.base)
    const server = await startStandIn(false)
    try {
      const { stdout } = await runGate({}, pullRequestEnv('pull_request_target', commits, commits.base, server.url))

      expect(stdout.filter((line) => line.startsWith('::warning::'))).toEqual([
        `::warning::This job runs on 'pull_request_target' and checked out commit ${commits.base.slice(0, 12)}, not the pull request's head (${commits.head.slice(0, 12)}), so the files checked are the base branch's, not the pull request's. sigma-gate publishes no check run and no pull request comment for the head commit. Check out the pull request's head in a separate job without write permissions, or use the workflow_run pattern (see docs/security.md).`,
      ])
      expect(server.requests.filter((request) => request.startsWith('POST') || request.startsWith('PATCH'))).toEqual([])
    } finally {
      await server.close()
    }
  })

  test('a checkout of the head publishes the check run and the comment', async () => {
    const commits = pullRequestRepo(1)
    const server = await startStandIn(false)
    try {
      const { stdout } = await runGate({}, pullRequestEnv('pull_request_target', commits, commits.base, server.url))

      expect(stdout.filter((line) => line.includes('checked out commit'))).toEqual([])
      expect(server.requests.filter((request) => request.startsWith('POST'))).toEqual([
        'POST /graphql',
        'POST /repos/octo/rules/issues/7/comments',
        'POST /repos/octo/rules/check-runs',
      ])
    } finally {
      await server.close()
    }
  })
})

describe('comment messages and budgets', () => {
  test('comment with an empty token logs a notice that it was skipped', async () => {
    const commits = pullRequestRepo(1)
    const { stdout } = await runGate({ token: '' }, { ...pullRequestEnv('pull_request', commits, commits.head, 'http://127.0.0.1:9'), INPUT_TOKEN: '' })

    expect(stdout.filter((line) => line.startsWith('::notice title=sigma-gate'))).toEqual([
      "::notice title=sigma-gate comment skipped::No pull request comment was posted because the 'token' input is empty. Set 'token' (it defaults to github.token) to post it; 'comment.md' in the output directory contains the text.",
    ])
  })

  test('a failed comment post is charged to the warning budget', async () => {
    fs.writeFileSync(path.join(repo, '.sigma-gate.yml'), 'checks:\n  metadata/missing-field: warning\n')
    const commits = pullRequestRepo(12)
    const server = await startStandIn(true)
    try {
      const { stdout } = await runGate({}, pullRequestEnv('pull_request', commits, commits.head, server.url))

      const warnings = stdout.filter((line) => line.startsWith('::warning'))
      expect(warnings).toHaveLength(10)
      expect(warnings[0]).toMatch(/^::warning::Posting the pull request comment failed: /)
    } finally {
      await server.close()
    }
  })
})

describe('plural counts', () => {
  test('the failure message and the check title count one finding in the singular', () => {
    const report = sampleReport()
    report.summary = { ...report.summary, errors: 1, warnings: 1, fixtures: { passed: 0, failed: 1 } }

    expect(describeFailure(report, 'warning')).toBe('1 error, 1 warning, 1 failing fixture test')
    expect(checkTitle(report, 'error')).toBe('Failed: 1 error, 1 warning, 1 failing fixture test')
    report.summary = { ...report.summary, errors: 0, warnings: 2, fixtures: { passed: 3, failed: 0 } }
    expect(checkTitle(report, 'error')).toBe('Passed: 0 errors, 2 warnings, 0 failing fixture tests')
  })
})
