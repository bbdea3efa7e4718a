import { mkdir, readFile, stat, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { convertToSpl, DEFAULT_SYSMON_SCOPE, type SplunkScope } from './backends/splunk/index.js'
import { applyConfig, isExcluded } from './config/apply-config.js'
import type { Config } from './config/config.js'
import { loadConfig } from './config/load-config.js'
import { diagnosticAt, type Diagnostic } from './diagnostic.js'
import type { Expr } from './ir/expr.js'
import { lintRule, lintRun } from './lint/lint-rule.js'
import { silentLogger, type Logger } from './logger.js'
import { compileMatcher } from './match/compile-matcher.js'
import { toSplEvent } from './pipeline/spl-event.js'
import { applySysmonLogsource, SPLUNK_SYSMON_FIELD_NAMES, sysmonMapping } from './pipeline/sysmon.js'
import { loadFixtureFile } from './regress/fixture-file.js'
import { loadRegressionCases } from './regress/regression-cases.js'
import { runCase, type CaseEngines } from './regress/run-case.js'
import { REPORT_VERSION, type FailOn, type Report, type RuleReport, type Verb } from './report/report.js'
import { discoverRuleFiles } from './rule-discovery.js'
import { compileDetection } from './sigma/compile-rule.js'
import { parseRuleFile } from './sigma/load-rule-file.js'
import type { SigmaRule } from './sigma/rule.js'
import { compileSpl, parseSpl } from './spl/index.js'

export interface RunOptions {
  verb: Verb
  /** Files and directories to search for rules. */
  paths: string[]
  /** Paths in the report are relative to this directory; `.sigma-gate.yml` is read from it. */
  cwd: string
  /** Output directory for one `.spl` file per rule (`convert`, `check`); nothing is written when unset. */
  outDir?: string
  /** Overrides the config's `fail-on`. */
  failOn?: FailOn
  logger?: Logger
}

/** State that every stage of one run shares. */
interface RunContext {
  config: Config
  relative: (file: string) => string
}

/** A rule after parsing, lowering and conversion, before its fixtures run. */
interface CompiledRule {
  /** Absent when the file held no readable rule document. */
  rule?: SigmaRule
  report: RuleReport
  /** Text of the rule file, for inline suppressions. */
  text: string
  expr?: Expr
  spl?: string
  scope: SplunkScope
  /** The directory tree the rule was found under; fixture paths may not leave it. */
  root: string
}

/** Run lint, convert, test or all three over the rules under `options.paths`. */
export async function run(options: RunOptions): Promise<Report> {
  const logger = options.logger ?? silentLogger
  const relative = (file: string): string => toPosix(path.relative(options.cwd, file) || '.')
  const loaded = await loadConfig(options.cwd)
  const context: RunContext = { config: loaded.config, relative }
  const report = emptyReport(options.failOn ?? loaded.config.failOn)
  report.diagnostics.push(...loaded.diagnostics.map((d) => ({ ...d, ...(d.file ? { file: relative(d.file) } : {}) })))

  logger.startGroup('Finding rules')
  const compiled = await compileRules(options.paths, options.cwd, context, report, logger)
  logger.endGroup()

  if (options.verb === 'test' || options.verb === 'check') {
    logger.startGroup('Running fixtures')
    for (const entry of compiled) await runFixtures(entry, context)
    logger.endGroup()
  }
  if (options.outDir && (options.verb === 'convert' || options.verb === 'check')) {
    await writeSplFiles(compiled, options.outDir, options.cwd)
  }

  for (const entry of compiled) {
    applyRuleConfig(entry, context)
    if (options.verb === 'lint') entry.report.spl = []
    report.rules.push(entry.report)
  }
  summarise(report)
  logger.info(`Checked ${report.summary.rules} rules: ${report.summary.errors} errors, ${report.summary.warnings} warnings, ${report.summary.fixtures.failed} failing fixtures`)
  return report
}

function emptyReport(failOn: FailOn): Report {
  return {
    version: REPORT_VERSION,
    failOn,
    summary: { rules: 0, errors: 0, warnings: 0, converted: 0, fixtures: { passed: 0, failed: 0 } },
    rules: [],
    diagnostics: [],
  }
}

/** Discover, parse, lint and convert every rule, then run the cross-rule checks. */
async function compileRules(paths: string[], cwd: string, context: RunContext, report: Report, logger: Logger): Promise<CompiledRule[]> {
  const discovery = await discoverRuleFiles(paths, cwd)
  report.diagnostics.push(...discovery.diagnostics)
  const files = discovery.files.filter((file) => !isExcluded(context.relative(file.path), context.config))
  logger.info(`Found ${files.length} rule files under ${paths.map((p) => `'${p}'`).join(', ')}`)

  const compiled: CompiledRule[] = []
  for (const file of files) compiled.push(...(await compileFile(file.path, file.root, context)))

  const rules = compiled.flatMap((entry) => (entry.rule ? [entry.rule] : []))
  const crossRule = lintRun(rules, { config: context.config, relativePath: context.relative })
  for (const entry of compiled) {
    const found = entry.rule && crossRule.get(entry.rule)
    if (found) entry.report.diagnostics.push(...found)
  }
  return compiled
}

async function compileFile(file: string, root: string, context: RunContext): Promise<CompiledRule[]> {
  const text = await readFile(file, 'utf8')
  const parsed = parseRuleFile(file, text)
  if (parsed.rules.length === 0) {
    const report: RuleReport = { path: context.relative(file), id: null, title: null, diagnostics: parsed.diagnostics, spl: [], tests: [] }
    return [{ report, root, text, scope: {} }]
  }
  return parsed.rules.map(({ rule, diagnostics }, index) => {
    const fileDiagnostics = index === 0 ? parsed.diagnostics : []
    const entry = compileRule(rule, [...fileDiagnostics, ...diagnostics], context, root, text)
    if (parsed.rules.length > 1) entry.report.document = rule.document
    return entry
  })
}

/** Lint a rule, lower it to the IR, apply the Sysmon pipeline and print its SPL. */
function compileRule(rule: SigmaRule, diagnostics: Diagnostic[], context: RunContext, root: string, text: string): CompiledRule {
  const report: RuleReport = {
    path: context.relative(rule.file),
    id: rule.id?.value ?? null,
    title: rule.title?.value ?? null,
    diagnostics,
    spl: [],
    tests: [],
  }
  const entry: CompiledRule = { rule, report, root, text, scope: {} }
  diagnostics.push(...lintRule(rule, { config: context.config, relativePath: context.relative }))

  if (rule.kind !== 'rule') {
    diagnostics.push(diagnosticAt(rule.span, 'sigma/unsupported', 'warning', `${rule.kind === 'correlation' ? 'Correlation' : 'Filter'} documents are not supported yet, so this document was not converted or tested.`))
    return entry
  }
  const detection = compileDetection(rule)
  diagnostics.push(...detection.diagnostics)
  if (!detection.expr || detection.diagnostics.some((d) => d.severity === 'error')) return entry

  const mapping = sysmonMapping(rule)
  if (mapping.kind === 'other') {
    diagnostics.push(diagnosticAt(rule.logsource?.span ?? rule.span, 'pipeline/not-sysmon', 'warning', `The log source (${mapping.description}) is not covered by the Sysmon schema, so the SPL has no Sysmon scope and its field names are used as written.`))
  } else entry.scope = DEFAULT_SYSMON_SCOPE
  entry.expr = applySysmonLogsource(detection.expr, mapping)

  const conversion = convertToSpl(entry.expr, { scope: entry.scope, fieldNames: SPLUNK_SYSMON_FIELD_NAMES })
  diagnostics.push(...conversion.diagnostics)
  const [query] = conversion.queries
  if (query !== undefined && checkSplDialect(query, rule, diagnostics)) {
    report.spl = conversion.queries
    entry.spl = query
  }
  return entry
}

/** Parse the printed SPL back: a query our own SPL engine rejects is a conversion defect. */
function checkSplDialect(query: string, rule: SigmaRule, diagnostics: Diagnostic[]): boolean {
  const where = rule.detection?.span
  const parsed = parseSpl(query)
  if (!parsed.ok) {
    diagnostics.push(diagnosticAt(where, 'spl/syntax', 'error', `The generated SPL is invalid at column ${parsed.error.column}: ${parsed.error.message}. This is a sigma-gate defect; please report it with the rule.`))
    return false
  }
  const compiled = compileSpl(parsed.query)
  if (!compiled.ok) {
    diagnostics.push(diagnosticAt(where, 'spl/unsupported', 'error', `The generated SPL cannot be evaluated: ${compiled.error.message}.`))
    return false
  }
  return true
}

/** Find a rule's fixtures (its own fixture file and SigmaHQ regression data) and run them. */
async function runFixtures(entry: CompiledRule, context: RunContext): Promise<void> {
  const rule = entry.rule
  if (!rule || rule.kind !== 'rule') return
  const engines = buildEngines(entry)
  const { relative } = context

  const fixtureFile = fixtureFileFor(rule.file)
  if (await isFile(fixtureFile)) {
    const loaded = await loadFixtureFile(fixtureFile, { root: entry.root })
    entry.report.diagnostics.push(...loaded.diagnostics.map((d) => ({ ...d, file: relative(d.file ?? fixtureFile) })))
    for (const fixtureCase of loaded.cases) entry.report.tests.push(runCase(fixtureCase, engines, relative))
  }

  if (rule.regressionTestsPath) {
    const regression = rule.regressionTestsPath
    const loaded = await loadRegressionCases(rule.file, regression.value, regression.span, { root: entry.root })
    entry.report.diagnostics.push(...loaded.diagnostics.map((d) => (d.file ? { ...d, file: relative(d.file) } : d)))
    for (const fixtureCase of loaded.cases) entry.report.tests.push(runCase(fixtureCase, engines, relative))
  }
}

function buildEngines(entry: CompiledRule): CaseEngines {
  if (!entry.expr) return { missingReason: 'The rule has errors, so it was not compiled; fix its diagnostics first.' }
  const native = compileMatcher(entry.expr)
  if (!entry.spl) return { native, missingReason: 'The rule was not converted to valid SPL, so the SPL side of the case could not run.' }
  const parsed = parseSpl(entry.spl)
  const compiled = parsed.ok ? compileSpl(parsed.query) : undefined
  if (!compiled?.ok) return { native, missingReason: 'The generated SPL could not be compiled.' }
  const predicate = compiled.predicate
  const scope = entry.scope
  return { native, spl: (event) => predicate(toSplEvent(event, SPLUNK_SYSMON_FIELD_NAMES, scope)) }
}

/** Apply severity overrides, suppressions and the baseline once all findings are in. */
function applyRuleConfig(entry: CompiledRule, context: RunContext): void {
  const rule = entry.rule
  entry.report.diagnostics = applyConfig(entry.report.diagnostics, {
    config: context.config,
    path: entry.report.path,
    text: entry.text,
    ...(rule?.id ? { ruleId: rule.id.value } : {}),
    ...(rule ? { lines: { start: rule.span.line, end: rule.span.endLine ?? rule.span.line } } : {}),
  })
}

/** The fixture file that belongs to a rule file: `<rule>.fixtures.yml` beside it. */
export function fixtureFileFor(ruleFile: string): string {
  return ruleFile.replace(/\.ya?ml$/i, '') + '.fixtures.yml'
}

async function isFile(file: string): Promise<boolean> {
  const info = await stat(file).catch(() => undefined)
  return info?.isFile() ?? false
}

async function writeSplFiles(compiled: CompiledRule[], outDir: string, cwd: string): Promise<void> {
  const base = path.resolve(cwd, outDir)
  for (const entry of compiled) {
    if (!entry.spl || !entry.rule) continue
    const relativeToRoot = path.relative(entry.root, entry.rule.file).replace(/\.ya?ml$/i, '')
    const suffix = entry.report.document !== undefined ? `.${entry.report.document}` : ''
    const target = path.join(base, `${relativeToRoot}${suffix}.spl`)
    await mkdir(path.dirname(target), { recursive: true })
    await writeFile(target, `${entry.report.spl.join('\n')}\n`)
  }
}

function summarise(report: Report): void {
  const all = [...report.diagnostics, ...report.rules.flatMap((rule) => rule.diagnostics)]
  report.summary.rules = report.rules.length
  report.summary.errors = all.filter((d) => d.severity === 'error').length
  report.summary.warnings = all.filter((d) => d.severity === 'warning').length
  report.summary.converted = report.rules.filter((rule) => rule.spl.length > 0).length
  const tests = report.rules.flatMap((rule) => rule.tests)
  report.summary.fixtures.passed = tests.filter((test) => test.passed).length
  report.summary.fixtures.failed = tests.length - report.summary.fixtures.passed
}

function toPosix(file: string): string {
  return file.split(path.sep).join('/')
}

/** A rule ready to try on events, for the `match` verb. */
export interface MatchableRule {
  report: RuleReport
  engines: CaseEngines
}

/** Load, lint and convert the rules under `paths`, and compile both engines for each. */
export async function prepareRules(paths: string[], cwd: string): Promise<{ rules: MatchableRule[]; diagnostics: Diagnostic[] }> {
  const loaded = await loadConfig(cwd)
  const context: RunContext = { config: loaded.config, relative: (file) => toPosix(path.relative(cwd, file) || '.') }
  const report = emptyReport(loaded.config.failOn)
  const compiled = await compileRules(paths, cwd, context, report, silentLogger)
  const rules = compiled.map((entry) => ({ report: entry.report, engines: buildEngines(entry) }))
  return { rules, diagnostics: [...loaded.diagnostics, ...report.diagnostics] }
}
