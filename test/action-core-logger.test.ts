import os from 'node:os'
import { describe, expect, test, vi } from 'vitest'
import { createCoreLogger, neutralizeCommands } from '../src/action/core-logger.js'

function captureStdout(action: () => void): string[] {
  const chunks: string[] = []
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    chunks.push(String(chunk))
    return true
  })
  try {
    action()
  } finally {
    spy.mockRestore()
  }

  return chunks.join('').split(os.EOL).filter((line) => line !== '')
}

describe('neutralizeCommands', () => {
  test('defuses lines that start with two colons', () => {
    expect(neutralizeCommands('ok\n  ::error::x\n::stop-commands::t\na::b')).toBe(
      'ok\n  %3A:error::x\n%3A:stop-commands::t\na::b',
    )
  })
})

describe('createCoreLogger', () => {
  test('maps calls to workflow commands and counts warnings', () => {
    const logger = createCoreLogger()

    const lines = captureStdout(() => {
      logger.startGroup('Linting rules')
      logger.info("Read 'rules/a.yml'\n::error::fake")
      logger.debug('resolved')
      logger.warning('Skipped a file')
      logger.warning('Skipped another\nfile')
      logger.startGroup('Running fixtures')
      logger.closeGroups()
    })

    expect(lines).toEqual([
      '::group::Linting rules',
      "Read 'rules/a.yml'",
      '%3A:error::fake',
      '::debug::resolved',
      '::warning::Skipped a file',
      '::warning::Skipped another%0Afile',
      '::group::Running fixtures',
      '::endgroup::',
      '::endgroup::',
    ])
    expect(logger.warningCount).toBe(2)
  })

  test('closeGroups after balanced groups prints nothing', () => {
    const logger = createCoreLogger()

    const lines = captureStdout(() => {
      logger.startGroup('Linting rules')
      logger.endGroup()
      logger.closeGroups()
    })

    expect(lines).toEqual(['::group::Linting rules', '::endgroup::'])
  })
})
