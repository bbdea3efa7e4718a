import path from 'node:path'
import type { RuleSelection, ScannedRule } from './changed-rules.js'
import { scanRuleText } from './changed-rules.js'
import type { Diagnostic } from './diagnostic.js'
import type { Report } from './report/report.js'
import { DEFAULT_LIMITS } from './limits/limits.js'
import { readTextForScan } from './limits/read-bounded.js'
import { discoverRuleFiles } from './rule-discovery.js'

/** One part of a run split across runners: part `index` (1-based) of `count`. */
export interface Shard {
  index: number
  count: number
}

export type ShardParse = { ok: true; shard: Shard } | { ok: false; message: string }

/** Parse `i/n` (for example `2/4`), with 1 ≤ i ≤ n. */
export function parseShard(text: string): ShardParse {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text)
  const index = Number(match?.[1])
  const count = Number(match?.[2])
  if (!match || count < 1 || index < 1 || index > count || count > 1000) {
    return { ok: false, message: `The shard '${text}' is not of the form i/n with 1 ≤ i ≤ n ≤ 1000. Write it like 2/4 for the second of four parts.` }
  }
  return { ok: true, shard: { index, count } }
}

/**
 * Return the 1-based shard a rule file belongs to, from an FNV-1a hash of its
 * path relative to the run's directory, so adding or moving other files
 * never moves it, and every runner agrees without talking to the others.
 */
export function shardOf(relativePath: string, count: number): number {
  let hash = 0x811c9dc5
  const text = relativePath.split(path.sep).join('/')
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193) >>> 0
  }
  return (hash % count) + 1
}

/**
 * Select the rule files of one shard under `paths`. A text scan of every
 * rule file (`scanRuleText`) joins files that must be checked together into
 * one group: a correlation or filter and every file that defines an id or
 * name it lists under `rules:`. A group goes to the shard of the hash of its
 * smallest path, so a correlation always finds its rules and a filter the
 * rules it names. Filters without `rules:` apply by log source to rules in
 * any part, so every shard reads all filter files (`filterFiles`) while each
 * filter document is reported by its own part only.
 *
 * As in an unsharded run, a repeated id is reported on the later files and
 * names the first: an id goes into `otherIds` only when its first file lies
 * outside the shard.
 */
export async function selectShard(paths: string[], cwd: string, shard: Shard): Promise<{ selection: RuleSelection; diagnostics: Diagnostic[] }> {
  const discovery = await discoverRuleFiles(paths, cwd)
  const scanned: ScannedRule[] = []
  for (const file of discovery.files) scanned.push(scanRuleText(file.path, file.root, file.text ?? readTextForScan(file.path, DEFAULT_LIMITS.ruleFileBytes)))
  const groups = shardGroups(scanned, cwd)
  const inShard = (file: string): boolean => shardOf(groups.get(file) ?? path.relative(cwd, file), shard.count) === shard.index
  const files = discovery.files.filter((file) => inShard(file.path))

  const first = new Map<string, { file: string; line: number }>()
  for (const rule of scanned) {
    for (const id of rule.ids) {
      const key = id.value.toLowerCase()
      if (!first.has(key)) first.set(key, { file: rule.file, line: id.line })
    }
  }
  const otherIds = new Map([...first].filter(([, where]) => !inShard(where.file)))
  const filterFiles = scanned.filter((rule) => rule.kinds.has('filter')).map((rule) => rule.file)
  // Problems with the paths themselves are reported once, by the first shard.
  const diagnostics = shard.index === 1 ? discovery.diagnostics : []
  return { selection: { files, otherIds, filterFiles }, diagnostics }
}

/**
 * Join scanned files into groups that must share a shard, and return for
 * each file the smallest relative path of its group, which picks the shard.
 * A reference joins every file defining that id or name, because the
 * unsharded run may resolve it to any of them.
 */
export function shardGroups(scanned: readonly ScannedRule[], cwd: string): Map<string, string> {
  const parent = new Map<string, string>()
  const find = (file: string): string => {
    let root = file
    while (parent.get(root) !== root) root = parent.get(root) ?? root
    parent.set(file, root)
    return root
  }
  const join = (a: string, b: string): void => {
    const [ra, rb] = [find(a), find(b)]
    if (ra !== rb) parent.set(rb < ra ? ra : rb, rb < ra ? rb : ra)
  }

  const relative = (file: string): string => path.relative(cwd, file).split(path.sep).join('/')
  const byRelative = new Map(scanned.map((rule) => [relative(rule.file), rule]))
  for (const key of byRelative.keys()) parent.set(key, key)
  const definers = new Map<string, string[]>()
  for (const [file, rule] of byRelative) {
    for (const key of [...rule.ids.map((id) => id.value), ...rule.names]) {
      const lower = key.toLowerCase()
      definers.set(lower, [...(definers.get(lower) ?? []), file])
    }
  }
  for (const [file, rule] of byRelative) {
    for (const reference of rule.references) {
      for (const target of definers.get(reference.toLowerCase()) ?? []) join(file, target)
    }
  }

  return new Map(scanned.map((rule) => [rule.file, find(relative(rule.file))]))
}

/** Add the shard's path diagnostics to a report and to its counts. */
export function addShardDiagnostics(report: Report, diagnostics: readonly Diagnostic[]): void {
  report.diagnostics.unshift(...diagnostics)
  report.summary.errors += diagnostics.filter((d) => d.severity === 'error').length
  report.summary.warnings += diagnostics.filter((d) => d.severity === 'warning').length
}
