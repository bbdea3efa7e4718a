import { mkdir, mkdtemp, readFile, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { beforeEach, describe, expect, test } from 'vitest'
import type { Diagnostic } from '../src/diagnostic.js'
import type { Expectation } from '../src/regress/fixture-file.js'
import {
  describeExpectation,
  expectationMet,
  fixturePathFor,
  loadFixtureFile,
} from '../src/regress/fixture-file.js'

const testDirectory = path.dirname(fileURLToPath(import.meta.url))
let root: string
let fixture: string

beforeEach(async () => {
  const base = await mkdtemp(path.join(tmpdir(), 'fixture-file-'))
  root = path.join(base, 'rules')
  await mkdir(path.join(root, 'events'), { recursive: true })
  await writeFile(
    path.join(root, 'events', 'two.ndjson'),
    '{"EventID": 1}\n{"EventID": 2}\n',
  )
  await writeFile(path.join(base, 'outside.json'), '{"EventID": 1}')
  fixture = path.join(root, 'proc_creation_test.fixtures.yml')
})

async function load(text: string): ReturnType<typeof loadFixtureFile> {
  await writeFile(fixture, text)
  return loadFixtureFile(fixture, { root })
}

/** Keep the fields that a CI log shows. */
function brief(diagnostic: Diagnostic): unknown[] {
  return [
    diagnostic.check,
    diagnostic.severity,
    diagnostic.line,
    diagnostic.column,
    diagnostic.message,
  ]
}

describe('loadFixtureFile valid cases', () => {
  test('inline event, file and list', async () => {
    const { cases, diagnostics } = await load(`cases:
  - name: cmd.exe spawned by w3wp.exe
    expect: match
    event: { EventID: 1, Image: 'C:\\Windows\\System32\\cmd.exe', LogonId: 0x3e7 }
  - name: from a file
    expect: { at-least: 2 }
    file: events/two.ndjson
  - name: benign parents
    expect: no-match
    events:
      - { EventID: 1, ParentImage: explorer.exe }
      - EventID: 1
        ParentImage: services.exe
`)
    expect(diagnostics).toEqual([])
    expect(cases).toEqual([
      {
        name: 'cmd.exe spawned by w3wp.exe',
        expect: { kind: 'match' },
        events: [
          {
            event: {
              EventID: 1,
              Image: 'C:\\Windows\\System32\\cmd.exe',
              LogonId: '0x3e7',
            },
            index: 0,
            line: 4,
          },
        ],
        fixture,
        span: { line: 2, column: 5, endLine: 5, endColumn: 1 },
        file: fixture,
      },
      {
        name: 'from a file',
        expect: { kind: 'at-least', count: 2 },
        events: [
          { event: { EventID: 1 }, index: 0, line: 1 },
          { event: { EventID: 2 }, index: 1, line: 2 },
        ],
        eventFile: path.join(root, 'events', 'two.ndjson'),
        fixture: path.join(root, 'events', 'two.ndjson'),
        span: { line: 5, column: 5, endLine: 8, endColumn: 1 },
        file: fixture,
      },
      {
        name: 'benign parents',
        expect: { kind: 'no-match' },
        events: [
          {
            event: { EventID: 1, ParentImage: 'explorer.exe' },
            index: 0,
            line: 11,
          },
          {
            event: { EventID: 1, ParentImage: 'services.exe' },
            index: 1,
            line: 12,
          },
        ],
        fixture,
        span: { line: 8, column: 5, endLine: 14, endColumn: 1 },
        file: fixture,
      },
    ])
  })

  test('merge keys share a base event', async () => {
    const { cases, diagnostics } = await load(`cases:
  - name: base
    expect: match
    event: &base { EventID: 1, Image: a.exe }
  - name: override
    expect: { exactly: 1 }
    event:
      <<: *base
      Image: b.exe
`)
    expect(diagnostics).toEqual([])
    expect(cases.map((item) => item.events[0]?.event)).toEqual([
      { EventID: 1, Image: 'a.exe' },
      { EventID: 1, Image: 'b.exe' },
    ])
  })

  test('evtx_dump record inline is flattened', async () => {
    const { cases } = await load(`cases:
  - name: raw record
    expect: match
    event:
      Event:
        System: { EventID: 1, Provider: { '#attributes': { Name: Microsoft-Windows-Sysmon } } }
        EventData: { Image: a.exe }
`)
    expect(cases[0]?.events[0]?.event).toEqual({
      EventID: 1,
      Provider_Name: 'Microsoft-Windows-Sysmon',
      Image: 'a.exe',
    })
  })
})

describe('loadFixtureFile errors', () => {
  test('bad YAML', async () => {
    const { cases, diagnostics } = await load(`cases:
  - name: one
    expect: match
    event: { EventID: 1
  - name: two
`)
    expect(cases).toEqual([])
    expect(diagnostics.map(brief)).toEqual([
      [
        'fixture/yaml',
        'error',
        5,
        3,
        'Invalid YAML: Flow map in block collection must be sufficiently indented and end with a }. Fix the syntax at this position.',
      ],
    ])
    expect(diagnostics[0]?.file).toBe(fixture)
  })

  test('nested mapping on one line', async () => {
    const { diagnostics } = await load(`cases:
  - name: one
    expect: match
    event: EventID: 1
`)
    expect(diagnostics.map(brief)).toEqual([
      [
        'fixture/yaml',
        'error',
        4,
        12,
        'Invalid YAML: Nested mappings are not allowed in compact mappings. Fix the syntax at this position.',
      ],
    ])
  })

  test('duplicate key is a YAML error', async () => {
    const { diagnostics } = await load(`cases:
  - name: one
    name: two
    expect: match
    event: {}
`)
    expect(diagnostics.map(brief)).toEqual([
      [
        'fixture/yaml',
        'error',
        3,
        5,
        'Invalid YAML: Map keys must be unique. Fix the syntax at this position.',
      ],
    ])
  })

  test('unknown keys suggest the closest key', async () => {
    const { cases, diagnostics } =
      await load(`descripton: process creation cases
cases:
  - name: typo
    expect: match
    evnt: { EventID: 1 }
  - name: fine
    expect: match
    event: { EventID: 1 }
    severity: high
`)
    expect(cases).toEqual([])
    expect(diagnostics.map(brief)).toEqual([
      [
        'fixture/unknown-key',
        'error',
        1,
        1,
        "Unknown key 'descripton' at the top level. Did you mean 'description'?",
      ],
      [
        'fixture/unknown-key',
        'error',
        5,
        5,
        "Unknown key 'evnt' in case 1 ('typo'). Did you mean 'event'?",
      ],
      [
        'fixture/unknown-key',
        'error',
        9,
        5,
        "Unknown key 'severity' in case 2 ('fine'). Remove it or use one of: name, description, expect, rule, event, events, file.",
      ],
    ])
  })

  test('wrong types', async () => {
    const { cases, diagnostics } = await load(`cases:
  - name: 123
    expect: match
    event: { EventID: 1 }
  - name: list
    expect: match
    events: { EventID: 1 }
  - name: item
    expect: match
    events:
      - EventID: 1
      - not an event
  - just a string
  - name: good
    expect: match
    event: { EventID: 1 }
`)
    expect(cases.map((item) => item.name)).toEqual(['good'])
    expect(diagnostics.map(brief)).toEqual([
      [
        'fixture/schema',
        'error',
        2,
        11,
        "'name' in case 1 must be a string, not a number '123'. Put the value in quotes.",
      ],
      [
        'fixture/schema',
        'error',
        7,
        13,
        "'events' in case 2 ('list') must be a list, not a map '{\"EventID\":1}'.",
      ],
      [
        'fixture/schema',
        'error',
        12,
        9,
        "Event 2 of 'events' in case 3 ('item') must be a map, not a string 'not an event'.",
      ],
      [
        'fixture/schema',
        'error',
        13,
        5,
        "Case 4 must be a map, not a string 'just a string'.",
      ],
    ])
  })

  test('top level not a map and empty files', async () => {
    const list = await load('- name: one\n- name: two\n')
    expect(list.diagnostics.map(brief)).toEqual([
      [
        'fixture/schema',
        'error',
        1,
        1,
        'The fixture file must be a map, not a list \'[{"name":"one"},{"name":"two"}]\'. Start the file with \'cases:\' and list the cases below it.',
      ],
    ])

    const empty = await load('')
    expect(empty.diagnostics.map(brief)).toEqual([
      [
        'fixture/schema',
        'error',
        1,
        1,
        "The fixture file is empty. Add 'cases:' with at least one case.",
      ],
    ])

    const noCases = await load('cases: []\n')
    expect(noCases.diagnostics.map(brief)).toEqual([
      [
        'fixture/schema',
        'error',
        1,
        8,
        "'cases' is empty. Add at least one case.",
      ],
    ])

    const missing = await load('description: nothing yet\n')
    expect(missing.diagnostics.map(brief)).toEqual([
      [
        'fixture/schema',
        'error',
        1,
        1,
        "The fixture file has no 'cases', 'tp' or 'fp' list. Add 'cases:' with at least one case, or 'tp:' and 'fp:' with events the rule must and must not match.",
      ],
    ])
  })

  test('missing keys and event sources', async () => {
    const { diagnostics } = await load(`cases:
  - expect: match
    event: {}
  - name: no expect
    event: {}
  - name: no events
    expect: match
  - name: two sources
    expect: match
    event: {}
    file: events/two.ndjson
  - name: nothing
    expect: match
    event:
`)
    expect(diagnostics.map(brief)).toEqual([
      [
        'fixture/schema',
        'error',
        2,
        5,
        "Case 1 has no 'name'. Add a short name that says what the case tests.",
      ],
      [
        'fixture/schema',
        'error',
        4,
        5,
        "Case 2 ('no expect') has no 'expect'. Use match, no-match, or one bound with a whole number such as { at-least: 1 }, { exactly: 2 } or { at-most: 3 }.",
      ],
      [
        'fixture/schema',
        'error',
        6,
        5,
        "Case 3 ('no events') has no events. Add 'event' (one event), 'events' (a list) or 'file' (an event file).",
      ],
      [
        'fixture/schema',
        'error',
        11,
        5,
        "Case 4 ('two sources') has both 'event' and 'file'. Keep one of them: each case reads its events from one place.",
      ],
      [
        'fixture/schema',
        'error',
        14,
        11,
        "'event' in case 5 ('nothing') has no value. Give it a map.",
      ],
    ])
  })

  test('invalid expectations', async () => {
    const { diagnostics } = await load(`cases:
  - name: a
    expect: matches
    event: {}
  - name: b
    expect: { at-leest: 1 }
    event: {}
  - name: c
    expect: { at-least: -1 }
    event: {}
  - name: d
    expect: { at-least: 1, at-most: 2 }
    event: {}
`)
    const hint =
      'Use match, no-match, or one bound with a whole number such as { at-least: 1 }, { exactly: 2 } or { at-most: 3 }.'
    expect(diagnostics.map(brief)).toEqual([
      [
        'fixture/schema',
        'error',
        3,
        13,
        `Invalid expectation 'matches' in case 1 ('a'). Did you mean 'match'? ${hint}`,
      ],
      [
        'fixture/unknown-key',
        'error',
        6,
        15,
        `Unknown expectation 'at-leest' in case 2 ('b'). Did you mean 'at-least'? ${hint}`,
      ],
      [
        'fixture/schema',
        'error',
        9,
        13,
        `Invalid expectation '{"at-least":-1}' in case 3 ('c'). ${hint}`,
      ],
      [
        'fixture/schema',
        'error',
        12,
        13,
        `Invalid expectation '{"at-least":1,"at-most":2}' in case 4 ('d'). ${hint}`,
      ],
    ])
  })

  test('missing event file', async () => {
    const { cases, diagnostics } = await load(`cases:
  - name: gone
    expect: match
    file: events/missing.json
  - name: folder
    expect: match
    file: events
`)
    expect(cases).toEqual([])
    expect(diagnostics.map(brief)).toEqual([
      [
        'fixture/missing-file',
        'error',
        4,
        11,
        `Event file 'events/missing.json' in case 1 was not found (looked for '${path.join(root, 'events', 'missing.json')}'). Give the path of an event file relative to the fixture file.`,
      ],
      [
        'fixture/missing-file',
        'error',
        7,
        11,
        `Event file 'events' in case 2 is a directory (looked for '${path.join(root, 'events')}'). Give the path of an event file relative to the fixture file.`,
      ],
    ])
    expect(diagnostics.map((diagnostic) => diagnostic.file)).toEqual([
      fixture,
      fixture,
    ])
  })

  test('paths that leave the root', async () => {
    await symlink(
      path.join(root, '..', 'outside.json'),
      path.join(root, 'events', 'link.json'),
    )
    const { cases, diagnostics } = await load(`cases:
  - name: parent
    expect: match
    file: ../outside.json
  - name: absolute
    expect: match
    file: /etc/hostname
  - name: symlink
    expect: match
    file: events/link.json
  - name: inside with dots
    expect: match
    file: events/../events/two.ndjson
`)
    expect(cases.map((item) => item.name)).toEqual(['inside with dots'])
    expect(diagnostics.map(brief)).toEqual([
      [
        'fixture/outside-root',
        'error',
        4,
        11,
        `Event file '../outside.json' in case 1 is outside the checked directory '${root}' because its '..' parts lead out of the checked directory. Put the file inside that directory and give its path relative to the fixture file.`,
      ],
      [
        'fixture/outside-root',
        'error',
        7,
        11,
        `Event file '/etc/hostname' in case 2 is outside the checked directory '${root}' because it is an absolute path. Put the file inside that directory and give its path relative to the fixture file.`,
      ],
      [
        'fixture/outside-root',
        'error',
        10,
        11,
        `Event file 'events/link.json' in case 3 is outside the checked directory '${root}' because it is a symbolic link to a place outside the checked directory. Put the file inside that directory and give its path relative to the fixture file.`,
      ],
    ])
  })

  test('broken event file reports on that file', async () => {
    const events = path.join(root, 'events', 'broken.ndjson')
    await writeFile(events, '{"EventID": 1}\n{"EventID": }\n')
    const { cases, diagnostics } = await load(`cases:
  - name: partly broken
    expect: match
    file: events/broken.ndjson
`)
    expect(cases[0]?.events).toEqual([
      { event: { EventID: 1 }, index: 0, line: 1 },
    ])
    expect(
      diagnostics.map((diagnostic) => [
        diagnostic.check,
        diagnostic.file,
        diagnostic.line,
        diagnostic.column,
      ]),
    ).toEqual([['fixture/invalid-json', events, 2, 13]])
  })

  test('duplicate case names warn', async () => {
    const { cases, diagnostics } = await load(`cases:
  - name: same
    expect: match
    event: {}
  - name: same
    expect: no-match
    event: {}
`)
    expect(cases).toHaveLength(2)
    expect(diagnostics.map(brief)).toEqual([
      [
        'fixture/duplicate-name',
        'warning',
        5,
        11,
        "Case name 'same' is used more than once. Give each case its own name so that reports tell them apart.",
      ],
    ])
  })

  test('unreadable fixture file', async () => {
    const missing = path.join(root, 'none.fixtures.yml')
    const { diagnostics } = await loadFixtureFile(missing, { root })
    expect(
      diagnostics.map((diagnostic) => [
        diagnostic.check,
        diagnostic.file,
        diagnostic.line,
      ]),
    ).toEqual([['fixture/missing-file', missing, 1]])
  })
})

describe('expectations', () => {
  const table: Array<[Expectation, string, number[], number[]]> = [
    [{ kind: 'match' }, 'match', [1, 5], [0]],
    [{ kind: 'no-match' }, 'no-match', [0], [1, 2]],
    [{ kind: 'at-least', count: 2 }, 'at-least 2', [2, 3], [0, 1]],
    [{ kind: 'exactly', count: 1 }, 'exactly 1', [1], [0, 2]],
    [{ kind: 'at-most', count: 1 }, 'at-most 1', [0, 1], [2]],
  ]

  test.each(table)('%o', (expectation, description, met, unmet) => {
    expect(describeExpectation(expectation)).toBe(description)
    for (const matches of met)
      expect(expectationMet(expectation, matches)).toBe(true)
    for (const matches of unmet)
      expect(expectationMet(expectation, matches)).toBe(false)
  })

  test('fixture path for a rule', () => {
    expect(fixturePathFor('/r/proc_creation_x.yml')).toBe(
      '/r/proc_creation_x.fixtures.yml',
    )
    expect(fixturePathFor('rules/a.yaml')).toBe('rules/a.fixtures.yml')
  })
})

describe('docs/fixtures.md examples', () => {
  test('every fixture example loads', async () => {
    const docs = await readFile(
      path.join(testDirectory, '..', 'docs', 'fixtures.md'),
      'utf8',
    )
    const blocks = [...docs.matchAll(/```yaml\n([\s\S]*?)```/g)]
      .map((match) => match[1] ?? '')
      .filter((block) => /^(description|cases):/m.test(block))
    await writeFile(
      path.join(root, 'events', 'tp-webshell.ndjson'),
      '{"EventID": 1}\n',
    )

    expect(blocks).toHaveLength(3)
    for (const block of blocks) {
      const { cases, diagnostics } = await load(block)
      expect(diagnostics).toEqual([])
      expect(cases.length).toBeGreaterThan(0)
    }
  })
})
