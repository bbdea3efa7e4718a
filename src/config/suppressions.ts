import type { Span } from '../diagnostic.js'

/** One `# sigma-gate-disable <check-id> -- <reason>` comment in a rule file. */
export interface Suppression {
  /** Check ids the comment names. */
  checks: string[]
  reason?: string
  /** Line the suppression applies to. */
  target: number
  /** Position of the comment itself. */
  span: Span
}

const COMMENT = /(^|\s)#\s*sigma-gate-disable\s+(.*)$/

/**
 * Find the suppression comments of a file. A comment at the end of a line
 * applies to that line; a comment on a line of its own applies to the next
 * line that is neither blank nor a comment.
 */
export function parseSuppressions(text: string): Suppression[] {
  // Nearly every rule file has none, and splitting it into lines is the cost.
  if (!text.includes('sigma-gate-disable')) return []
  const lines = text.split(/\r?\n/)
  const found: Suppression[] = []
  lines.forEach((line, index) => {
    const match = COMMENT.exec(line)
    if (!match) return
    const column = (match.index ?? 0) + (match[1]?.length ?? 0) + 1
    const [names = '', reason] = (match[2] ?? '').split(/\s+--\s*|\s*--$/)
    const ownLine = line.slice(0, column - 1).trim() === ''
    const suppression: Suppression = {
      checks: names.split(/[\s,]+/).filter(Boolean),
      target: ownLine ? nextContentLine(lines, index) : index + 1,
      span: { line: index + 1, column, endLine: index + 1, endColumn: line.length + 1 },
    }
    if (reason?.trim()) suppression.reason = reason.trim()
    found.push(suppression)
  })
  return found
}

function nextContentLine(lines: string[], index: number): number {
  for (let next = index + 1; next < lines.length; next++) {
    const trimmed = (lines[next] ?? '').trim()
    if (trimmed !== '' && !trimmed.startsWith('#')) return next + 1
  }
  return index + 2
}
