import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import fc from 'fast-check'
import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments, type Node, type Scalar, type YAMLMap } from 'yaml'
import { describe, expect, it } from 'vitest'
import { composePlainYaml, findTooDeepOffset } from '../src/sigma/compose-plain-yaml.js'
import { parseRuleFile } from '../src/sigma/load-rule-file.js'
import { hasShared, repoRoot, sharedRoot } from './helpers.js'

/** Parse with yaml's composer, with the options the rule reader used before the fast path. */
function composed(text: string): { documents: ReturnType<typeof parseAllDocuments>; lineCounter: LineCounter } {
  const lineCounter = new LineCounter()
  const documents = parseAllDocuments(text, { lineCounter, keepSourceTokens: false, prettyErrors: false, uniqueKeys: true })
  return { documents, lineCounter }
}

/** Describe the first difference between two node trees, or return undefined when they agree. */
function difference(fast: unknown, slow: unknown, where = '$'): string | undefined {
  const a = fast as Node
  const b = slow as Node
  if (a?.constructor !== b?.constructor) return `${where}: ${a?.constructor?.name} against ${b?.constructor?.name}`
  if (JSON.stringify(a.range) !== JSON.stringify(b.range)) return `${where}: range ${JSON.stringify(a.range)} against ${JSON.stringify(b.range)}`
  if (isScalar(a)) {
    const other = b as Scalar
    if (!Object.is(a.value, other.value)) return `${where}: value ${String(a.value)} against ${String(other.value)}`
    if (a.type !== other.type) return `${where}: type ${String(a.type)} against ${String(other.type)}`
    if (a.format !== other.format) return `${where}: format ${String(a.format)} against ${String(other.format)}`
    return undefined
  }
  if (isMap(a) && isMap(b)) {
    if (a.items.length !== b.items.length) return `${where}: ${a.items.length} pairs against ${b.items.length}`
    for (const [index, pair] of a.items.entries()) {
      const other = b.items[index]
      const found = difference(pair.key, other?.key, `${where}.key${index}`) ?? difference(pair.value, other?.value, `${where}.${String((pair.key as Scalar).value)}`)
      if (found) return found
    }
    return undefined
  }
  if (isSeq(a) && isSeq(b)) {
    if (a.items.length !== b.items.length) return `${where}: ${a.items.length} items against ${b.items.length}`
    for (const [index, item] of a.items.entries()) {
      const found = difference(item, b.items[index], `${where}[${index}]`)
      if (found) return found
    }
    return undefined
  }
  return `${where}: not a map, list or scalar`
}

/** Compare the fast path with the composer on one text; the fast path may only decline. */
function agreement(text: string): 'declined' | 'equal' | string {
  const lineCounter = new LineCounter()
  const fast = composePlainYaml(text, lineCounter)
  if (fast === undefined) return 'declined'
  const slow = composed(text)
  if (slow.documents.length !== 1) return `${slow.documents.length} documents`
  const [document] = slow.documents
  if (document?.errors.length) return `composer error: ${document.errors[0]?.message ?? ''}`
  if (JSON.stringify(lineCounter.lineStarts) !== JSON.stringify(slow.lineCounter.lineStarts)) return 'line starts differ'
  return difference(fast, document?.contents) ?? 'equal'
}

function yamlFiles(directory: string, found: string[] = []): string[] {
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const full = path.join(directory, entry.name)
    if (entry.isDirectory()) yamlFiles(full, found)
    else if (/\.ya?ml$/i.test(entry.name)) found.push(full)
  }
  return found
}

const RULE = `title: Whoami run # a comment
id: 1e5c1f3c-0d5b-4a5e-9a1e-3c1f0b2a4d5e
status: test
description: |
    Detects whoami.
    Second line.
tags:
    - attack.discovery
    - 'attack.t1033'
logsource:
    category: process_creation
    product: windows
detection:
    selection:
        Image|endswith: '\\whoami.exe'
        EventID: 4688
        Ratio: 0.5
        Enabled: true
        Nothing: null
        Quoted: "a\\tb"
    condition: selection
falsepositives:
    - Admin scripts
level: low
`

describe('composePlainYaml', () => {
  it('builds the nodes and ranges the composer builds', () => {
    const map = composePlainYaml(RULE, new LineCounter()) as YAMLMap

    expect(agreement(RULE)).toBe('equal')
    const detection = map.get('detection') as YAMLMap
    const selection = detection.get('selection') as YAMLMap
    expect(selection.get('Image|endswith')).toBe('\\whoami.exe')
    expect(selection.get('EventID')).toBe(4688)
    expect(selection.get('Ratio')).toBe(0.5)
    expect(selection.get('Enabled')).toBe(true)
    expect((selection.get('Nothing', true) as Scalar).value).toBe(null)
    expect(selection.get('Quoted')).toBe('a\tb')
    expect(map.get('description')).toBe('Detects whoami.\nSecond line.\n')
    const title = map.items[0]?.value as Scalar
    expect(title.range).toEqual([7, 17, 30])
  })

  it.each([
    ['a tab', 'title: a\tb\n'],
    ['an anchor', 'title: &name a\n'],
    ['an alias', 'title: a\nname: *a\n'],
    ['a flow list', 'tags: [a, b]\n'],
    ['two documents', 'title: a\n---\ntitle: b\n'],
    ['a duplicate key', 'title: a\ntitle: b\n'],
    ['an empty value', 'title:\nlevel: low\n'],
    ['an explicit key', '? title\n: a\n'],
    ['a tag', 'title: !!str a\n'],
    ['an unterminated quote', "title: 'a\n"],
    ['a comment touching a quote', "title: 'a'#c\n"],
    ['a list at the top', '- a\n- b\n'],
    ['a nested map on the key line', 'a: b: c\n'],
    ['a multi-line implicit key', '"a\n b": c\n'],
  ])('declines %s', (_, text) => {
    expect(composePlainYaml(text, new LineCounter())).toBeUndefined()
  })

  it('declines lists nested past 64 levels', () => {
    const text = `title: Deep\nx:\n  ${'- '.repeat(65)}v\n`

    expect(composePlainYaml(text, new LineCounter())).toBeUndefined()
    expect(composePlainYaml(`title: Deep\nx:\n  ${'- '.repeat(60)}v\n`, new LineCounter())).toBeDefined()
  })

  it('checks many keys for duplicates', () => {
    const keys = Array.from({ length: 3000 }, (_, index) => `    Field${index}: value${index}\n`).join('')
    const text = `title: Wide\ndetection:\n  selection:\n${keys}`

    expect(agreement(text)).toBe('equal')
    expect(agreement(`${text}    Field17: again\n`)).toBe('declined')
    expect(agreement(`${text}    Field2999: again\n`)).toBe('declined')
  })

  it('agrees with the composer on random edits of a rule', () => {
    const pieces = [' ', '  ', '\n', '\r\n', ':', ': ', '- ', '#', ' #c', "'", "''", '"', '\\', '|', '>', '|-', '[', ']', '{', '}', ',', '&', '*', '!', '?', '%', '@', '`', 'x', '1', '0x1F', '.5', '~', 'null', 'true', '    ', 'key: value\n', '    - item\n']
    const edit = fc.record({ at: fc.nat(), remove: fc.nat({ max: 4 }), insert: fc.array(fc.constantFrom(...pieces), { maxLength: 4 }) })
    // Count the edits the fast path took, so the test shows it is not only declining.
    let built = 0
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 3 }), (edits) => {
        let text = RULE
        for (const { at, remove, insert } of edits) {
          const position = at % (text.length + 1)
          text = text.slice(0, position) + insert.join('') + text.slice(position + remove)
        }
        const outcome = agreement(text)
        if (outcome === 'equal') built++
        expect(outcome === 'declined' || outcome === 'equal' ? 'agrees' : outcome).toBe('agrees')
      }),
      { numRuns: 3000 },
    )
    expect(built).toBeGreaterThan(500)
  })

  it("agrees with the composer on the repository's rules", () => {
    const outcomes = yamlFiles(path.join(repoRoot, 'rules')).filter((file) => !file.endsWith('.fixtures.yml')).map((file) => agreement(readFileSync(file, 'utf8')))

    expect(outcomes.filter((outcome) => outcome !== 'equal' && outcome !== 'declined')).toEqual([])
    expect(outcomes.filter((outcome) => outcome === 'equal').length).toBeGreaterThan(0)
  })

  it.skipIf(!hasShared)('agrees with the composer on every SigmaHQ rule file', () => {
    const corpus = path.join(sharedRoot, 'corpus', 'sigmahq')
    const files = ['rules', 'rules-threat-hunting', 'deprecated', 'unsupported'].flatMap((directory) => yamlFiles(path.join(corpus, directory)))
    const outcomes = files.map((file) => [path.relative(corpus, file), agreement(readFileSync(file, 'utf8'))] as const)

    expect(outcomes.filter(([, outcome]) => outcome !== 'equal' && outcome !== 'declined')).toEqual([])
    const declined = outcomes.filter(([, outcome]) => outcome === 'declined').map(([file]) => file)
    expect(declined).toHaveLength(7)
    expect(outcomes).toHaveLength(3540)
  }, 60_000)
})

describe('findTooDeepOffset', () => {
  it('finds the first collection past 1000 levels', () => {
    const text = `x:\n  ${'- '.repeat(1001)}v\n`

    expect(findTooDeepOffset(text)).toBe(3 + 2 + 2 * 999)
    expect(findTooDeepOffset(`x:\n  ${'- '.repeat(999)}v\n`)).toBeUndefined()
    expect(findTooDeepOffset(`x: ${'['.repeat(1200)}${']'.repeat(1200)}\n`)).toBe(3 + 999)
  })

  it('keeps positions in a long file the composer reads', () => {
    // Over 1000 characters, so the depth check parses it first, and a flow list sends it to the composer.
    const text = `title: Long\ndescription: '${'x'.repeat(1200)}'\ntags: [attack.execution]\nlevel: low\nlevel: high\n`

    const file = parseRuleFile('long.yml', text)

    expect(file.diagnostics.map((d) => `${d.check}:${d.line}:${d.column}`)).toEqual(['yaml/duplicate-key:5:1'])
  })

  it('gives a deep rule file a located finding', () => {
    const text = `title: Deep\nlogsource:\n    product: windows\ndetection:\n    sel:\n        Image: x\n    condition: sel\nx:\n  ${'- '.repeat(5000)}v\n`

    const file = parseRuleFile('deep.yml', text)

    expect(file.rules).toEqual([])
    expect(file.diagnostics).toHaveLength(1)
    expect(file.diagnostics[0]?.check).toBe('limits/nesting-depth')
    expect(file.diagnostics[0]?.line).toBe(9)
    expect(file.diagnostics[0]?.column).toBe(2001)
  })
})
