import { COMMENT_MARKER } from '../report/pr-comment.js'
import type { GithubApi } from './github-api.js'
import { statusOf } from './github-api.js'

/** The login `github.token` posts as. */
export const ACTIONS_BOT = 'github-actions[bot]'

export type CommentOutcome =
  | { kind: 'created'; id: number }
  | { kind: 'updated'; id: number }
  | { kind: 'read-only'; status: number }

/**
 * Create sigma-gate's comment on a pull request, or update the one posted
 * before: the first comment that contains the hidden marker and was written by
 * the token's identity, so a person quoting the marker is never overwritten.
 * A 403 or 404 (a fork's read-only token) is returned, not thrown; other
 * errors propagate.
 */
export async function upsertStickyComment(
  api: GithubApi,
  pullNumber: number,
  body: string,
): Promise<CommentOutcome> {
  try {
    const author = (await api.viewerLogin()) ?? ACTIONS_BOT
    const comments = await api.listComments(pullNumber)
    const previous = comments.find(
      (comment) =>
        comment.author === author && comment.body.includes(COMMENT_MARKER),
    )
    if (previous !== undefined) {
      await api.updateComment(previous.id, body)
      return { kind: 'updated', id: previous.id }
    }

    const id = await api.createComment(pullNumber, body)
    return { kind: 'created', id }
  } catch (error) {
    const status = statusOf(error)
    if (status === 403 || status === 404) return { kind: 'read-only', status }
    throw error
  }
}

/**
 * Explain why a fork pull request gets no comment and how to get one, for a
 * notice in the log.
 */
export function describeReadOnlyToken(status: number): string {
  return `sigma-gate could not post its pull request comment: GitHub returned ${status} because this workflow's token is read-only, as it is for pull requests from forks and Dependabot. The check still ran and its annotations, job summary and SARIF file are complete. To comment on fork pull requests, set 'comment: false' here, upload the output directory as an artifact, and post 'comment.md' from a second workflow triggered by 'workflow_run' with 'pull-requests: write' (see the README).`
}
