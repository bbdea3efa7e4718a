import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { repoRoot } from './helpers.js'

const action = path.join(repoRoot, 'dist/action/index.js')

/** Run the action bundle the way the runner does: inputs and files through the environment. */
function runAction(workspace: string, inputs: Record<string, string>) {
  const outputFile = path.join(workspace, '.github-output')
  const summaryFile = path.join(workspace, '.github-summary')
  writeFileSync(outputFile, '')
  writeFileSync(summaryFile, '')
  const env: Record<string, string> = {
    PATH: process.env['PATH'] ?? '',
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_WORKSPACE: workspace,
  }
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value
  const result = spawnSync(process.execPath, [action], { cwd: workspace, env, encoding: 'utf8' })
  return { status: result.status, stdout: result.stdout, outputs: readFileSync(outputFile, 'utf8'), summary: readFileSync(summaryFile, 'utf8') }
}

/** Parse the `name<<delimiter` blocks @actions/core writes to GITHUB_OUTPUT. */
function parseOutputs(text: string): Record<string, string> {
  const outputs: Record<string, string> = {}
  const pattern = /^(.+?)<<(.+)\n([\s\S]*?)\n\2$/gm
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) outputs[match[1] as string] = match[3] as string
  return outputs
}

function workspaceWithRules(): string {
  const workspace = mkdtempSync(path.join(tmpdir(), 'sigma-gate-action-'))
  mkdirSync(path.join(workspace, 'rules'))
  cpSync(path.join(repoRoot, 'rules'), path.join(workspace, 'rules'), { recursive: true })
  return workspace
}

describe('action bundle', () => {
  it('passes on the embedded rules and writes outputs and SPL', () => {
    const workspace = workspaceWithRules()
    const result = runAction(workspace, { paths: 'rules' })
    expect(result.status).toBe(0)
    const outputs = parseOutputs(result.outputs)
    expect(outputs).toMatchObject({ rules: '20', errors: '0', 'fixtures-failed': '0', 'spl-dir': path.join(workspace, 'sigma-gate-out') })
    expect(existsSync(path.join(workspace, 'sigma-gate-out/windows/process_creation/proc_creation_win_whoami_privileges_discovery.spl'))).toBe(true)
    expect(result.summary).toContain('sigma-gate')
  })

  it('annotates a broken rule and fails on a failing fixture', () => {
    const workspace = workspaceWithRules()
    writeFileSync(path.join(workspace, 'rules/broken.yml'), 'title: Broken rule\nid: not-a-uuid\nlogsource:\n    product: windows\n    category: process_creation\ndetection:\n    selection:\n        Image|endswith: \\x.exe\n    condition: selection or missing\nlevel: high\n')
    writeFileSync(
      path.join(workspace, 'rules/windows/process_creation/proc_creation_win_whoami_privileges_discovery.fixtures.yml'),
      "cases:\n  - name: expected to match but does not\n    expect: match\n    event: { EventID: 1, Image: 'C:\\x\\whoami.exe', CommandLine: whoami }\n",
    )
    const result = runAction(workspace, { paths: 'rules', 'fail-on': 'error' })
    expect(result.status).toBe(1)
    expect(result.stdout).toContain("::error title=schema/pattern,file=rules/broken.yml,line=2,endLine=2,col=5,endColumn=15::'id' is 'not-a-uuid', which is not in the required form.")
    expect(result.stdout).toContain("::error title=sigma/undefined-selection,file=rules/broken.yml,line=9,endLine=9,col=29,endColumn=36::The condition uses 'missing', which is not a selection of this rule.")
    expect(result.stdout).toContain("::error title=test/failed,file=rules/windows/process_creation/proc_creation_win_whoami_privileges_discovery.fixtures.yml,line=2::Test 'expected to match but does not' of rule")
    expect(result.stdout).toContain("::error::sigma-gate failed the check with fail-on 'error': 2 errors, 1 failing fixture test.")
    const outputs = parseOutputs(result.outputs)
    expect(outputs['fixtures-failed']).toBe('1')
    expect(outputs['rules']).toBe('21')
    expect(result.summary).toContain('expected to match but does not')
  })
})
