import { afterEach, describe, expect, test } from 'vitest'
import { parsePaths, readInputs } from '../src/action/inputs.js'

const keys = ['INPUT_PATHS', 'INPUT_FAIL-ON', 'INPUT_OUTPUT-DIR']
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
      inputs: { paths: ['rules'], failOn: 'error', outputDir: 'sigma-gate-out' },
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
})
