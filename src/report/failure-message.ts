import type { FailOn, Report } from './report.js'
import { reportFails } from './report.js'
import { countOf } from './report-order.js'

/**
 * Describe what fails a run under `failOn`, e.g. `2 errors, 1 failing fixture
 * test`, or return undefined when the run passes. Fixture failures always
 * count, and errors and warnings count as `reportFails` decides.
 */
export function describeFailure(
  report: Report,
  failOn: FailOn,
): string | undefined {
  if (!reportFails(report, failOn)) return undefined

  const { errors, warnings, fixtures } = report.summary
  const causes: string[] = []
  if (failOn !== 'never' && errors > 0) causes.push(countOf(errors, 'error'))
  if (failOn === 'warning' && warnings > 0) {
    causes.push(countOf(warnings, 'warning'))
  }

  if (fixtures.failed > 0) {
    causes.push(countOf(fixtures.failed, 'failing fixture test'))
  }

  return causes.join(', ')
}
