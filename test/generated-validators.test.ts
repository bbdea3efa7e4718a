import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { Ajv, type Options } from 'ajv'
import { parseAllDocuments } from 'yaml'
import { describe, expect, it } from 'vitest'
import configSchema from '../schemas/config.schema.json' with { type: 'json' }
import fixturesSchema from '../schemas/fixtures.schema.json' with { type: 'json' }
import ruleSchema from '../schemas/rule.schema.json' with { type: 'json' }
import type { GeneratedValidator } from '../src/generated/validate-rule.js'
import { validateBaseline } from '../src/generated/validate-baseline.js'
import { validateConfig } from '../src/generated/validate-config.js'
import { validateFixtures } from '../src/generated/validate-fixtures.js'
import { validateRule } from '../src/generated/validate-rule.js'
import { hasShared, repoRoot, sharedRoot } from './helpers.js'

const generatedDir = path.join(repoRoot, 'src/generated')
const script = path.join(repoRoot, 'scripts/generate-validators.mjs')

/** Values of every JSON type, and edge cases of the schemas' lengths and patterns. */
const WRONG_VALUES: unknown[] = [
  null,
  true,
  0,
  -1,
  1.5,
  '',
  'x',
  'Not A Pattern',
  'x'.repeat(300),
  [],
  [1],
  [''],
  ['a', {}],
  {},
  { unknown: 1 },
]

function filesUnder(dir: string, suffix: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name)
    if (statSync(full).isDirectory()) return filesUnder(full, suffix)
    return full.endsWith(suffix) ? [full] : []
  })
}

function yamlValues(file: string): unknown[] {
  return parseAllDocuments(readFileSync(file, 'utf8')).flatMap((document) =>
    'errors' in document && document.errors.length === 0 ? [document.toJSON()] : [],
  )
}

/** Return copies of an object with one key (or one nested key) set to each wrong value. */
function mutations(value: Record<string, unknown>): unknown[] {
  const result: unknown[] = [...WRONG_VALUES]
  for (const [key, inner] of Object.entries(value)) {
    for (const wrong of WRONG_VALUES) result.push({ ...value, [key]: wrong })
    if (inner && typeof inner === 'object' && !Array.isArray(inner)) {
      for (const [innerKey] of Object.entries(inner))
        for (const wrong of WRONG_VALUES) result.push({ ...value, [key]: { ...inner, [innerKey]: wrong } })
    }
    const { [key]: _removed, ...rest } = value
    result.push(rest)
  }
  return result
}

/**
 * Expect the generated validator to give exactly the result and errors of
 * ajv compiling the schema now; return the keywords of the errors seen.
 */
function expectSameAsAjv(generated: GeneratedValidator, schema: object, options: Options, values: unknown[]): Set<string> {
  const compiled = new Ajv(options).compile(schema)
  const keywords = new Set<string>()
  for (const value of values) {
    const valid = compiled(value)
    expect({ value, valid: generated(value), errors: generated.errors }).toEqual({ value, valid, errors: compiled.errors })
    for (const error of compiled.errors ?? []) keywords.add(error.keyword)
  }
  return keywords
}

describe('generated validators', () => {
  it('match a fresh generator run byte for byte', () => {
    const outDir = mkdtempSync(path.join(tmpdir(), 'generated-validators-'))
    try {
      execFileSync(process.execPath, [script, '--out', outDir], { cwd: repoRoot, encoding: 'utf8' })
      const names = readdirSync(outDir).sort()
      expect(names).toEqual(['validate-baseline.ts', 'validate-config.ts', 'validate-fixtures.ts', 'validate-rule.ts'])
      expect(readdirSync(generatedDir).sort()).toEqual(names)
      for (const name of names) {
        const fresh = readFileSync(path.join(outDir, name), 'utf8')
        expect(fresh, `${name} is out of date: run npm run validators`).toBe(readFileSync(path.join(generatedDir, name), 'utf8'))
      }
    } finally {
      rmSync(outDir, { recursive: true, force: true })
    }
  })

  it('generator rejects an unknown option', () => {
    let failure: { status?: number; stderr?: string } = {}
    try {
      execFileSync(process.execPath, [script, '--in', 'x'], { cwd: repoRoot, encoding: 'utf8', stdio: 'pipe' })
    } catch (error) {
      failure = error as typeof failure
    }
    expect(failure.status).toBe(2)
    expect(failure.stderr).toContain("Unknown argument '--in'.")
    expect(failure.stderr).toContain('Usage: node scripts/generate-validators.mjs [--out DIR]')
  })

  it('import only ajv runtime helpers', () => {
    for (const name of readdirSync(generatedDir)) {
      const text = readFileSync(path.join(generatedDir, name), 'utf8')
      expect(text.startsWith('// @ts-nocheck\n')).toBe(true)
      expect(text).not.toMatch(/require\(|new RegExp\(/)
      const imports = text.split('\n').filter((line) => line.startsWith('import '))
      // Every schema has a length bound, so every module needs ajv's length helper.
      expect(imports.filter((line) => !line.startsWith('import type '))).toEqual([
        "import * as ucs2lengthModule from 'ajv/dist/runtime/ucs2length.js'",
      ])
    }
  })

  it('validateRule matches ajv on repository rules', () => {
    const rules = filesUnder(path.join(repoRoot, 'rules'), '.yml').filter((file) => !file.endsWith('.fixtures.yml'))
    const values = rules.flatMap(yamlValues)
    expect(values.length).toBeGreaterThanOrEqual(20)
    const broken = values.slice(0, 3).flatMap((value) => mutations(value as Record<string, unknown>))
    const keywords = expectSameAsAjv(validateRule, ruleSchema, { allErrors: true, strict: false, verbose: true }, [...values, ...broken])
    expect([...keywords].sort()).toEqual(['anyOf', 'enum', 'maxLength', 'minItems', 'minLength', 'minProperties', 'pattern', 'required', 'type'])
  })

  it.skipIf(!hasShared)('validateRule matches ajv on SigmaHQ rules', () => {
    const files = filesUnder(path.join(sharedRoot, 'corpus/sigmahq'), '.yml').filter((file) => !file.includes('regression_data'))
    const values = files.flatMap(yamlValues)
    expect(values.length).toBeGreaterThan(3000)
    const keywords = expectSameAsAjv(validateRule, ruleSchema, { allErrors: true, strict: false, verbose: true }, values)
    expect([...keywords].sort()).toEqual(['pattern', 'required'])
  })

  it('validateConfig matches ajv on configurations', () => {
    const config = {
      'fail-on': 'warning',
      conventions: 'sigmahq',
      exclude: ['deprecated/**'],
      baseline: 'baseline.json',
      splunk: { index: 'sysmon', macro: 'sysmon_scope', 'field-names': { preset: 'cim', rename: { Image: 'process_path' } }, cron: '*/5 * * * *', dispatch: { earliest: '-10m' }, app: 'my_app' },
      limits: { 'nesting-depth': 64, 'rule-file-bytes': 1000 },
      placeholders: { admins: ['root', 5] },
      'baseline-allow': [{ rule: 'r', field: 'Image', pattern: '*x', reason: 'known' }],
      checks: { 'schema/pattern': 'off', 'lint/x': { severity: 'warning', ignore: ['rules/old/**'] } },
    }
    const keywords = expectSameAsAjv(validateConfig, configSchema, { allErrors: true, strict: false, verbose: true }, [config, ...mutations(config)])
    expect([...keywords].sort()).toEqual(['additionalProperties', 'anyOf', 'enum', 'minLength', 'minimum', 'pattern', 'required', 'type'])
  })

  it('validateBaseline matches ajv on baselines', () => {
    const baseline = { version: 1, findings: [{ rule: 'r', check: 'schema/pattern', hash: '0123456789abcdef' }] }
    const schema = { ...configSchema.definitions.baseline, $schema: configSchema.$schema }
    const broken = [...mutations(baseline), { version: 1, findings: [{ rule: '', check: 'x', hash: 'XYZ' }, 5] }]
    const keywords = expectSameAsAjv(validateBaseline, schema, { allErrors: true, strict: false }, [baseline, ...broken])
    expect([...keywords].sort()).toEqual(['const', 'minLength', 'pattern', 'required', 'type'])
  })

  it('validateFixtures matches ajv on fixture files', () => {
    const values = filesUnder(path.join(repoRoot, 'rules'), '.fixtures.yml').flatMap(yamlValues)
    expect(values.length).toBeGreaterThanOrEqual(8)
    const sample = {
      tp: [{ name: 'a', event: { EventID: 1 } }],
      fp: [{ name: 'b', events: [{ EventID: 1 }], expect: { 'at-most': 0 } }],
      cases: [{ name: 'c', expect: 'match', file: 'e.json' }, { name: 'd', expect: { exactly: 2 }, event: {}, events: [] }, { expect: 'maybe' }],
    }
    const broken = [...values.slice(0, 2), sample].flatMap((value) => mutations(value as Record<string, unknown>))
    const keywords = expectSameAsAjv(validateFixtures, fixturesSchema, { allErrors: true }, [...values, sample, ...broken])
    expect([...keywords].sort()).toEqual(['additionalProperties', 'anyOf', 'enum', 'minItems', 'oneOf', 'required', 'type'])
  })
})
