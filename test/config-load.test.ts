import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { formatBaseline } from '../src/config/baseline.js'
import { defaultConfig, defaultSplunkConfig } from '../src/config/config.js'
import { globToRegExp, matchesAnyGlob } from '../src/config/glob.js'
import { loadConfig } from '../src/config/load-config.js'
import { defaultLimits } from '../src/limits/limits.js'

function repoWith(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'sigma-gate-config-'))
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text)
  return dir
}

describe('loadConfig', () => {
  it('returns the defaults without a file', async () => {
    const dir = repoWith({})
    expect(await loadConfig(dir)).toEqual({ config: defaultConfig(), diagnostics: [] })
  })

  it('reads every setting', async () => {
    const baseline = formatBaseline([{ rule: 'e95ab3af-fd83-4438-ad41-47eaa0f90998', check: 'detection/broad-filter', message: 'm' }])
    const dir = repoWith({
      '.sigma-gate.yml': [
        'fail-on: warning',
        'conventions: sigmahq',
        'exclude:',
        '  - rules/deprecated/**',
        'baseline: baseline.json',
        'checks:',
        '  detection/single-item-list: off',
        '  logsource/unknown: warning',
        '  detection/broad-filter:',
        '    severity: info',
        '    ignore:',
        '      paths: [rules/legacy/**]',
        '      rules: [e95ab3af-fd83-4438-ad41-47eaa0f90998]',
        '',
      ].join('\n'),
      'baseline.json': baseline,
    })
    const { config, diagnostics } = await loadConfig(dir)
    expect(diagnostics).toEqual([])
    expect(config).toEqual({
      path: path.join(dir, '.sigma-gate.yml'),
      failOn: 'warning',
      conventions: 'sigmahq',
      exclude: ['rules/deprecated/**'],
      baseline: path.join(dir, 'baseline.json'),
      baselineEntries: [{ rule: 'e95ab3af-fd83-4438-ad41-47eaa0f90998', check: 'detection/broad-filter', hash: '62c66a7a5dd70c31' }],
      checks: { 'detection/single-item-list': 'off', 'logsource/unknown': 'warning', 'detection/broad-filter': 'info' },
      ignore: { 'detection/broad-filter': { paths: ['rules/legacy/**'], rules: ['e95ab3af-fd83-4438-ad41-47eaa0f90998'] } },
      splunk: defaultSplunkConfig(),
      placeholders: {},
      limits: defaultLimits(),
    })
  })

  it('reports an unknown check id with the closest id', async () => {
    const dir = repoWith({ '.sigma-gate.yml': 'checks:\n  detection/broad-filters: off\n' })
    const { diagnostics } = await loadConfig(dir)
    expect(diagnostics).toEqual([
      {
        check: 'config/unknown-check',
        severity: 'error',
        message: "'detection/broad-filters' is not a sigma-gate check id, so this setting configures nothing. Did you mean 'detection/broad-filter'?",
        file: path.join(dir, '.sigma-gate.yml'),
        line: 2,
        column: 3,
        endLine: 2,
        endColumn: 26,
      },
    ])
  })

  it('reports schema errors at their lines', async () => {
    const dir = repoWith({ '.sigma-gate.yml': 'fail-on: always\nfailon: error\nchecks:\n  detection/broad-filter: loud\n' })
    const { config, diagnostics } = await loadConfig(dir)
    expect(diagnostics.map((d) => `${d.line}:${d.column} ${d.check} ${d.message}`)).toEqual([
      "2:1 config/schema 'failon' is not a setting of .sigma-gate.yml. Did you mean 'fail-on'?",
      "1:10 config/schema 'fail-on' is 'always', which is not valid. Use one of: error, warning, never.",
      "4:3 config/schema 'checks.detection/broad-filter' must be off, error, warning or info, or a map with 'severity' and 'ignore' (paths and rules).",
    ])
    expect(config.failOn).toBe('error')
  })

  it('reports invalid YAML as config/yaml', async () => {
    const dir = repoWith({ '.sigma-gate.yml': 'checks:\n  a: [\n' })
    const { diagnostics } = await loadConfig(dir)
    expect(diagnostics.map((d) => d.check)).toContain('config/yaml')
    expect(diagnostics.every((d) => d.file === path.join(dir, '.sigma-gate.yml'))).toBe(true)
  })

  it('reports a missing baseline file', async () => {
    const dir = repoWith({ '.sigma-gate.yml': 'baseline: missing.json\n' })
    const { diagnostics } = await loadConfig(dir)
    expect(diagnostics.map((d) => `${d.check} ${d.file}`)).toEqual([`config/baseline ${path.join(dir, 'missing.json')}`])
  })
})

describe('glob', () => {
  it('matches folders, segments and alternations', () => {
    expect(matchesAnyGlob('rules/deprecated/a/b.yml', ['rules/deprecated/**'])).toBe(true)
    expect(matchesAnyGlob('rules/deprecated', ['rules/deprecated/'])).toBe(true)
    expect(matchesAnyGlob('rules/windows/x.yml', ['rules/*.yml'])).toBe(false)
    expect(matchesAnyGlob('rules/x.yml', ['**/*.{yml,yaml}'])).toBe(true)
    expect(globToRegExp('a.b').test('axb')).toBe(false)
  })
})
