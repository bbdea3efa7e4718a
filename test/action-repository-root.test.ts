import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { createRootFinder, findRepositoryRoot } from '../src/action/repository-root.js'

let workspace: string

beforeAll(() => {
  workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'sg-root-'))
  fs.mkdirSync(path.join(workspace, 'plain', 'rules'), { recursive: true })
  fs.mkdirSync(path.join(workspace, 'nested', '.git'), { recursive: true })
  fs.mkdirSync(path.join(workspace, 'nested', 'rules', 'deep'), { recursive: true })
})

afterAll(() => {
  fs.rmSync(workspace, { recursive: true, force: true })
})

describe('findRepositoryRoot', () => {
  test('nearest .git below the workspace wins', () => {
    const start = path.join(workspace, 'nested', 'rules', 'deep')

    expect(findRepositoryRoot(start, workspace)).toBe(path.join(workspace, 'nested'))
  })

  test('workspace without .git is the root', () => {
    const start = path.join(workspace, 'plain', 'rules')

    expect(findRepositoryRoot(start, workspace)).toBe(workspace)
  })

  test('no workspace and no .git falls back to the start', () => {
    const start = path.join(workspace, 'plain', 'rules')

    expect(findRepositoryRoot(start)).toBe(start)
  })
})

describe('createRootFinder', () => {
  test('looks up each file by its directory', () => {
    const findRoot = createRootFinder(workspace)

    expect(findRoot(path.join(workspace, 'nested', 'rules', 'a.yml'))).toBe(
      path.join(workspace, 'nested'),
    )
    expect(findRoot(path.join(workspace, 'plain', 'rules', 'a.yml'))).toBe(workspace)
  })
})
