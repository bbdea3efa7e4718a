import { createHash } from 'node:crypto'
import type { Diagnostic, Severity } from '../diagnostic.js'
import type { CheckInfo } from '../lint/check.js'
import { CHECKS } from '../lint/checks.js'
import { FAILING_TEST_TITLE, toRepositoryPath } from './github-report.js'
import type { AnnotationOptions } from './github-report.js'
import type { Report, RuleReport, TestResult } from './report.js'
import { failingTests, sortDiagnostics } from './report-order.js'
import { describeTestCounts } from './text-report.js'

/** The OASIS SARIF 2.1.0 schema the log declares. */
export const SARIF_SCHEMA_URI =
  'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json'

/** Key of the fingerprint sigma-gate computes for each result. */
export const FINGERPRINT_KEY = 'sigmaGateFinding/v1'

export type SarifLevel = 'error' | 'warning' | 'note'

export interface SarifRegion {
  startLine: number
  startColumn?: number
  endLine?: number
  endColumn?: number
}

export interface SarifResult {
  ruleId: string
  ruleIndex: number
  level: SarifLevel
  message: { text: string }
  locations: Array<{
    physicalLocation: {
      artifactLocation: { uri: string; uriBaseId: '%SRCROOT%' }
      region: SarifRegion
    }
  }>
  partialFingerprints: Record<string, string>
}

export interface SarifRule {
  id: string
  name: string
  shortDescription: { text: string }
  fullDescription: { text: string }
  help: { text: string; markdown: string }
  defaultConfiguration: { level: SarifLevel }
  properties: { tags: string[]; precision: string; 'problem.severity': string }
}

export interface SarifNotification {
  level: SarifLevel
  message: { text: string }
  descriptor: { id: string }
}

export interface SarifLog {
  $schema: string
  version: '2.1.0'
  runs: Array<{
    tool: {
      driver: {
        name: 'sigma-gate'
        semanticVersion: string
        informationUri: string
        rules: SarifRule[]
      }
    }
    automationDetails: { id: string }
    invocations: Array<{
      executionSuccessful: boolean
      toolExecutionNotifications: SarifNotification[]
    }>
    results: SarifResult[]
  }>
}

export interface SarifOptions {
  /** Directory the report's paths are relative to. */
  cwd: string
  /** Repository root (or a lookup per file) that URIs are relative to. */
  root: AnnotationOptions['root']
  /** sigma-gate's version, e.g. `0.1.0`. */
  version: string
  /** Code scanning category; defaults to `sigma-gate`. */
  category?: string
}

const levelOf: Record<Severity, SarifLevel> = {
  error: 'error',
  warning: 'warning',
  info: 'note',
}

const problemSeverity: Record<Severity, string> = {
  error: 'error',
  warning: 'warning',
  info: 'recommendation',
}

/** GitHub cuts rule descriptions at this many characters. */
const MAX_DESCRIPTION = 1024

/**
 * Build a SARIF 2.1.0 log of a report for GitHub code scanning: one result per
 * diagnostic and failing fixture test, each with a repository-relative
 * location and a fingerprint that survives line moves, and the check catalogue
 * as the tool's rules. Findings without a file cannot be located, so they
 * become tool notifications instead of results.
 */
export function buildSarifLog(report: Report, options: SarifOptions): SarifLog {
  const rules = CHECKS.map(describeCheck)
  const ruleIndex = new Map(rules.map((rule, index) => [rule.id, index]))
  const results: SarifResult[] = []
  const notifications: SarifNotification[] = []
  const indexOf = (id: string): number => {
    const known = ruleIndex.get(id)
    if (known !== undefined) return known

    rules.push(describeUnknownCheck(id))
    ruleIndex.set(id, rules.length - 1)
    return rules.length - 1
  }

  for (const diagnostic of sortDiagnostics(report.diagnostics)) {
    const result = diagnosticResult(diagnostic, undefined, options, indexOf)
    if (result !== undefined) results.push(result)
    else notifications.push(toNotification(diagnostic))
  }

  for (const rule of report.rules) {
    for (const diagnostic of sortDiagnostics(rule.diagnostics, rule.path)) {
      const result = diagnosticResult(diagnostic, rule, options, indexOf)
      if (result !== undefined) results.push(result)
      else notifications.push(toNotification(diagnostic, rule.path))
    }

    for (const test of failingTests(rule)) {
      const result = testResult(test, rule, options, indexOf)
      if (result !== undefined) results.push(result)
    }
  }

  return {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'sigma-gate',
            semanticVersion: options.version,
            informationUri: 'https://github.com/sigma-gate/sigma-gate',
            rules,
          },
        },
        automationDetails: { id: `${options.category ?? 'sigma-gate'}/` },
        invocations: [
          {
            executionSuccessful: true,
            toolExecutionNotifications: notifications,
          },
        ],
        results,
      },
    ],
  }
}

/** Serialise a SARIF log as 2-space indented JSON. */
export function formatSarif(log: SarifLog): string {
  return JSON.stringify(log, null, 2) + '\n'
}

function describeCheck(check: CheckInfo): SarifRule {
  const example = [
    'Fails:',
    indent(check.bad),
    'Passes:',
    indent(check.good),
  ].join('\n')
  const markdown = [
    check.fix,
    '',
    'Fails:',
    '```yaml',
    check.bad,
    '```',
    '',
    'Passes:',
    '```yaml',
    check.good,
    '```',
  ].join('\n')

  return {
    id: check.id,
    name: check.id,
    shortDescription: { text: clip(check.summary) },
    fullDescription: { text: clip(check.why) },
    help: { text: `${check.fix}\n\n${example}`, markdown },
    defaultConfiguration: { level: levelOf[check.severity] },
    properties: {
      // The SARIF schema requires unique tags, and `sigma/*` checks would repeat 'sigma'.
      tags: [...new Set(['sigma', check.id.split('/')[0] ?? 'sigma'])],
      precision: 'very-high',
      'problem.severity': problemSeverity[check.severity],
    },
  }
}

function describeUnknownCheck(id: string): SarifRule {
  const text = `Finding '${id}' reported by sigma-gate.`
  return {
    id,
    name: id,
    shortDescription: { text },
    fullDescription: { text },
    help: { text: 'Read the message of the finding.', markdown: text },
    defaultConfiguration: { level: 'warning' },
    properties: {
      tags: ['sigma'],
      precision: 'high',
      'problem.severity': 'warning',
    },
  }
}

function diagnosticResult(
  diagnostic: Diagnostic,
  rule: RuleReport | undefined,
  options: SarifOptions,
  indexOf: (id: string) => number,
): SarifResult | undefined {
  const reportPath = diagnostic.file ?? rule?.path
  if (reportPath === undefined) return undefined

  const uri = toRepositoryPath(reportPath, options.cwd, options.root)
  if (uri === undefined) return undefined

  const region: SarifRegion = {
    startLine: diagnostic.line,
    startColumn: diagnostic.column,
  }
  if (diagnostic.endLine !== undefined) region.endLine = diagnostic.endLine
  if (diagnostic.endColumn !== undefined) {
    region.endColumn = diagnostic.endColumn
  }

  const identity = [diagnostic.check, uri, rule?.id ?? '', diagnostic.message]
  return {
    ruleId: diagnostic.check,
    ruleIndex: indexOf(diagnostic.check),
    level: levelOf[diagnostic.severity],
    message: { text: diagnostic.message },
    locations: [locate(uri, region)],
    partialFingerprints: { [FINGERPRINT_KEY]: fingerprint(identity) },
  }
}

function testResult(
  test: TestResult,
  rule: RuleReport,
  options: SarifOptions,
  indexOf: (id: string) => number,
): SarifResult | undefined {
  const where = test.caseFile ?? test.fixture
  const uri = toRepositoryPath(where, options.cwd, options.root)
  if (uri === undefined) return undefined

  let message = `Test '${test.name}' of rule '${rule.path}' failed: ${describeTestCounts(test)}.`
  if (test.reason !== undefined) message += ` ${test.reason}`

  const identity = [FAILING_TEST_TITLE, uri, rule.id ?? rule.path, test.name]
  return {
    ruleId: FAILING_TEST_TITLE,
    ruleIndex: indexOf(FAILING_TEST_TITLE),
    level: 'error',
    message: { text: message },
    locations: [locate(uri, { startLine: test.line ?? 1 })],
    partialFingerprints: { [FINGERPRINT_KEY]: fingerprint(identity) },
  }
}

/** Percent-encode each path segment, as a SARIF URI reference needs (RFC 3986). */
export function encodePathUri(repositoryPath: string): string {
  return repositoryPath.split('/').map(encodeURIComponent).join('/')
}

function locate(uri: string, region: SarifRegion): SarifResult['locations'][0] {
  return {
    physicalLocation: {
      artifactLocation: { uri: encodePathUri(uri), uriBaseId: '%SRCROOT%' },
      region,
    },
  }
}

function toNotification(
  diagnostic: Diagnostic,
  rulePath?: string,
): SarifNotification {
  const where = diagnostic.file ?? rulePath
  const prefix = where === undefined ? '' : `${where}: `
  return {
    level: levelOf[diagnostic.severity],
    message: { text: `${prefix}${diagnostic.message}` },
    descriptor: { id: diagnostic.check },
  }
}

/** Hash what identifies a finding, but not its line, so moves keep alerts. */
function fingerprint(parts: readonly string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex')
}

function clip(text: string): string {
  return text.length <= MAX_DESCRIPTION
    ? text
    : text.slice(0, MAX_DESCRIPTION - 1) + '…'
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n')
}
