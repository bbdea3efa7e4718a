import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { runAction } from '../src/action/run-action.js'
import { run } from '../src/engine.js'
import { ruleWith } from './helpers.js'

const TOKEN = 'ghs_S3cretTokenValue0123456789abcdefABCD'
const ENV_KEYS = ['INPUT_TOKEN', 'INPUT_PATHS', 'INPUT_OUTPUT-DIR', 'INPUT_UPLOAD-ARTIFACTS', 'INPUT_COMMENT', 'INPUT_SARIF-FILE', 'GITHUB_OUTPUT', 'GITHUB_STEP_SUMMARY', 'GITHUB_WORKSPACE', 'GITHUB_EVENT_NAME', 'GITHUB_EVENT_PATH', 'GITHUB_SHA', 'GITHUB_REPOSITORY']

let temp: string
const saved = new Map<string, string | undefined>()

beforeAll(() => {
  temp = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-token-'))
  for (const key of ENV_KEYS) saved.set(key, process.env[key])
})

afterAll(() => {
  for (const [key, value] of saved) {
    if (value === undefined) delete process.env[key]
    else process.env[key] = value
  }
  fs.rmSync(temp, { recursive: true, force: true })
})

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd, encoding: 'utf8' }).trim()
}

/** Make a checkout whose base commit adds a rule and whose head commit (checked out) changes it. */
function makeCheckout(name: string): { dir: string; base: string; head: string } {
  const dir = path.join(temp, name)
  fs.mkdirSync(path.join(dir, 'rules'), { recursive: true })
  git(dir, 'init', '-q')
  fs.writeFileSync(path.join(dir, 'rules/a.yml'), ruleWith("    selection:\n        Image|endswith: '\\cmd.exe'\n    condition: selection"))
  git(dir, 'add', '.')
  git(dir, 'commit', '-q', '-m', 'base')
  const base = git(dir, 'rev-parse', 'HEAD')
  fs.writeFileSync(path.join(dir, 'rules/b.yml'), ruleWith("    selection:\n        Image|endswith: '\\x.exe'\n    condition: selection"))
  git(dir, 'add', '.')
  git(dir, 'commit', '-q', '-m', 'head')
  return { dir, base, head: git(dir, 'rev-parse', 'HEAD') }
}

interface Captured {
  stdout: string
  stderr: string
  files: string
}

/** Run the action entry on a checkout for one event and capture everything it writes. */
async function runActionFor(eventName: string, checkout: { dir: string; base: string; head: string }, sha: string): Promise<Captured> {
  const event = path.join(checkout.dir, '..', `${path.basename(checkout.dir)}-event.json`)
  fs.writeFileSync(event, JSON.stringify({ number: 7, pull_request: { number: 7, head: { sha: checkout.head, repo: { full_name: 'fork/rules' } }, base: { sha: checkout.base, repo: { full_name: 'owner/rules' } } } }))
  const output = path.join(temp, `${path.basename(checkout.dir)}-output`)
  const summary = path.join(temp, 'summary.md')
  fs.writeFileSync(output, '')
  fs.writeFileSync(summary, '')
  for (const key of ENV_KEYS) delete process.env[key]
  Object.assign(process.env, {
    INPUT_TOKEN: TOKEN,
    INPUT_PATHS: 'rules',
    'INPUT_OUTPUT-DIR': 'out',
    'INPUT_UPLOAD-ARTIFACTS': 'false',
    INPUT_COMMENT: 'false',
    'INPUT_SARIF-FILE': 'out/report.sarif',
    GITHUB_OUTPUT: output,
    GITHUB_STEP_SUMMARY: summary,
    GITHUB_WORKSPACE: checkout.dir,
    GITHUB_EVENT_NAME: eventName,
    GITHUB_EVENT_PATH: event,
    GITHUB_SHA: sha,
  })

  const stdout: string[] = []
  const stderr: string[] = []
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (stdout.push(String(chunk)), true))
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (stderr.push(String(chunk)), true))
  try {
    await runAction({ cwd: checkout.dir, run })
  } finally {
    out.mockRestore()
    err.mockRestore()
    process.exitCode = undefined
  }
  const written = [output, summary, ...listFiles(path.join(checkout.dir, 'out'))].map((file) => fs.readFileSync(file, 'utf8'))
  return { stdout: stdout.join(''), stderr: stderr.join(''), files: written.join('\n') }
}

function listFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return []
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile()).map((entry) => path.join(entry.parentPath, entry.name))
}

const WARNING_START = "::warning::This job runs on 'pull_request_target' with a token that can write to the repository"

describe('token safety', () => {
  it('masks the token and never prints it', async () => {
    const checkout = makeCheckout('masked')
    const captured = await runActionFor('pull_request', checkout, checkout.head)
    // The only appearance is the mask command, which the runner consumes and never shows.
    expect(captured.stdout.split('\n').filter((line) => line.includes(TOKEN))).toEqual([`::add-mask::${TOKEN}`])
    expect(captured.stderr).not.toContain(TOKEN)
    expect(captured.files).not.toContain(TOKEN)
    expect(captured.files).toContain('rules/b.yml')
  })

  it('does not warn on pull_request from a fork', async () => {
    const checkout = makeCheckout('fork')
    const captured = await runActionFor('pull_request', checkout, checkout.head)
    expect(captured.stdout).not.toContain('pull_request_target')
  })

  it('warns on pull_request_target over the pull request head', async () => {
    const checkout = makeCheckout('target-head')
    const captured = await runActionFor('pull_request_target', checkout, checkout.base)
    const warnings = captured.stdout.split('\n').filter((line) => line.startsWith(WARNING_START))
    expect(warnings).toEqual([
      `${WARNING_START}, and the checkout (${checkout.head.slice(0, 12)}) is not the base commit (${checkout.base.slice(0, 12)}), so it contains files of the pull request from a fork. sigma-gate only reads those files, but any step in this job that runs them could use the token. Run sigma-gate on the 'pull_request' event instead, or give this job 'permissions: contents: read'.`,
    ])
    expect(captured.stdout.split('\n').filter((line) => line.includes(TOKEN))).toEqual([`::add-mask::${TOKEN}`])
  })

  it('does not warn on pull_request_target over the base commit', async () => {
    const checkout = makeCheckout('target-base')
    git(checkout.dir, 'checkout', '-q', checkout.base)
    const captured = await runActionFor('pull_request_target', checkout, checkout.base)
    expect(captured.stdout).not.toContain(WARNING_START)
  })
})
