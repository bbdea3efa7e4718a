// Measure the action bundle's changed-only run on the SigmaHQ corpus with one
// changed rule, the way a pull request runs it: a git repository with a base
// commit and a commit that changes one rule, an event payload naming both, no
// token, no comment and no artifact upload. Prints the median wall time when
// run alone (`node scripts/bench-changed-only.mjs`); bench.mjs imports it.

import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const CORPUS = path.resolve(ROOT, '..', 'shared', 'corpus', 'sigmahq')
const ACTION = path.join(ROOT, 'dist', 'action', 'index.js')

/**
 * Time `runs` changed-only runs of dist/action/index.js and return the median
 * wall time in ms, the rules checked of the total, or a note saying why the
 * measure cannot run.
 */
export function measureChangedOnly(runs = 3) {
  if (!existsSync(ACTION)) return { note: 'not available (no dist/action)' }
  if (!existsSync(CORPUS)) return { note: `not available (no corpus at ${CORPUS})` }

  const scratch = mkdtempSync(path.join(os.tmpdir(), 'sigma-gate-changed-'))
  try {
    const repo = path.join(scratch, 'repo')
    const { base, head } = commitCorpusWithOneChange(repo)
    const env = actionEnv(scratch, repo, base, head)
    const times = []
    let checked = ''
    for (let index = 0; index < runs; index += 1) {
      const start = performance.now()
      const result = spawnSync(process.execPath, [ACTION], { cwd: repo, env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 })
      times.push(performance.now() - start)
      if (result.status !== 0) return { note: `the action exited with ${result.status}: ${lastLines(result.stdout)}` }
      checked = /checking (\d+ of \d+) rule files/.exec(result.stdout)?.[1] ?? checked
    }
    return { ms: median(times), note: `dist/action, changed-only, ${checked || '?'} rule files checked, median of ${runs}` }
  } finally {
    rmSync(scratch, { recursive: true, force: true })
  }
}

/** Copy both rule folders into a new repository, commit, then change one rule. */
function commitCorpusWithOneChange(repo) {
  mkdirSync(repo, { recursive: true })
  for (const dir of ['rules', 'rules-threat-hunting']) cpSync(path.join(CORPUS, dir), path.join(repo, dir), { recursive: true })
  const git = (...args) => spawnSync('git', ['-c', 'user.name=bench', '-c', 'user.email=bench@localhost', ...args], { cwd: repo, encoding: 'utf8' }).stdout.trim()
  git('init', '-q')
  git('add', '-A')
  git('commit', '-qm', 'base')
  const base = git('rev-parse', 'HEAD')

  const changed = firstRule(path.join(repo, 'rules'))
  writeFileSync(changed, readFileSync(changed, 'utf8').replace(/^level: (\w+)/m, (_, level) => `level: ${level === 'high' ? 'medium' : 'high'}`))
  git('commit', '-qam', 'change one rule')
  return { base, head: git('rev-parse', 'HEAD') }
}

function actionEnv(scratch, repo, base, head) {
  const eventFile = path.join(scratch, 'event.json')
  writeFileSync(eventFile, JSON.stringify({ number: 1, pull_request: { number: 1, base: { sha: base }, head: { sha: head, repo: { full_name: 'bench/corpus' } } } }))
  for (const file of ['output', 'summary.md']) writeFileSync(path.join(scratch, file), '')
  return {
    PATH: process.env.PATH ?? '',
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_EVENT_PATH: eventFile,
    GITHUB_WORKSPACE: repo,
    GITHUB_REPOSITORY: 'bench/corpus',
    GITHUB_SHA: head,
    GITHUB_OUTPUT: path.join(scratch, 'output'),
    GITHUB_STEP_SUMMARY: path.join(scratch, 'summary.md'),
    RUNNER_TEMP: scratch,
    INPUT_PATHS: 'rules\nrules-threat-hunting',
    'INPUT_FAIL-ON': 'never',
    'INPUT_CHANGED-ONLY': 'true',
    INPUT_COMMENT: 'false',
    'INPUT_UPLOAD-ARTIFACTS': 'false',
    'INPUT_OUTPUT-DIR': path.join(scratch, 'out'),
  }
}

function firstRule(dir) {
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))
  for (const entry of entries) {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) {
      const found = firstRule(full)
      if (found) return found
    } else if (entry.name.endsWith('.yml') && /^level: /m.test(readFileSync(full, 'utf8'))) return full
  }
  return undefined
}

function lastLines(text) {
  return (text ?? '').trim().split('\n').slice(-3).join(' | ')
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const result = measureChangedOnly(Number(process.argv[2] ?? 3))
  console.log(result.ms === undefined ? result.note : `${Math.round(result.ms)} ms (${result.note})`)
}
