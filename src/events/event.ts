/** A value of one event field; lists are multi-valued fields. */
export type FieldValue = string | number | boolean | null | FieldValue[]

/**
 * A flat event as fixtures carry it: Sysmon field names (`EventID`, `Image`,
 * `CommandLine`, ...) mapped to their values.
 */
export type SigmaEvent = Record<string, FieldValue>
