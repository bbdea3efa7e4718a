import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, test } from 'vitest'
import { parse } from 'yaml'
import { repoRoot } from './helpers.js'

interface Step {
  uses?: string
  with?: Record<string, unknown>
}

interface Workflow {
  on?: unknown
  jobs?: Record<string, { steps?: Step[] }>
}

const readme = fs.readFileSync(path.join(repoRoot, 'README.md'), 'utf8')
const actionYml = parse(fs.readFileSync(path.join(repoRoot, 'action.yml'), 'utf8')) as {
  inputs: Record<string, unknown>
  outputs: Record<string, unknown>
}

/** Every ```yaml block of the README that is a workflow (has `jobs:`). */
function workflowBlocks(): string[] {
  const blocks = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map((match) => match[1] ?? '')
  return blocks.filter((block) => /^jobs:/m.test(block))
}

function gateSteps(workflow: Workflow): Step[] {
  return Object.values(workflow.jobs ?? {}).flatMap((job) =>
    (job.steps ?? []).filter((step) => step.uses?.startsWith('sigma-gate/sigma-gate@')),
  )
}

describe('README workflows', () => {
  const blocks = workflowBlocks()

  test('six example workflows parse', () => {
    expect(blocks).toHaveLength(6)
    for (const block of blocks) {
      const workflow = parse(block) as Workflow
      expect(workflow.on).toBeDefined()
      expect(Object.keys(workflow.jobs ?? {}).length).toBeGreaterThan(0)
    }
  })

  test('every input of a sigma-gate step exists in action.yml', () => {
    const withGate = blocks.map((block) => parse(block) as Workflow).filter((workflow) => gateSteps(workflow).length > 0)
    expect(withGate).toHaveLength(5)

    const used = withGate.flatMap(gateSteps).flatMap((step) => Object.keys(step.with ?? {}))
    expect(used.length).toBeGreaterThan(0)
    for (const input of used) expect(Object.keys(actionYml.inputs)).toContain(input)
  })

  test('every output a workflow reads exists in action.yml', () => {
    const outputs = [...readme.matchAll(/steps\.gate\.outputs\.([\w-]+)/g)].map((match) => match[1] ?? '')
    expect(outputs).toContain('sarif-file')
    for (const output of outputs) expect(Object.keys(actionYml.outputs)).toContain(output)
  })
})
