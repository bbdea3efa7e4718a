import { statSync } from 'node:fs'
import path from 'node:path'
import { convertToSpl, type SplunkScope } from './backends/splunk/index.js'
import { outsideDuplicateIds, type RuleSelection } from './changed-rules.js'
import { outputMetadata, writeSplunkOutputs, type OutputRule } from './backends/splunk/splunk-outputs.js'
import { applyConfig, isExcluded } from './config/apply-config.js'
import type { Config } from './config/config.js'
import { loadConfig } from './config/load-config.js'
import { parseSuppressions, type Suppression } from './config/suppressions.js'
import { countOf } from './report/report-order.js'
import { diagnosticAt, type Diagnostic } from './diagnostic.js'
import { internalErrorDiagnostic } from './internal-error.js'
import { limitDiagnostic, type Limits } from './limits/limits.js'
import { readBounded } from './limits/read-bounded.js'
import type { Expr } from './ir/expr.js'
import { lintRule, lintRunFacts } from './lint/lint-rule.js'
import { runFactsOf, type RunFacts } from './lint/run-checks.js'
import { silentLogger, type Logger } from './logger.js'
import { compileMatcher } from './match/compile-matcher.js'
import { createExplainer, type Explainer } from './match/explain.js'
import { checkFilterReferences, collectFilters, compileCorrelations, correlationEngines, filterRule, mayHoldFilter, mayHoldMetaDocument, readCorrelationDocument, type CompiledCorrelation } from './meta-documents.js'
import { toSplEvent } from './pipeline/spl-event.js'
import { splunkPipeline, unmappedFields, type SplunkPipeline } from './pipeline/splunk-pipeline.js'
import { applySysmonLogsource, skippedStatus, sysmonMapping } from './pipeline/sysmon.js'
import { loadFixtureFile, type FixtureCase, type FixtureCases } from './regress/fixture-file.js'
import { loadRegressionCases } from './regress/regression-cases.js'
import { sweepBaseline } from './regress/baseline-sweep.js'
import { checkFixturePolicy } from './regress/fixture-policy.js'
import { checkCaseTargets } from './regress/fixture-targets.js'
import { runCase, type CaseEngines } from './regress/run-case.js'
import { runCorrelationCase } from './regress/run-correlation-case.js'
import { REPORT_VERSION, type FailOn, type Report, type RuleReport, type Verb } from './report/report.js'
import { discoverRuleFiles, type DiscoveredFile } from './rule-discovery.js'
import type { FinishedRule, PartFile, PartResult, PartTask } from './parallel/part-task.js'
import { runShared } from './parallel/share-parts.js'
import { chunkSize, partCount, planChunks, planParts } from './parallel/worker-pool.js'
import { compileDetection } from './sigma/compile-rule.js'
import { readFilter, type SigmaFilter } from './sigma/filter.js'
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
  /** Config file to read instead of `.sigma-gate.yml` in `cwd`, relative to `cwd`. */
  configFile?: string
  /** Check only these rule files (changed-only mode); ids elsewhere still count as duplicates. */
  only?: RuleSelection
  /**
   * Split a large run across this many threads, each loading `entry` (the
   * running program's own file, which serves parts when started as a worker).
   */
  workers?: { entry: string | URL; count: number; minFilesPerPart?: number }
}

/** State that every stage of one run shares. */
interface RunContext {
  config: Config
  relative: (file: string) => string
  /** Scope and field renames from the `splunk:` settings. */
  pipeline: SplunkPipeline
  /** The filter documents found under the run's paths; they apply to the rules they name. */
  filters?: SigmaFilter[]
  /** The parsed documents of each rule file, for checking fixture cases' `rule` keys. */
  documents?: ReadonlyMap<string, SigmaRule[]>
  /** Fixture files already loaded in this batch, so a file with several documents is parsed once. */
  fixtureFiles?: Map<string, Promise<FixtureCases>>
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
  /** Field renames the SPL was written with; fixture events get the same. */
  fieldNames: Record<string, string>
  /** Why the rule is left out of the outputs (its status), if it is. */
  skipped?: string
  /** The directory tree the rule was found under; fixture paths may not leave it. */
  root: string
  /** Set for correlation documents. */
  correlation?: CompiledCorrelation
  /** Set when a correlation in the same file references the rule, so unkeyed fixture cases skip it. */
  referencedInFile?: boolean
  /** Whether discovery listed the rule's fixture file; unset when the file system must be asked. */
  hasFixtureFile?: boolean
  /** Each selection's IR, whose nodes occur inside `expr`; explanations of failing cases need it. */
  selections?: ReadonlyMap<string, Expr>
}

/** Runs started by this process, for the run ids that worker threads key their context by. */
let runCount = 0

/** Run lint, convert, test or all three over the rules under `options.paths`. */
export async function run(options: RunOptions): Promise<Report> {
  const logger = options.logger ?? silentLogger
  const relative = (file: string): string => toPosix(path.relative(options.cwd, file) || '.')
  const configFile = options.configFile ? path.resolve(options.cwd, options.configFile) : undefined
  const loaded = await loadConfig(options.cwd, configFile)
  const context: RunContext = { config: loaded.config, relative, pipeline: splunkPipeline(loaded.config.splunk) }
  const report = emptyReport(options.failOn ?? loaded.config.failOn)
  report.diagnostics.push(...loaded.diagnostics.map((d) => ({ ...d, ...(d.file ? { file: relative(d.file) } : {}) })))

  logger.startGroup('Finding rules')
  const files = await selectRuleFiles(options.paths, options.cwd, context, report, logger, options.only)
  logger.endGroup()

  const task: PartTask = {
    runId: `${process.pid}.${++runCount}`,
    verb: options.verb,
    cwd: options.cwd,
    ...(configFile ? { configFile } : {}),
    files: files.map((file, index) => ({
      index,
      path: file.path,
      root: file.root,
      ...(file.text !== undefined ? { text: file.text } : {}),
      ...(file.hasFixtureFile !== undefined ? { hasFixtureFile: file.hasFixtureFile } : {}),
    })),
    filterFiles: filterFilesOf(files, context, options.only),
    collectOutputs: options.outDir !== undefined && (options.verb === 'convert' || options.verb === 'check'),
  }
  logger.startGroup(options.verb === 'lint' ? 'Linting rules' : options.verb === 'convert' ? 'Converting rules' : 'Checking rules and running fixtures')
  const parts = await runParts(task, context, options, logger)
  logger.endGroup()

  const finished = parts.flatMap((part) => part.rules).sort((a, b) => a.fileIndex - b.fileIndex || a.position - b.position)
  addCrossRuleFindings(finished, context, options.only)
  report.diagnostics.push(...uniqueDiagnostics(parts.flatMap((part) => part.diagnostics)))
  if (task.collectOutputs && options.outDir) {
    const outputs = finished.flatMap((entry) => (entry.output ? [entry.output] : []))
    await writeSplunkOutputs(outputs, path.resolve(options.cwd, options.outDir), loaded.config)
  }

  for (const entry of finished) {
    applyRuleConfig(entry, context)
    if (options.verb === 'lint') entry.report.spl = []
    report.rules.push(entry.report)
  }
  summarise(report)
  logger.info(`Checked ${countOf(report.summary.rules, 'rule')}: ${countOf(report.summary.errors, 'error')}, ${countOf(report.summary.warnings, 'warning')}, ${countOf(report.summary.fixtures.failed, 'failing fixture')}`)
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

/**
 * Run the task in one part on this thread, or share it with worker threads
 * when the run is large and the caller named a worker entry. A chunk whose
 * thread fails runs again on this one, so the failure costs time but no
 * results.
 */
async function runParts(task: PartTask, context: RunContext, options: RunOptions, logger: Logger): Promise<PartResult[]> {
  const workers = options.workers
  const count = workers && !options.only ? partCount(task.files.length, workers.count, workers.minFilesPerPart) : 1
  if (!workers || count <= 1) return [await compilePart(task, context)]
  // A baseline sweep reads the event directory once per part, so it gets one part per thread.
  const sweep = context.config.baselineEvents !== undefined
  const chunks = sweep ? planParts(task, count) : planChunks(task, chunkSize(task.files.length, count))
  if (chunks.length <= 1) return [await compilePart(task, context)]

  const threads = Math.min(count, chunks.length)
  logger.info(`Checking ${task.files.length} rule files in ${threads} threads`)
  const compileHere = (chunk: PartTask): Promise<PartResult> => compilePart(chunk, context)
  const results = await runShared(chunks, { entry: workers.entry, workers: threads - 1, heap: sweep ? 'unbounded' : 'bounded', compileHere, logger })
  const doubt = splitReferenceDoubt(task, results)
  if (doubt === undefined) return results

  logger.info(`The run was repeated on one thread, because ${doubt}.`)
  return [await compilePart(task, context)]
}

/**
 * Return why a split run may differ from a single-thread one, or undefined.
 * The text scan that keeps correlations and filters with their rules can
 * miss a rule spelled in an unusual way. The correlation or filter then
 * reports the rule as unknown, or picks another rule of the same id or name.
 */
function splitReferenceDoubt(task: PartTask, results: readonly PartResult[]): string | undefined {
  if (!task.files.some((file) => file.text !== undefined && mayHoldMetaDocument(file.text))) return undefined
  const rules = results.flatMap((result) => result.rules)
  const unresolved = rules.some((rule) => rule.report.diagnostics.some((d) => d.check === 'correlation/unknown-rule' || d.check === 'filter/unknown-rule'))
  if (unresolved) return 'a correlation or filter named a rule that its thread did not find'
  const keys = rules.flatMap((rule) => [rule.facts?.id?.value, rule.facts?.name?.value].filter((key) => key !== undefined).map((key) => key.toLowerCase()))
  if (new Set(keys).size < keys.length) return 'an id or name is used by more than one rule, and a correlation or filter may pick another of them on another thread'
  return undefined
}

/** Compile, lint and convert the rule files of one part, and run their fixtures. */
export async function compilePart(task: PartTask, known?: RunContext): Promise<PartResult> {
  const context = known ?? (await servedRunContext(task))
  // Every part of a run has the same filter files, so each thread reads them once.
  context.filters ??= await collectFilters(task.filterFiles)
  const rules: FinishedRule[] = []
  const diagnostics: Diagnostic[] = []
  // Without correlations and filters each file is done and dropped before
  // the next, which keeps the parsed YAML of a large run out of memory. They
  // resolve their rules among the documents of their batch, and a baseline
  // sweep reads the event directory once for all rules, so then the part is
  // one batch.
  const whole = context.config.baselineEvents !== undefined || task.files.some((file) => file.text !== undefined && mayHoldMetaDocument(file.text))
  const batches = whole ? [task.files] : task.files.map((file) => [file])
  for (const batch of batches) {
    const done = await compileBatch(batch, task, context)
    rules.push(...done.rules)
    diagnostics.push(...done.diagnostics)
  }
  return { rules, diagnostics }
}

/** Compile files that only depend on each other, run their fixtures, and keep the plain results. */
async function compileBatch(files: readonly PartFile[], task: PartTask, context: RunContext): Promise<PartResult> {
  const compiled: { entry: CompiledRule; fileIndex: number; position: number }[] = []
  for (const file of files) {
    const entries = await compileFile(file.path, file.root, context, file.text)
    entries.forEach((entry, position) => {
      if (file.hasFixtureFile !== undefined) entry.hasFixtureFile = file.hasFixtureFile
      compiled.push({ entry, fileIndex: file.index, position })
    })
  }
  const entries = compiled.map(({ entry }) => entry)
  const rules = entries.flatMap((entry) => (entry.rule ? [entry.rule] : []))
  compileCorrelations(entries)
  for (const entry of entries) {
    if (entry.rule?.kind === 'filter') entry.report.diagnostics.push(...checkFilterReferences(entry.rule, rules))
  }
  const crossAt = entries.map((entry) => entry.report.diagnostics.length)

  const diagnostics: Diagnostic[] = []
  if (task.verb === 'test' || task.verb === 'check') {
    context.documents = documentsByFile(entries)
    context.fixtureFiles = new Map()
    for (const entry of entries) await runFixturesContained(entry, context)
    diagnostics.push(...(await runFixtureChecks(entries, context)))
  }
  // Suppressions are parsed once per file, and only plain data leaves the part.
  const suppressionsOf = new Map<string, Suppression[]>()
  const finished = compiled.map(({ entry, fileIndex, position }, index): FinishedRule => {
    const { rule, report, text } = entry
    const done: FinishedRule = { fileIndex, position, report, crossAt: crossAt[index] as number }
    let suppressions = suppressionsOf.get(text)
    if (suppressions === undefined) suppressionsOf.set(text, (suppressions = parseSuppressions(text)))
    if (suppressions.length > 0) done.suppressions = suppressions
    if (rule) {
      done.facts = runFactsOf(rule)
      done.lines = { start: rule.span.line, end: rule.span.endLine ?? rule.span.line }
      if (rule.id) done.ruleId = rule.id.value
    }
    const output = task.collectOutputs ? outputRule(entry) : undefined
    if (output) done.output = output
    return done
  })
  return { rules: finished, diagnostics }
}

/** The run whose parts this worker thread serves, with its context. */
let servedRun: { id: string; context: Promise<RunContext> } | undefined

/**
 * Return the context of the run a part belongs to, in a worker thread. The
 * configuration is read once per run, so it is read again for a later run
 * of the same process, whose files may differ.
 */
function servedRunContext(task: PartTask): Promise<RunContext> {
  if (servedRun?.id !== task.runId) servedRun = { id: task.runId, context: partContext(task) }
  return servedRun.context
}

async function partContext(task: PartTask): Promise<RunContext> {
  const { config } = await loadConfig(task.cwd, task.configFile)
  const relative = (file: string): string => toPosix(path.relative(task.cwd, file) || '.')
  return { config, relative, pipeline: splunkPipeline(config.splunk) }
}

/** Find the rule files under the run's paths, less those the configuration excludes. */
async function selectRuleFiles(paths: string[], cwd: string, context: RunContext, report: Report, logger: Logger, only?: RuleSelection): Promise<DiscoveredFile[]> {
  const discovery = only ? { files: only.files, diagnostics: [] } : await discoverRuleFiles(paths, cwd)
  report.diagnostics.push(...discovery.diagnostics)
  const files = discovery.files.filter((file) => !isExcluded(context.relative(file.path), context.config))
  for (const file of discovery.files.filter((found) => !files.includes(found))) {
    report.diagnostics.push({ ...diagnosticAt(undefined, 'convert/skipped-status', 'info', `The rule file is excluded by the 'exclude' globs of .sigma-gate.yml, so it was not checked and is left out of the outputs.`), file: context.relative(file.path) })
  }
  logger.info(`Found ${files.length} rule files under ${paths.map((p) => `'${p}'`).join(', ')}`)
  return files
}

/** Return the files whose filter documents apply in this run. */
function filterFilesOf(files: readonly DiscoveredFile[], context: RunContext, only?: RuleSelection): { path: string; text?: string }[] {
  const named = only?.filterFiles?.filter((file) => !isExcluded(context.relative(file), context.config))
  if (named) return named.map((file) => ({ path: file }))
  // A file without text could not be read or is too large, so it has no usable filter.
  return files.flatMap((file) => (file.text !== undefined && mayHoldFilter(file.text) ? [{ path: file.path, text: file.text }] : []))
}

/** Add the findings that compare rules with each other, where the single-threaded order had them. */
function addCrossRuleFindings(finished: readonly FinishedRule[], context: RunContext, only?: RuleSelection): void {
  const withFacts = finished.filter((entry): entry is FinishedRule & { facts: RunFacts } => entry.facts !== undefined)
  const facts = withFacts.map((entry) => entry.facts)
  const outsideIds = only ? { outsideIds: new Set(only.otherIds.keys()) } : {}
  const crossRule = lintRunFacts(facts, { config: context.config, relativePath: context.relative, ...outsideIds })
  const outside = only ? outsideDuplicateIds(facts, only, context.relative) : undefined
  for (const entry of withFacts) {
    const found = [...(crossRule.get(entry.facts) ?? []), ...(outside?.get(entry.facts) ?? [])]
    if (found.length > 0) entry.report.diagnostics.splice(entry.crossAt, 0, ...found)
  }
}

/** Drop repeats among report-level findings, which each part of a split run may make. */
function uniqueDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>()
  return diagnostics.filter((diagnostic) => {
    const key = JSON.stringify(diagnostic)
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

async function compileFile(file: string, root: string, context: RunContext, known?: string): Promise<CompiledRule[]> {
  const fileOnly = (diagnostics: Diagnostic[], text = ''): CompiledRule[] => {
    const report: RuleReport = { path: context.relative(file), id: null, title: null, diagnostics, spl: [], tests: [] }
    return [{ report, root, text, scope: {}, fieldNames: {} }]
  }
  const read = known === undefined ? await readRuleText(file, context.config.limits) : { text: known }
  if ('diagnostic' in read) return fileOnly([read.diagnostic])
  const text = read.text
  let parsed: ReturnType<typeof parseRuleFile>
  try {
    parsed = parseRuleFile(file, text, context.config.limits)
  } catch (error) {
    return fileOnly([internalErrorDiagnostic('reading the rule file', error)], text)
  }
  if (parsed.rules.length === 0) return fileOnly(parsed.diagnostics, text)
  return parsed.rules.map(({ rule, diagnostics }, index) => {
    const fileDiagnostics = index === 0 ? parsed.diagnostics : []
    const entry = compileRuleContained(rule, [...fileDiagnostics, ...diagnostics], context, root, text)
    if (parsed.rules.length > 1) entry.report.document = rule.document
    return entry
  })
}

/** Read a rule file within the size limit; an unreadable or oversized file becomes a diagnostic. */
type RuleText = { text: string } | { diagnostic: Diagnostic }

async function readRuleText(file: string, limits: Limits): Promise<RuleText> {
  const read = await readBounded(file, limits.ruleFileBytes)
  if (read.ok) return { text: read.bytes.toString('utf8') }
  if (read.reason === 'too-large') {
    return { diagnostic: limitDiagnostic(undefined, 'limits/file-size', `The rule file is larger than ${read.maxBytes} bytes, which`, 'ruleFileBytes', read.maxBytes) }
  }
  return { diagnostic: diagnosticAt(undefined, 'run/unreadable-file', 'error', `The rule file could not be read (${read.message}). Check that it is a readable file.`) }
}

/**
 * Compile one rule, turning an exception (a sigma-gate defect) into an
 * `internal/error` on that rule, so the other rules still get their results.
 */
function compileRuleContained(rule: SigmaRule, diagnostics: Diagnostic[], context: RunContext, root: string, text: string): CompiledRule {
  try {
    return compileRule(rule, diagnostics, context, root, text)
  } catch (error) {
    const report: RuleReport = { path: context.relative(rule.file), id: rule.id?.value ?? null, title: rule.title?.value ?? null, diagnostics, spl: [], tests: [] }
    diagnostics.push(internalErrorDiagnostic('compiling and converting the rule', error, rule.span))
    return { rule, report, root, text, scope: {}, fieldNames: {} }
  }
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
  if (rule.tags.length > 0) report.tags = rule.tags.map((tag) => tag.value)
  const entry: CompiledRule = { rule, report, root, text, scope: {}, fieldNames: {} }
  diagnostics.push(...lintRule(rule, { config: context.config, relativePath: context.relative }))
  const skipped = skippedStatus(rule)
  if (skipped) {
    entry.skipped = skipped
    diagnostics.push(diagnosticAt(rule.status?.span ?? rule.span, 'convert/skipped-status', 'info', `The rule has status '${skipped}', so it is checked but left out of the .spl files, savedsearches.conf, the manifest and the Splunk app. Change the status to stable, test or experimental to deploy it.`))
  }

  if (rule.kind === 'filter') {
    diagnostics.push(...readFilter(rule).diagnostics)
    return entry
  }
  if (rule.kind === 'correlation') {
    const read = readCorrelationDocument(rule)
    diagnostics.push(...read.diagnostics)
    entry.correlation = read.compiled
    return entry
  }
  const detection = compileDetection(rule, context.config.limits, { placeholders: context.config.placeholders })
  diagnostics.push(...detection.diagnostics)
  if (!detection.expr || detection.diagnostics.some((d) => d.severity === 'error')) return entry
  if (detection.selections) entry.selections = detection.selections
  const filtered = filterRule(rule, detection.expr, context.filters ?? [])
  diagnostics.push(...filtered.diagnostics)

  const { pipeline } = context
  const mapping = sysmonMapping(rule)
  entry.fieldNames = { EventID: pipeline.fieldNames['EventID'] ?? 'EventCode' }
  if (mapping.kind === 'other') {
    diagnostics.push(diagnosticAt(rule.logsource?.span ?? rule.span, 'pipeline/not-sysmon', 'warning', `The log source (${mapping.description}) is not covered by the Sysmon schema, so the SPL has no Sysmon scope and its field names are used as written.`))
  } else {
    entry.scope = pipeline.scope
    entry.fieldNames = pipeline.fieldNames
    diagnostics.push(...unmappedFields(filtered.expr, pipeline))
  }
  entry.expr = applySysmonLogsource(filtered.expr, mapping)

  const conversion = convertToSpl(entry.expr, { scope: entry.scope, fieldNames: entry.fieldNames })
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

/** Run a rule's fixtures, turning an exception into an `internal/error` on that rule. */
async function runFixturesContained(entry: CompiledRule, context: RunContext): Promise<void> {
  try {
    await runFixtures(entry, context)
  } catch (error) {
    entry.report.diagnostics.push(internalErrorDiagnostic('running the fixtures', error, entry.rule?.span))
  }
}

/** Find a rule's fixtures (its own fixture file and SigmaHQ regression data) and run them. */
async function runFixtures(entry: CompiledRule, context: RunContext): Promise<void> {
  const rule = entry.rule
  if (!rule || rule.kind === 'filter') return
  // Compiled only for a rule that has cases: most rules of a large tree have none.
  let engines: CaseEngines | undefined
  const enginesOf = (): CaseEngines => (engines ??= rule.kind === 'rule' ? buildEngines(entry) : {})
  const correlation = rule.kind === 'correlation' ? correlationEngines(entry.correlation) : undefined
  const { relative } = context

  const fixtureFile = fixtureFileFor(rule.file)
  if (entry.hasFixtureFile ?? isFile(fixtureFile)) {
    const loaded = await loadFixtureFileOnce(fixtureFile, entry.root, !correlation, context)
    if (!entry.referencedInFile) entry.report.diagnostics.push(...loaded.diagnostics.map((d) => ({ ...d, file: relative(d.file ?? fixtureFile) })))
    const documents = context.documents?.get(rule.file) ?? [rule]
    // Only the file's first testable document reports, so a case is reported once.
    if (documents.find((document) => document.kind !== 'filter') === rule) {
      entry.report.diagnostics.push(...checkCaseTargets(loaded.cases, documents, relative(fixtureFile)))
    }
    for (const fixtureCase of loaded.cases) {
      if (!caseTestsRule(fixtureCase.rule, entry)) continue
      if (correlation) entry.report.tests.push(runCorrelationCase(fixtureCase, correlation, relative))
      else await runCaseInto(entry, fixtureCase, enginesOf(), context)
    }
  }
  if (rule.kind !== 'rule') return

  if (rule.regressionTestsPath) {
    const regression = rule.regressionTestsPath
    const loaded = await loadRegressionCases(rule.file, regression.value, regression.span, { root: entry.root, limits: context.config.limits, stream: true, regressionEvtx: true })
    entry.report.diagnostics.push(...loaded.diagnostics.map((d) => (d.file ? { ...d, file: relative(d.file) } : d)))
    for (const fixtureCase of loaded.cases) await runCaseInto(entry, fixtureCase, enginesOf(), context)
  }
}

/** Load a fixture file, or return the load an earlier document of the same rule file started. */
function loadFixtureFileOnce(file: string, root: string, stream: boolean, context: RunContext): Promise<FixtureCases> {
  const key = `${stream ? 'stream' : 'whole'}:${root}:${file}`
  let loaded = context.fixtureFiles?.get(key)
  if (loaded === undefined) {
    loaded = loadFixtureFile(file, { root, limits: context.config.limits, stream })
    context.fixtureFiles?.set(key, loaded)
  }
  return loaded
}

/**
 * Check each rule's tests against `fixture-policy` and run every rule over
 * the `baseline-events` directory, when `.sigma-gate.yml` sets them. Rules
 * that only feed a correlation in their file are left out, because they do
 * not alert on their own.
 */
async function runFixtureChecks(compiled: CompiledRule[], context: RunContext): Promise<Diagnostic[]> {
  const { config } = context
  const rules = compiled.flatMap((entry) => (entry.rule?.kind === 'rule' && !entry.referencedInFile ? [{ entry, rule: entry.rule }] : []))
  const policy = config.fixturePolicy
  if (policy) for (const { entry, rule } of rules) entry.report.diagnostics.push(...checkFixturePolicy(rule, entry.report.tests, policy))
  if (!config.baselineEvents) return []

  const sweep = rules.map(({ entry, rule }) => ({ rule, engines: buildEngines(entry), diagnostics: entry.report.diagnostics }))
  const problems = await sweepBaseline(config.baselineEvents, sweep, { allow: config.baselineAllow ?? [], relative: context.relative, limits: config.limits })
  return problems.map((d) => (d.file ? { ...d, file: context.relative(d.file) } : d))
}

/** Run one case and add its test, and any problem in its event file, to the rule's report. */
async function runCaseInto(entry: CompiledRule, fixtureCase: FixtureCase, engines: CaseEngines, context: RunContext): Promise<void> {
  const { test, diagnostics } = await runCase(fixtureCase, engines, context.relative, { limits: context.config.limits })
  entry.report.tests.push(test)
  entry.report.diagnostics.push(...diagnostics.map((d) => (d.file ? { ...d, file: context.relative(d.file) } : d)))
}

/** Group the parsed documents by the rule file they came from, in file order. */
function documentsByFile(compiled: readonly CompiledRule[]): Map<string, SigmaRule[]> {
  const documents = new Map<string, SigmaRule[]>()
  for (const { rule } of compiled) {
    if (!rule) continue
    const list = documents.get(rule.file) ?? []
    list.push(rule)
    documents.set(rule.file, list)
  }
  return documents
}

/**
 * Tell whether a fixture case tests this document: a case with `rule` tests
 * the document with that id or name, and a case without it tests every
 * document that no correlation in the same file references.
 */
function caseTestsRule(target: string | undefined, entry: CompiledRule): boolean {
  if (target === undefined) return !entry.referencedInFile
  return entry.rule?.id?.value === target || entry.rule?.name?.value === target
}

function buildEngines(entry: CompiledRule): CaseEngines {
  if (entry.correlation) return { missingReason: 'A correlation runs over a stream of events, not one event at a time; run its fixture cases with the test verb.' }
  if (!entry.expr) return { missingReason: 'The rule has errors, so it was not compiled; fix its diagnostics first.' }
  const native = compileMatcher(entry.expr)
  if (!entry.spl) return { native, missingReason: 'The rule was not converted to valid SPL, so the SPL side of the case could not run.' }
  const parsed = parseSpl(entry.spl)
  const compiled = parsed.ok ? compileSpl(parsed.query) : undefined
  if (!compiled?.ok) return { native, missingReason: 'The generated SPL could not be compiled.' }
  const predicate = compiled.predicate
  const { scope, fieldNames } = entry
  const engines: CaseEngines = { native, spl: (event) => predicate(toSplEvent(event, fieldNames, scope)) }
  const { rule, selections, expr } = entry
  if (rule && selections) {
    // Built on the first failing case only; passing runs never pay for it.
    let explainer: Explainer | undefined
    engines.explain = (event, where) => (explainer ??= createExplainer(rule, selections, expr))(event, where)
  }
  return engines
}

/** Apply severity overrides, suppressions and the baseline once all findings are in. */
function applyRuleConfig(entry: FinishedRule, context: RunContext): void {
  entry.report.diagnostics = applyConfig(entry.report.diagnostics, {
    config: context.config,
    path: entry.report.path,
    suppressions: entry.suppressions ?? [],
    ...(entry.ruleId !== undefined ? { ruleId: entry.ruleId } : {}),
    ...(entry.lines ? { lines: entry.lines } : {}),
  })
}

/** The fixture file that belongs to a rule file: `<rule>.fixtures.yml` beside it. */
export function fixtureFileFor(ruleFile: string): string {
  return ruleFile.replace(/\.ya?ml$/i, '') + '.fixtures.yml'
}

/** Synchronous, because it runs once per rule and is nearly always a miss. */
function isFile(file: string): boolean {
  try {
    return statSync(file, { throwIfNoEntry: false })?.isFile() ?? false
  } catch {
    return false
  }
}

/** Return the rule as it goes into the outputs, or undefined when it did not convert or its status leaves it out. */
function outputRule(entry: CompiledRule): OutputRule | undefined {
  if (!entry.spl || !entry.rule || !entry.expr || entry.skipped) return undefined
  const relativeToRoot = toPosix(path.relative(entry.root, entry.rule.file)).replace(/\.ya?ml$/i, '')
  const suffix = entry.report.document !== undefined ? `.${entry.report.document}` : ''
  return { rule: outputMetadata(entry.rule), path: entry.report.path, splFile: `${relativeToRoot}${suffix}.spl`, spl: entry.spl, expr: entry.expr }
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

/** A rule ready to try on events, for the `match` and `verify` verbs. */
export interface MatchableRule {
  report: RuleReport
  engines: CaseEngines
  /** The parsed rule; absent when the file held no readable rule document. */
  rule?: SigmaRule
  /** The directory tree the rule was found under; fixture paths may not leave it. */
  root: string
  /** The Splunk scope (source, sourcetype, index) its SPL searches. */
  scope: SplunkScope
  /** Field renames its SPL was written with. */
  fieldNames: Record<string, string>
  /** The detection after the Sysmon pipeline; absent when it did not compile. */
  expr?: Expr
}

/** Load, lint and convert the rules under `paths`, and compile both engines for each. */
export async function prepareRules(paths: string[], cwd: string): Promise<{ rules: MatchableRule[]; diagnostics: Diagnostic[] }> {
  const loaded = await loadConfig(cwd)
  const context: RunContext = { config: loaded.config, relative: (file) => toPosix(path.relative(cwd, file) || '.'), pipeline: splunkPipeline(loaded.config.splunk) }
  const report = emptyReport(loaded.config.failOn)
  const files = await selectRuleFiles(paths, cwd, context, report, silentLogger)
  context.filters = await collectFilters(filterFilesOf(files, context))
  const compiled: CompiledRule[] = []
  for (const file of files) compiled.push(...(await compileFile(file.path, file.root, context, file.text)))
  compileCorrelations(compiled)
  const rules = compiled.map((entry) => ({
    report: entry.report,
    engines: buildEngines(entry),
    ...(entry.rule ? { rule: entry.rule } : {}),
    root: entry.root,
    scope: entry.scope,
    fieldNames: entry.fieldNames,
    ...(entry.expr ? { expr: entry.expr } : {}),
  }))
  return { rules, diagnostics: [...loaded.diagnostics, ...report.diagnostics] }
}
