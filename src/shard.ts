import { readFile } from 'node:fs/promises'
import path from 'node:path'
import type { RuleSelection } from './changed-rules.js'
import { scanRuleText } from './changed-rules.js'
import type { Diagnostic } from './diagnostic.js'
import type { Report } from './report/report.js'
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
 * Select the rule files of one shard under `paths`. The ids of all rule
 * files come from a text scan of their `id:` lines, so duplicate ids are
 * still found across shards without parsing the whole tree. As in an
 * unsharded run, a repeated id is reported on the later files and names the
 * first: an id goes into `otherIds` only when its first file lies outside
 * the shard.
 */
export async function selectShard(paths: string[], cwd: string, shard: Shard): Promise<{ selection: RuleSelection; diagnostics: Diagnostic[] }> {
  const discovery = await discoverRuleFiles(paths, cwd)
  const inShard = (file: string): boolean => shardOf(path.relative(cwd, file), shard.count) === shard.index
  const files = discovery.files.filter((file) => inShard(file.path))

  const first = new Map<string, { file: string; line: number }>()
  for (const file of discovery.files) {
    const text = await readFile(file.path, 'utf8').catch(() => '')
    for (const id of scanRuleText(file.path, file.root, text).ids) {
      const key = id.value.toLowerCase()
      if (!first.has(key)) first.set(key, { file: file.path, line: id.line })
    }
  }
  const otherIds = new Map([...first].filter(([, where]) => !inShard(where.file)))
  // Problems with the paths themselves are reported once, by the first shard.
  const diagnostics = shard.index === 1 ? discovery.diagnostics : []
  return { selection: { files, otherIds }, diagnostics }
}

/** Add the shard's path diagnostics to a report and to its counts. */
export function addShardDiagnostics(report: Report, diagnostics: readonly Diagnostic[]): void {
  report.diagnostics.unshift(...diagnostics)
  report.summary.errors += diagnostics.filter((d) => d.severity === 'error').length
  report.summary.warnings += diagnostics.filter((d) => d.severity === 'warning').length
}
