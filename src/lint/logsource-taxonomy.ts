/*
 * Log sources of the Sigma taxonomy appendix v2.1.0 (2025-08-02): the values
 * of `product`, `category` and `service` it lists, and which go together.
 */

const WINDOWS_CATEGORIES = [
  'process_creation', 'file_change', 'network_connection', 'sysmon_status',
  'process_termination', 'driver_load', 'image_load', 'create_remote_thread',
  'raw_access_thread', 'process_access', 'file_event', 'registry_event',
  'registry_add', 'registry_delete', 'registry_set', 'registry_rename',
  'create_stream_hash', 'pipe_created', 'wmi_event', 'dns_query', 'file_delete',
  'clipboard_capture', 'process_tampering', 'file_delete_detected',
  'file_block_executable', 'file_block_shredding', 'file_executable_detected',
  'sysmon_error', 'file_access', 'ps_classic_start', 'ps_classic_provider_start',
  'ps_classic_script', 'ps_module', 'ps_script', 'file_rename',
]

const WINDOWS_SERVICES = [
  'application', 'application-experience', 'applocker', 'appmodel-runtime',
  'appxdeployment-server', 'appxpackaging-om', 'bitlocker', 'bits-client', 'capi2',
  'certificateservicesclient-lifecycle-system', 'codeintegrity-operational', 'dhcp',
  'diagnosis-scripted', 'dns-client', 'dns-server', 'dns-server-analytic',
  'dns-server-audit', 'driver-framework', 'firewall-as', 'hyper-v-worker',
  'iis-configuration', 'kernel-event-tracing', 'kernel-shimengine', 'ldap',
  'lsa-server', 'msexchange-management', 'ntfs', 'ntlm', 'openssh', 'powershell',
  'powershell-classic', 'printservice-admin', 'printservice-operational', 'security',
  'security-mitigations', 'sense', 'servicebus-client', 'shell-core',
  'smbclient-security', 'sysmon', 'system', 'taskscheduler',
  'terminalservices-localsessionmanager', 'vhdmp', 'windefend', 'wmi',
]

/** Categories and services the appendix lists for each product. */
export const PRODUCT_LOGSOURCES: Readonly<Record<string, { categories: string[]; services: string[] }>> = {
  windows: { categories: WINDOWS_CATEGORIES, services: WINDOWS_SERVICES },
  linux: {
    categories: ['file_event', 'network_connection', 'process_creation'],
    services: ['auditd', 'auth', 'clamav', 'cron', 'guacamole', 'sudo', 'sshd', 'syslog', 'vsftpd'],
  },
  macos: { categories: ['file_event', 'process_creation'], services: [] },
  aws: { categories: [], services: ['cloudtrail'] },
  azure: { categories: [], services: ['activitylogs', 'auditlogs', 'riskdetection', 'pim', 'signinlogs'] },
  bitbucket: { categories: [], services: ['audit'] },
  cisco: { categories: [], services: ['duo', 'aaa', 'bgp', 'ldp'] },
  gcp: { categories: [], services: ['gcp.audit', 'google_workspace.admin'] },
  github: { categories: [], services: ['audit'] },
  m365: { categories: [], services: ['audit', 'exchange', 'threat_detection', 'threat_management'] },
  okta: { categories: [], services: ['okta'] },
  onelogin: { categories: [], services: ['onelogin.events'] },
  huawei: { categories: [], services: ['bgp', 'ldp'] },
  juniper: { categories: [], services: ['bgp', 'ldp'] },
  zeek: { categories: [], services: ['dce_rpc', 'dns', 'http', 'kerberos', 'rdp', 'smb_files', 'x509'] },
  django: { categories: ['application'], services: [] },
  python: { categories: ['application'], services: [] },
  rpc_firewall: { categories: ['application'], services: [] },
  ruby_on_rails: { categories: ['application'], services: [] },
  spring: { categories: ['application'], services: [] },
  sql: { categories: ['application'], services: [] },
  modsecurity: { categories: [], services: [] },
  apache: { categories: [], services: ['access', 'error'] },
}

/** Categories the appendix lists without a product. */
export const PRODUCTLESS_CATEGORIES = ['antivirus', 'database', 'dns', 'firewall', 'proxy', 'webserver', 'network']

/** Services the appendix lists without a product or under the generic `network` category. */
export const PRODUCTLESS_SERVICES = ['apache', 'connection', 'dns']

let categories: ReadonlySet<string> | undefined
let services: ReadonlySet<string> | undefined

/** Return every category value the appendix lists, built on first use because the check runs for every rule. */
export function knownCategories(): ReadonlySet<string> {
  if (categories) return categories
  const all = new Set(PRODUCTLESS_CATEGORIES)
  for (const entry of Object.values(PRODUCT_LOGSOURCES)) entry.categories.forEach((name) => all.add(name))
  return (categories = all)
}

/** Return every service value the appendix lists, built on first use. */
export function knownServices(): ReadonlySet<string> {
  if (services) return services
  const all = new Set(PRODUCTLESS_SERVICES)
  for (const entry of Object.values(PRODUCT_LOGSOURCES)) entry.services.forEach((name) => all.add(name))
  return (services = all)
}

let products: ReadonlySet<string> | undefined

/** Return every product value the appendix lists, built on first use. */
export function knownProducts(): ReadonlySet<string> {
  return (products ??= new Set(Object.keys(PRODUCT_LOGSOURCES)))
}
