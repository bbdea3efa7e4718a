import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { gunzipSync } from 'node:zlib'
import { afterAll, describe, expect, it } from 'vitest'
import { parseConf } from '../src/backends/splunk/conf-parser.js'
import { confStanzaName, writeConf, writeConfValue } from '../src/backends/splunk/conf-writer.js'
import { writeTar } from '../src/backends/splunk/tar-writer.js'
import { run } from '../src/engine.js'

const repoRoot = path.resolve(import.meta.dirname, '..')
const temporary: string[] = []

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sysmon-outputs-'))
  temporary.push(dir)
  return dir
}

afterAll(async () => {
  for (const dir of temporary) await rm(dir, { recursive: true, force: true })
})

describe('conf writer and parser', () => {
  it('keeps hostile values inside their stanza', () => {
    const values = ['a\n[evil]\nkey = x', 'ends with \\', 'line\\\n# not a comment', 'tab\tand\u0001control']
    const text = writeConf([{ name: 'one [two]', settings: values.map((value, i) => [`k${i}`, value] as const) }, { name: 'next', settings: [['x', '1']] }])

    const parsed = parseConf(text)

    expect(parsed.problems).toEqual([])
    expect(parsed.stanzas.map((stanza) => stanza.name)).toEqual(['one two', 'next'])
    expect(parsed.stanzas[0]?.settings).toEqual({
      k0: 'a\n [evil]\nkey = x',
      k1: 'ends with \\',
      k2: 'line\\ \n # not a comment',
      k3: 'tab\tand control',
    })
  })

  it('writes continuations with a backslash at the end of each line', () => {
    expect(writeConfValue('first\nsecond\r\nthird\rfourth')).toBe('first\\\nsecond\\\nthird fourth')
    expect(confStanzaName('  [x]\ny ')).toBe('x y')
  })

  it('reads settings above the first stanza as default, and reports junk', () => {
    expect(parseConf('a = 1\n[s]\nnot a setting\n[broken\n')).toEqual({
      stanzas: [
        { name: 'default', line: 0, settings: { a: '1' } },
        { name: 's', line: 2, settings: {} },
      ],
      problems: [
        { line: 3, message: "The line 'not a setting' is neither a comment, a stanza header nor 'key = value'." },
        { line: 4, message: "The stanza header '[broken' has no closing ']'." },
      ],
    })
  })
})

describe('tar writer', () => {
  it('writes sorted ustar entries with fixed metadata', () => {
    const tar = writeTar([{ path: 'app/b.txt', content: 'bee' }, { path: 'app/a.txt', content: 'a' }])

    const names = [0, 512, 1536].map((offset) => tar.subarray(offset, offset + 100).toString('utf8').replace(/\0+$/, ''))
    expect(names).toEqual(['app/', 'app/a.txt', 'app/b.txt'])
    expect(tar.subarray(512 + 136, 512 + 147).toString('ascii')).toBe('14544400200')
    expect(tar.length).toBe(512 * 7)
  })
})

describe('convert --out for the embedded rules', () => {
  it('writes savedsearches.conf that parses back with ATT&CK annotations', async () => {
    const out = await tempDir()
    await run({ verb: 'convert', paths: ['rules'], cwd: repoRoot, outDir: out })

    const conf = parseConf(await readFile(path.join(out, 'savedsearches.conf'), 'utf8'))
    expect(conf.problems).toEqual([])
    const byName = new Map(conf.stanzas.map((stanza) => [stanza.name, stanza.settings]))
    expect([...byName.keys()]).toEqual([
      'Large Upload Volume to One Web Host',
      'Large Average Upload Size to One Web Host',
      'Mass Deletion of User Documents by One Process',
      'Executable Written by Office Then Started',
      'Rare Process Among the Processes Started on a Host',
      'Discovery Commands Burst by One User',
      'Process Connecting to Many Hosts Over SMB',
      'Outbound WinRM Connection by a Non-Service Account',
      'Windows Command Interpreter Spawned by Web or Scripting Runtime',
      'Whoami Privilege and Group Discovery',
    ])
    const annotations = [...byName.values()].map((settings) => JSON.parse(settings['action.correlationsearch.annotations'] ?? '') as unknown)
    expect(annotations).toEqual([
      { mitre_attack: ['T1567'] },
      { mitre_attack: ['T1567'] },
      { mitre_attack: ['T1485', 'T1486'] },
      { mitre_attack: ['T1204.002'] },
      { mitre_attack: ['T1204'] },
      { mitre_attack: ['T1033', 'T1069.002', 'T1082'] },
      { mitre_attack: ['T1021.002', 'T1046'] },
      { mitre_attack: ['T1021.006'] },
      { mitre_attack: ['T1059'] },
      { mitre_attack: ['T1033'] },
    ])

    const winrm = byName.get('Outbound WinRM Connection by a Non-Service Account')
    expect(winrm?.['disabled']).toBe('1')
    expect(winrm?.['alert.severity']).toBe('4')
    expect(winrm?.['cron_schedule']).toBe('*/15 * * * *')
    expect(winrm?.['search']).toBe(
      (await readFile(path.join(out, 'windows/network_connection/net_connection_win_winrm_by_non_service_account.spl'), 'utf8')).trimEnd(),
    )
  })

  it('writes the same bytes on every run', async () => {
    const first = await tempDir()
    const second = await tempDir()
    await run({ verb: 'convert', paths: ['rules'], cwd: repoRoot, outDir: first })
    await run({ verb: 'convert', paths: ['rules'], cwd: repoRoot, outDir: second })

    const files = (await readdir(first, { recursive: true })).sort()
    expect(files).toContain('sigma_gate_detections.tgz')
    for (const file of files) {
      if (!file.includes('.')) continue
      expect(await readFile(path.join(second, file))).toEqual(await readFile(path.join(first, file)))
    }
    const tar = gunzipSync(await readFile(path.join(first, 'sigma_gate_detections.tgz')))
    expect(tar.subarray(0, 100).toString('utf8').replace(/\0+$/, '')).toBe('sigma_gate_detections/')
  })

  it('lists each rule in manifest.json with the sha256 of its SPL', async () => {
    const out = await tempDir()
    await run({ verb: 'convert', paths: ['rules'], cwd: repoRoot, outDir: out })

    const manifest = JSON.parse(await readFile(path.join(out, 'manifest.json'), 'utf8')) as { rules: { spl: string; sha256: string; id: string }[] }
    expect(manifest.rules.map((rule) => rule.spl)).toEqual([
      'proxy/mr_proxy_large_upload_to_one_host.0.spl',
      'proxy/mr_proxy_large_upload_to_one_host.1.spl',
      'windows/correlation/mr_win_mass_file_deletion_by_process.0.spl',
      'windows/correlation/mr_win_office_dropped_exe_executed.0.spl',
      'windows/correlation/mr_win_rare_process_on_host.0.spl',
      'windows/correlation/mr_win_recon_burst_same_user.0.spl',
      'windows/correlation/mr_win_smb_scan_many_hosts.0.spl',
      'windows/network_connection/net_connection_win_winrm_by_non_service_account.spl',
      'windows/process_creation/proc_creation_win_shell_spawned_by_web_or_script_runtime.spl',
      'windows/process_creation/proc_creation_win_whoami_privileges_discovery.spl',
    ])
    const { createHash } = await import('node:crypto')
    for (const rule of manifest.rules) {
      const spl = await readFile(path.join(out, rule.spl))
      expect(rule.sha256).toBe(createHash('sha256').update(spl).digest('hex'))
    }
  })
})

describe('configuration of the Splunk pipeline', () => {
  const rule = (extra: string, detection = '    selection:\n        CommandLine|contains: whoami\n    condition: selection'): string =>
    `title: Same Title\nid: 11111111-1111-4111-8111-111111111111\nstatus: stable\nlevel: high\n${extra}logsource:\n    product: windows\n    category: process_creation\ndetection:\n${detection}\n`

  async function repo(config: string, rules: Record<string, string>): Promise<string> {
    const dir = await tempDir()
    await writeFile(path.join(dir, '.sigma-gate.yml'), config)
    for (const [name, text] of Object.entries(rules)) await writeFile(path.join(dir, name), text)
    return dir
  }

  it('applies the macro scope, CIM names and strict fields, and skips deprecated rules', async () => {
    const dir = await repo('splunk:\n  macro: sysmon\n  index: main\n  field-names: cim\n  strict-fields: true\n  cron: "0 * * * *"\n', {
      'a.yml': rule('tags:\n    - attack.t1033\n', '    selection:\n        CommandLine|contains: whoami\n        RuleName: x\n    condition: selection'),
      'b.yml': rule('splunk:\n    earliest: -1h\n'),
      'c.yml': rule('').replace('status: stable', 'status: deprecated'),
    })
    const out = path.join(dir, 'out')
    const report = await run({ verb: 'convert', paths: ['.'], cwd: dir, outDir: out })

    const [a, b, c] = report.rules
    expect(a?.spl).toEqual(['`sysmon` EventCode=1 process="*whoami*" RuleName="x"'])
    expect(a?.diagnostics.filter((d) => d.check === 'pipeline/unmapped-field').map((d) => [d.line, d.message])).toEqual([
      [13, "The field 'RuleName' has no rename in 'splunk.field-names', so the SPL searches it under its Sysmon name. Add 'RuleName: <splunk name>' to 'field-names', or turn 'strict-fields' off if the data keeps this name."],
    ])
    expect(b?.diagnostics.filter((d) => d.check === 'convert/skipped-status')).toEqual([])
    expect(c?.diagnostics.filter((d) => d.check === 'convert/skipped-status').map((d) => d.severity)).toEqual(['info'])

    const conf = parseConf(await readFile(path.join(out, 'savedsearches.conf'), 'utf8'))
    expect(conf.stanzas.map((stanza) => [stanza.name, stanza.settings['cron_schedule'], stanza.settings['dispatch.earliest_time'], stanza.settings['disabled']])).toEqual([
      ['Same Title', '0 * * * *', '-20m@m', '0'],
      ['Same Title (2)', '0 * * * *', '-1h', '0'],
    ])
    const macros = parseConf(await readFile(path.join(out, 'splunk-app/sigma_gate_detections/default/macros.conf'), 'utf8'))
    expect(macros.stanzas).toEqual([
      { name: 'sysmon', line: 5, settings: { definition: 'index="main" source="XmlWinEventLog:Microsoft-Windows-Sysmon/Operational"', iseval: '0' } },
    ])
  })

  it('expands configured placeholders and leaves the others to a macro', async () => {
    const detection = '    selection:\n        User|expand: "%Admins%"\n    filter:\n        Computer|expand: "%Servers%"\n    condition: selection and not filter'
    const dir = await repo('placeholders:\n  Admins: [root, "adm*"]\n', { 'p.yml': rule('', detection) })
    const out = path.join(dir, 'out')
    const report = await run({ verb: 'convert', paths: ['.'], cwd: dir, outDir: out })

    expect(report.rules[0]?.spl).toEqual([
      'source="XmlWinEventLog:Microsoft-Windows-Sysmon/Operational" EventCode=1 User IN ("root", "adm*") NOT `sigma_placeholder_Servers(Computer)`',
    ])
    const conf = parseConf(await readFile(path.join(out, 'savedsearches.conf'), 'utf8'))
    expect(conf.stanzas[0]?.settings['disabled']).toBe('1')
    const macros = parseConf(await readFile(path.join(out, 'splunk-app/sigma_gate_detections/default/macros.conf'), 'utf8'))
    expect(macros.stanzas.map((stanza) => [stanza.name, stanza.settings])).toEqual([
      ['sigma_placeholder_Servers(1)', { args: 'field', definition: '', iseval: '0' }],
    ])
  })
})
