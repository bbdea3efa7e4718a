/** The Splunk backend: detection IR → SPL for the Sysmon schema. */
export {
  DEFAULT_SYSMON_SCOPE,
  convertToSpl,
} from './convert-to-spl.js'
export type {
  SplConversion,
  SplunkOptions,
  SplunkScope,
} from './convert-to-spl.js'
