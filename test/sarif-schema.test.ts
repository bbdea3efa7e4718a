import { existsSync, mkdtempSync, readFileSync, cpSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { Ajv2020 } from 'ajv/dist/2020.js'
import { describe, expect, it } from 'vitest'
import { run } from '../src/engine.js'
import { buildSarifLog } from '../src/report/sarif-report.js'
import { repoRoot } from './helpers.js'

/**
 * The OASIS SARIF 2.1.0 schema as Microsoft's SARIF Multitool ships it; npm
 * installs only the package for this platform, so each is tried.
 */
function findSarifSchema(): string | undefined {
  const require = createRequire(import.meta.url)
  for (const platform of ['linux', 'darwin', 'win32']) {
    try {
      const manifest = require.resolve(`@microsoft/sarif-multitool-${platform}/package.json`)
      const schema = path.join(path.dirname(manifest), 'sarif-2.1.0.json')
      if (existsSync(schema)) return schema
    } catch {
      continue
    }
  }
  return undefined
}

const schemaFile = findSarifSchema()

describe.skipIf(schemaFile === undefined)('SARIF output against the SARIF 2.1.0 schema', () => {
  it('validates a report with findings and failing fixtures', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sigma-gate-sarif-'))
    cpSync(path.join(repoRoot, 'rules'), path.join(dir, 'rules'), { recursive: true })
    writeFileSync(path.join(dir, 'rules/broken rule #1.yml'), 'title: Broken\nid: not-a-uuid\nlogsource:\n    product: windows\n    category: process_creation\ndetection:\n    selection:\n        Image|endswith: \\x.exe\n    condition: selection or missing\nlevel: high\n')
    const report = await run({ verb: 'check', paths: ['rules'], cwd: dir })
    const sarif = buildSarifLog(report, { cwd: dir, root: dir, version: '0.1.0' })

    const ajv = new Ajv2020({ allErrors: true, strict: false, validateFormats: false })
    const validate = ajv.compile(JSON.parse(readFileSync(schemaFile as string, 'utf8')))
    const valid = validate(JSON.parse(JSON.stringify(sarif)))
    expect((validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ""}`)).toEqual([])
    expect(valid).toBe(true)

    const results = sarif.runs[0]?.results ?? []
    expect(results.length).toBeGreaterThan(0)
    expect(results.some((result) => result.ruleId === 'sigma/undefined-selection')).toBe(true)
  })
})
