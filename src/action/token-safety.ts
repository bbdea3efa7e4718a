import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import type { GithubContext } from './github-context.js'

const execFileAsync = promisify(execFile)

/**
 * Return a warning when the action runs on `pull_request_target` with a
 * token over files that are not the base branch's. That event gives the
 * job a token that can write to the repository, even for pull requests
 * from forks. A workflow that checks out the pull request's head and runs
 * tools on it lets that code reach the token. sigma-gate itself only reads
 * the files, but another step in the same job may run them. The checkout counts as pull request files when its HEAD differs from
 * GITHUB_SHA, which on `pull_request_target` is the base branch's commit.
 */
export async function pullRequestTargetWarning(context: GithubContext, cwd: string, hasToken: boolean): Promise<string | undefined> {
  if (context.eventName !== 'pull_request_target' || !hasToken) return undefined
  const head = await checkedOutCommit(cwd)
  if (head === undefined || head === context.sha) return undefined
  const origin = context.fromFork ? ' from a fork' : ''
  return `This job runs on 'pull_request_target' with a token that can write to the repository, and the checkout (${head.slice(0, 12)}) is not the base commit (${context.sha.slice(0, 12)}), so it contains files of the pull request${origin}. sigma-gate only reads those files, but any step in this job that runs them could use the token. Run sigma-gate on the 'pull_request' event instead, or give this job 'permissions: contents: read'.`
}

async function checkedOutCommit(cwd: string): Promise<string | undefined> {
  try {
    const { stdout } = await execFileAsync('git', ['rev-parse', 'HEAD'], { cwd })
    return stdout.trim() || undefined
  } catch {
    return undefined
  }
}

/**
 * Return a warning when the action runs on `pull_request_target` over a
 * checkout that is not the pull request's head commit. That event checks out
 * the base branch by default, so a verdict published on the head commit
 * would vouch for files sigma-gate never read; the caller then publishes no
 * check run and no verdict comment.
 */
export async function baseCheckoutWarning(context: GithubContext, cwd: string): Promise<string | undefined> {
  if (context.eventName !== 'pull_request_target' || context.pullNumber === undefined) return undefined
  const head = await checkedOutCommit(cwd)
  if (head !== undefined && head === context.headSha) return undefined
  const checkedOut = head === undefined ? 'an unknown commit' : `commit ${head.slice(0, 12)}`
  return `This job runs on 'pull_request_target' and checked out ${checkedOut}, not the pull request's head (${context.headSha.slice(0, 12)}), so the files checked are the base branch's, not the pull request's. sigma-gate publishes no check run and no pull request comment for the head commit. Check out the pull request's head in a separate job without write permissions, or use the workflow_run pattern (see docs/security.md).`
}
