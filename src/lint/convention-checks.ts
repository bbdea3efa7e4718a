import path from 'node:path'
import type { Node } from 'yaml'
import type { SigmaRule } from '../sigma/rule.js'
import { isScalar, spanOf } from '../sigma/yaml-document.js'
import type { RuleCheck } from './check.js'
import { pairOf, stringList } from './metadata-checks.js'

/*
 * SigmaHQ repository conventions (sigmahq-rule-convention.md and
 * sigmahq-filename-convention.md in the Sigma specification repository).
 * They are house rules of SigmaHQ, not of the Sigma format, so every check
 * here is opt-in: `conventions: sigmahq` in .sigma-gate.yml turns them on.
 */

/** SigmaHQ's attribute order. */
const KEY_ORDER = [
  'title', 'id', 'related', 'name', 'taxonomy', 'status', 'description', 'license',
  'references', 'author', 'date', 'modified', 'tags', 'logsource', 'detection',
  'fields', 'falsepositives', 'level', 'scope', 'simulation', 'regression_tests_path',
]

/** Attributes SigmaHQ marks as required beyond the specification's. */
const SIGMAHQ_REQUIRED = ['id', 'status', 'description', 'references', 'author', 'date', 'tags', 'falsepositives', 'level']

const TAG_NAMESPACES = ['attack', 'car', 'cve', 'd3fend', 'detection', 'stp', 'tlp']

const REJECTED_FALSE_POSITIVES = ['none', 'pentest', 'penetration test', 'red team']

const OS_ABBREVIATIONS: Record<string, string> = { windows: 'win', linux: 'lnx', macos: 'macos' }

/** Filename prefixes by category, where `{os}` is the product's abbreviation. */
const CATEGORY_PREFIXES: Record<string, string> = {
  create_remote_thread: 'create_remote_thread_win_',
  create_stream_hash: 'create_stream_hash_',
  dns_query: 'dns_query_{os}_',
  driver_load: 'driver_load_{os}_',
  file_access: 'file_access_{os}_',
  file_change: 'file_change_{os}_',
  file_delete: 'file_delete_{os}_',
  file_event: 'file_event_{os}_',
  file_rename: 'file_rename_{os}_',
  image_load: 'image_load_',
  network_connection: 'net_connection_{os}_',
  pipe_created: 'pipe_created_',
  ps_classic_start: 'posh_pc_',
  ps_module: 'posh_pm_',
  ps_script: 'posh_ps_',
  process_access: 'proc_access_{os}_',
  process_creation: 'proc_creation_{os}_',
  registry_event: 'registry_event_',
  registry_add: 'registry_add_',
  registry_delete: 'registry_delete_',
  registry_set: 'registry_set_',
  registry_rename: 'registry_rename_',
  dns: 'net_dns_',
  firewall: 'net_firewall_',
  webserver: 'web_',
}

const PRODUCT_PREFIXES: Record<string, string> = {
  aws: 'aws_', azure: 'azure_', gcp: 'gcp_', gworkspace: 'gworkspace_',
  m365: 'microsoft365_', okta: 'okta_', onelogin: 'onelogin_', modsec: 'modsec_',
}

/** Windows services the convention gives a prefix; other services have none. */
const WINDOWS_SERVICE_PREFIXES: Record<string, string> = {
  applocker: 'win_applocker_',
  'bits-client': 'win_bits_client_',
  'codeintegrity-operational': 'win_codeintegrity_',
  'diagnosis-scripted': 'win_diagnosis_scripted_',
  'dns-server': 'win_dns_server_',
  'dns-server-analytic': 'win_dns_analytic_',
  'firewall-as': 'win_firewall_as_',
  'msexchange-management': 'win_exchange_',
  openssh: 'win_sshd_openssh_',
  security: 'win_security_',
  'security-mitigations': 'win_security_mitigations_',
  'shell-core': 'win_shell_core_',
  system: 'win_system_',
  taskscheduler: 'win_taskscheduler_',
  'terminalservices-localsessionmanager': 'win_terminalservices_',
  windefend: 'win_defender_',
  wmi: 'win_wmi_',
}

export const CONVENTION_CHECKS: RuleCheck[] = [
  {
    id: 'convention/filename',
    severity: 'warning',
    optIn: true,
    summary: 'The file name does not follow the SigmaHQ file name convention for its log source.',
    why: 'SigmaHQ sorts and reviews rules by file name prefix; the prefix says the log source at a glance.',
    bad: '# rules/windows/process_creation/cmd_spawned_by_w3wp.yml\nlogsource:\n    product: windows\n    category: process_creation',
    good: '# rules/windows/process_creation/proc_creation_win_cmd_spawned_by_w3wp.yml\nlogsource:\n    product: windows\n    category: process_creation',
    fix: 'Rename the file as the message says: lower-case letters, digits and `_`, 10 to 70 characters, `.yml`, and the prefix of its log source.',
    run(rule, _context, emit) {
      if (rule.document > 0) return []
      const name = path.basename(rule.file)
      const problems = filenameProblems(name, rule)
      if (problems.length === 0) return []
      return [emit(rule.title?.span ?? rule.span, `The file name '${name}' ${problems.join(' and ')}. Rename the file.`)]
    },
  },
  {
    id: 'convention/title-first',
    severity: 'info',
    optIn: true,
    summary: '`title` is not the first attribute of the rule.',
    why: 'SigmaHQ rules start with the title so that a reader sees what the rule detects first.',
    bad: 'id: 929a690e-bef0-4204-a928-ef5e620d6fcc\ntitle: Whoami Execution',
    good: 'title: Whoami Execution\nid: 929a690e-bef0-4204-a928-ef5e620d6fcc',
    fix: 'Move `title` to the top of the rule.',
    run(rule, _context, emit) {
      const first = rule.map.items[0]
      if (!first || !isScalar(first.key) || first.key.value === 'title' || !pairOf(rule, 'title')) return []
      return [emit(spanOf(first.key as Node, rule.lineCounter), `The rule starts with '${String(first.key.value)}' instead of 'title'. Move 'title' to the top.`)]
    },
  },
  {
    id: 'convention/key-order',
    severity: 'info',
    optIn: true,
    summary: 'Top-level attributes are not in the SigmaHQ order.',
    why: 'A fixed order makes rules quick to scan and keeps diffs between rules small.',
    bad: 'title: Whoami Execution\nlevel: low\nlogsource:\n    category: process_creation',
    good: 'title: Whoami Execution\nlogsource:\n    category: process_creation\nlevel: low',
    fix: `Order the attributes as: ${KEY_ORDER.join(', ')}.`,
    run(rule, _context, emit) {
      const keys = rule.map.items.filter((pair) => isScalar(pair.key) && KEY_ORDER.includes(String(pair.key.value)))
      for (let i = 1; i < keys.length; i++) {
        const previous = String((keys[i - 1]?.key as { value: unknown }).value)
        const pair = keys[i]
        const current = String((pair?.key as { value: unknown }).value)
        if (KEY_ORDER.indexOf(current) > KEY_ORDER.indexOf(previous)) continue
        return [emit(spanOf(pair?.key as Node, rule.lineCounter), `'${current}' comes after '${previous}', but SigmaHQ puts it before. Order the attributes as: ${KEY_ORDER.join(', ')}.`)]
      }
      return []
    },
  },
  {
    id: 'convention/required-field',
    severity: 'warning',
    optIn: true,
    summary: 'An attribute that SigmaHQ requires is missing.',
    why: 'SigmaHQ requires id, status, description, references, author, date, tags, falsepositives and level on every rule.',
    bad: 'title: Whoami Execution\nlogsource:\n    category: process_creation',
    good: 'title: Whoami Execution\nid: 929a690e-bef0-4204-a928-ef5e620d6fcc\nstatus: experimental\ndescription: Detects whoami.exe\nreferences:\n    - https://example.com/a\nauthor: Jane Doe\ndate: 2024-03-01\ntags:\n    - attack.discovery\nlogsource:\n    category: process_creation\nfalsepositives:\n    - Unknown\nlevel: low',
    fix: 'Add the attributes named in the message.',
    run(rule, _context, emit) {
      if (rule.kind !== 'rule') return []
      const missing = SIGMAHQ_REQUIRED.filter((key) => !pairOf(rule, key))
      if (missing.length === 0) return []
      return [emit(rule.title?.span ?? rule.span, `SigmaHQ requires ${missing.map((key) => `'${key}'`).join(', ')}, which the rule lacks. Add ${missing.length === 1 ? 'it' : 'them'}.`)]
    },
  },
  {
    id: 'convention/tag-namespace',
    severity: 'info',
    optIn: true,
    summary: 'A tag uses a namespace that the Sigma tag appendix does not define.',
    why: 'SigmaHQ accepts only the namespaces of the tag appendix, so that tools can interpret every tag.',
    bad: 'tags:\n    - custom.webshell',
    good: 'tags:\n    - attack.t1505.003',
    fix: `Use one of the namespaces ${TAG_NAMESPACES.join(', ')}, or drop the tag.`,
    run(rule, _context, emit) {
      return rule.tags
        .filter((tag) => /^[a-z0-9_-]+\./.test(tag.value) && !TAG_NAMESPACES.includes(tag.value.split('.')[0] ?? ''))
        .map((tag) => emit(tag.span, `The tag '${tag.value}' uses the namespace '${tag.value.split('.')[0] ?? ''}', which the Sigma tag appendix does not define. Use one of ${TAG_NAMESPACES.join(', ')}, or drop the tag.`))
    },
  },
  {
    id: 'convention/attack-reference',
    severity: 'info',
    optIn: true,
    summary: 'A reference links to the ATT&CK website.',
    why: 'SigmaHQ expresses ATT&CK techniques as tags, and keeps references for the public sources of the rule.',
    bad: 'references:\n    - https://attack.mitre.org/techniques/T1059/',
    good: 'tags:\n    - attack.t1059',
    fix: 'Remove the reference and make sure the technique is tagged.',
    run(rule, _context, emit) {
      return rule.references
        .filter((reference) => /^https?:\/\/attack\.mitre\.org\//i.test(reference.value))
        .map((reference) => emit(reference.span, `Reference '${reference.value}' links to the ATT&CK website, which SigmaHQ expresses as tags. Remove it and tag the technique instead.`))
    },
  },
  {
    id: 'convention/falsepositive-value',
    severity: 'info',
    optIn: true,
    summary: "A false positive is 'None', 'Pentest', 'Penetration Test' or 'Red Team'.",
    why: "SigmaHQ asks for 'Unknown' when no false positives are known and 'Unlikely' when none are expected; the rejected words say nothing about benign activity.",
    bad: 'falsepositives:\n    - None',
    good: 'falsepositives:\n    - Unlikely',
    fix: "Describe the benign activity, or write 'Unknown' or 'Unlikely'.",
    run(rule, _context, emit) {
      return stringList(rule, 'falsepositives')
        .filter((entry) => REJECTED_FALSE_POSITIVES.includes(entry.value.trim().toLowerCase()))
        .map((entry) => emit(entry.span, `The false positive '${entry.value}' is not accepted by SigmaHQ. Describe the benign activity, or write 'Unknown' or 'Unlikely'.`))
    },
  },
]

function filenameProblems(name: string, rule: SigmaRule): string[] {
  const problems: string[] = []
  if (!/^[a-z0-9_]+\.yml$/.test(name)) problems.push("is not lower-case letters, digits and '_' with the extension '.yml'")
  const stem = name.replace(/\.ya?ml$/, '')
  if (stem.length < 10 || stem.length > 70) problems.push(`has ${stem.length} characters before '.yml', outside 10 to 70`)
  const prefix = expectedPrefix(rule)
  if (prefix && !name.startsWith(prefix)) problems.push(`does not start with '${prefix}', the prefix for its log source`)
  return problems
}

/** Return the SigmaHQ file name prefix for a rule's log source, when the convention defines one. */
export function expectedPrefix(rule: SigmaRule): string | undefined {
  const product = rule.logsource?.product?.value
  const category = rule.logsource?.category?.value
  const service = rule.logsource?.service?.value
  const os = product ? OS_ABBREVIATIONS[product] : undefined
  if (category) {
    const pattern = CATEGORY_PREFIXES[category]
    if (!pattern) return undefined
    if (pattern.includes('{os}')) return os ? pattern.replace('{os}', os) : undefined
    return pattern
  }
  if (service && product === 'windows') return WINDOWS_SERVICE_PREFIXES[service]
  if (service && product === 'linux') return `lnx_${service.replace(/-/g, '_')}_`
  return product ? PRODUCT_PREFIXES[product] : undefined
}
