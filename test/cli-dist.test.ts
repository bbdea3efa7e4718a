import { spawnSync } from 'node:child_process'
import { cpSync, mkdtempSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { hasShared, repoRoot, sharedRoot } from './helpers.js'

const cli = path.join(repoRoot, 'dist/cli/index.js')

function runCli(args: string[], cwd = repoRoot): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [cli, ...args], { cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 })
  return { status: result.status, stdout: result.stdout, stderr: result.stderr }
}

function tempRepo(): string {
  return mkdtempSync(path.join(tmpdir(), 'sigma-gate-cli-'))
}

describe('sigma-gate CLI bundle', () => {
  it('checks the embedded rules cleanly', () => {
    const result = runCli(['check', 'rules'])
    expect(result.status).toBe(0)
    expect(result.stdout).toContain('converted  10 of 20 rules')
    expect(result.stdout).toMatch(/fixtures\s+47 passed, 0 failed/)
  })

  it('writes one .spl file per rule mirroring the tree', () => {
    const out = tempRepo()
    const result = runCli(['convert', 'rules', '--out', out])
    expect(result.status).toBe(0)
    const spl = readFileSync(path.join(out, 'windows/process_creation/proc_creation_win_shell_spawned_by_web_or_script_runtime.spl'), 'utf8')
    expect(spl).toBe('source="XmlWinEventLog:Microsoft-Windows-Sysmon/Operational" EventCode=1 Image IN ("*\\\\cmd.exe", "*\\\\powershell.exe", "*\\\\cscript.exe", "*\\\\wscript.exe") ParentImage IN ("*\\\\curl.exe", "*\\\\wget.exe", "*\\\\perl.exe", "*\\\\ruby.exe", "*\\\\php.exe", "*\\\\python.exe", "*\\\\w3wp.exe", "*\\\\httpd.exe") NOT User IN ("*SYSTEM*", "*LOCAL SERVICE*", "*NETWORK SERVICE*")\n')
  })

  it('fails a run with a failing fixture and says why', () => {
    const dir = tempRepo()
    cpSync(path.join(repoRoot, 'rules/windows/process_creation/proc_creation_win_whoami_privileges_discovery.yml'), path.join(dir, 'whoami.yml'))
    writeFileSync(path.join(dir, 'whoami.fixtures.yml'), "cases:\n  - name: plain whoami wrongly expected to match\n    expect: match\n    event: { EventID: 1, Image: 'C:\\Windows\\System32\\whoami.exe', CommandLine: whoami }\n")
    const result = runCli(['test', '.', '--format', 'json'], dir)
    expect(result.status).toBe(1)
    const report = JSON.parse(result.stdout)
    expect(report.summary.fixtures).toEqual({ passed: 0, failed: 1 })
    const [test] = report.rules[0].tests
    expect(test).toMatchObject({ name: 'plain whoami wrongly expected to match', fixture: 'whoami.fixtures.yml', expected: 'match', native: 0, spl: 0, passed: false, line: 2 })
    expect(test.reason).toBe('Expected match, but 0 of 1 events matched.')
  })

  it('keeps reporting other rules when one file is broken', () => {
    const dir = tempRepo()
    cpSync(path.join(repoRoot, 'rules/windows/process_creation/proc_creation_win_whoami_privileges_discovery.yml'), path.join(dir, 'good.yml'))
    writeFileSync(path.join(dir, 'broken.yml'), 'title: Broken\ndetection:\n  selection:\n    Image: [a\n')
    const result = runCli(['lint', '.', '--format', 'json'], dir)
    expect(result.status).toBe(1)
    const report = JSON.parse(result.stdout)
    expect(report.rules.map((rule: { path: string }) => rule.path)).toEqual(['broken.yml', 'good.yml'])
    expect(report.rules[0].diagnostics[0]).toMatchObject({ check: 'yaml/syntax', severity: 'error', line: 5 })
  })

  it('starts with a node shebang so npx can run it', () => {
    expect(readFileSync(cli, 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node')
  })

  it('fails when the paths hold no rules', () => {
    const dir = tempRepo()
    const result = runCli(['check', '.', '--format', 'json'], dir)
    expect(result.status).toBe(1)
    const report = JSON.parse(result.stdout)
    expect(report.diagnostics.map((d: { check: string }) => d.check)).toEqual(['run/no-rules'])
  })

  it('fails match when an event file is missing', () => {
    const dir = tempRepo()
    cpSync(path.join(repoRoot, 'rules/windows/process_creation/proc_creation_win_whoami_privileges_discovery.yml'), path.join(dir, 'whoami.yml'))
    const result = runCli(['match', 'whoami.yml', '--events', 'missing.ndjson'], dir)
    expect(result.status).toBe(1)
    expect(result.stderr).toContain('missing.ndjson')
  })

  it('exits 2 on a usage error', () => {
    const result = runCli(['check', '--fail-on', 'sometimes'])
    expect(result.status).toBe(2)
    expect(result.stderr).toContain("'sometimes' is not a threshold")
  })
})

describe.skipIf(!hasShared)('sigma-gate CLI on shared inputs', () => {
  it('gives the flattened seed rule a located error with a hint', () => {
    const dir = tempRepo()
    const seedDir = path.join(sharedRoot, 'seed')
    const seed = readFileSync(path.join(seedDir, readdirSync(seedDir)[0] as string), 'utf8')
    writeFileSync(path.join(dir, 'seed.yml'), seed.slice(seed.indexOf('title:')))
    const result = runCli(['check', 'seed.yml'], dir)
    expect(result.status).toBe(1)
    expect(result.stdout).toContain('seed.yml:5:1 error yaml/syntax Invalid YAML: Implicit keys need to be on a single line.')
    expect(result.stdout).toContain("The rule's indentation looks lost")
    expect(result.stdout + result.stderr).not.toMatch(/\n\s+at /)
  })

  it('lists and converts every SigmaHQ rule', () => {
    const result = runCli(['check', path.join(sharedRoot, 'corpus/sigmahq/rules'), '--format', 'json'])
    expect(result.stderr).toBe('')
    const report = JSON.parse(result.stdout)
    expect(report.rules).toHaveLength(3141)
    const processCreation = report.rules.filter((rule: { path: string }) => rule.path.includes('/windows/process_creation/'))
    const converted = processCreation.filter((rule: { spl: string[] }) => rule.spl.length > 0)
    expect(processCreation).toHaveLength(1183)
    expect(converted.length / processCreation.length).toBeGreaterThanOrEqual(0.9)
  })

  it('passes every SigmaHQ regression case on both engines', () => {
    const result = runCli(['test', path.join(sharedRoot, 'corpus/sigmahq'), '--format', 'json'])
    const report = JSON.parse(result.stdout)
    const tests = report.rules.flatMap((rule: { tests: unknown[] }) => rule.tests)
    // Each of the 155 cases runs once from its evtx_dump .json and once from its .evtx.
    expect(tests).toHaveLength(310)
    const fromEvtx = tests.filter((test: { fixture: string }) => test.fixture.endsWith('.evtx'))
    expect(fromEvtx).toHaveLength(155)
    expect(report.summary.fixtures).toEqual({ passed: 310, failed: 0 })
    const missing = report.rules.flatMap((rule: { diagnostics: { check: string }[] }) => rule.diagnostics).filter((d: { check: string }) => d.check === 'regression/missing-file')
    expect(missing).toHaveLength(38)
  })
})

describe('sigma-gate match', () => {
  it('lists the pairs where an engine matched', () => {
    const dir = tempRepo()
    mkdirSync(path.join(dir, 'events'))
    writeFileSync(path.join(dir, 'events/two.ndjson'), '{"EventID": 1, "Image": "C:\\\\x\\\\whoami.exe", "CommandLine": "whoami /all"}\n{"EventID": 1, "Image": "C:\\\\x\\\\whoami.exe", "CommandLine": "whoami"}\n')
    cpSync(path.join(repoRoot, 'rules/windows/process_creation/proc_creation_win_whoami_privileges_discovery.yml'), path.join(dir, 'whoami.yml'))
    const result = runCli(['match', 'whoami.yml', '--events', 'events/two.ndjson', '--format', 'json'], dir)
    expect(result.status).toBe(0)
    expect(JSON.parse(result.stdout)).toEqual({
      version: 1,
      results: [{ rule: 'whoami.yml', id: '5e0a7c52-8a41-4bfb-9d2f-7c2f0b1b6e11', file: 'events/two.ndjson', index: 0, native: true, spl: true }],
    })
  })
})
