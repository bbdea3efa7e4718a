import * as core from '@actions/core'
import { neutralizeCommands } from '../action/core-logger.js'
import type { Logger } from '../logger.js'
import { DEFAULT_VERIFY_INDEX } from './verify-defaults.js'
import { countOf } from '../report/report-order.js'

/**
 * Run `verify` in the action when the `splunk-url` input is set, after the
 * check. Tokens come only from the `splunk-token` and `splunk-hec-token`
 * inputs and are masked with `core.setSecret` before anything is logged.
 * Prints the text report, appends a job-summary section and sets the
 * `splunk-disagreements` output. Returns the failure message, or undefined
 * when verify is off or Splunk agreed.
 */
export async function verifySplunkInAction(paths: string[], cwd: string, logger: Logger): Promise<string | undefined> {
  const restToken = core.getInput('splunk-token')
  const hecToken = core.getInput('splunk-hec-token')
  if (restToken !== '') core.setSecret(restToken)
  if (hecToken !== '') core.setSecret(hecToken)

  const splunkUrl = core.getInput('splunk-url')
  if (splunkUrl === '') return undefined
  if (restToken === '' || hecToken === '') {
    return "The splunk-url input is set but splunk-token or splunk-hec-token is empty. Pass both tokens from repository secrets, e.g. 'splunk-token: ${{ secrets.SPLUNK_TOKEN }}'."
  }

  const hecUrl = core.getInput('splunk-hec-url')
  // Loaded only when verify is on, so that a plain check starts faster.
  const { runVerify } = await import('./run-verify.js')
  const { formatVerifyMarkdown, formatVerifyText, verifyFails } = await import('./verify-report.js')
  const report = await runVerify({
    paths,
    cwd,
    splunkUrl,
    ...(hecUrl !== '' ? { hecUrl } : {}),
    restToken,
    hecToken,
    index: core.getInput('splunk-index') || DEFAULT_VERIFY_INDEX,
    insecureSkipTlsVerify: core.getInput('splunk-insecure-skip-tls-verify') === 'true',
    logger,
  })
  core.info(neutralizeCommands(formatVerifyText(report)))
  core.setOutput('splunk-disagreements', report.summary.disagreements)
  await appendSummary(formatVerifyMarkdown(report), logger)

  if (!verifyFails(report)) return undefined
  const { summary } = report
  return `Splunk verification failed: ${countOf(summary.disagreements, 'disagreement')}, ${countOf(summary.failed, 'rule')} whose search failed, ${countOf(report.diagnostics.filter((d) => d.severity === 'error').length, 'error')}. The step log and the job summary list them.`
}

async function appendSummary(markdown: string, logger: Logger): Promise<void> {
  if (!process.env['GITHUB_STEP_SUMMARY']) return
  try {
    await core.summary.addRaw(markdown).write()
  } catch (error) {
    core.summary.emptyBuffer()
    logger.warning(`Writing the Splunk verification summary failed: ${error instanceof Error ? error.message : String(error)}`)
  }
}
