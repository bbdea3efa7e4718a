import { readFileSync, readdirSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { compileRuleText, hasShared, repoRoot, sharedRoot } from './helpers.js'

/** Return the original rule text from its `title:` line on, with its indentation lost. */
function flattenedSeedRule(): string {
  const seedDir = path.join(sharedRoot, 'seed')
  const [name] = readdirSync(seedDir)
  const text = readFileSync(path.join(seedDir, name as string), 'utf8')
  return text.slice(text.indexOf('title:'))
}

describe.skipIf(!hasShared)('seed rule', () => {
  it('gives a located YAML error with the indentation hint when flattened', () => {
    const compiled = compileRuleText(flattenedSeedRule())
    expect(compiled.diagnostics).toHaveLength(1)
    const [error] = compiled.diagnostics
    expect(error?.check).toBe('yaml/syntax')
    expect(error?.severity).toBe('error')
    expect(error?.line).toBe(5)
    expect(error?.column).toBe(1)
    expect(error?.message).toContain("indentation looks lost")
  })

  it('loads clean when indented, as in rules/', () => {
    const file = path.join(repoRoot, 'rules/windows/process_creation/proc_creation_win_shell_spawned_by_web_or_script_runtime.yml')
    const compiled = compileRuleText(readFileSync(file, 'utf8'))
    expect(compiled.diagnostics).toEqual([])
    expect(compiled.matches({ EventID: 1, Image: 'C:\\Windows\\System32\\cmd.exe', ParentImage: 'C:\\w\\w3wp.exe', User: 'IIS APPPOOL\\x' })).toBe(true)
  })
})
