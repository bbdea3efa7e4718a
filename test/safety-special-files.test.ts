import { execFileSync } from 'node:child_process'
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { run } from '../src/engine.js'
import { ruleWith } from './helpers.js'

const canMakeFifo = process.platform !== 'win32'
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0

describe('rule files that are not plain readable files', () => {
  let tree = ''
  afterEach(() => {
    if (tree) rmSync(tree, { recursive: true, force: true })
  })

  function setUp(): string {
    tree = mkdtempSync(path.join(os.tmpdir(), 'sigma-gate-special-'))
    mkdirSync(path.join(tree, 'rules'))
    writeFileSync(path.join(tree, 'rules', 'a.yml'), ruleWith("    selection:\n        Image|endswith: '\\a.exe'\n    condition: selection"))
    return tree
  }

  const findings = async (cwd: string, paths: string[]): Promise<string[][]> => {
    const report = await run({ verb: 'lint', paths, cwd })
    return report.rules.map((rule) => [rule.path, ...rule.diagnostics.filter((d) => d.check.startsWith('run/')).map((d) => `${d.check}: ${d.message}`)])
  }

  it.skipIf(!canMakeFifo)('reports a symlink to a named pipe without waiting for a writer', async () => {
    const cwd = setUp()
    execFileSync('mkfifo', [path.join(cwd, 'pipe')])
    symlinkSync(path.join(cwd, 'pipe'), path.join(cwd, 'rules', 'x.yml'))

    expect(await findings(cwd, ['rules'])).toEqual([
      ['rules/a.yml'],
      ['rules/x.yml', 'run/unreadable-file: The rule file could not be read (it is a named pipe or a socket, not a regular file). Check that it is a readable file.'],
    ])
  })

  it.skipIf(!canMakeFifo)('reports a named pipe given by name', async () => {
    const cwd = setUp()
    execFileSync('mkfifo', [path.join(cwd, 'rules', 'named.yml')])

    expect(await findings(cwd, ['rules/named.yml'])).toEqual([
      ['rules/named.yml', 'run/unreadable-file: The rule file could not be read (it is a named pipe or a socket, not a regular file). Check that it is a readable file.'],
    ])
  })

  it.skipIf(isRoot || process.platform === 'win32')('reports a rule file without read permission', async () => {
    const cwd = setUp()
    const file = path.join(cwd, 'rules', 'locked.yml')
    writeFileSync(file, ruleWith("    selection:\n        Image|endswith: '\\b.exe'\n    condition: selection"))
    chmodSync(file, 0o000)

    const found = await findings(cwd, ['rules'])

    expect(found.map(([file, ...checks]) => [file, checks.map((check) => check.split(':')[0])])).toEqual([
      ['rules/a.yml', []],
      ['rules/locked.yml', ['run/unreadable-file']],
    ])
  })
})
