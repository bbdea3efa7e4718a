import type { Bound, CorrelationType } from '../sigma/correlation.js'
import type { Expr } from './expr.js'

/**
 * A correlation with its rule references resolved: what the native
 * evaluator runs and the Splunk backend prints. Both follow the window and
 * grouping rules in docs/semantics.md.
 */
export interface CorrelationPlan {
  type: CorrelationType
  /** The referenced rules, in the order of `rules`. */
  members: CorrelationMember[]
  /** One entry per `group-by` name. */
  groupBy: GroupField[]
  /** Window length in seconds; windows are fixed buckets aligned to the epoch. */
  span: number
  /** The timespan as written, e.g. `5m`, which is also valid as a Splunk span. */
  spanText: string
  /** AND-ed criteria on the aggregate; never empty. */
  bounds: Bound[]
  /** The aggregated field of value_* types. */
  field?: string
}

export interface CorrelationMember {
  /** The reference as written in `rules`: the rule's id or name. */
  reference: string
  /** The rule's detection after the log source pipeline and filters. */
  expr: Expr
}

export interface GroupField {
  /** The group-by name, which is also the output field. */
  name: string
  /** The event field that contains the value, by member index. */
  fields: string[]
}
