import path from 'node:path'
import type { Diagnostic, Severity } from '../diagnostic.js'
import type { Report, RuleReport, TestResult } from './report.js'
import { summariseExplanation } from './explanation-text.js'
import { countOf, failingTests, sortDiagnostics } from './report-order.js'
import { describeTestCounts } from './text-report.js'

export type AnnotationLevel = 'error' | 'warning' | 'notice'

/** Position and heading of an annotation, as `@actions/core` takes them. */
export interface AnnotationProperties {
  title: string
  /** Path relative to the repository root, with `/` separators. */
  file?: string
  startLine?: number
  startColumn?: number
  endLine?: number
  endColumn?: number
}

export interface Annotation {
  level: AnnotationLevel
  message: string
  properties: AnnotationProperties
}

/** Annotations of each level that a step may still show. */
export type AnnotationBudget = Record<AnnotationLevel, number>

/**
 * Annotations GitHub shows per step and level. The runner keeps the rest in
 * the log only, without any warning (`_maxCountPerIssueType` in
 * actions/runner `src/Runner.Worker/ExecutionContext.cs`).
 */
export const ANNOTATIONS_PER_LEVEL = 10

export interface AnnotationOptions {
  /** Directory the report's paths are relative to. */
  cwd: string
  /**
   * Repository root that annotation paths are made relative to, or a
   * function that returns the root for a file's absolute path, for a
   * workspace that contains several checked-out repositories.
   */
  root: string | ((file: string) => string)
  /** Slots left per level; defaults to `ANNOTATIONS_PER_LEVEL` each. */
  budget?: Partial<AnnotationBudget>
  /**
   * Repository paths a pull request changed. Annotations on these files take
   * the limited slots first, since reviewers see them in the diff.
   */
  changedFiles?: ReadonlySet<string>
}

/** Title of the failing-test annotations, styled like a check id. */
export const FAILING_TEST_TITLE = 'test/failed'

const levelOf: Record<Severity, AnnotationLevel> = {
  error: 'error',
  warning: 'warning',
  info: 'notice',
}

const levels: readonly AnnotationLevel[] = ['error', 'warning', 'notice']

/**
 * Build the annotations for a report within GitHub's per-step limits: every
 * diagnostic (titled with its check id) and every failing fixture test, in
 * report order, keeping as many of each level as the budget allows. When any
 * are left out, the last notice slot goes to a notice that counts them.
 */
export function buildAnnotations(
  report: Report,
  options: AnnotationOptions,
): Annotation[] {
  const budget = resolveBudget(options.budget)
  const candidates = collectAnnotations(report, options)
  const changed = options.changedFiles
  const byLevel = levels.map((level) =>
    preferChanged(
      candidates.filter((annotation) => annotation.level === level),
      changed,
    ),
  )

  const overflows = levels.some(
    (level, index) => (byLevel[index]?.length ?? 0) > budget[level],
  )
  const noticeLeftOut = overflows && budget.notice > 0
  if (noticeLeftOut) budget.notice -= 1

  const selected = levels.flatMap((level, index) =>
    (byLevel[index] ?? []).slice(0, budget[level]),
  )
  if (!noticeLeftOut) return selected

  return [...selected, buildLeftOutNotice(byLevel, budget)]
}

/**
 * Turn a report path (relative to `cwd`) into a repository path relative to
 * `root` with `/` separators, or undefined when the file lies outside `root`,
 * where no annotation could point at it.
 */
export function toRepositoryPath(
  reportPath: string,
  cwd: string,
  root: AnnotationOptions['root'],
): string | undefined {
  const file = path.resolve(cwd, reportPath)
  const base = typeof root === 'string' ? root : root(file)
  const relative = path.relative(base, file)
  const outside =
    relative === '..' ||
    relative.startsWith(`..${path.sep}`) ||
    path.isAbsolute(relative)
  if (relative === '' || outside) return undefined

  return relative.split(path.sep).join('/')
}

/** Move annotations on changed files to the front, keeping report order. */
function preferChanged(
  annotations: Annotation[],
  changed: ReadonlySet<string> | undefined,
): Annotation[] {
  if (changed === undefined || changed.size === 0) return annotations

  const inChanged = (annotation: Annotation): boolean =>
    annotation.properties.file !== undefined &&
    changed.has(annotation.properties.file)
  return [
    ...annotations.filter(inChanged),
    ...annotations.filter((annotation) => !inChanged(annotation)),
  ]
}

function resolveBudget(
  budget: Partial<AnnotationBudget> = {},
): AnnotationBudget {
  return {
    error: Math.max(0, budget.error ?? ANNOTATIONS_PER_LEVEL),
    warning: Math.max(0, budget.warning ?? ANNOTATIONS_PER_LEVEL),
    notice: Math.max(0, budget.notice ?? ANNOTATIONS_PER_LEVEL),
  }
}

function collectAnnotations(
  report: Report,
  options: AnnotationOptions,
): Annotation[] {
  const annotations = sortDiagnostics(report.diagnostics).map((diagnostic) =>
    annotateDiagnostic(diagnostic, undefined, options),
  )

  for (const rule of report.rules) {
    for (const diagnostic of sortDiagnostics(rule.diagnostics, rule.path)) {
      annotations.push(annotateDiagnostic(diagnostic, rule.path, options))
    }

    for (const test of failingTests(rule)) {
      annotations.push(annotateFailingTest(test, rule, options))
    }
  }

  return annotations
}

function annotateDiagnostic(
  diagnostic: Diagnostic,
  rulePath: string | undefined,
  options: AnnotationOptions,
): Annotation {
  const level = levelOf[diagnostic.severity]
  const title = diagnostic.check
  const reportPath = diagnostic.file ?? rulePath
  if (reportPath === undefined) {
    return { level, message: diagnostic.message, properties: { title } }
  }

  const file = toRepositoryPath(reportPath, options.cwd, options.root)
  if (file === undefined) {
    const where = `${reportPath}:${diagnostic.line}:${diagnostic.column}`
    const message = `${where}: ${diagnostic.message}`
    return { level, message, properties: { title } }
  }

  const properties = locate(file, diagnostic)
  return { level, message: diagnostic.message, properties }
}

function locate(file: string, diagnostic: Diagnostic): AnnotationProperties {
  const properties: AnnotationProperties = {
    title: diagnostic.check,
    file,
    startLine: diagnostic.line,
    startColumn: diagnostic.column,
  }
  if (diagnostic.endLine !== undefined) properties.endLine = diagnostic.endLine
  if (diagnostic.endColumn !== undefined) {
    properties.endColumn = diagnostic.endColumn
  }

  return properties
}

function annotateFailingTest(
  test: TestResult,
  rule: RuleReport,
  options: AnnotationOptions,
): Annotation {
  const counts = describeTestCounts(test)
  let message = `Test '${test.name}' of rule '${rule.path}' failed: ${counts}.`
  if (test.reason !== undefined) message += ` ${test.reason}`
  if (test.explanation !== undefined) {
    message += ` ${summariseExplanation(test.explanation)}`
  }

  const properties: AnnotationProperties = { title: FAILING_TEST_TITLE }
  // The case's own line is in the file that defines it, which for a case
  // reading events from a file is not the event file.
  const where = test.caseFile ?? test.fixture
  const file = toRepositoryPath(where, options.cwd, options.root)
  if (file === undefined) {
    message = `${where}: ${message}`
    return { level: 'error', message, properties }
  }

  properties.file = file
  if (test.line !== undefined) properties.startLine = test.line
  return { level: 'error', message, properties }
}

function buildLeftOutNotice(
  byLevel: readonly Annotation[][],
  budget: AnnotationBudget,
): Annotation {
  const counts = levels
    .map((level, index) => {
      const leftOut = (byLevel[index]?.length ?? 0) - budget[level]
      return leftOut > 0 ? countOf(leftOut, level) : undefined
    })
    .filter((count) => count !== undefined)

  const total = levels.reduce(
    (sum, level, index) =>
      sum + Math.max(0, (byLevel[index]?.length ?? 0) - budget[level]),
    0,
  )

  const message = `${countOf(total, 'finding')} left out of the annotations (${counts.join(', ')}) because GitHub shows at most ${ANNOTATIONS_PER_LEVEL} annotations of each level per step. The step log and the job summary list every finding.`
  const properties = { title: 'Annotations left out' }
  return { level: 'notice', message, properties }
}

export {
  buildJobSummary,
  escapeTableCell,
  type JobSummaryOptions,
} from './github-summary.js'
