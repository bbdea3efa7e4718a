import { readFileSync, readdirSync, statSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { CHECKS, checkIds, formatCheckList } from '../src/lint/checks.js'
import { formatChecksMarkdown } from '../src/lint/checks-doc.js'
import { repoRoot } from './helpers.js'

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name)
    if (statSync(full).isDirectory()) return sourceFiles(full)
    return name.endsWith('.ts') ? [full] : []
  })
}

describe('check catalogue', () => {
  it('matches docs/checks.md', () => {
    const written = readFileSync(path.join(repoRoot, 'docs/checks.md'), 'utf8')
    expect(written).toBe(formatChecksMarkdown())
  })

  it('has unique ids', () => {
    const ids = checkIds()
    expect(new Set(ids).size).toBe(ids.length)
  })

  it('documents every check id used in src', () => {
    const families = 'yaml|sigma|correlation|filter|schema|metadata|logsource|detection|convention|attack|tag|spl|convert|pipeline|fixture|regression|evtx|run|test|config|lint'
    const literal = new RegExp(`'((?:${families})/[a-z0-9-]+)'`, 'g')
    const used = new Set<string>()
    for (const file of sourceFiles(path.join(repoRoot, 'src'))) {
      for (const match of readFileSync(file, 'utf8').matchAll(literal)) used.add(match[1] as string)
    }
    const known = new Set(checkIds())
    expect([...used].filter((id) => !known.has(id)).sort()).toEqual([])
  })

  it('documents every check fully', () => {
    for (const check of CHECKS) {
      expect(check.summary, check.id).not.toBe('')
      expect(check.why, check.id).not.toBe('')
      expect(check.fix, check.id).not.toBe('')
      if (!check.emittedBy) {
        expect(check.bad, check.id).not.toBe('')
        expect(check.good, check.id).not.toBe('')
      }
    }
  })

  it('prints one line per check', () => {
    const lines = formatCheckList().trimEnd().split('\n')
    expect(lines).toHaveLength(CHECKS.length)
    const line = lines.find((entry) => entry.startsWith('detection/broad-filter '))
    expect(line?.replace(/ +/g, ' ')).toBe('detection/broad-filter warning A filter excludes by `contains` on a generic account name such as SYSTEM.')
    const convention = lines.find((entry) => entry.startsWith('convention/filename '))
    expect(convention?.endsWith('(opt-in)')).toBe(true)
  })
})
