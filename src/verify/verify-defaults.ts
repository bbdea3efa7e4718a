/**
 * Defaults of a verify run, apart from run-verify.ts so that the CLI and the
 * action can show them without loading the HTTP client and the run itself.
 */

/** Time-outs and polling of a verify run, in milliseconds. */
export interface VerifyTiming {
  /** One HTTP request. */
  requestTimeoutMs: number
  /** From the last event sent until all of them are searchable. */
  indexTimeoutMs: number
  /** One search job, from creation to results. */
  searchTimeoutMs: number
  /** First wait between polls; it doubles up to `maxPollMs`. */
  pollMs: number
  maxPollMs: number
  /** Largest HEC request body, in bytes. */
  hecBatchBytes: number
}

export const DEFAULT_VERIFY_TIMING: VerifyTiming = {
  requestTimeoutMs: 30_000,
  indexTimeoutMs: 120_000,
  searchTimeoutMs: 120_000,
  pollMs: 500,
  maxPollMs: 5_000,
  // NOTE: older Splunk releases default HEC's max_content_length to 1 MB
  // (an estimate, not checked for every release); half of that stays below.
  hecBatchBytes: 512 * 1024,
}

export const DEFAULT_VERIFY_INDEX = 'sigma_gate'
export const DEFAULT_VERIFY_SOURCETYPE = 'sigma-gate:sysmon'
export const DEFAULT_HEC_PORT = '8088'
