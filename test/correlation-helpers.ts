import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { run } from '../src/engine.js'
import type { Report, Verb } from '../src/report/report.js'

/** A Windows Security rule that the spec's event_count and value_count examples reference. */
export const FAILED_LOGON = `title: Failed logon
id: 5638f7c0-ac70-491d-8465-2a65075e0d86
name: failed_logon
status: test
logsource:
    product: windows
    service: security
detection:
    selection:
        EventID: 4625
    condition: selection
level: low
`

/** Write `files` into a fresh directory, run sigma-gate on it and remove it again. */
export async function runOnFiles(files: Record<string, string>, verb: Verb = 'convert'): Promise<Report> {
  const directory = mkdtempSync(path.join(os.tmpdir(), 'sigma-gate-correlation-'))
  try {
    for (const [name, text] of Object.entries(files)) writeFileSync(path.join(directory, name), text)
    return await run({ verb, paths: ['.'], cwd: directory })
  } finally {
    rmSync(directory, { recursive: true, force: true })
  }
}

/** Return the report of the document with this title. */
export function ruleTitled(report: Report, title: string): Report['rules'][number] {
  const found = report.rules.find((rule) => rule.title === title)
  if (!found) throw new Error(`no rule titled '${title}' in the report`)
  return found
}

/** List a rule's diagnostics as `check line:column severity`, sorted, without info findings. */
export function findings(rule: Report['rules'][number]): string[] {
  return rule.diagnostics
    .filter((d) => d.severity !== 'info')
    .map((d) => `${d.check} ${d.line}:${d.column} ${d.severity}`)
    .sort()
}
