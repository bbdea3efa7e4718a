import path from 'node:path'
import { describe, expect, test } from 'vitest'
import { scanRuleText, selectChangedRules } from '../src/changed-rules.js'
import type { ScannedTree } from '../src/changed-rules.js'

const root = path.resolve('/repo/rules')
const at = (file: string): string => path.join(root, file)

function tree(): ScannedTree {
  const rules = [
    scanRuleText(at('base.yml'), root, 'title: Base\nid: 11111111-1111-4111-8111-111111111111\nname: base_rule\ntags:\n    - attack.t1059.001\ndetection:\n    sel: {a: 1}\n    condition: sel\n'),
    scanRuleText(at('corr.yml'), root, 'title: Corr\nid: 22222222-2222-4222-8222-222222222222\ncorrelation:\n    type: event_count\n    rules:\n        - base_rule\n    group-by: [User]\n'),
    scanRuleText(at('filter.yml'), root, "title: Filter\nid: 33333333-3333-4333-8333-333333333333\nfilter:\n    rules: ['44444444-4444-4444-8444-444444444444']\n"),
    scanRuleText(at('other.yml'), root, 'title: Other\nid: 44444444-4444-4444-8444-444444444444\nregression_tests_path: regression_data/other/info.yml\n'),
    scanRuleText(at('events.yml'), root, 'title: Events\nid: 55555555-5555-4555-8555-555555555555\n'),
  ]
  const fixtures = new Map([[at('events.fixtures.yml'), 'cases:\n  - name: a\n    expect: match\n    file: events/shared.ndjson\n']])
  return { rules, fixtures }
}

function select(...changed: string[]) {
  return selectChangedRules(tree(), changed.map((file) => path.join('/repo', file))).selected.map((entry) => [path.basename(entry.file), entry.reason])
}

describe('selectChangedRules', () => {
  test('scan reads ids, names, kinds, references and tags', () => {
    const [base, corr, filter] = tree().rules

    expect(base?.ids).toEqual([{ value: '11111111-1111-4111-8111-111111111111', line: 2 }])
    expect(base?.names).toEqual(['base_rule'])
    expect(base?.tags).toEqual(['attack.t1059.001'])
    expect([...(corr?.kinds ?? [])]).toEqual(['correlation'])
    expect(corr?.references).toContain('base_rule')
    expect(filter?.references).toContain('44444444-4444-4444-8444-444444444444')
    expect(base?.references).toEqual([])
  })

  test('scan finds references in every spelling of a rules list', () => {
    const spellings = [
      'correlation:\n    rules:\n        # the host rule first\n        - far_a\n        - far_b\n',
      'correlation:\n    rules: [far_a,\n        far_b]\n',
      'correlation:\n    "rules":\n        - "far_a"\n        - \'far_b\'\n',
      'correlation:\n    ? rules\n    : - far_a\n      - far_b\n',
      'correlation:\n    rules:\n        - &first far_a\n        - far_b  # second\n',
      'filter:\n    rules:\n        - far_a\n        - far_b\n',
    ]
    for (const spelling of spellings) {
      const scanned = scanRuleText(at('corr.yml'), root, `title: Corr\n${spelling}`)
      expect(scanned.references, spelling).toContain('far_a')
      expect(scanned.references, spelling).toContain('far_b')
    }
  })

  test('scan reads quoted top-level keys', () => {
    const scanned = scanRuleText(at('quoted.yml'), root, '"title": Quoted\n"id": 66666666-6666-4666-8666-666666666666\n"name": quoted_rule\n\'correlation\':\n    rules: [x]\n')

    expect(scanned.ids).toEqual([{ value: '66666666-6666-4666-8666-666666666666', line: 2 }])
    expect(scanned.names).toEqual(['quoted_rule'])
    expect([...scanned.kinds]).toEqual(['correlation'])
  })

  test('a changed rule brings its correlation', () => {
    expect(select('rules/base.yml')).toEqual([
      ['base.yml', 'changed'],
      ['corr.yml', 'references the changed rule base.yml'],
    ])
  })

  test('a changed filter brings the rules it names', () => {
    expect(select('rules/filter.yml')).toEqual([
      ['filter.yml', 'changed'],
      ['other.yml', 'named by the changed filter filter.yml'],
    ])
  })

  test('changed fixture events and regression data bring their rules', () => {
    expect(select('rules/events/shared.ndjson', 'regression_data/other/x.evtx')).toEqual([
      ['other.yml', 'its regression data changed'],
      ['events.yml', 'its fixture events shared.ndjson changed'],
    ])
    expect(select('rules/events.fixtures.yml')).toEqual([['events.yml', 'its fixture file changed']])
  })

  test('ids outside the selection stay known for duplicates', () => {
    const { selection } = selectChangedRules(tree(), [at('base.yml')])

    expect(selection.files.map((file) => path.basename(file.path))).toEqual(['base.yml', 'corr.yml'])
    expect(selection.otherIds.get('44444444-4444-4444-8444-444444444444')).toEqual({ file: at('other.yml'), line: 2 })
    expect(selection.otherIds.has('11111111-1111-4111-8111-111111111111')).toBe(false)
  })
})
