import { existsSync } from 'node:fs'
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { globSync } from 'tinyglobby'
import { beforeEach, describe, expect, test } from 'vitest'
import type { Span } from '../src/diagnostic.js'
import { parseYamlSource } from '../src/regress/fixture-yaml.js'
import { loadRegressionCases } from '../src/regress/regression-cases.js'

const testDirectory = path.dirname(fileURLToPath(import.meta.url))
const corpus = path.resolve(testDirectory, '../../shared/corpus/sigmahq')
const pathSpan: Span = { line: 30, column: 24, endLine: 30, endColumn: 80 }
const dataPath = 'regression_data/rules/windows/proc/proc_test'

let repo: string
let rule: string

beforeEach(async () => {
  repo = await mkdtemp(path.join(tmpdir(), 'regression-'))
  rule = path.join(repo, 'rules', 'windows', 'proc', 'proc_test.yml')
  await mkdir(path.dirname(rule), { recursive: true })
  await mkdir(path.join(repo, dataPath), { recursive: true })
  await writeFile(rule, 'title: test\n')
})

async function writeInfo(entries: string): Promise<string> {
  const info = path.join(repo, dataPath, 'info.yml')
  await writeFile(info, `id: 1\nregression_tests_info:\n${entries}`)
  return info
}

async function writeEvents(base: string, withEvtx = true): Promise<void> {
  const record =
    '{\n  "Event": {\n    "System": { "EventID": 1 },\n    "EventData": { "Image": "a.exe" }\n  }\n}\n'
  await writeFile(path.join(repo, dataPath, `${base}.json`), record + record)
  if (withEvtx)
    await writeFile(path.join(repo, dataPath, `${base}.evtx`), 'ElfFile\0')
}

describe('loadRegressionCases', () => {
  test('builds cases from info.yml', async () => {
    const info = await writeInfo(`    - name: Positive Detection Test
      type: evtx
      provider: Microsoft-Windows-Sysmon
      match_count: 2
      path: ${dataPath}/first.evtx
    - name: Second
      type: evtx
      path: ${dataPath}/second.evtx
`)
    await writeEvents('first')
    await writeEvents('second', false)

    const { cases, diagnostics } = await loadRegressionCases(
      rule,
      `${dataPath}/info.yml`,
      pathSpan,
      { root: repo },
    )
    expect(diagnostics).toEqual([])
    const event = { EventID: 1, Image: 'a.exe' }
    expect(cases).toEqual([
      {
        name: 'Positive Detection Test',
        expect: { kind: 'at-least', count: 2 },
        events: [
          { event, index: 0, line: 1 },
          { event, index: 1, line: 7 },
        ],
        eventFile: path.join(repo, dataPath, 'first.json'),
        fixture: path.join(repo, dataPath, 'first.json'),
        span: { line: 3, column: 7, endLine: 8, endColumn: 1 },
        file: info,
        evtx: path.join(repo, dataPath, 'first.evtx'),
      },
      {
        name: 'Second',
        expect: { kind: 'at-least', count: 1 },
        events: [
          { event, index: 0, line: 1 },
          { event, index: 1, line: 7 },
        ],
        eventFile: path.join(repo, dataPath, 'second.json'),
        fixture: path.join(repo, dataPath, 'second.json'),
        span: { line: 8, column: 7, endLine: 11, endColumn: 1 },
        file: info,
      },
    ])
  })

  test('folder path finds info.yml', async () => {
    await writeInfo(
      `    - name: t\n      type: evtx\n      path: ${dataPath}/first.evtx\n`,
    )
    await writeEvents('first')
    const { cases, diagnostics } = await loadRegressionCases(
      rule,
      `${dataPath}/`,
      pathSpan,
      { root: repo },
    )
    expect(diagnostics).toEqual([])
    expect(cases.map((item) => item.name)).toEqual(['t'])
  })

  test('missing folder, info.yml and json', async () => {
    const missingFolder = await loadRegressionCases(
      rule,
      'regression_data/nothing/info.yml',
      pathSpan,
      { root: repo },
    )
    expect(missingFolder.diagnostics).toEqual([
      {
        check: 'regression/missing-file',
        severity: 'warning',
        message: `Regression data 'regression_data/nothing/info.yml' was not found in the rule's folder or any parent folder inside '${repo}'. Add the regression data or fix regression_tests_path.`,
        ...pathSpan,
      },
    ])

    const missingInfo = await loadRegressionCases(rule, dataPath, pathSpan, {
      root: repo,
    })
    expect(missingInfo.diagnostics).toEqual([
      {
        check: 'regression/missing-file',
        severity: 'warning',
        message: `Regression info file '${path.join(repo, dataPath, 'info.yml')}' was not found. Add it next to the regression events or fix regression_tests_path.`,
        ...pathSpan,
      },
    ])

    await writeInfo(
      `    - name: t\n      type: evtx\n      path: ${dataPath}/gone.evtx\n`,
    )
    const missingJson = await loadRegressionCases(rule, dataPath, pathSpan, {
      root: repo,
    })
    expect(missingJson.cases).toEqual([])
    expect(missingJson.diagnostics).toEqual([
      {
        check: 'regression/missing-file',
        severity: 'warning',
        message: `Regression events for '${dataPath}/gone.evtx' were not found: there is no evtx_dump JSON file 'gone.json' next to it. Export the .evtx file with evtx_dump to that name.`,
        ...pathSpan,
      },
    ])
  })

  test('never looks above the root', async () => {
    const rulesOnly = path.join(repo, 'rules')
    const { cases, diagnostics } = await loadRegressionCases(
      rule,
      dataPath,
      pathSpan,
      { root: rulesOnly },
    )
    expect(cases).toEqual([])
    expect(
      diagnostics.map((diagnostic) => [
        diagnostic.check,
        diagnostic.line,
        diagnostic.file,
      ]),
    ).toEqual([['regression/missing-file', 30, undefined]])
  })

  test('paths that leave the root', async () => {
    const parent = await loadRegressionCases(
      rule,
      '../../../../etc',
      pathSpan,
      { root: repo },
    )
    expect(
      parent.diagnostics.map((diagnostic) => [
        diagnostic.check,
        diagnostic.severity,
        diagnostic.line,
      ]),
    ).toEqual([['regression/outside-root', 'warning', 30]])

    const absolute = await loadRegressionCases(
      rule,
      '/etc/hostname',
      pathSpan,
      { root: repo },
    )
    expect(absolute.diagnostics.map((diagnostic) => diagnostic.check)).toEqual([
      'regression/outside-root',
    ])

    const info = await writeInfo(
      '    - name: t\n      type: evtx\n      path: ../outside.evtx\n',
    )
    const entry = await loadRegressionCases(rule, dataPath, pathSpan, {
      root: repo,
    })
    expect(
      entry.diagnostics.map((diagnostic) => [
        diagnostic.check,
        diagnostic.file,
        diagnostic.line,
        diagnostic.column,
      ]),
    ).toEqual([['regression/outside-root', info, 5, 13]])
  })

  test('unsupported and malformed entries', async () => {
    const info = await writeInfo(`    - name: raw log
      type: raw
      path: ${dataPath}/a.raw
    - name: no path
      type: evtx
    - name: bad count
      type: evtx
      match_count: many
      path: ${dataPath}/first.evtx
    - name: good
      type: evtx
      path: ${dataPath}/first.evtx
`)
    await writeEvents('first')
    const { cases, diagnostics } = await loadRegressionCases(
      rule,
      dataPath,
      pathSpan,
      { root: repo },
    )
    expect(cases.map((item) => item.name)).toEqual(['good'])
    expect(
      diagnostics.map((diagnostic) => [
        diagnostic.check,
        diagnostic.file,
        diagnostic.line,
        diagnostic.message,
      ]),
    ).toEqual([
      [
        'regression/unsupported-type',
        info,
        3,
        "Regression test 1 has type 'raw', which cannot be run; only evtx tests are. The test is skipped.",
      ],
      [
        'regression/invalid-info',
        info,
        6,
        "Regression test 2 has no 'path'. Add the .evtx path relative to the rules repository's root.",
      ],
      [
        'regression/invalid-info',
        info,
        8,
        "Regression test 3 has match_count 'many', which is not a whole number. Give the number of events the rule matches.",
      ],
    ])
  })

  test('info.yml without tests and broken YAML', async () => {
    const info = path.join(repo, dataPath, 'info.yml')
    await writeFile(info, 'id: 1\n# regression_tests_info:\n')
    const noTests = await loadRegressionCases(rule, dataPath, pathSpan, {
      root: repo,
    })
    expect(
      noTests.diagnostics.map((diagnostic) => [
        diagnostic.check,
        diagnostic.file,
        diagnostic.line,
      ]),
    ).toEqual([['regression/no-tests', info, 1]])

    await writeFile(info, 'regression_tests_info:\n  - name: [unclosed\n')
    const broken = await loadRegressionCases(rule, dataPath, pathSpan, {
      root: repo,
    })
    expect(
      broken.diagnostics.map((diagnostic) => [
        diagnostic.check,
        diagnostic.file,
      ]),
    ).toEqual([['regression/yaml', info]])
  })
})

describe.skipIf(!existsSync(corpus))('SigmaHQ corpus regression data', () => {
  async function loadCorpus(): Promise<{
    rules: number
    cases: number
    events: number
    evtx: number
    missing: string[]
    other: string[]
  }> {
    const files = globSync(
      ['rules*/**/*.yml', 'deprecated/**/*.yml', 'unsupported/**/*.yml'],
      {
        cwd: corpus,
        absolute: true,
      },
    )
    const totals = {
      rules: 0,
      cases: 0,
      events: 0,
      evtx: 0,
      missing: [] as string[],
      other: [] as string[],
    }
    for (const file of files) {
      const source = parseYamlSource(
        await readFile(file, 'utf8'),
        file,
        'rule/yaml',
      )
      const value = source.value as Record<string, unknown> | undefined
      const regressionPath = value?.['regression_tests_path']
      if (typeof regressionPath !== 'string') continue

      totals.rules++
      const span = source.spanOf(['regression_tests_path'])
      const result = await loadRegressionCases(file, regressionPath, span, {
        root: corpus,
      })
      totals.cases += result.cases.length
      totals.events += result.cases.reduce(
        (sum, item) => sum + item.events.length,
        0,
      )
      totals.evtx += result.cases.filter(
        (item) => item.evtx !== undefined && existsSync(item.evtx),
      ).length
      for (const diagnostic of result.diagnostics) {
        const list =
          diagnostic.check === 'regression/missing-file'
            ? totals.missing
            : totals.other
        list.push(`${path.relative(corpus, file)}:${diagnostic.line}`)
      }
    }
    return totals
  }

  test('counts of rules, cases and missing data', async () => {
    const totals = await loadCorpus()
    expect(totals.rules).toBe(193)
    expect(totals.cases).toBe(155)
    expect(totals.events).toBe(181)
    expect(totals.evtx).toBe(155)
    expect(totals.missing).toHaveLength(38)
    expect(totals.missing).toContain(
      'rules/windows/file/file_event/file_event_win_anydesk_artefact.yml:28',
    )
    expect(totals.other).toEqual([])
  })

  test('one corpus case in full', async () => {
    const file = path.join(
      corpus,
      'rules/windows/file/file_event/file_event_win_creation_system_file.yml',
    )
    const source = parseYamlSource(
      await readFile(file, 'utf8'),
      file,
      'rule/yaml',
    )
    const regressionPath =
      (source.value as Record<string, string>)['regression_tests_path'] ?? ''
    const span = source.spanOf(['regression_tests_path'])
    const { cases, diagnostics } = await loadRegressionCases(
      file,
      regressionPath,
      span,
      { root: corpus },
    )

    const folder = path.join(
      corpus,
      'regression_data/rules/windows/file/file_event/file_event_win_creation_system_file',
    )
    expect(diagnostics).toEqual([])
    expect(cases).toHaveLength(1)
    expect(cases[0]).toMatchObject({
      name: 'Positive Detection Test',
      expect: { kind: 'at-least', count: 1 },
      fixture: path.join(folder, 'd5866ddf-ce8f-4aea-b28e-d96485a20d3d.json'),
      file: path.join(folder, 'info.yml'),
      evtx: path.join(folder, 'd5866ddf-ce8f-4aea-b28e-d96485a20d3d.evtx'),
      span: { line: 9, column: 7 },
    })
    expect(
      cases[0]?.events.map((loaded) => loaded.event['TargetFilename']),
    ).toEqual(['C:\\bitsadmin.exe'])
  })
})
