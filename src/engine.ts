import { mkdir, readFile, stat, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { convertToSpl, DEFAULT_SYSMON_SCOPE, type SplunkScope } from './backends/splunk/index.js'
import { diagnosticAt, type Diagnostic } from './diagnostic.js'
import type { Expr } from './ir/expr.js'
import { lintAttackTags } from './lint/attack-tags.js'
import { lintDuplicateIds, lintRuleMetadata } from './lint/rule-metadata.js'
import { silentLogger, type Logger } from './logger.js'
import { compileMatcher } from './match/compile-matcher.js'
import { applySysmonLogsource, SPLUNK_SYSMON_FIELD_NAMES, sysmonMapping } from './pipeline/sysmon.js'
import { toSplEvent } from './pipeline/spl-event.js'
import { discoverRuleFiles } from './rule-discovery.js'
import { loadFixtureFile } from './regress/fixture-file.js'
import { loadRegressionCases } from './regress/regression-cases.js'
import { runCase, type CaseEngines } from './regress/run-case.js'
import { REPORT_VERSION, type FailOn, type Report, type RuleReport, type Verb } from './report/report.js'
import { compileDetection } from './sigma/compile-rule.js'
import { parseRuleFile } from './sigma/load-rule-file.js'
import type { SigmaRule } from './sigma/rule.js'
import { compileSpl, parseSpl } from './spl/index.js'

export interface RunOptions {
  verb: Verb
  /** Files and directories to search for rules. */
  paths: string[]
  /** Paths in the report are relative to this directory. */
  cwd: string
  /** Where `convert`/`check` write one `.spl` file per rule; nothing is written when unset. */
  outDir?: string
  failOn?: FailOn
  logger?: Logger
}

/** A rule after parsing, lowering and conversion, before its fixtures run. */
interface CompiledRule {
  /** Absent when the file held no readable rule document. */
  rule?: SigmaRule
  report: RuleReport
  expr?: Expr
  spl?: string
  /** The directory tree the rule was found under; fixture paths may not leave it. */
  root: string
}

/** Run lint, convert, test or all three over the rules under `options.paths`. */
export async function run(options: RunOptions): Promise<Report> {
  const logger = options.logger ?? silentLogger
  const relative = (file: string): string => toPosix(path.relative(options.cwd, file) || '.')
  const report: Report = emptyReport()

  logger.startGroup('Finding rules')
  const discovery = await discoverRuleFiles(options.paths, options.cwd)
  report.diagnostics.push(...discovery.diagnostics)
  logger.info(`Found ${discovery.files.length} rule files under ${options.paths.map((p) => `'${p}'`).join(', ')}`)
  logger.endGroup()

  logger.startGroup('Linting and converting rules')
  const compiled: CompiledRule[] = []
  for (const file of discovery.files) {
    compiled.push(...(await compileFile(file.path, file.root, relative, options.verb)))
  }
  addDuplicateIds(compiled, relative)
  logger.endGroup()

  if (options.verb === 'test' || options.verb === 'check') {
    logger.startGroup('Running fixtures')
    for (const entry of compiled) await runFixtures(entry, relative)
    logger.endGroup()
  }

  if (options.outDir && (options.verb === 'convert' || options.verb === 'check')) {
    await writeSplFiles(compiled, options.outDir, options.cwd)
  }

  for (const entry of compiled) {
    if (options.verb === 'lint') entry.report.spl = []
    report.rules.push(entry.report)
  }
  summarise(report)
  return report
}

function emptyReport(): Report {
  return {
    version: REPORT_VERSION,
    summary: { rules: 0, errors: 0, warnings: 0, converted: 0, fixtures: { passed: 0, failed: 0 } },
    rules: [],
    diagnostics: [],
  }
}

async function compileFile(file: string, root: string, relative: (file: string) => string, verb: Verb): Promise<CompiledRule[]> {
  const text = await readFile(file, 'utf8')
  const parsed = parseRuleFile(file, text)
  if (parsed.rules.length === 0) {
    const report: RuleReport = { path: relative(file), id: null, title: null, diagnostics: parsed.diagnostics, spl: [], tests: [] }
    return [{ report, root }]
  }
  return parsed.rules.map(({ rule, diagnostics }, index) => {
    const entry = compileRule(rule, [...(index === 0 ? parsed.diagnostics : []), ...diagnostics], relative, root)
    if (parsed.rules.length > 1) entry.report.document = rule.document
    void verb
    return entry
  })
}

/** Lint a rule, lower it to the IR, apply the Sysmon pipeline and print its SPL. */
function compileRule(rule: SigmaRule, diagnostics: Diagnostic[], relative: (file: string) => string, root: string): CompiledRule {
  const report: RuleReport = {
    path: relative(rule.file),
    id: rule.id?.value ?? null,
    title: rule.title?.value ?? null,
    diagnostics,
    spl: [],
    tests: [],
  }
  const entry: CompiledRule = { rule, report, root }
  diagnostics.push(...lintRuleMetadata(rule))
  diagnostics.push(...lintAttackTags({ tags: rule.tags, references: rule.references, ...(rule.description ? { description: rule.description } : {}) }))

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
  }
  entry.expr = applySysmonLogsource(detection.expr, mapping)
  const scope: SplunkScope = mapping.kind === 'other' ? {} : DEFAULT_SYSMON_SCOPE
  const conversion = convertToSpl(entry.expr, { scope, fieldNames: SPLUNK_SYSMON_FIELD_NAMES })
  diagnostics.push(...conversion.diagnostics)
  if (conversion.queries.length > 0 && !conversion.diagnostics.some((d) => d.severity === 'error')) {
    report.spl = conversion.queries
    entry.spl = conversion.queries[0]
    checkSplDialect(entry, rule)
  }
  return entry
}

/** Parse the printed SPL back: a query our own SPL parser rejects is a conversion defect. */
function checkSplDialect(entry: CompiledRule, rule: SigmaRule): void {
  const text = entry.spl as string
  const parsed = parseSpl(text)
  if (!parsed.ok) {
    entry.report.diagnostics.push(diagnosticAt(rule.detection?.span, 'spl/syntax', 'error', `The generated SPL is invalid at column ${parsed.error.column}: ${parsed.error.message}. This is a sigma-gate defect; please report it with the rule.`))
    delete entry.spl
    return
  }
  const compiled = compileSpl(parsed.query)
  if (!compiled.ok) {
    entry.report.diagnostics.push(diagnosticAt(rule.detection?.span, 'spl/unsupported', 'error', `The generated SPL cannot be evaluated: ${compiled.error.message}.`))
    delete entry.spl
  }
}

function addDuplicateIds(compiled: CompiledRule[], relative: (file: string) => string): void {
  const rules = compiled.map((entry) => entry.rule).filter((rule): rule is SigmaRule => rule !== undefined)
  const duplicates = lintDuplicateIds(rules, relative)
  for (const entry of compiled) {
    const found = entry.rule && duplicates.get(entry.rule)
    if (found) entry.report.diagnostics.push(...found)
  }
}

/** Find a rule's fixtures (its own fixture file and SigmaHQ regression data) and run them. */
async function runFixtures(entry: CompiledRule, relative: (file: string) => string): Promise<void> {
  const rule = entry.rule
  if (!rule || rule.kind !== 'rule') return
  const engines = buildEngines(entry, rule)

  const fixtureFile = fixtureFileFor(rule.file)
  if (await exists(fixtureFile)) {
    const loaded = await loadFixtureFile(fixtureFile, { root: entry.root })
    entry.report.diagnostics.push(...loaded.diagnostics.map((d) => ({ ...d, file: d.file ? relative(d.file) : relative(fixtureFile) })))
    for (const fixtureCase of loaded.cases) entry.report.tests.push(runCase(fixtureCase, engines, relative))
  }

  if (rule.regressionTestsPath) {
    const loaded = await loadRegressionCases(rule.file, rule.regressionTestsPath.value, rule.regressionTestsPath.span, { root: entry.root })
    entry.report.diagnostics.push(...loaded.diagnostics)
    for (const fixtureCase of loaded.cases) entry.report.tests.push(runCase(fixtureCase, engines, relative))
  }
}

function buildEngines(entry: CompiledRule, rule: SigmaRule): CaseEngines {
  if (!entry.expr) return { missingReason: 'The rule has errors, so it was not compiled; fix the diagnostics above first.' }
  const native = compileMatcher(entry.expr)
  if (!entry.spl) return { native, missingReason: 'The rule was not converted to valid SPL, so the SPL side of the case could not run.' }
  const parsed = parseSpl(entry.spl)
  const compiled = parsed.ok ? compileSpl(parsed.query) : undefined
  if (!compiled?.ok) return { native, missingReason: 'The generated SPL could not be compiled.' }
  const scope = sysmonMapping(rule).kind === 'other' ? {} : DEFAULT_SYSMON_SCOPE
  const predicate = compiled.predicate
  return { native, spl: (event) => predicate(toSplEvent(event, SPLUNK_SYSMON_FIELD_NAMES, scope)) }
}

export function fixtureFileFor(ruleFile: string): string {
  return ruleFile.replace(/\.ya?ml$/i, '') + '.fixtures.yml'
}

async function exists(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile()
  } catch {
    return false
  }
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
  const relative = (file: string): string => toPosix(path.relative(cwd, file) || '.')
  const discovery = await discoverRuleFiles(paths, cwd)
  const compiled: CompiledRule[] = []
  for (const file of discovery.files) compiled.push(...(await compileFile(file.path, file.root, relative, 'check')))
  const rules = compiled.map((entry) => ({
    report: entry.report,
    engines: entry.rule ? buildEngines(entry, entry.rule) : { missingReason: 'The file holds no readable rule.' },
  }))
  return { rules, diagnostics: discovery.diagnostics }
}
