import os from 'node:os'
import { afterEach, describe, expect, test, vi } from 'vitest'
import { parsePaths, readInputs } from '../src/action/inputs.js'

const keys = [
  'INPUT_PATHS',
  'INPUT_FAIL-ON',
  'INPUT_OUTPUT-DIR',
  'INPUT_COMMENT',
  'INPUT_RETENTION-DAYS',
  'INPUT_TOKEN',
]
const saved = keys.map((key) => [key, process.env[key]] as const)

afterEach(() => {
  for (const [key, value] of saved) {
    if (value === undefined) delete process.env[key]
    else process.env[key] = value
  }
})

describe('parsePaths', () => {
  test('splits at newlines and commas', () => {
    expect(parsePaths(' rules/a ,rules/b\n\n  rules/c/**/*.yml \n,')).toEqual([
      'rules/a',
      'rules/b',
      'rules/c/**/*.yml',
    ])
  })

  test('blank input gives no paths', () => {
    expect(parsePaths(' \n , ')).toEqual([])
  })
})

describe('readInputs', () => {
  test('applies the action.yml defaults', () => {
    for (const key of keys) delete process.env[key]

    expect(readInputs()).toEqual({
      ok: true,
      inputs: {
        paths: ['rules'],
        outputDir: 'sigma-gate-out',
        config: '',
        changedOnly: false,
        annotations: true,
        comment: true,
        token: '',
        uploadArtifacts: true,
        artifactName: 'sigma-gate',
        sarifFile: '',
      },
    })
  })

  test('accepts fail-on in any case', () => {
    process.env['INPUT_FAIL-ON'] = ' NEVER '

    expect(readInputs()).toMatchObject({ ok: true, inputs: { failOn: 'never' } })
  })

  test('rejects an unknown fail-on', () => {
    process.env['INPUT_FAIL-ON'] = 'errors'

    expect(readInputs()).toEqual({
      ok: false,
      message: "Invalid fail-on 'errors'. Set it to error, warning or never.",
    })
  })

  test('rejects a flag that is not true or false', () => {
    process.env['INPUT_COMMENT'] = 'yes'

    expect(readInputs()).toEqual({
      ok: false,
      message: "Invalid comment 'yes'. Set it to true or false.",
    })
  })

  test('rejects retention-days outside 1 to 90', () => {
    process.env['INPUT_RETENTION-DAYS'] = '91'

    expect(readInputs()).toMatchObject({
      ok: false,
      message: expect.stringContaining("Invalid retention-days '91'."),
    })
  })

  test('reads retention-days and masks the token', () => {
    process.env['INPUT_RETENTION-DAYS'] = '7'
    process.env['INPUT_TOKEN'] = 'ghs_secretvalue'
    const writes: string[] = []
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      writes.push(String(chunk))
      return true
    })

    try {
      expect(readInputs()).toMatchObject({
        ok: true,
        inputs: { retentionDays: 7, token: 'ghs_secretvalue' },
      })
    } finally {
      spy.mockRestore()
    }
    expect(writes.join('')).toBe('::add-mask::ghs_secretvalue' + os.EOL)
  })
})
