import { existsSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { runDifferential } from '../src/differential/run-differential.js'

const shared = path.resolve(import.meta.dirname, '../../shared')
const corpus = path.join(shared, 'corpus/sigmahq')
const reference = path.join(shared, 'reference/pysigma-splunk-windows.json')

/**
 * The numbers `npm run differential` prints, pinned: any change to the
 * backend, the matcher or the SPL engine that moves them must explain why
 * in docs/parity.md.
 */
describe.skipIf(!existsSync(corpus) || !existsSync(reference))('differential check on the SigmaHQ corpus', () => {
  it('agrees with itself on every pair and differs from pySigma only where documented', async () => {
    const result = await runDifferential({ corpus, reference, cwd: corpus })

    expect({ rules: result.rules, runnable: result.runnable, events: result.events, pairs: result.pairs, matches: result.matches, disagreements: result.disagreements }).toEqual({
      rules: 3281,
      runnable: 3281,
      events: 181,
      pairs: 593_861,
      matches: 522,
      disagreements: [],
    })

    const parity = result.parity
    expect(parity?.entries).toBe(3281)
    expect(parity?.referenceErrors.map((entry) => entry.rule)).toEqual([
      'rules/cloud/aws/cloudtrail/aws_update_login_profile.yml',
      'rules/windows/builtin/security/win_security_explicit_credential_local_logon.yml',
      'rules/windows/process_creation/proc_creation_win_susp_cross_user_process_spawn.yml',
    ])
    expect(parity?.invalidReference).toHaveLength(30)
    expect(parity?.notConverted).toEqual([])
    expect(parity?.compared).toBe(3248)
    expect(parity?.pairs).toBe(573)
    expect(parity?.differences).toHaveLength(59)
    expect(new Set(parity?.differences.map((difference) => difference.reason))).toEqual(new Set(['no-eventcode-scope']))
    expect(parity?.differences.every((difference) => !difference.ours && difference.reference)).toBe(true)
  }, 300_000)
})
