import { mkdir } from 'node:fs/promises'
import path from 'node:path'
import * as core from '@actions/core'
import type { RunOptions } from '../engine.js'
import type { FailOn, Report } from '../report/report.js'
import { describeFailure } from '../report/failure-message.js'
import {
  ANNOTATIONS_PER_LEVEL,
  buildAnnotations,
  buildJobSummary,
} from '../report/github-report.js'
import type { Annotation } from '../report/github-report.js'
import { formatTextReport } from '../report/text-report.js'
import { createCoreLogger, neutralizeCommands } from './core-logger.js'
import type { CoreLogger } from './core-logger.js'
import { readInputs } from './inputs.js'
import type { ActionInputs } from './inputs.js'
import { createRootFinder } from './repository-root.js'
import { addShardDiagnostics, selectShard } from '../shard.js'
import { baseCheckoutWarning, pullRequestTargetWarning } from './token-safety.js'
import { verifySplunkInAction } from '../verify/verify-action.js'
import type { JobSummaryOptions } from '../report/github-summary.js'
import { attackCoverage } from '../report/attack-coverage.js'
import type { ArtifactUploader } from './artifacts.js'
import { createArtifactUploader } from './artifacts.js'
import type { GithubApi } from './github-api.js'
import { createGithubApi } from './github-api.js'
import { readGithubContext } from './github-context.js'
import type { GithubContext } from './github-context.js'
import { preparePullRequest } from './pull-request.js'
import type { RuleSelection } from '../changed-rules.js'
import {
  changedFileSet,
  changedRulesOf,
  linkBuilder,
  outputDirFailure,
  publishChecks,
  publishComment,
  uploadArtifacts,
  writeReportFiles,
} from './publish-report.js'
import type { PublishContext, ReportPaths } from './publish-report.js'

/** Dependencies of the action, so tests can pass a fake `run`. */
export interface ActionDeps {
  run: (options: RunOptions) => Promise<Report>
  /** Directory the rule paths are relative to; defaults to `process.cwd()`. */
  cwd?: string
  /** Checkout root; defaults to GITHUB_WORKSPACE, then to `cwd`. */
  workspace?: string
  /** Artifact upload; defaults to `@actions/artifact` when on a runner. */
  uploader?: ArtifactUploader
  /** GitHub REST client; defaults to Octokit on GITHUB_API_URL. */
  githubApi?: (token: string, context: GithubContext) => Promise<GithubApi>
}

/**
 * Run the action: read the inputs, check the rules, print the text report,
 * write the job summary, set the outputs, annotate the findings, and call
 * `setFailed` once, last, when the report fails under `fail-on` or anything
 * throws. Never rejects.
 */
export async function runAction(deps: ActionDeps): Promise<void> {
  const failure = await checkRulesSafely(deps)
  if (failure !== undefined) core.setFailed(failure)
}

async function checkRulesSafely(deps: ActionDeps): Promise<string | undefined> {
  try {
    return await checkRules(deps)
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    const stack = error instanceof Error ? error.stack : undefined
    core.debug(stack ?? message)
    return `sigma-gate stopped on an unexpected error: ${message}. Rerun the job with debug logging on to see the stack trace, and report it as a bug.`
  }
}

async function checkRules(deps: ActionDeps): Promise<string | undefined> {
  const result = readInputs()
  if (!result.ok) return result.message

  const { inputs } = result
  const cwd = deps.cwd ?? process.cwd()
  const outDir = path.resolve(cwd, inputs.outputDir)
  logInputs(inputs, outDir)

  const logger = createCoreLogger()
  const context = readGithubContext()
  const tokenWarning = await pullRequestTargetWarning(context, cwd, inputs.token !== '')
  if (tokenWarning !== undefined) logger.warning(tokenWarning)
  const baseWarning = await baseCheckoutWarning(context, cwd)
  if (baseWarning !== undefined) logger.warning(baseWarning)
  const scope = await preparePullRequest({ context, cwd, paths: inputs.paths, changedOnly: inputs.changedOnly, logger })
  // A changed-only selection is already small, so it is not sharded again.
  const sharded = !scope.selection && inputs.shard ? await selectShard(inputs.paths, cwd, inputs.shard) : undefined
  const only = scope.selection ?? sharded?.selection
  // A bad output-dir fails the step by name, after the summary and outputs.
  const outDirFailure = await mkdir(outDir, { recursive: true }).then(() => undefined, outputDirFailure(inputs.outputDir))
  const report = await runEngine(deps, inputs, { cwd, logger, ...(outDirFailure ? {} : { outDir }), ...(only ? { only } : {}) })
  if (sharded) addShardDiagnostics(report, sharded.diagnostics)
  core.info(neutralizeCommands(formatTextReport(report, { color: true })))

  const root = createRootFinder(deps.workspace ?? process.env['GITHUB_WORKSPACE'] ?? cwd)
  // The engine resolves the input against the config file's fail-on.
  const failOn = report.failOn ?? inputs.failOn ?? 'error'
  const publish: PublishContext = { report, inputs, failOn, context, cwd, outDir, root, scope, run: deps.run, ...(baseWarning ? { headUnchecked: true } : {}) }
  const coverage = attackCoverage(report.rules)
  const reportPaths = await writeReportFiles(publish, coverage)
  const summaryText = await writeJobSummary(report, failOn, logger, { linkTo: linkBuilder(publish), coverage, changedSpl: changedRulesOf(publish) })
  setOutputs(report, outDir)
  const api = githubApiFor(deps, inputs, context)
  const comment = await publishComment(publish, api)
  setReportOutputs({ ...reportPaths, ...(comment.commentFile ? { commentFile: comment.commentFile } : {}) })
  const verifyFailure = await verifySplunkInAction(inputs.paths, cwd, logger)

  const failure = describeFailure(report, failOn)
  const workspace = deps.workspace ?? process.env['GITHUB_WORKSPACE'] ?? cwd
  const changedFiles = changedFileSet(scope)
  if (inputs.annotations) {
    emitAnnotations(
      buildAnnotations(report, {
        cwd,
        root: createRootFinder(workspace),
        budget: {
          // setFailed adds one error annotation of its own after these.
          error: ANNOTATIONS_PER_LEVEL - (failure === undefined && verifyFailure === undefined && outDirFailure === undefined && reportPaths.failure === undefined ? 0 : 1),
          warning: ANNOTATIONS_PER_LEVEL - logger.warningCount - comment.warnings,
          notice: ANNOTATIONS_PER_LEVEL - comment.notices,
        },
        ...(changedFiles ? { changedFiles } : {}),
      }),
    )
  }

  if (inputs.annotations && api !== undefined) {
    const all = buildAnnotations(report, { cwd, root, budget: { error: Infinity, warning: Infinity, notice: Infinity } })
    await publishChecks(publish, api, all, summaryText ?? '')
  }
  if (inputs.uploadArtifacts) await uploadWith(deps, publish)

  const outputFailure = outDirFailure ?? reportPaths.failure
  const checkFailure = failure === undefined ? verifyFailure : `sigma-gate failed the check with fail-on '${failOn}': ${failure}. The step log and the job summary list every finding.`
  if (outputFailure === undefined) return checkFailure
  return checkFailure === undefined ? outputFailure : `${outputFailure} ${checkFailure}`
}

function logInputs(inputs: ActionInputs, outDir: string): void {
  core.debug(`paths = '${inputs.paths.join(', ')}'`)
  core.debug(inputs.failOn === undefined ? "fail-on is empty, so the config file's fail-on applies, else error" : `fail-on = '${inputs.failOn}'`)
  core.debug(`output-dir = '${outDir}'`)
}

async function runEngine(
  deps: ActionDeps,
  inputs: ActionInputs,
  context: { cwd: string; outDir?: string; logger: CoreLogger; only?: RuleSelection },
): Promise<Report> {
  try {
    return await deps.run({
      verb: 'check',
      paths: inputs.paths,
      cwd: context.cwd,
      ...(context.outDir === undefined ? {} : { outDir: context.outDir }),
      ...(inputs.failOn === undefined ? {} : { failOn: inputs.failOn }),
      logger: context.logger,
      ...(inputs.config === '' ? {} : { configFile: inputs.config }),
      ...(context.only ? { only: context.only } : {}),
    })
  } finally {
    context.logger.closeGroups()
  }
}

async function writeJobSummary(
  report: Report,
  failOn: FailOn,
  logger: CoreLogger,
  extra: Omit<JobSummaryOptions, 'failOn'> = {},
): Promise<string> {
  const markdown = buildJobSummary(report, { ...extra, failOn })
  if (!process.env['GITHUB_STEP_SUMMARY']) {
    core.debug('No job summary written because GITHUB_STEP_SUMMARY is not set.')
    return markdown
  }

  try {
    await core.summary.addRaw(markdown).write()
  } catch (error) {
    core.summary.emptyBuffer()
    const message = error instanceof Error ? error.message : String(error)
    logger.warning(`Writing the job summary failed: ${message}`)
  }
  return markdown
}

function setReportOutputs(paths: ReportPaths): void {
  core.setOutput('report-file', paths.reportFile)
  core.setOutput('navigator-file', paths.navigatorFile)
  core.setOutput('sarif-file', paths.sarifFile)
  core.setOutput('comment-file', paths.commentFile ?? '')
}

/** Create the GitHub client lazily, only when a token and a repository exist. */
function githubApiFor(deps: ActionDeps, inputs: ActionInputs, context: GithubContext): (() => Promise<GithubApi>) | undefined {
  if (inputs.token === '' || context.repository === '') return undefined

  const create = deps.githubApi ?? createGithubApi
  let api: Promise<GithubApi> | undefined
  return () => (api ??= create(inputs.token, context))
}

async function uploadWith(deps: ActionDeps, publish: PublishContext): Promise<void> {
  if (deps.uploader === undefined && !process.env['ACTIONS_RUNTIME_TOKEN']) {
    core.info('No artifact uploaded: ACTIONS_RUNTIME_TOKEN is not set, as it is only on a GitHub runner.')
    return
  }

  const name = await uploadArtifacts(publish, deps.uploader ?? createArtifactUploader())
  core.setOutput('artifact-name', name ?? '')
}

function setOutputs(report: Report, outDir: string): void {
  const { summary } = report
  core.setOutput('rules', summary.rules)
  core.setOutput('errors', summary.errors)
  core.setOutput('warnings', summary.warnings)
  core.setOutput('fixtures-failed', summary.fixtures.failed)
  core.setOutput('spl-dir', outDir)
}

function emitAnnotations(annotations: readonly Annotation[]): void {
  for (const { level, message, properties } of annotations) {
    core[level](message, properties)
  }
}
