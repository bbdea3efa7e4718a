import { copyFile, mkdir, mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { SaxesParser } from 'saxes'
import { beforeEach, describe, expect, test } from 'vitest'
import { run } from '../src/engine.js'
import { formatJunitReport } from '../src/report/junit-report.js'
import type { Report, RuleReport } from '../src/report/report.js'
import { formatTextReport } from '../src/report/text-report.js'
import { hasShared, sharedRoot } from './helpers.js'

const RULE = `title: Shell under the IIS worker
id: 0b6b8c1e-1111-4222-8333-944455556666
status: stable
description: A shell started by w3wp.exe.
author: sigma-gate tests
date: 2026-04-24
logsource:
    product: windows
    category: process_creation
detection:
    selection:
        ParentImage|endswith: '\\w3wp.exe'
        Image|endswith:
            - '\\cmd.exe'
            - '\\powershell.exe'
    filter_system:
        User|contains: 'SYSTEM'
    condition: selection and not filter_system
level: high
`

const SHELL = `{ EventID: 1, Image: 'C:\\Windows\\System32\\cmd.exe', ParentImage: 'C:\\Windows\\System32\\inetsrv\\w3wp.exe', User: 'IIS APPPOOL\\site' }`

const FIXTURES = `tp:
  - name: cmd under w3wp
    event: ${SHELL}
  - name: from event XML
    file: events/tp.xml
fp:
  - name: SYSTEM is filtered
    event: { EventID: 1, Image: 'C:\\Windows\\System32\\cmd.exe', ParentImage: 'C:\\Windows\\System32\\inetsrv\\w3wp.exe', User: 'NT AUTHORITY\\SYSTEM' }
cases:
  - name: explorer parent, wrong on purpose
    expect: match
    event: { EventID: 1, Image: 'C:\\Windows\\System32\\cmd.exe', ParentImage: 'C:\\Windows\\explorer.exe', User: 'EXAMPLE\\alice' }
`

const TP_XML = `<Events><Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System><Provider Name="Microsoft-Windows-Sysmon"/><EventID>1</EventID></System><EventData><Data Name="Image">C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe</Data><Data Name="ParentImage">C:\\Windows\\System32\\inetsrv\\w3wp.exe</Data><Data Name="User">IIS APPPOOL\\site</Data></EventData></Event></Events>`

let root: string

beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'engine-run-'))
  await mkdir(path.join(root, 'rules', 'events'), { recursive: true })
  await writeFile(path.join(root, 'rules', 'a.yml'), RULE)
  await writeFile(path.join(root, 'rules', 'a.fixtures.yml'), FIXTURES)
  await writeFile(path.join(root, 'rules', 'events', 'tp.xml'), TP_XML)
})

function ruleAt(report: Report, file: string): RuleReport {
  const rule = report.rules.find((item) => item.path === file)
  if (rule === undefined) throw new Error(`no report for ${file}`)
  return rule
}

async function runTests(): Promise<Report> {
  return run({ verb: 'test', paths: ['rules'], cwd: root })
}

describe('fixture runs', () => {
  test('tp, fp and cases with their verdicts', async () => {
    const report = await runTests()
    const rule = ruleAt(report, 'rules/a.yml')
    expect(rule.tests.map((t) => [t.name, t.fixture, t.expected, t.native, t.spl, t.passed])).toEqual([
      ['explorer parent, wrong on purpose', 'rules/a.fixtures.yml', 'match', 0, 0, false],
      ['cmd under w3wp', 'rules/a.fixtures.yml', 'all', 1, 1, true],
      ['from event XML', 'rules/events/tp.xml', 'all', 1, 1, true],
      ['SYSTEM is filtered', 'rules/a.fixtures.yml', 'no-match', 0, 0, true],
    ])
  })

  test('failing case explains selection and field', async () => {
    const report = await runTests()
    const failing = ruleAt(report, 'rules/a.yml').tests[0]
    expect(failing?.explanation).toEqual({
      index: 0,
      line: 12,
      matched: false,
      selections: [
        {
          name: 'logsource',
          role: 'logsource',
          matched: true,
          fields: [{ field: 'EventID', key: 'EventID', expected: ['1'], actual: 1, matched: true, decidedBy: "equals '1'", line: 0 }],
        },
        {
          name: 'selection',
          role: 'selection',
          matched: false,
          fields: [
            { field: 'ParentImage', key: 'ParentImage|endswith', expected: ['\\w3wp.exe'], actual: 'C:\\Windows\\explorer.exe', matched: false, decidedBy: "endswith: no value matched", line: 12 },
            { field: 'Image', key: 'Image|endswith', expected: ['\\cmd.exe', '\\powershell.exe'], actual: 'C:\\Windows\\System32\\cmd.exe', matched: true, decidedBy: "endswith '\\cmd.exe'", line: 13 },
          ],
        },
        {
          name: 'filter_system',
          role: 'filter',
          matched: false,
          fields: [{ field: 'User', key: 'User|contains', expected: ['SYSTEM'], actual: 'EXAMPLE\\alice', matched: false, decidedBy: 'contains: no value matched', line: 17 }],
        },
      ],
      excludedBy: [],
    })
  })

  test('text report prints the explanation', async () => {
    const text = formatTextReport(await runTests())
    expect(text).toContain(
      [
        "  test 'explorer parent, wrong on purpose' failed on rules/a.fixtures.yml:10: expected match, native 0, spl 0. Expected match, but 0 of 1 events matched.",
        '    event 1 (line 12) did not match',
        '      logsource (the Sysmon event id test) matched',
        "        EventID: rule '1', event '1': equals '1'",
        "      selection 'selection' did not match",
        "        ParentImage|endswith: rule '\\w3wp.exe', event 'C:\\Windows\\explorer.exe': endswith: no value matched (rule line 12)",
        "        Image|endswith: rule '\\cmd.exe', '\\powershell.exe', event 'C:\\Windows\\System32\\cmd.exe': endswith '\\cmd.exe' (rule line 13)",
        "      filter 'filter_system' did not match",
        "        User|contains: rule 'SYSTEM', event 'EXAMPLE\\alice': contains: no value matched (rule line 17)",
      ].join('\n'),
    )
  })

  test('junit report is well-formed XML with the failure', async () => {
    const xml = formatJunitReport(await runTests())
    const parser = new SaxesParser()
    const failures: string[] = []
    parser.on('opentag', (tag) => {
      if (tag.name === 'failure') failures.push(String(tag.attributes['message']))
    })
    parser.write(xml).close()
    expect(failures).toEqual(['expected match, native 0, spl 0. Expected match, but 0 of 1 events matched.'])
    expect(xml).toContain('<testsuite name="rules/a.yml \'Shell under the IIS worker\'" tests="4" failures="1" errors="0" file="rules/a.yml">')
    expect(xml).toContain('<testcase name="from event XML (rules/events/tp.xml)" classname="rules/a.yml" file="rules/a.fixtures.yml" line="4"/>')
  })
})

describe('fixture mistakes', () => {
  const cases: Array<[string, string, string, unknown[]]> = [
    ['bad YAML', 'cases:\n  - name: x\n    expect: match\n    event: { EventID: 1\n', 'events.ndjson', ['fixture/yaml', 'rules/b.fixtures.yml', 5, 1]],
    ['unknown key', 'cases:\n  - name: x\n    expect: match\n    evnt: { EventID: 1 }\n', 'events.ndjson', ['fixture/unknown-key', 'rules/b.fixtures.yml', 4, 5]],
    ['missing event file', 'cases:\n  - name: x\n    expect: match\n    file: events/nope.ndjson\n', 'events.ndjson', ['fixture/missing-file', 'rules/b.fixtures.yml', 4, 11]],
    ['path outside the repository', 'cases:\n  - name: x\n    expect: match\n    file: ../../outside.ndjson\n', 'events.ndjson', ['fixture/outside-root', 'rules/b.fixtures.yml', 4, 11]],
    ['wrong type', 'cases:\n  - name: x\n    expect: match\n    events: { EventID: 1 }\n', 'events.ndjson', ['fixture/schema', 'rules/b.fixtures.yml', 4, 13]],
    ['expect in a tp entry', 'tp:\n  - name: x\n    expect: match\n    event: { EventID: 1 }\n', 'events.ndjson', ['fixture/unknown-key', 'rules/b.fixtures.yml', 3, 5]],
    ['no case list', 'description: nothing to run\n', 'events.ndjson', ['fixture/schema', 'rules/b.fixtures.yml', 1, 1]],
    ['broken event file', 'cases:\n  - name: x\n    expect: no-match\n    file: events/b.ndjson\n', 'b.ndjson', ['fixture/invalid-json', 'rules/events/b.ndjson', 2, 15]],
  ]

  for (const [name, fixture, eventName, expected] of cases) {
    test(name, async () => {
      await writeFile(path.join(root, 'rules', 'b.yml'), RULE.replace('0b6b8c1e-1111', '0b6b8c1e-2222'))
      await writeFile(path.join(root, 'rules', 'b.fixtures.yml'), fixture)
      await writeFile(path.join(root, 'rules', 'events', eventName), '{"EventID": 1}\n{"EventID": 1,}\n')
      const report = await runTests()

      const found = ruleAt(report, 'rules/b.yml').diagnostics.filter((d) => /^(fixture|regression)\//.test(d.check))
      expect(found.map((d) => [d.check, d.file, d.line, d.column])).toEqual([expected])
      const good = ruleAt(report, 'rules/a.yml').tests
      expect(good.filter((t) => t.passed)).toHaveLength(3)
    })
  }
})

describe('baseline sweep and fixture policy', () => {
  test('a hit on benign events fails at the title line unless allowed', async () => {
    await mkdir(path.join(root, 'benign'))
    await writeFile(path.join(root, 'benign', 'day.ndjson'), `{"EventID": 1, "Image": "C:\\\\x.exe"}\n${JSON.stringify({ EventID: 1, Image: 'C:\\Windows\\System32\\cmd.exe', ParentImage: 'C:\\Windows\\System32\\inetsrv\\w3wp.exe', User: 'IIS APPPOOL\\health' })}\n`)
    await writeFile(path.join(root, '.sigma-gate.yml'), 'baseline-events: benign\n')
    const hit = ruleAt(await runTests(), 'rules/a.yml').diagnostics.filter((d) => d.check === 'fixture/baseline-hit')
    expect(hit.map((d) => [d.line, d.column, d.severity])).toEqual([[1, 8, 'error']])
    expect(hit[0]?.message).toBe(
      "The rule matches benign event 2 (line 2) of baseline file 'benign/day.ndjson'. Event 2 (line 2) matched. Selection 'selection' matched: ParentImage|endswith: rule '\\w3wp.exe', event 'C:\\Windows\\System32\\inetsrv\\w3wp.exe': endswith '\\w3wp.exe' (rule line 12); Image|endswith: rule '\\cmd.exe', '\\powershell.exe', event 'C:\\Windows\\System32\\cmd.exe': endswith '\\cmd.exe' (rule line 13). No filter excluded it ('filter_system' did not match). Narrow the rule, or accept the hit in .sigma-gate.yml under 'baseline-allow' with the rule id, a field, a pattern of its value and the reason.",
    )

    await writeFile(path.join(root, '.sigma-gate.yml'), "baseline-events: benign\nbaseline-allow:\n  - rule: 0B6B8C1E-1111-4222-8333-944455556666\n    field: User\n    pattern: '*\\health'\n    reason: the health probe runs a shell\n")
    const allowed = ruleAt(await runTests(), 'rules/a.yml').diagnostics.filter((d) => d.check === 'fixture/baseline-hit')
    expect(allowed).toEqual([])
  })

  test('policy requires tp and fp per status', async () => {
    await writeFile(path.join(root, '.sigma-gate.yml'), 'fixture-policy:\n  all: { tp: 1 }\n  stable: { tp: 1, fp: 2 }\n')
    const missing = ruleAt(await runTests(), 'rules/a.yml').diagnostics.filter((d) => d.check === 'fixture/missing-tests')
    expect(missing.map((d) => [d.line, d.column, d.message])).toEqual([
      [1, 8, "The fixture policy for status 'stable' needs at least 2 false-positive (found 1) fixture tests. Add cases to the rule's .fixtures.yml: 'tp:' entries with events the rule must match and 'fp:' entries with benign look-alikes it must not."],
    ])
  })
})

describe.skipIf(!hasShared)('SigmaHQ regression data from both files', () => {
  test('a case runs from its .json and its .evtx', async () => {
    const data = 'regression_data/rules/windows/file/file_event/file_event_win_creation_system_file'
    const corpus = path.join(sharedRoot, 'corpus/sigmahq')
    await mkdir(path.join(root, data), { recursive: true })
    for (const name of ['info.yml', 'd5866ddf-ce8f-4aea-b28e-d96485a20d3d.json', 'd5866ddf-ce8f-4aea-b28e-d96485a20d3d.evtx']) {
      await copyFile(path.join(corpus, data, name), path.join(root, data, name))
    }
    await copyFile(path.join(corpus, 'rules/windows/file/file_event/file_event_win_creation_system_file.yml'), path.join(root, 'rules', 'c.yml'))
    const report = await run({ verb: 'test', paths: ['.'], cwd: root })
    const tests = ruleAt(report, 'rules/c.yml').tests
    expect(tests.map((t) => [t.name, t.fixture, t.expected, t.native, t.spl, t.passed])).toEqual([
      ['Positive Detection Test', `${data}/d5866ddf-ce8f-4aea-b28e-d96485a20d3d.json`, 'at-least 1', 1, 1, true],
      ['Positive Detection Test', `${data}/d5866ddf-ce8f-4aea-b28e-d96485a20d3d.evtx`, 'at-least 1', 1, 1, true],
    ])
  })
})
