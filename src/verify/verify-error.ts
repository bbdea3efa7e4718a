/**
 * A problem that stops a verify run or one rule's search. It carries a
 * stable check id and becomes a diagnostic; it never reaches the user as a
 * stack trace.
 */
export class VerifyError extends Error {
  constructor(
    readonly check: string,
    message: string,
  ) {
    super(message)
    this.name = 'VerifyError'
  }
}

/** Sleep for `ms` milliseconds. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

/** Return the next wait of an exponential backoff, capped at `max`. */
export function nextBackoff(current: number, max: number): number {
  return Math.min(max, Math.max(1, current * 2))
}
