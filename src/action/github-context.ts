import { readFileSync } from 'node:fs'

/** The run's context, read from the runner's environment. */
export interface GithubContext {
  serverUrl: string
  apiUrl: string
  /** `owner/name`, or empty outside GitHub. */
  repository: string
  owner: string
  repo: string
  eventName: string
  /** Commit the job checked out (the test merge commit on pull_request). */
  sha: string
  /** The pull request's head commit, else `sha`. */
  headSha: string
  /** The pull request's base commit, when the event is a pull request. */
  baseSha?: string
  pullNumber?: number
  /** Whether the pull request comes from another repository. */
  fromFork: boolean
  runId: string
  runAttempt: string
  job: string
  /** Link to the workflow run, when the environment names one. */
  runUrl?: string
}

type Env = Record<string, string | undefined>

/**
 * Read the run's context from the environment and the event payload file,
 * at call time, so tests can point it at their own files. A missing or
 * unreadable payload leaves the pull request fields unset.
 */
export function readGithubContext(env: Env = process.env): GithubContext {
  const repository = env['GITHUB_REPOSITORY'] ?? ''
  const [owner = '', repo = ''] = repository.split('/')
  const serverUrl = (env['GITHUB_SERVER_URL'] ?? 'https://github.com').replace(/\/+$/, '')
  const sha = env['GITHUB_SHA'] ?? ''
  const runId = env['GITHUB_RUN_ID'] ?? ''
  const pull = readPullRequest(env['GITHUB_EVENT_PATH'])

  const context: GithubContext = {
    serverUrl,
    apiUrl: (env['GITHUB_API_URL'] ?? 'https://api.github.com').replace(/\/+$/, ''),
    repository,
    owner,
    repo,
    eventName: env['GITHUB_EVENT_NAME'] ?? '',
    sha,
    headSha: pull?.headSha ?? sha,
    fromFork: pull !== undefined && pull.headRepo !== '' && pull.headRepo !== repository,
    runId,
    runAttempt: env['GITHUB_RUN_ATTEMPT'] ?? '1',
    job: env['GITHUB_JOB'] ?? '',
  }
  if (pull?.baseSha) context.baseSha = pull.baseSha
  if (pull?.number !== undefined) context.pullNumber = pull.number
  if (repository !== '' && runId !== '') {
    context.runUrl = `${serverUrl}/${repository}/actions/runs/${runId}`
  }

  return context
}

/**
 * Build the URL of lines of a repository file at a commit, e.g.
 * `https://github.com/o/r/blob/<sha>/rules/a.yml#L3-L5`.
 */
export function blobUrl(
  context: GithubContext,
  repositoryPath: string,
  line: number,
  endLine?: number,
): string | undefined {
  if (context.repository === '' || context.headSha === '') return undefined

  const encoded = repositoryPath.split('/').map(encodeURIComponent).join('/')
  const range = endLine !== undefined && endLine > line ? `#L${line}-L${endLine}` : `#L${line}`
  return `${context.serverUrl}/${context.repository}/blob/${context.headSha}/${encoded}${range}`
}

interface PullRequestFields {
  number?: number
  baseSha?: string
  headSha?: string
  headRepo: string
}

function readPullRequest(file: string | undefined): PullRequestFields | undefined {
  if (file === undefined || file === '') return undefined

  let payload: unknown
  try {
    payload = JSON.parse(readFileSync(file, 'utf8'))
  } catch {
    return undefined
  }

  const pull = field(payload, 'pull_request')
  if (pull === undefined) return undefined

  const number = field(payload, 'number') ?? field(pull, 'number')
  const fields: PullRequestFields = {
    headRepo: text(field(field(field(pull, 'head'), 'repo'), 'full_name')) ?? '',
  }
  if (typeof number === 'number') fields.number = number
  const baseSha = text(field(field(pull, 'base'), 'sha'))
  const headSha = text(field(field(pull, 'head'), 'sha'))
  if (baseSha !== undefined) fields.baseSha = baseSha
  if (headSha !== undefined) fields.headSha = headSha
  return fields
}

function field(value: unknown, key: string): unknown {
  if (value === null || typeof value !== 'object') return undefined
  return (value as Record<string, unknown>)[key]
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined
}
