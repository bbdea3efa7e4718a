import path from 'node:path'
import * as core from '@actions/core'
import type { RunOptions } from '../engine.js'
import type { Report } from '../report/report.js'
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

/** Dependencies of the action, so tests can pass a fake `run`. */
export interface ActionDeps {
  run: (options: RunOptions) => Promise<Report>
  /** Directory the rule paths are relative to; defaults to `process.cwd()`. */
  cwd?: string
  /** Checkout root; defaults to GITHUB_WORKSPACE, then to `cwd`. */
  workspace?: string
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
  const report = await runEngine(deps, inputs, { cwd, outDir, logger })
  core.info(neutralizeCommands(formatTextReport(report, { color: true })))

  await writeJobSummary(report, inputs, logger)
  setOutputs(report, outDir)

  const failure = describeFailure(report, inputs.failOn)
  const workspace = deps.workspace ?? process.env['GITHUB_WORKSPACE'] ?? cwd
  emitAnnotations(
    buildAnnotations(report, {
      cwd,
      root: createRootFinder(workspace),
      budget: {
        // setFailed adds one error annotation of its own after these.
        error: ANNOTATIONS_PER_LEVEL - (failure === undefined ? 0 : 1),
        warning: ANNOTATIONS_PER_LEVEL - logger.warningCount,
      },
    }),
  )

  if (failure === undefined) return undefined
  return `sigma-gate failed the check with fail-on '${inputs.failOn}': ${failure}. The step log and the job summary list every finding.`
}

function logInputs(inputs: ActionInputs, outDir: string): void {
  core.debug(`paths = '${inputs.paths.join(', ')}'`)
  core.debug(`fail-on = '${inputs.failOn}'`)
  core.debug(`output-dir = '${outDir}'`)
}

async function runEngine(
  deps: ActionDeps,
  inputs: ActionInputs,
  context: { cwd: string; outDir: string; logger: CoreLogger },
): Promise<Report> {
  try {
    return await deps.run({
      verb: 'check',
      paths: inputs.paths,
      cwd: context.cwd,
      outDir: context.outDir,
      failOn: inputs.failOn,
      logger: context.logger,
    })
  } finally {
    context.logger.closeGroups()
  }
}

async function writeJobSummary(
  report: Report,
  inputs: ActionInputs,
  logger: CoreLogger,
): Promise<void> {
  if (!process.env['GITHUB_STEP_SUMMARY']) {
    core.debug('No job summary written because GITHUB_STEP_SUMMARY is not set.')
    return
  }

  const markdown = buildJobSummary(report, { failOn: inputs.failOn })
  try {
    await core.summary.addRaw(markdown).write()
  } catch (error) {
    core.summary.emptyBuffer()
    const message = error instanceof Error ? error.message : String(error)
    logger.warning(`Writing the job summary failed: ${message}`)
  }
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
