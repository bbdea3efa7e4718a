import type { GithubContext } from './github-context.js'

/** An issue comment as the REST API returns it, reduced to what we read. */
export interface IssueComment {
  id: number
  body: string
  author: string
}

/** A check run annotation in the REST API's shape. */
export interface CheckAnnotation {
  path: string
  start_line: number
  end_line: number
  start_column?: number
  end_column?: number
  annotation_level: 'notice' | 'warning' | 'failure'
  message: string
  title?: string
}

export interface CheckRunOutput {
  title: string
  summary: string
  annotations?: CheckAnnotation[]
}

/**
 * The GitHub REST calls the action makes, so a stand-in server or a fake can
 * serve tests. Every method rejects with an error carrying `status` on an
 * HTTP error.
 */
export interface GithubApi {
  /** Login of the token's identity, e.g. `github-actions[bot]`, if known. */
  viewerLogin(): Promise<string | undefined>
  listComments(pullNumber: number): Promise<IssueComment[]>
  createComment(pullNumber: number, body: string): Promise<number>
  updateComment(commentId: number, body: string): Promise<void>
  createCheckRun(name: string, headSha: string): Promise<number>
  updateCheckRun(
    id: number,
    update: {
      output: CheckRunOutput
      conclusion?: 'success' | 'failure' | 'neutral'
    },
  ): Promise<void>
}

/** Return the HTTP status of an API error, if it has one. */
export function statusOf(error: unknown): number | undefined {
  if (error === null || typeof error !== 'object') return undefined
  const status = (error as { status?: unknown }).status
  return typeof status === 'number' ? status : undefined
}

/**
 * Create the API on Octokit from `@actions/github`, imported on first use so
 * runs that post nothing do not load it. The base URL comes from the context,
 * which reads GITHUB_API_URL at call time.
 */
export async function createGithubApi(
  token: string,
  context: GithubContext,
): Promise<GithubApi> {
  const { getOctokit } = await import('@actions/github')
  const octokit = getOctokit(token, { baseUrl: context.apiUrl })
  const repo = { owner: context.owner, repo: context.repo }

  return {
    async viewerLogin() {
      try {
        const result = await octokit.graphql<{ viewer: { login: string } }>(
          'query { viewer { login } }',
        )
        return result.viewer.login
      } catch {
        // Installation tokens may not read `viewer`; the caller falls back.
        return undefined
      }
    },
    async listComments(pullNumber) {
      const comments = await octokit.paginate(
        octokit.rest.issues.listComments,
        { ...repo, issue_number: pullNumber, per_page: 100 },
      )
      return comments.map((comment) => ({
        id: comment.id,
        body: comment.body ?? '',
        author: comment.user?.login ?? '',
      }))
    },
    async createComment(pullNumber, body) {
      const created = await octokit.rest.issues.createComment({
        ...repo,
        issue_number: pullNumber,
        body,
      })
      return created.data.id
    },
    async updateComment(commentId, body) {
      await octokit.rest.issues.updateComment({
        ...repo,
        comment_id: commentId,
        body,
      })
    },
    async createCheckRun(name, headSha) {
      const created = await octokit.rest.checks.create({
        ...repo,
        name,
        head_sha: headSha,
        status: 'in_progress',
      })
      return created.data.id
    },
    async updateCheckRun(id, update) {
      await octokit.rest.checks.update({
        ...repo,
        check_run_id: id,
        output: update.output,
        ...(update.conclusion === undefined
          ? {}
          : { status: 'completed' as const, conclusion: update.conclusion }),
      })
    },
  }
}
