import type { ErrorObject } from 'ajv'
import type { Node } from 'yaml'
import { diagnosticAt, type Diagnostic } from '../diagnostic.js'
import { validateRule } from '../generated/validate-rule.js'
import type { SigmaRule } from '../sigma/rule.js'
import { plainValue, spanOf } from '../sigma/yaml-document.js'
import type { CheckInfo, RuleCheckGroup } from './check.js'
import { pointerSegments, resolvePointer } from './yaml-pointer.js'

/**
 * Attributes whose type the rule reader already reports as `sigma/type`
 * (or as missing, for `detection` and `condition`); schema errors about them
 * would repeat that finding.
 */
const READER_CHECKED = /^\/(title|id|name|status|level|description|regression_tests_path|logsource|detection|references(\/\d+)?|tags(\/\d+)?|logsource\/(product|category|service))$/

const HINTS: Record<string, string> = {
  '/id pattern': "Generate a UUID, e.g. with 'uuidgen', and keep it stable across edits.",
  '/date pattern': 'Write the date as YYYY-MM-DD, e.g. 2024-03-01.',
  '/modified pattern': 'Write the date as YYYY-MM-DD, e.g. 2024-03-01.',
  'logsource pattern': "Write log source values in lower case with '_' for spaces, e.g. 'process_creation'.",
  'related/id pattern': 'Write the UUID of the related rule.',
  '/detection/timeframe pattern': 'Write a number and a unit (s, m, h, d, M or y), e.g. 15m.',
}

export const SCHEMA_CHECKS: CheckInfo[] = [
  {
    id: 'schema/required',
    severity: 'error',
    summary: 'A mandatory attribute of a Sigma rule is missing.',
    why: 'Without a title or a log source, converters cannot select the logs a rule applies to, and tools cannot show it.',
    bad: 'title: Whoami Execution\ndetection:\n    selection:\n        Image|endswith: \\whoami.exe\n    condition: selection',
    good: 'title: Whoami Execution\nlogsource:\n    category: process_creation\n    product: windows\ndetection:\n    selection:\n        Image|endswith: \\whoami.exe\n    condition: selection',
    fix: 'Add the attribute named in the message.',
  },
  {
    id: 'schema/type',
    severity: 'error',
    summary: 'An attribute has the wrong YAML type, e.g. a text where a list is required.',
    why: 'Converters and other tools reject or misread attributes of the wrong type.',
    bad: 'falsepositives:\n    admin: true',
    good: 'falsepositives:\n    - Administrators running the tool by hand',
    fix: 'Write the attribute with the type the message names.',
  },
  {
    id: 'schema/enum',
    severity: 'error',
    summary: "A `status`, `level` or `related` type is not one of the specification's values.",
    why: 'Tools filter and prioritise rules by these values; an unknown value silently drops the rule from such filters.',
    bad: 'level: severe',
    good: 'level: high',
    fix: 'Use one of the values listed in the message.',
  },
  {
    id: 'schema/pattern',
    severity: 'error',
    summary: 'An `id`, date, log source value or timeframe is not in the required form.',
    why: 'Ids must be UUIDs to be globally unique, dates must be YYYY-MM-DD, and log source values are matched exactly, in lower case.',
    bad: 'id: my-rule-1\ndate: 2024/03/01\nlogsource:\n    product: Windows',
    good: 'id: 929a690e-bef0-4204-a928-ef5e620d6fcc\ndate: 2024-03-01\nlogsource:\n    product: windows',
    fix: 'Rewrite the value in the form the message names.',
  },
  {
    id: 'schema/length',
    severity: 'error',
    summary: 'A text or list is empty, or longer than the specification allows.',
    why: 'The specification limits titles to 256 and descriptions to 65,535 characters, and an empty log source or condition selects nothing.',
    bad: 'logsource: {}',
    good: 'logsource:\n    category: process_creation\n    product: windows',
    fix: 'Fill in the value, or shorten it below the limit in the message.',
  },
]

const checkIds = SCHEMA_CHECKS.map((check) => check.id)

function validate(value: unknown): ErrorObject[] {
  return validateRule(value) ? [] : (validateRule.errors ?? [])
}

/** Validate detection rules against schemas/rule.schema.json, at their lines. */
export const schemaCheckGroup: RuleCheckGroup = {
  ids: checkIds,
  run(rule: SigmaRule): Diagnostic[] {
    if (rule.kind !== 'rule') return []
    const errors = validate(plainValue(rule.map) ?? rule.map.toJSON()).filter(isReportable)
    return errors.map((error) => schemaDiagnostic(rule, error))
  },
}

function isReportable(error: ErrorObject): boolean {
  if (error.schemaPath.includes('/anyOf/')) return false
  if (error.keyword === 'required') {
    const missing = String(error.params['missingProperty'])
    if (missing === 'detection' || missing === 'condition') return false
    return true
  }
  return !(error.keyword === 'type' && READER_CHECKED.test(error.instancePath))
}

function schemaDiagnostic(rule: SigmaRule, error: ErrorObject): Diagnostic {
  const target = resolvePointer(rule.map as Node, error.instancePath)
  const located = error.keyword === 'required' ? target.key : target.node
  const span = spanOf(located ?? target.node, rule.lineCounter) ?? rule.span
  const { check, message } = describeError(error, attributeName(error.instancePath))
  return diagnosticAt(span, check, 'error', message)
}

function attributeName(pointer: string): string {
  const segments = pointerSegments(pointer)
  return segments.length === 0 ? 'the rule' : `'${segments.join('.')}'`
}

function describeError(error: ErrorObject, where: string): { check: string; message: string } {
  const params = error.params as Record<string, unknown>
  switch (error.keyword) {
    case 'required': {
      const missing = String(params['missingProperty'])
      const container = where === 'the rule' ? 'The rule' : where
      return {
        check: 'schema/required',
        message: `${container} has no '${missing}'. ${requiredHint(missing)}`,
      }
    }
    case 'type':
      return {
        check: 'schema/type',
        message: `${where} must be ${typeName(String(params['type']))}. Rewrite it as ${typeName(String(params['type']))}.`,
      }
    case 'enum': {
      const allowed = (params['allowedValues'] as unknown[]).join(', ')
      return {
        check: 'schema/enum',
        message: `${where} is '${String(error.data)}', which is not a valid value. Use one of: ${allowed}.`,
      }
    }
    case 'pattern':
      return {
        check: 'schema/pattern',
        message: `${where} is '${String(error.data)}', which is not in the required form. ${patternHint(error.instancePath)}`,
      }
    default:
      return {
        check: 'schema/length',
        message: `${where} ${error.message ?? 'is invalid'}. ${lengthHint(error)}`,
      }
  }
}

function requiredHint(missing: string): string {
  switch (missing) {
    case 'title':
      return 'Add a short title that says what the rule detects.'
    case 'logsource':
      return "Add 'logsource:' with 'product' and 'category' or 'service', e.g. product: windows, category: process_creation."
    default:
      return `Add '${missing}'.`
  }
}

function patternHint(pointer: string): string {
  if (pointer.startsWith('/logsource/')) return HINTS['logsource pattern'] as string
  if (/^\/related\/\d+\/id$/.test(pointer)) return HINTS['related/id pattern'] as string
  return HINTS[`${pointer} pattern`] ?? 'Correct the value.'
}

function lengthHint(error: ErrorObject): string {
  if (error.keyword === 'maxLength') return 'Shorten it.'
  return 'Fill it in, or remove the attribute.'
}

function typeName(type: string): string {
  switch (type) {
    case 'array':
      return "a list (one '- ' entry per line)"
    case 'object':
      return 'a map of keys and values'
    case 'string':
      return 'a single text value'
    default:
      return `a ${type}`
  }
}
