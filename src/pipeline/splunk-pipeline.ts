import type { SplunkScope } from '../backends/splunk/index.js'
import type { SplunkConfig } from '../config/config.js'
import { diagnosticAt, type Diagnostic, type Span } from '../diagnostic.js'
import type { Expr } from '../ir/expr.js'

/**
 * Sysmon field names and their names in the Splunk CIM Endpoint data model
 * (Processes, Filesystem, Registry) and Network_Traffic, as the Splunk
 * Add-on for Sysmon aliases them. `process` is the command line and
 * `process_path` the image path.
 */
export const CIM_FIELD_NAMES: Readonly<Record<string, string>> = {
  CommandLine: 'process',
  Image: 'process_path',
  ParentCommandLine: 'parent_process',
  ParentImage: 'parent_process_path',
  User: 'user',
  Computer: 'dest',
  ProcessId: 'process_id',
  ParentProcessId: 'parent_process_id',
  ProcessGuid: 'process_guid',
  ParentProcessGuid: 'parent_process_guid',
  OriginalFileName: 'original_file_name',
  IntegrityLevel: 'process_integrity_level',
  CurrentDirectory: 'process_current_directory',
  Hashes: 'process_hash',
  TargetFilename: 'file_path',
  TargetObject: 'registry_path',
  Details: 'registry_value_data',
  DestinationIp: 'dest_ip',
  DestinationPort: 'dest_port',
  DestinationHostname: 'dest_host',
  SourceIp: 'src_ip',
  SourcePort: 'src_port',
  SourceHostname: 'src_host',
  Protocol: 'transport',
}

/** What the Splunk side of a run uses: the scope terms and the field renames. */
export interface SplunkPipeline {
  scope: SplunkScope
  /** Sigma field name → Splunk field name, `EventID` included. */
  fieldNames: Record<string, string>
  /** Whether rule fields without a rename are reported (`strict-fields`). */
  strictFields: boolean
}

/** Build the Splunk pipeline of a run from the `splunk:` configuration. */
export function splunkPipeline(config: SplunkConfig): SplunkPipeline {
  const renames = {
    ...(config.fieldPreset === 'cim' ? CIM_FIELD_NAMES : {}),
    ...config.fieldNames,
  }
  const fieldNames = { EventID: config.eventIdField, ...renames }
  const hasRenames = Object.keys(renames).length > 0
  return { scope: scopeOf(config), fieldNames, strictFields: config.strictFields && hasRenames }
}

/** A scope macro replaces the index, source and sourcetype terms. */
function scopeOf(config: SplunkConfig): SplunkScope {
  if (config.macro !== undefined && config.macro !== '') return { macro: config.macro }
  const scope: SplunkScope = {}
  if (config.index) scope.index = config.index
  if (config.source) scope.source = config.source
  if (config.sourcetype) scope.sourcetype = config.sourcetype
  return scope
}

/**
 * Report each field of a detection that has no rename, once per field, at
 * its first use. Under `strict-fields` such a field would be searched under
 * its Sysmon name in data whose fields were renamed, so it never matches.
 */
export function unmappedFields(expr: Expr, pipeline: SplunkPipeline): Diagnostic[] {
  if (!pipeline.strictFields) return []
  const seen = new Map<string, Span | undefined>()
  collectFields(expr, seen)

  const found: Diagnostic[] = []
  for (const [field, span] of seen) {
    if (Object.hasOwn(pipeline.fieldNames, field)) continue
    found.push(diagnosticAt(span, 'pipeline/unmapped-field', 'warning', `The field '${field}' has no rename in 'splunk.field-names', so the SPL searches it under its Sysmon name. Add '${field}: <splunk name>' to 'field-names', or turn 'strict-fields' off if the data keeps this name.`))
  }
  return found
}

function collectFields(expr: Expr, seen: Map<string, Span | undefined>): void {
  switch (expr.kind) {
    case 'and':
    case 'or':
      for (const item of expr.items) collectFields(item, seen)
      return
    case 'not':
      collectFields(expr.item, seen)
      return
    case 'field':
      if (!seen.has(expr.field)) seen.set(expr.field, expr.span)
      if (expr.test.kind === 'fieldref' && !seen.has(expr.test.field)) seen.set(expr.test.field, expr.span)
      return
    default:
      return
  }
}
