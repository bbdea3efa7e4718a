import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test, vi } from 'vitest'
import { runAction } from '../src/action/run-action.js'
import type { RunOptions } from '../src/engine.js'
import { buildJobSummary } from '../src/report/github-report.js'
import type { Report } from '../src/report/report.js'
import { sampleReport } from './report-sample.js'

const envKeys = [
  'INPUT_PATHS',
  'INPUT_FAIL-ON',
  'INPUT_OUTPUT-DIR',
  'GITHUB_OUTPUT',
  'GITHUB_STEP_SUMMARY',
  'GITHUB_WORKSPACE',
]

let temp: string
let workspace: string
let outputFile: string
let summaryFile: string
const savedEnv = new Map<string, string | undefined>()

beforeAll(() => {
  temp = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-action-'))
  // core.summary caches the first summary path it reads, so all tests share one file.
  summaryFile = path.join(temp, 'summary.md')
  for (const key of envKeys) savedEnv.set(key, process.env[key])
})

afterAll(() => {
  for (const [key, value] of savedEnv) {
    if (value === undefined) delete process.env[key]
    else process.env[key] = value
  }
  fs.rmSync(temp, { recursive: true, force: true })
})

beforeEach(() => {
  workspace = fs.mkdtempSync(path.join(temp, 'ws-'))
  outputFile = path.join(temp, `output-${path.basename(workspace)}`)
  fs.writeFileSync(outputFile, '')
  fs.writeFileSync(summaryFile, '')
  for (const key of envKeys) delete process.env[key]
  process.env['GITHUB_OUTPUT'] = outputFile
  process.env['GITHUB_STEP_SUMMARY'] = summaryFile
  process.env['GITHUB_WORKSPACE'] = workspace
})

afterEach(() => {
  process.exitCode = undefined
})

interface Capture {
  stdout: string[]
  calls: RunOptions[]
}

/** Run the action with a fake engine and capture stdout lines. */
async function runWith(
  engine: (options: RunOptions) => Promise<Report>,
  cwd: string,
): Promise<Capture> {
  const calls: RunOptions[] = []
  const chunks: string[] = []
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    chunks.push(String(chunk))
    return true
  })

  try {
    await runAction({
      cwd,
      run: (options) => {
        calls.push(options)
        return engine(options)
      },
    })
  } finally {
    spy.mockRestore()
  }

  const stdout = chunks.join('').split(os.EOL).filter((line) => line !== '')
  return { stdout, calls }
}

function readOutputs(): Record<string, string> {
  const text = fs.readFileSync(outputFile, 'utf8')
  const outputs: Record<string, string> = {}
  const block = /^([\w-]+)<<(ghadelimiter_[\w-]+)\n([\s\S]*?)\n\2$/gm
  for (const match of text.matchAll(block)) {
    outputs[match[1] ?? ''] = match[3] ?? ''
  }

  return outputs
}

function commands(stdout: string[], name: string): string[] {
  return stdout.filter((line) => line.startsWith(`::${name}`))
}

describe('runAction', () => {
  test('failing report annotates, summarises, sets outputs and fails', async () => {
    process.env['INPUT_PATHS'] = 'rules\nmore-rules, extra'
    const cwd = path.join(workspace, 'detections')
    fs.mkdirSync(cwd)

    const { stdout, calls } = await runWith(async (options) => {
      options.logger?.startGroup('Linting rules')
      options.logger?.warning("Skipped 'rules/big.evtx' because it is over 50 MiB.")
      options.logger?.endGroup()
      return sampleReport()
    }, cwd)

    expect(calls).toHaveLength(1)
    expect(calls[0]).toMatchObject({
      verb: 'check',
      paths: ['rules', 'more-rules', 'extra'],
      cwd,
      outDir: path.join(cwd, 'sigma-gate-out'),
    })
    // An empty fail-on leaves the threshold to the config file, else error.
    expect(calls[0]?.failOn).toBeUndefined()
    expect(commands(stdout, 'error')).toEqual([
      "::error title=metadata/missing-id,file=detections/rules/encoded_powershell.yml,line=1,col=1::Rule has no 'id'. Add a UUID.",
      "::error title=test/failed,file=detections/rules/encoded_powershell.events.ndjson,line=2::Test 'base64 flag' of rule 'rules/encoded_powershell.yml' failed: expected match, native 1, spl 0. The SPL missed event 2, which the native matcher selected.",
      "::error title=detection/unknown-modifier,file=detections/rules/shared/filters.yml,line=4,endLine=4,col=17,endColumn=24::Modifier 'contians' is unknown. Use one of contains, startswith, endswith.",
      "::error::sigma-gate failed the check with fail-on 'error': 2 errors, 1 failing fixture test. The step log and the job summary list every finding.",
    ])
    expect(commands(stdout, 'warning')).toEqual([
      "::warning::Skipped 'rules/big.evtx' because it is over 50 MiB.",
      "::warning title=attack/unknown-technique,file=detections/rules/encoded_powershell.yml,line=9,col=5::Tag 'attack.t9999' names no ATT&CK technique. Use an id from the ATT&CK catalog.",
    ])
    expect(commands(stdout, 'notice')).toEqual([
      "::notice title=config/unknown-key,file=detections/sigma-gate.yml,line=3,col=1::Key 'colour' is not a sigma-gate setting. Remove it.",
    ])
    expect(stdout.at(-1)).toMatch(/^::error::sigma-gate failed the check/)
    expect(process.exitCode).toBe(1)
  })

  test('outputs and summary file hold the report', async () => {
    const { stdout } = await runWith(async () => sampleReport(), workspace)

    expect(readOutputs()).toEqual({
      rules: '3',
      errors: '2',
      warnings: '1',
      'fixtures-failed': '1',
      'spl-dir': path.join(workspace, 'sigma-gate-out'),
      'report-file': path.join(workspace, 'sigma-gate-out', 'report.json'),
      'navigator-file': path.join(
        workspace,
        'sigma-gate-out',
        'navigator-layer.json',
      ),
      'sarif-file': path.join(workspace, 'sigma-gate-out', 'sigma-gate.sarif'),
      'comment-file': '',
    })
    expect(fs.readFileSync(summaryFile, 'utf8')).toBe(
      buildJobSummary(sampleReport(), { failOn: 'error', coverage: [] }),
    )
    expect(stdout).toContain('  rules      3 checked, 1 without findings')
    expect(stdout).toContain("::debug::paths = 'rules'")
    expect(stdout).toContain("::debug::fail-on is empty, so the config file's fail-on applies, else error")
  })

  test('passing report sets outputs without failing', async () => {
    process.env['INPUT_FAIL-ON'] = 'never'
    process.env['INPUT_OUTPUT-DIR'] = 'out/spl'
    const report = sampleReport()
    report.summary.fixtures.failed = 0
    for (const rule of report.rules) {
      for (const test of rule.tests) test.passed = true
    }

    const { stdout, calls } = await runWith(async () => report, workspace)

    expect(calls[0]?.failOn).toBe('never')
    expect(commands(stdout, 'error')).toHaveLength(2)
    expect(stdout.some((line) => line.includes('sigma-gate failed'))).toBe(false)
    expect(readOutputs()['spl-dir']).toBe(path.join(workspace, 'out', 'spl'))
    expect(process.exitCode).toBeUndefined()
  })

  test('fail-on warning fails on warnings alone', async () => {
    process.env['INPUT_FAIL-ON'] = 'Warning'
    const report = sampleReport()
    report.rules = [report.rules[1]!]
    report.summary = {
      rules: 1,
      errors: 0,
      warnings: 3,
      converted: 1,
      fixtures: { passed: 1, failed: 0 },
    }

    const { stdout } = await runWith(async () => report, workspace)

    expect(commands(stdout, 'error')).toEqual([
      "::error::sigma-gate failed the check with fail-on 'warning': 3 warnings. The step log and the job summary list every finding.",
    ])
    expect(process.exitCode).toBe(1)
  })

  test('invalid fail-on fails before running', async () => {
    process.env['INPUT_FAIL-ON'] = 'sometimes'

    const { stdout, calls } = await runWith(async () => sampleReport(), workspace)

    expect(calls).toHaveLength(0)
    expect(commands(stdout, 'error')).toEqual([
      "::error::Invalid fail-on 'sometimes'. Set it to error, warning or never.",
    ])
    expect(process.exitCode).toBe(1)
    expect(fs.readFileSync(outputFile, 'utf8')).toBe('')
  })

  test('engine exception fails once, stack only at debug', async () => {
    const { stdout } = await runWith(async (options) => {
      options.logger?.startGroup('Converting to SPL')
      throw new Error('engine not assembled yet')
    }, workspace)

    expect(commands(stdout, 'error')).toEqual([
      '::error::sigma-gate stopped on an unexpected error: engine not assembled yet. Rerun the job with debug logging on to see the stack trace, and report it as a bug.',
    ])
    const debugStack = commands(stdout, 'debug').find((line) =>
      line.startsWith('::debug::Error: engine not assembled yet%0A    at '),
    )
    expect(debugStack).toBeDefined()
    expect(stdout).toContain('::endgroup::')
    expect(stdout.indexOf('::endgroup::')).toBeLessThan(
      stdout.findIndex((line) => line.startsWith('::error::')),
    )
    expect(process.exitCode).toBe(1)
  })

  test('logged warnings shrink the warning annotations', async () => {
    const report = sampleReport()

    const { stdout } = await runWith(async (options) => {
      for (let i = 0; i < 10; i += 1) options.logger?.warning(`Engine warning ${i}`)
      return report
    }, workspace)

    const annotated = commands(stdout, 'warning').filter((line) => line.includes('title='))
    expect(annotated).toEqual([])
    expect(commands(stdout, 'notice').at(-1)).toBe(
      '::notice title=Annotations left out::1 finding left out of the annotations (1 warning) because GitHub shows at most 10 annotations of each level per step. The step log and the job summary list every finding.',
    )
  })

  test('nested checkout paths are relative to its repository', async () => {
    fs.mkdirSync(path.join(workspace, 'sub', '.git'), { recursive: true })
    const report = sampleReport()
    report.rules = [{ ...report.rules[0]!, path: 'sub/rules/encoded_powershell.yml' }]
    report.rules[0]!.tests = []
    report.diagnostics = []

    const { stdout } = await runWith(async () => report, workspace)

    expect(commands(stdout, 'error')[0]).toBe(
      "::error title=metadata/missing-id,file=rules/encoded_powershell.yml,line=1,col=1::Rule has no 'id'. Add a UUID.",
    )
  })

  test('missing summary variable skips the summary', async () => {
    delete process.env['GITHUB_STEP_SUMMARY']

    const { stdout } = await runWith(async () => sampleReport(), workspace)

    expect(stdout).toContain(
      '::debug::No job summary written because GITHUB_STEP_SUMMARY is not set.',
    )
    expect(commands(stdout, 'warning').every((line) => line.includes('title='))).toBe(true)
    expect(fs.readFileSync(summaryFile, 'utf8')).toBe('')
  })
})
