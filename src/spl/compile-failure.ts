/** A problem found while compiling, at a 1-based column of the query. */
export class SplCompileFailure extends Error {
  constructor(
    message: string,
    readonly column: number,
  ) {
    super(message)
  }
}
