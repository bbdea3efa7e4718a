import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import type { ErrorObject } from 'ajv'
import { diagnosticAt, type Diagnostic } from '../diagnostic.js'
import { validateBaseline } from '../generated/validate-baseline.js'
import type { BaselineEntry } from './config.js'

/** One finding to record in a baseline, with the rule it belongs to. */
export interface BaselineFinding {
  /** The rule's id, or its repository-relative path when it has none. */
  rule: string
  check: string
  message: string
}

/**
 * Return a short hash of a finding's message. Baselines store the hash, not
 * the line, so that a finding stays accepted when lines above it move.
 */
export function messageHash(message: string): string {
  return createHash('sha256').update(message).digest('hex').slice(0, 16)
}

/** Return the key under which a finding is looked up in a baseline. */
export function baselineKey(entry: BaselineEntry): string {
  return `${entry.rule.toLowerCase()}\u0000${entry.check}\u0000${entry.hash}`
}

/** Format findings as the content of a baseline file. */
export function formatBaseline(findings: readonly BaselineFinding[]): string {
  const entries = findings
    .map((finding) => ({ rule: finding.rule, check: finding.check, hash: messageHash(finding.message) }))
    .sort((a, b) => a.rule.localeCompare(b.rule) || a.check.localeCompare(b.check) || a.hash.localeCompare(b.hash))
  return `${JSON.stringify({ version: 1, findings: entries }, null, 2)}\n`
}

function validate(value: unknown): ErrorObject[] {
  return validateBaseline(value) ? [] : (validateBaseline.errors ?? [])
}

/** Read and validate a baseline file; problems become `config/baseline` findings in that file. */
export async function readBaseline(file: string): Promise<{ entries: BaselineEntry[]; diagnostics: Diagnostic[] }> {
  const fail = (message: string): { entries: BaselineEntry[]; diagnostics: Diagnostic[] } => ({
    entries: [],
    diagnostics: [diagnosticAt(undefined, 'config/baseline', 'error', message, file)],
  })
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch {
    return fail(`The baseline file '${file}' cannot be read. Create it, or correct 'baseline' in .sigma-gate.yml.`)
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    return fail(`The baseline file is not valid JSON: ${error instanceof Error ? error.message : String(error)}. Write it again with sigma-gate.`)
  }
  const errors = validate(value)
  if (errors.length > 0) {
    const [first] = errors
    return fail(`The baseline file is malformed: '${first?.instancePath || '/'}' ${first?.message ?? 'is invalid'}. Write it again with sigma-gate.`)
  }
  return { entries: (value as { findings: BaselineEntry[] }).findings, diagnostics: [] }
}
