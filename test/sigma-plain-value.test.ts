import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { parseDocument } from 'yaml'
import { describe, expect, it } from 'vitest'
import { parseRuleFile } from '../src/sigma/load-rule-file.js'
import { plainValue } from '../src/sigma/yaml-document.js'
import { hasShared, repoRoot, sharedRoot } from './helpers.js'

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name)
    if (entry.isDirectory()) return yamlFiles(file)
    return /\.ya?ml$/.test(entry.name) && !entry.name.endsWith('.fixtures.yml') ? [file] : []
  })
}

/** Compare `plainValue` with `toJSON` on every rule document under `dir`; returns how many were compared. */
function compareRules(dir: string): number {
  let compared = 0
  for (const file of yamlFiles(dir)) {
    for (const { rule } of parseRuleFile(file, readFileSync(file, 'utf8')).rules) {
      expect([file, plainValue(rule.map)]).toEqual([file, rule.map.toJSON()])
      compared++
    }
  }
  return compared
}

describe('plainValue', () => {
  it('converts maps, lists and scalars as toJSON does', () => {
    const document = parseDocument("a: 1\nb: [x, 2.5, true, null]\nc: {d: 'e', 3: f}\ng: |\n  text\n")

    expect(plainValue(document.contents)).toEqual({ a: 1, b: ['x', 2.5, true, null], c: { d: 'e', 3: 'f' }, g: 'text\n' })
    expect(plainValue(document.contents)).toEqual(document.toJSON())
  })

  it('leaves aliases and complex keys to toJSON', () => {
    expect(plainValue(parseDocument('a: &x 1\nb: *x\n').contents)).toBeUndefined()
    expect(plainValue(parseDocument('? [a, b]\n: 1\n').contents)).toBeUndefined()
    expect(plainValue(parseDocument('~: 1\n').contents)).toBeUndefined()
  })

  it("matches toJSON on the repository's rules", () => {
    expect(compareRules(path.join(repoRoot, 'rules'))).toBe(20)
  })

  it.skipIf(!hasShared)('matches toJSON on the SigmaHQ rules', () => {
    expect(compareRules(path.join(sharedRoot, 'corpus', 'sigmahq', 'rules-threat-hunting'))).toBe(140)
  })
})
