import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import * as core from '@actions/core'
import type { RunOptions } from '../engine.js'
import type { CoverageCounts, CoveredTechnique } from '../report/attack-coverage.js'
import { attackCoverage, coverageCounts, diffCoverage, techniqueIdsOf } from '../report/attack-coverage.js'
import type { Annotation } from '../report/github-report.js'
import { toRepositoryPath } from '../report/github-report.js'
import type { ChangedRuleSpl, LinkToLines } from '../report/github-summary.js'
import { formatJsonReport } from '../report/json-report.js'
import { buildNavigatorLayer, formatNavigatorLayer } from '../report/navigator-layer.js'
import { buildPrComment } from '../report/pr-comment.js'
import type { FailOn, Report } from '../report/report.js'
import { reportFails } from '../report/report.js'
import { countOf } from '../report/report-order.js'
import { buildSarifLog, formatSarif } from '../report/sarif-report.js'
import type { ArtifactUploader } from './artifacts.js'
import { listFiles, uniqueArtifactName } from './artifacts.js'
import { publishCheckRun } from './check-run.js'
import { checkoutFilesToTemp, removeTemp } from './git-changes.js'
import type { GithubApi } from './github-api.js'
import { blobUrl } from './github-context.js'
import type { GithubContext } from './github-context.js'
import type { ActionInputs } from './inputs.js'
import type { PullRequestScope } from './pull-request.js'
import { describeReadOnlyToken, upsertStickyComment } from './sticky-comment.js'

/** sigma-gate's version, written into the SARIF log. */
export const SIGMA_GATE_VERSION = '0.1.0'

/** Files the action writes into the output directory. */
export const REPORT_FILE = 'report.json'
export const NAVIGATOR_FILE = 'navigator-layer.json'
export const COMMENT_FILE = 'comment.md'
export const SARIF_FILE = 'sigma-gate.sarif'

export interface ReportPaths {
  reportFile: string
  navigatorFile: string
  sarifFile: string
  commentFile?: string
}

/** What the publishing steps need besides the report. */
export interface PublishContext {
  report: Report
  inputs: ActionInputs
  /** The threshold the run is judged by: the input, else the config file's, else error. */
  failOn: FailOn
  /** Set when the checked files are not the pull request head's, so no verdict is published on it. */
  headUnchecked?: boolean
  context: GithubContext
  cwd: string
  outDir: string
  root: (file: string) => string
  scope: PullRequestScope
  run: (options: RunOptions) => Promise<Report>
}

/** Build the link-to-lines function for summaries and comments. */
export function linkBuilder(publish: Pick<PublishContext, 'context' | 'cwd' | 'root'>): LinkToLines {
  return (reportPath, line, endLine) => {
    const file = toRepositoryPath(reportPath, publish.cwd, publish.root)
    return file === undefined ? undefined : blobUrl(publish.context, file, line, endLine)
  }
}

/** Repository paths the pull request changed, for annotation order. */
export function changedFileSet(scope: PullRequestScope): Set<string> | undefined {
  return scope.changes === undefined ? undefined : new Set(scope.changes.files)
}

/**
 * Write the JSON report, the Navigator layer of the run's coverage and the
 * SARIF log, creating their directories. Returns the absolute paths, and a
 * failure naming the input when a path cannot be written, so the run still
 * writes its summary and outputs before it fails.
 */
export async function writeReportFiles(publish: PublishContext, coverage: readonly CoveredTechnique[]): Promise<ReportPaths & { failure?: string }> {
  const { report, inputs, cwd, outDir } = publish
  const paths: ReportPaths = {
    reportFile: path.join(outDir, REPORT_FILE),
    navigatorFile: path.join(outDir, NAVIGATOR_FILE),
    sarifFile: path.resolve(cwd, inputs.sarifFile || path.join(outDir, SARIF_FILE)),
  }

  const sarif = buildSarifLog(report, { cwd, root: publish.root, version: SIGMA_GATE_VERSION, category: sarifCategory(publish) })
  const layer = buildNavigatorLayer(coverage, { ruleCount: report.summary.rules })
  const dirFailure = outputDirFailure(inputs.outputDir)
  const sarifFailure = inputs.sarifFile === '' ? dirFailure : sarifFileFailure(inputs.sarifFile)
  const failures = new Set<string>()
  const write = async (file: string, text: string, describe: (error: unknown) => string): Promise<void> => {
    await writeText(file, text).catch((error: unknown) => failures.add(describe(error)))
  }

  await write(paths.reportFile, formatJsonReport(report), dirFailure)
  await write(paths.navigatorFile, formatNavigatorLayer(layer), dirFailure)
  await write(paths.sarifFile, formatSarif(sarif), sarifFailure)
  return failures.size === 0 ? paths : { ...paths, failure: [...failures].join(' ') }
}

/** Describe an output directory that cannot be created, naming the input. */
export function outputDirFailure(input: string): (error: unknown) => string {
  return (error) => `output-dir '${input}' cannot be created: ${describeError(error)}; choose a directory path.`
}

function sarifFileFailure(input: string): (error: unknown) => string {
  return (error) => `sarif-file '${input}' cannot be written: ${describeError(error)}; choose a file path.`
}

/** The head SPL of the rules the pull request changed, for the summary. */
export function changedRulesOf(publish: PublishContext): ChangedRuleSpl[] {
  const changed = changedReportPaths(publish)
  return publish.report.rules
    .filter((rule) => changed.has(rule.path))
    .map((rule) => ({ path: rule.path, title: rule.title, after: rule.spl }))
}

/**
 * Build the sticky comment, write it to `comment.md` in the output directory
 * (for the `workflow_run` recipe), and post or update it when the input asks
 * for it and the run is on a pull request. The base branch's SPL comes from
 * converting the base version of each changed rule, read with `git show`.
 * Returns the comment file and the notices and warnings it logged.
 */
export async function publishComment(
  publish: PublishContext,
  api: (() => Promise<GithubApi>) | undefined,
): Promise<{ commentFile?: string; notices: number; warnings: number }> {
  const { context, inputs, scope } = publish
  if (context.pullNumber === undefined || scope.changes === undefined) return { notices: 0, warnings: 0 }

  const base = await convertBaseVersions(publish)
  const changed = changedRulesOf(publish).map((rule) => {
    const before = base.report?.rules.find((entry) => entry.path === rule.path)
    return before === undefined || before.spl.length === 0 ? rule : { ...rule, before: before.spl }
  })
  const body = buildPrComment({
    report: publish.report,
    failOn: publish.failOn,
    changed,
    coverage: coverageChange(publish, base.report),
    linkTo: linkBuilder(publish),
    ...(context.runUrl === undefined ? {} : { runUrl: context.runUrl }),
    changedOnly: scope.selection !== undefined,
  })
  // A broken output-dir is already reported by writeReportFiles.
  const written = await writeText(path.join(publish.outDir, COMMENT_FILE), body).then(() => true, () => false)
  const commentFile = written ? path.join(publish.outDir, COMMENT_FILE) : undefined

  if (inputs.comment && inputs.token === '') {
    core.notice(`No pull request comment was posted because the 'token' input is empty. Set 'token' (it defaults to github.token) to post it; '${COMMENT_FILE}' in the output directory contains the text.`, { title: 'sigma-gate comment skipped' })
    return { commentFile, notices: 1, warnings: 0 }
  }
  if (!inputs.comment || api === undefined || publish.headUnchecked) return { commentFile, notices: 0, warnings: 0 }

  const outcome = await upsertStickyComment(await api(), context.pullNumber, body).catch((error: unknown) => {
    core.warning(`Posting the pull request comment failed: ${describeError(error)}. The check result is unaffected; '${COMMENT_FILE}' in the output directory contains the text.`)
    return undefined
  })
  if (outcome === undefined) return { commentFile, notices: 0, warnings: 1 }
  if (outcome.kind === 'read-only') {
    core.notice(describeReadOnlyToken(outcome.status), { title: 'sigma-gate comment skipped' })
    return { commentFile, notices: 1, warnings: 0 }
  }

  core.info(`Pull request comment ${outcome.kind} (id ${outcome.id}).`)
  return { commentFile, notices: 0, warnings: 0 }
}

/**
 * Publish every annotation through the Checks API on the head commit. A
 * token without `checks: write` gets a 403, which only logs a line, because
 * the workflow-command annotations are already out.
 */
export async function publishChecks(
  publish: PublishContext,
  api: () => Promise<GithubApi>,
  annotations: readonly Annotation[],
  summary: string,
): Promise<void> {
  const { context, report, failOn } = publish
  if (context.repository === '' || context.headSha === '' || publish.headUnchecked) return

  const failed = reportFails(report, failOn)
  const outcome = await publishCheckRun(await api(), {
    name: checkRunName(publish),
    headSha: context.headSha,
    title: checkTitle(report, failOn),
    summary,
    conclusion: failed ? 'failure' : 'success',
    annotations,
  }).catch((error: unknown) => {
    core.warning(`Publishing the check run failed: ${describeError(error)}. The check result is unaffected.`)
    return undefined
  })
  if (outcome === undefined) return
  if (outcome.kind === 'read-only') {
    core.info(`The Checks API returned ${outcome.status}, so the full annotation list was not published; grant 'checks: write' to the job to get it.`)
    return
  }

  core.info(`Published ${outcome.annotations} annotations to check run ${outcome.id}.`)
}

/**
 * Upload the output directory (SPL tree, saved searches, manifest, JSON
 * report, JUnit XML, Navigator layer, comment) and the SARIF file when it lies
 * inside it, as one artifact with a name unique to the job, matrix entry and
 * attempt. A failed upload warns and never fails the check.
 */
export async function uploadArtifacts(
  publish: PublishContext,
  uploader: ArtifactUploader,
): Promise<string | undefined> {
  const { inputs, context, outDir } = publish
  const files = await listFiles(outDir)
  if (files.length === 0) return undefined

  const matrixKey = JSON.stringify([inputs.paths, inputs.config, inputs.outputDir, inputs.changedOnly, inputs.shard ?? null])
  const name = uniqueArtifactName(inputs.artifactName, context.job, matrixKey, context.runAttempt)
  const options = inputs.retentionDays === undefined ? {} : { retentionDays: inputs.retentionDays }
  try {
    await uploader.upload(name, files, outDir, options)
    core.info(`Uploaded ${files.length} files as artifact '${name}'.`)
    return name
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    core.warning(`Uploading the artifact '${name}' failed: ${message}. The check result is unaffected; the files are still in '${outDir}'.`)
    return undefined
  }
}

/**
 * Name the check run after the job and the shard, so the runs of a job
 * matrix do not replace each other, e.g. `sigma-gate (lint, shard 1/4)`.
 */
export function checkRunName(publish: Pick<PublishContext, 'context' | 'inputs'>): string {
  const { job } = publish.context
  const shard = publish.inputs.shard
  const parts = [job, shard ? `shard ${shard.index}/${shard.count}` : ''].filter((part) => part !== '')
  return parts.length === 0 ? 'sigma-gate' : `sigma-gate (${parts.join(', ')})`
}

/**
 * Build the code scanning category from the job and the shard, e.g.
 * `sigma-gate/lint/shard-1-of-4`, so each matrix entry's SARIF upload keeps
 * its own alerts instead of closing the other entries'.
 */
export function sarifCategory(publish: Pick<PublishContext, 'context' | 'inputs'>): string {
  const { job } = publish.context
  const shard = publish.inputs.shard
  const parts = ['sigma-gate', job, shard ? `shard-${shard.index}-of-${shard.count}` : '']
  return parts.filter((part) => part !== '').join('/')
}

/** Title the check run with its verdict and counts, e.g. `Failed: 1 error, 0 warnings, ...`. */
export function checkTitle(report: Report, failOn: FailOn): string {
  const { summary } = report
  const verdict = reportFails(report, failOn) ? 'Failed' : 'Passed'
  return `${verdict}: ${countOf(summary.errors, 'error')}, ${countOf(summary.warnings, 'warning')}, ${countOf(summary.fixtures.failed, 'failing fixture test')}`
}

/** Report paths (relative to cwd) of the changed files that are rules. */
function changedReportPaths(publish: PublishContext): Set<string> {
  const changes = publish.scope.changes
  if (changes === undefined) return new Set()

  return new Set(
    changes.files.map((file) =>
      path.relative(publish.cwd, path.join(changes.top, ...file.split('/'))).split(path.sep).join('/'),
    ),
  )
}

/** Convert the base versions of the changed rule files with the engine. */
async function convertBaseVersions(publish: PublishContext): Promise<{ report?: Report }> {
  const changes = publish.scope.changes
  if (changes === undefined) return {}

  const candidates = changes.files.filter((file) => /\.ya?ml$/i.test(file) && !/\.fixtures\.ya?ml$/i.test(file))
  if (candidates.length === 0) return {}

  const temp = await checkoutFilesToTemp(changes.top, changes.base, candidates)
  try {
    if (temp.written.length === 0) return {}
    const cwd = path.join(temp.directory, path.relative(changes.top, publish.cwd))
    const paths = temp.written.map((file) => path.join(temp.directory, ...file.split('/')))
    const report = await publish.run({ verb: 'convert', paths, cwd })
    return { report }
  } finally {
    await removeTemp(temp.directory)
  }
}

/**
 * Compare ATT&CK coverage before and after the pull request. The head counts
 * come from the report, plus, in changed-only mode, the tags of unchecked
 * rules from the text scan; the base counts swap the changed rules'
 * contributions for their base versions'.
 */
function coverageChange(publish: PublishContext, base: Report | undefined) {
  const head = coverageCounts(attackCoverage(publish.report.rules))
  addUncheckedRules(head, publish)

  const changed = changedReportPaths(publish)
  const before = new Map(head)
  const changedHead = publish.report.rules.filter((rule) => changed.has(rule.path))
  adjust(before, attackCoverage(changedHead), -1)
  adjust(before, attackCoverage(base?.rules ?? []), +1)
  return diffCoverage(before, head)
}

function addUncheckedRules(counts: CoverageCounts, publish: PublishContext): void {
  const { tree, selection } = publish.scope
  if (tree === undefined || selection === undefined) return

  const checked = new Set(selection.files.map((file) => file.path))
  for (const rule of tree.rules) {
    if (checked.has(rule.file)) continue
    for (const id of techniqueIdsOf(rule.tags)) counts.set(id, (counts.get(id) ?? 0) + 1)
  }
}

function adjust(counts: CoverageCounts, coverage: readonly CoveredTechnique[], sign: number): void {
  for (const entry of coverage) {
    counts.set(entry.id, Math.max(0, (counts.get(entry.id) ?? 0) + sign * entry.rules.length))
  }
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

async function writeText(file: string, text: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true })
  await writeFile(file, text)
}
