import * as core from '@actions/core'
import type { FailOn } from '../report/report.js'
import { parseShard, type Shard } from '../shard.js'

/** The action's inputs after defaults and validation. */
export interface ActionInputs {
  paths: string[]
  /** Absent when the input is empty: the config file's fail-on applies, else error. */
  failOn?: FailOn
  outputDir: string
  /** Config file path relative to the working directory; empty for `.sigma-gate.yml`. */
  config: string
  changedOnly: boolean
  annotations: boolean
  comment: boolean
  /** Empty when no token was given; never logged. */
  token: string
  uploadArtifacts: boolean
  artifactName: string
  retentionDays?: number
  /** SARIF path relative to the working directory; empty for the default. */
  sarifFile: string
  /** Part of the rule files this runner checks; absent to check all. */
  shard?: Shard
}

export type InputsResult =
  | { ok: true; inputs: ActionInputs }
  | { ok: false; message: string }

const failOnValues: readonly FailOn[] = ['error', 'warning', 'never']

/**
 * Read the inputs with `@actions/core`, applying the defaults of action.yml
 * again, because a run outside GitHub's runner (local tests,
 * `node dist/action/index.js`) gets no defaults from the metadata. The token
 * is masked in the log before anything else happens.
 */
export function readInputs(): InputsResult {
  const token = core.getInput('token')
  if (token !== '') core.setSecret(token)

  const paths = parsePaths(core.getInput('paths'))
  const failOn = core.getInput('fail-on').trim().toLowerCase()
  if (failOn !== '' && !isFailOn(failOn)) {
    return {
      ok: false,
      message: `Invalid fail-on '${failOn}'. Set it to error, warning or never.`,
    }
  }

  const flags = readFlags()
  if (!flags.ok) return flags

  const retention = readRetentionDays()
  if (!retention.ok) return retention

  const shardText = core.getInput('shard').trim()
  const shard = shardText === '' ? undefined : parseShard(shardText)
  if (shard && !shard.ok) return shard

  const inputs: ActionInputs = {
    paths: paths.length > 0 ? paths : ['rules'],
    outputDir: core.getInput('output-dir') || 'sigma-gate-out',
    config: core.getInput('config'),
    ...flags.flags,
    token,
    artifactName: core.getInput('artifact-name') || 'sigma-gate',
    sarifFile: core.getInput('sarif-file'),
  }
  if (failOn !== '') inputs.failOn = failOn
  if (retention.days !== undefined) inputs.retentionDays = retention.days
  if (shard) inputs.shard = shard.shard
  return { ok: true, inputs }
}

/** Split the `paths` input at newlines and commas, dropping empty entries. */
export function parsePaths(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
}

type Flags = Pick<
  ActionInputs,
  'changedOnly' | 'annotations' | 'comment' | 'uploadArtifacts'
>

const flagDefaults: Array<[keyof Flags, string, boolean]> = [
  ['changedOnly', 'changed-only', false],
  ['annotations', 'annotations', true],
  ['comment', 'comment', true],
  ['uploadArtifacts', 'upload-artifacts', true],
]

function readFlags():
  | { ok: true; flags: Flags }
  | { ok: false; message: string } {
  const flags: Flags = {
    changedOnly: false,
    annotations: true,
    comment: true,
    uploadArtifacts: true,
  }
  for (const [key, name, fallback] of flagDefaults) {
    const value = core.getInput(name).trim()
    if (value === '') {
      flags[key] = fallback
      continue
    }

    const lower = value.toLowerCase()
    if (lower !== 'true' && lower !== 'false') {
      return {
        ok: false,
        message: `Invalid ${name} '${value}'. Set it to true or false.`,
      }
    }
    flags[key] = lower === 'true'
  }

  return { ok: true, flags }
}

function readRetentionDays():
  | { ok: true; days?: number }
  | { ok: false; message: string } {
  const value = core.getInput('retention-days').trim()
  if (value === '') return { ok: true }

  const days = Number(value)
  if (!Number.isInteger(days) || days < 1 || days > 90) {
    return {
      ok: false,
      message: `Invalid retention-days '${value}'. Set it to a whole number of days from 1 to 90, or leave it empty for the repository's default.`,
    }
  }

  return { ok: true, days }
}

function isFailOn(value: string): value is FailOn {
  return (failOnValues as readonly string[]).includes(value)
}
