import * as core from '@actions/core'
import type { FailOn } from '../report/report.js'

/** The action's inputs after defaults and validation. */
export interface ActionInputs {
  paths: string[]
  failOn: FailOn
  outputDir: string
}

export type InputsResult =
  | { ok: true; inputs: ActionInputs }
  | { ok: false; message: string }

const failOnValues: readonly FailOn[] = ['error', 'warning', 'never']

/**
 * Read `paths`, `fail-on` and `output-dir` with `@actions/core`, applying the
 * defaults of action.yml again, because a run outside GitHub's runner (local
 * tests, `node dist/action/index.js`) gets no defaults from the metadata.
 */
export function readInputs(): InputsResult {
  const paths = parsePaths(core.getInput('paths'))
  const failOn = core.getInput('fail-on').toLowerCase() || 'error'
  const outputDir = core.getInput('output-dir') || 'sigma-gate-out'

  if (!isFailOn(failOn)) {
    return {
      ok: false,
      message: `Invalid fail-on '${failOn}'. Set it to error, warning or never.`,
    }
  }

  return {
    ok: true,
    inputs: { paths: paths.length > 0 ? paths : ['rules'], failOn, outputDir },
  }
}

/** Split the `paths` input at newlines and commas, dropping empty entries. */
export function parsePaths(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
}

function isFailOn(value: string): value is FailOn {
  return (failOnValues as readonly string[]).includes(value)
}
