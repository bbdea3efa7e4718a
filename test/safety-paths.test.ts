import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { run } from '../src/engine.js'
import { resolveInsideRoot } from '../src/regress/fixture-path.js'
import { ruleWith } from './helpers.js'

let temp: string
let root: string
let outside: string

beforeAll(() => {
  temp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'sg-paths-')))
  root = path.join(temp, 'repo')
  outside = path.join(temp, 'outside')
  fs.mkdirSync(path.join(root, 'rules/sub'), { recursive: true })
  fs.mkdirSync(outside, { recursive: true })
  fs.writeFileSync(path.join(outside, 'secret.json'), '{"EventID": 1}')
  fs.writeFileSync(path.join(root, 'rules/events.json'), '{"EventID": 1}')
  fs.symlinkSync(path.join(outside, 'secret.json'), path.join(root, 'rules/link-file.json'))
  fs.symlinkSync(outside, path.join(root, 'rules/link-dir'))
  fs.symlinkSync(path.join(root, 'rules/sub'), path.join(root, 'rules/link-inside'))
  fs.writeFileSync(path.join(root, 'rules/sub/inner.json'), '{"EventID": 1}')
})

afterAll(() => fs.rmSync(temp, { recursive: true, force: true }))

describe('fixture paths stay inside the root', () => {
  it.each([
    ['/etc/passwd', 'outside', 'absolute'],
    ['C:\\Windows\\win.ini', 'outside', 'absolute'],
    ['\\\\server\\share\\x.json', 'outside', 'absolute'],
    ['../../outside/secret.json', 'outside', 'parent'],
    ['..\\..\\outside\\secret.json', 'outside', 'parent'],
    ['sub/../../../outside/secret.json', 'outside', 'parent'],
    ['link-file.json', 'outside', 'symlink'],
    ['link-dir/secret.json', 'outside', 'symlink'],
    ['link-dir', 'outside', 'symlink'],
    ['events.json', 'inside', undefined],
    ['sub/../events.json', 'inside', undefined],
    ['link-inside/inner.json', 'inside', undefined],
    ['missing.json', 'missing', undefined],
  ])('%s is %s', async (written, status, reason) => {
    const resolved = resolveInsideRoot(path.join(root, 'rules'), written, root)
    expect(resolved.status).toBe(status)
    if (resolved.status === 'outside') expect(resolved.reason).toBe(reason)
  })

  it('a fixture naming an outside file reports it and reads nothing', async () => {
    const dir = path.join(temp, 'fixture-run')
    fs.mkdirSync(path.join(dir, 'rules'), { recursive: true })
    fs.symlinkSync(outside, path.join(dir, 'rules/data'))
    fs.writeFileSync(path.join(dir, 'rules/r.yml'), ruleWith("    selection:\n        EventID: 1\n    condition: selection"))
    const cases = ['/etc/hostname', '../../outside/secret.json', 'data/secret.json'].map((file, i) => `  - name: c${i}\n    expect: match\n    file: ${JSON.stringify(file)}\n`)
    fs.writeFileSync(path.join(dir, 'rules/r.fixtures.yml'), `cases:\n${cases.join('')}`)
    const report = await run({ verb: 'test', paths: ['rules'], cwd: dir })
    const rule = report.rules.find((r) => r.path === 'rules/r.yml')
    expect(rule?.tests).toEqual([])
    expect(rule?.diagnostics.filter((d) => d.check.startsWith('fixture/')).map((d) => [d.check, d.file, d.line])).toEqual([
      ['fixture/outside-root', 'rules/r.fixtures.yml', 4],
      ['fixture/outside-root', 'rules/r.fixtures.yml', 7],
      ['fixture/outside-root', 'rules/r.fixtures.yml', 10],
    ])
  })
})

/** List every file and folder under a directory, relative to it. */
function snapshot(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort()
}

describe('convert --out writes only into the output directory', () => {
  it.each([
    [['rules'], ['out/a.spl', 'out/sub/b.spl']],
    [['rules/../rules'], ['out/a.spl', 'out/sub/b.spl']],
    [['rules/sub/../a.yml'], ['out/rules/a.spl']],
    [['../elsewhere/x.yml'], ['out/x.spl']],
    [['rules/sub/../../../elsewhere'], ['out/x.spl']],
  ])('paths %j', async (paths, expected) => {
    const base = fs.mkdtempSync(path.join(temp, 'out-'))
    const repo = path.join(base, 'repo')
    const cleanCwd = path.join(base, 'cwd')
    fs.mkdirSync(path.join(repo, 'rules/sub'), { recursive: true })
    fs.mkdirSync(path.join(base, 'elsewhere'), { recursive: true })
    fs.mkdirSync(cleanCwd)
    const rule = ruleWith("    selection:\n        Image|endswith: '\\cmd.exe'\n    condition: selection")
    fs.writeFileSync(path.join(repo, 'rules/a.yml'), rule)
    fs.writeFileSync(path.join(repo, 'rules/sub/b.yml'), rule.replace('Test rule', 'Other rule'))
    fs.writeFileSync(path.join(base, 'elsewhere/x.yml'), rule.replace('Test rule', 'Elsewhere rule'))

    const before = snapshot(base)
    const previous = process.cwd()
    process.chdir(cleanCwd)
    try {
      const report = await run({ verb: 'convert', paths, cwd: repo, outDir: 'out' })
      expect(report.summary.converted).toBe(expected.length)
    } finally {
      process.chdir(previous)
    }
    const added = snapshot(base).filter((entry) => !before.includes(entry))
    expect(added.every((entry) => entry === 'repo/out' || entry.startsWith('repo/out/'))).toBe(true)
    const spl = added.filter((entry) => entry.endsWith('.spl')).map((entry) => entry.slice('repo/'.length))
    expect(spl.filter((entry) => !entry.startsWith('out/splunk-app/')).sort()).toEqual(expected)
    expect(snapshot(cleanCwd)).toEqual([])
  })
})
