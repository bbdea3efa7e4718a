import path from 'node:path'
import { glob } from 'tinyglobby'
import { diagnosticAt, type Diagnostic } from './diagnostic.js'
import { readRegularFileSync } from './limits/read-bounded.js'
import type { DiscoveredFile } from './rule-discovery.js'
import { looksLikeRuleFile } from './sigma/load-rule-file.js'
import type { Located } from './sigma/rule.js'

/**
 * The rules a changed-only run checks, and what it needs to know about the
 * rest of the tree. Built by `selectChangedRules` from a text scan, so the
 * whole tree is never parsed.
 */
export interface RuleSelection {
  /** Rule files to lint, convert and test, with the root each was found under. */
  files: DiscoveredFile[]
  /** Ids (lower case) of rule documents outside `files`, with where they are. */
  otherIds: ReadonlyMap<string, { file: string; line: number }>
  /**
   * Files to read filter documents from, in discovery order, when filters
   * outside `files` still apply to them (a shard reads every filter file).
   * Unset: the filters of `files`.
   */
  filterFiles?: string[]
}

/** What a text scan finds in one rule file, without parsing the YAML. */
export interface ScannedRule {
  /** Absolute path. */
  file: string
  root: string
  ids: Array<{ value: string; line: number }>
  names: string[]
  /** `rule` unless a document of the file is a correlation or a filter. */
  kinds: Set<'rule' | 'correlation' | 'filter'>
  /**
   * Words of a correlation or filter file that may be rule ids or names. They
   * include everything it lists under `rules:`; other files have none.
   */
  references: string[]
  /** `regression_tests_path` values. */
  regressionPaths: string[]
  /** `attack.tNNNN` tags as written. */
  tags: string[]
}

/** A scanned tree: rule files and fixture files (path → text). */
export interface ScannedTree {
  rules: ScannedRule[]
  fixtures: Map<string, string>
}

/** Why a rule was selected, for the log. */
export interface SelectedRule {
  file: string
  reason: string
}

const sidecar = /\.fixtures\.ya?ml$|(^|\/)(info\.ya?ml|\.sigma-gate\.ya?ml)$/i
const fixtureFile = /\.fixtures\.ya?ml$/i

/**
 * Scan every rule file under `paths` as text: ids, names, kinds, references,
 * regression paths and ATT&CK tags. Reads each file once and parses none, so
 * it costs little more than the directory walk.
 */
export async function scanRuleTree(paths: readonly string[], cwd: string): Promise<ScannedTree> {
  const tree: ScannedTree = { rules: [], fixtures: new Map() }
  const seen = new Set<string>()
  for (const requested of paths) {
    const root = path.resolve(cwd, requested)
    const found = await glob(['**/*.yml', '**/*.yaml'], {
      cwd: root,
      absolute: true,
      dot: false,
      ignore: ['**/node_modules/**', '**/.git/**'],
    }).catch(() => [] as string[])
    const files = found.length > 0 ? found : await singleFile(root)

    const fresh = files.map((entry) => path.resolve(entry)).sort().filter((file) => !seen.has(file))
    for (const file of fresh) seen.add(file)
    const texts = readAll(fresh)

    fresh.forEach((file, index) => {
      const text = texts[index]
      if (text === undefined) return

      if (fixtureFile.test(file)) tree.fixtures.set(file, text)
      else if (!sidecar.test(file.split(path.sep).join('/')) && looksLikeRuleFile(text)) {
        tree.rules.push(scanRuleText(file, found.length === 0 ? fileRoot(file, cwd) : root, text))
      }
    })
  }

  return tree
}

/** Read ids, names, kinds, references, regression paths and tags from rule text. */
export function scanRuleText(file: string, root: string, text: string): ScannedRule {
  const scanned: ScannedRule = {
    file,
    root,
    ids: [],
    names: [],
    kinds: new Set(),
    references: [],
    regressionPaths: [],
    tags: [],
  }
  const lines = text.split(/\r?\n/)
  lines.forEach((line, index) => {
    const top = /^(?:\?[ \t]*)?["']?(id|name|correlation|filter|regression_tests_path)["']?\s*(?::\s*(.*))?$/.exec(line)
    const key = top?.[1]
    const value = unquote(top?.[2] ?? '')
    if (key === 'id' && value !== '') scanned.ids.push({ value, line: index + 1 })
    if (key === 'name' && value !== '') scanned.names.push(value)
    if (key === 'correlation' || key === 'filter') scanned.kinds.add(key)
    if (key === 'regression_tests_path' && value !== '') scanned.regressionPaths.push(value)

    const tag = /^\s*-\s*['"]?(attack\.t\d{4}(?:\.\d{3})?)['"]?\s*$/i.exec(line)
    if (tag?.[1] !== undefined) scanned.tags.push(tag[1].toLowerCase())
  })
  if (scanned.kinds.size === 0) scanned.kinds.add('rule')
  else scanned.references = possibleReferences(lines)
  return scanned
}

/**
 * Select what a changed-only run checks: the changed rule files, the
 * correlations and filters that reference a changed rule, the rules a changed
 * filter references, and the rules whose fixture file, fixture event file or
 * regression data changed. `changed` contains absolute paths.
 */
export function selectChangedRules(
  tree: ScannedTree,
  changed: readonly string[],
): { selection: RuleSelection; selected: SelectedRule[] } {
  const changedSet = new Set(changed.map((file) => path.resolve(file)))
  const reasons = new Map<string, string>()
  const add = (rule: ScannedRule, reason: string): void => {
    if (!reasons.has(rule.file)) reasons.set(rule.file, reason)
  }

  const changedRules = tree.rules.filter((rule) => changedSet.has(rule.file))
  for (const rule of changedRules) add(rule, 'changed')
  addDependants(tree, changedRules, add)
  addFixtureChanges(tree, changedSet, add)

  const files = tree.rules
    .filter((rule) => reasons.has(rule.file))
    .map((rule) => ({ path: rule.file, root: rule.root }))
  const otherIds = new Map<string, { file: string; line: number }>()
  for (const rule of tree.rules) {
    if (reasons.has(rule.file)) continue
    for (const id of rule.ids) {
      const key = id.value.toLowerCase()
      if (!otherIds.has(key)) otherIds.set(key, { file: rule.file, line: id.line })
    }
  }

  const selected = files.map((file) => ({ file: file.path, reason: reasons.get(file.path) ?? '' }))
  return { selection: { files, otherIds }, selected }
}

/**
 * Report selected rules whose id a rule outside the selection already uses:
 * the whole-tree half of `metadata/duplicate-id` in a changed-only run.
 */
export function outsideDuplicateIds<T extends { id?: Located<string> }>(
  rules: readonly T[],
  selection: RuleSelection,
  relative: (file: string) => string,
): Map<T, Diagnostic[]> {
  const found = new Map<T, Diagnostic[]>()
  for (const rule of rules) {
    if (rule.id === undefined) continue
    const other = selection.otherIds.get(rule.id.value.toLowerCase())
    if (other === undefined) continue

    const message = `The id '${rule.id.value}' is already used by the rule at ${relative(other.file)}:${other.line}. Give this rule a new UUID.`
    found.set(rule, [diagnosticAt(rule.id.span, 'metadata/duplicate-id', 'error', message)])
  }

  return found
}

function addDependants(
  tree: ScannedTree,
  changedRules: readonly ScannedRule[],
  add: (rule: ScannedRule, reason: string) => void,
): void {
  const keys = new Map<string, ScannedRule>()
  for (const rule of changedRules) {
    for (const id of rule.ids) keys.set(id.value.toLowerCase(), rule)
    for (const name of rule.names) keys.set(name.toLowerCase(), rule)
  }

  for (const rule of tree.rules) {
    const source = rule.references.map((reference) => keys.get(reference.toLowerCase())).find((entry) => entry !== undefined)
    if (source !== undefined && rule.file !== source.file) {
      add(rule, `references the changed rule ${path.basename(source.file)}`)
    }
  }

  const byKey = new Map<string, ScannedRule>()
  for (const rule of tree.rules) {
    for (const id of rule.ids) byKey.set(id.value.toLowerCase(), rule)
    for (const name of rule.names) byKey.set(name.toLowerCase(), rule)
  }
  for (const filter of changedRules.filter((rule) => rule.kinds.has('filter'))) {
    for (const reference of filter.references) {
      const target = byKey.get(reference.toLowerCase())
      if (target !== undefined) add(target, `named by the changed filter ${path.basename(filter.file)}`)
    }
  }
}

function addFixtureChanges(
  tree: ScannedTree,
  changed: ReadonlySet<string>,
  add: (rule: ScannedRule, reason: string) => void,
): void {
  const changedPosix = [...changed].map((file) => file.split(path.sep).join('/'))
  for (const rule of tree.rules) {
    const fixture = rule.file.replace(/\.ya?ml$/i, '') + '.fixtures.yml'
    if (changed.has(fixture)) add(rule, 'its fixture file changed')

    const fixtureText = tree.fixtures.get(fixture)
    if (fixtureText !== undefined) {
      const eventFile = fixtureEventFiles(fixture, fixtureText).find((file) => changed.has(file))
      if (eventFile !== undefined) add(rule, `its fixture events ${path.basename(eventFile)} changed`)
    }

    for (const regression of rule.regressionPaths) {
      const directory = regression.replace(/\\/g, '/').replace(/\/info\.ya?ml$/i, '').replace(/^\.\//, '')
      if (changedPosix.some((file) => file.includes(`/${directory}/`))) {
        add(rule, 'its regression data changed')
      }
    }
  }
}

/** Event files a fixture file names with `file:`, as absolute paths. */
function fixtureEventFiles(fixture: string, text: string): string[] {
  const files: string[] = []
  for (const match of text.matchAll(/^\s*-?\s*file:\s*(.+?)\s*$/gm)) {
    const value = unquote(match[1] ?? '')
    if (value !== '') files.push(path.resolve(path.dirname(fixture), value))
  }

  return files
}

/**
 * Track a `rules:` list of a correlation or filter block: an inline value, or
 * `- item` lines indented deeper than the key. Returns the key's indent while
 * inside the list.
 */
/**
 * Return every word and every line value of a correlation or filter file
 * that could name a rule. A `rules:` list has too many YAML spellings
 * (comments, flow lists over several lines, quoted or explicit keys,
 * anchors) for a line scan to read exactly. A missed reference would check
 * a correlation apart from its rules, while an extra word only joins files
 * that did not need joining.
 */
function possibleReferences(lines: readonly string[]): string[] {
  const found = new Set<string>()
  for (const line of lines) {
    for (const word of line.split(/[\s,[\]{}"'&*!|>]+/)) {
      const bare = word.replace(/^-+|:+$/g, '')
      if (bare !== '') found.add(bare)
    }
    const value = /^\s*(?:-\s+)?(?:["']?[\w.-]+["']?\s*:\s+)?(.+?)\s*$/.exec(line)?.[1]
    if (value !== undefined) found.add(unquote(value))
  }
  return [...found]
}

function unquote(value: string): string {
  const trimmed = value.replace(/\s+#.*$/, '').trim()
  return trimmed.replace(/^(['"])(.*)\1$/, '$2')
}

/** Largest file the tree scan reads; a larger rule or fixture file is left to the run, which reports it. */
const SCAN_FILE_BYTES = 16 * 1024 * 1024

/**
 * Read files as UTF-8, synchronously, because a tree contains thousands of
 * small files. Unreadable ones, named pipes among them, give undefined.
 */
function readAll(files: readonly string[]): Array<string | undefined> {
  return files.map((file) => {
    const read = readRegularFileSync(file, SCAN_FILE_BYTES)
    return read?.ok ? read.bytes.toString('utf8') : undefined
  })
}

/** The root the engine's discovery gives a rule file passed by itself. */
function fileRoot(file: string, cwd: string): string {
  const relative = path.relative(cwd, file)
  const inside = relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative)
  return inside ? cwd : path.dirname(file)
}

async function singleFile(file: string): Promise<string[]> {
  return /\.ya?ml$/i.test(file) ? [file] : []
}
