import type { Annotation } from '../report/github-report.js'
import type { CheckAnnotation, CheckRunOutput, GithubApi } from './github-api.js'
import { statusOf } from './github-api.js'

/** Annotations the Checks API accepts per request. */
export const CHECK_ANNOTATIONS_PER_REQUEST = 50

/** Characters of a check run's output summary. */
const MAX_CHECK_SUMMARY = 65_535

export type CheckRunOutcome =
  | { kind: 'published'; id: number; annotations: number; requests: number }
  | { kind: 'read-only'; status: number }

export interface CheckRunInput {
  name: string
  headSha: string
  title: string
  summary: string
  conclusion: 'success' | 'failure'
  annotations: readonly Annotation[]
}

/**
 * Publish every annotation through the Checks API: create an in-progress
 * check run, append the annotations in batches of 50 (each update adds to the
 * earlier ones), and complete it with the run's conclusion. Annotations
 * without a file cannot be attached and are skipped. A 403 or 404 (no
 * `checks: write`, or a fork's token) is returned, not thrown.
 */
export async function publishCheckRun(
  api: GithubApi,
  input: CheckRunInput,
): Promise<CheckRunOutcome> {
  const annotations = input.annotations.flatMap(toCheckAnnotation)
  const summary = cutSummary(input.summary)
  const output = (batch?: CheckAnnotation[]): CheckRunOutput =>
    batch === undefined
      ? { title: input.title, summary }
      : { title: input.title, summary, annotations: batch }

  try {
    const id = await api.createCheckRun(input.name, input.headSha)
    let requests = 1
    for (let start = 0; start < annotations.length; start += CHECK_ANNOTATIONS_PER_REQUEST) {
      const batch = annotations.slice(start, start + CHECK_ANNOTATIONS_PER_REQUEST)
      await api.updateCheckRun(id, { output: output(batch) })
      requests += 1
    }

    await api.updateCheckRun(id, { output: output(), conclusion: input.conclusion })
    return { kind: 'published', id, annotations: annotations.length, requests: requests + 1 }
  } catch (error) {
    const status = statusOf(error)
    if (status === 403 || status === 404) return { kind: 'read-only', status }
    throw error
  }
}

/** Convert a workflow-command annotation to the Checks API's shape. */
export function toCheckAnnotation(annotation: Annotation): CheckAnnotation[] {
  const { properties } = annotation
  if (properties.file === undefined) return []

  const start = properties.startLine ?? 1
  const end = Math.max(start, properties.endLine ?? start)
  const converted: CheckAnnotation = {
    path: properties.file,
    start_line: start,
    end_line: end,
    annotation_level: annotation.level === 'error' ? 'failure' : annotation.level,
    message: annotation.message.slice(0, 60_000),
    title: properties.title.slice(0, 255),
  }

  // The API takes columns only on a single-line annotation.
  if (start === end && properties.startColumn !== undefined) {
    converted.start_column = properties.startColumn
    converted.end_column = Math.max(
      properties.startColumn,
      properties.endColumn ?? properties.startColumn,
    )
  }

  return [converted]
}

function cutSummary(summary: string): string {
  if (summary.length <= MAX_CHECK_SUMMARY) return summary
  const note = '\n\n_Cut to the Checks API limit; the job summary has everything._'
  return summary.slice(0, MAX_CHECK_SUMMARY - note.length) + note
}

export { statusOf }
