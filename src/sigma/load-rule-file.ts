import { Pair, YAMLMap, type LineCounter } from 'yaml'
import { diagnosticAt, type Diagnostic } from '../diagnostic.js'
import { DEFAULT_LIMITS, limitDiagnostic, type Limits } from '../limits/limits.js'
import { checkYamlLimits } from '../limits/yaml-limits.js'
import { readRule, SIGMA_TOP_LEVEL_KEYS, type SigmaRule } from './rule.js'
import { isMap, isScalar, parseRuleYaml, spanOf } from './yaml-document.js'

/** The contents of one rule file: its rule documents and file-level problems. */
export interface RuleFile {
  path: string
  rules: { rule: SigmaRule; diagnostics: Diagnostic[] }[]
  /** YAML errors and documents that are not rules; they belong to the file. */
  diagnostics: Diagnostic[]
}

/**
 * Parse a rule file's YAML documents into rules. A file with YAML errors
 * still yields the documents that could be read.
 */
export function parseRuleFile(path: string, text: string, limits: Limits = DEFAULT_LIMITS): RuleFile {
  const bytes = Buffer.byteLength(text, 'utf8')
  if (bytes > limits.ruleFileBytes) {
    const tooLarge = limitDiagnostic(undefined, 'limits/file-size', `The rule file is ${bytes} bytes long, which`, 'ruleFileBytes', limits.ruleFileBytes)
    return { path, rules: [], diagnostics: [tooLarge] }
  }
  const source = parseRuleYaml(text)
  const file: RuleFile = { path, rules: [], diagnostics: [...source.diagnostics] }
  if (source.diagnostics.some((d) => d.severity === 'error')) return file
  file.diagnostics.push(...checkYamlLimits(source.documents, source.lineCounter, limits))
  if (file.diagnostics.some((d) => d.severity === 'error')) return file

  const collection = new RuleCollection(path, source.lineCounter, file)
  source.documents.forEach((document, index) => {
    const contents = document.contents
    if (contents === null) return
    if (isMap(contents)) collection.add(contents, index)
    else file.diagnostics.push(diagnosticAt(spanOf(contents, source.lineCounter), 'sigma/structure', 'error', 'A Sigma rule document must be a map of attributes such as title, logsource and detection.'))
  })
  return file
}

/**
 * Applies rule-collection actions while documents are added: `action: global`
 * attributes apply to every later document until `action: reset`, and
 * `action: repeat` extends the previous rule.
 */
class RuleCollection {
  private global: YAMLMap | undefined
  private previous: YAMLMap | undefined

  constructor(
    private readonly path: string,
    private readonly lineCounter: LineCounter,
    private readonly file: RuleFile,
  ) {}

  add(contents: YAMLMap, index: number): void {
    const action = actionOf(contents)
    const own = withoutAction(contents)
    if (action === 'global') {
      this.global = this.global ? mergeMaps(this.global, own) : own
      return
    }
    if (action === 'reset') {
      this.global = undefined
      return
    }
    if (action === 'repeat' && !this.previous) {
      this.report(contents, `'action: repeat' needs an earlier rule document to repeat. Remove it, or place it after the rule it extends.`)
      return
    }
    if (action !== undefined && action !== 'repeat') {
      this.report(contents, `'action: ${action}' is not a rule collection action. Use global, reset or repeat.`)
      return
    }

    const base = action === 'repeat' ? this.previous : this.global
    const merged = base ? mergeMaps(base, own) : own
    this.previous = merged
    this.file.rules.push(readRule(merged, this.path, index, this.lineCounter))
  }

  private report(contents: YAMLMap, message: string): void {
    this.file.diagnostics.push(diagnosticAt(spanOf(contents, this.lineCounter), 'sigma/collection', 'error', message))
  }
}

function actionOf(map: YAMLMap): string | undefined {
  const pair = map.items.find((item) => isScalar(item.key) && item.key.value === 'action')
  return isScalar(pair?.value) ? String(pair.value.value) : undefined
}

function withoutAction(map: YAMLMap): YAMLMap {
  const copy = new YAMLMap()
  copy.range = map.range
  copy.items = map.items.filter((item) => !(isScalar(item.key) && item.key.value === 'action'))
  return copy
}

/**
 * Deep-merge two maps of one file, later keys winning. The nodes are shared,
 * so every merged attribute keeps the line it was written at.
 */
function mergeMaps(base: YAMLMap, overlay: YAMLMap): YAMLMap {
  const merged = new YAMLMap()
  merged.range = overlay.range ?? base.range
  const keyOf = (item: Pair): unknown => (isScalar(item.key) ? item.key.value : item.key)
  for (const item of base.items) {
    const override = overlay.items.find((other) => keyOf(other) === keyOf(item))
    if (!override) merged.items.push(item)
    else if (isMap(item.value) && isMap(override.value)) merged.items.push(new Pair(override.key, mergeMaps(item.value, override.value)))
    else merged.items.push(override)
  }
  for (const item of overlay.items) {
    if (!base.items.some((other) => keyOf(other) === keyOf(item))) merged.items.push(item)
  }
  return merged
}

/** A line that starts with a Sigma top-level key. */
const TOP_LEVEL_KEY = new RegExp(`^(${SIGMA_TOP_LEVEL_KEYS.join('|')})\\s*:`, 'm')

/**
 * Decide whether a YAML file is a rule file: it fails to parse, or a document
 * has a Sigma top-level key. A text scan comes first, so other YAML is cheap.
 */
export function looksLikeRuleFile(text: string): boolean {
  if (TOP_LEVEL_KEY.test(text)) return true
  const source = parseRuleYaml(text)
  if (source.diagnostics.length > 0) return true
  return source.documents.some(
    (document) =>
      isMap(document.contents) &&
      document.contents.items.some((pair) => isScalar(pair.key) && SIGMA_TOP_LEVEL_KEYS.includes(String(pair.key.value))),
  )
}
