import { compileSpl, parseSpl } from '../src/spl/index.js'
import type { SplEvent, SplSyntaxError } from '../src/spl/index.js'

/** Compile a query that must be valid, failing the test with its error otherwise. */
export function compileQuery(query: string): (event: SplEvent) => boolean {
  const parsed = parseSpl(query)
  if (!parsed.ok) {
    throw new Error(`parse failed at ${parsed.error.column}: ${parsed.error.message}`)
  }
  const compiled = compileSpl(parsed.query)
  if (!compiled.ok) {
    throw new Error(`compile failed at ${compiled.error.column}: ${compiled.error.message}`)
  }
  return compiled.predicate
}

/** Return whether `event` passes `query`. */
export function verdict(query: string, event: SplEvent): boolean {
  return compileQuery(query)(event)
}

/** Return the parse error of a query that must be invalid. */
export function parseError(query: string): SplSyntaxError {
  const parsed = parseSpl(query)
  if (parsed.ok) throw new Error(`expected a parse error for: ${query}`)
  return parsed.error
}

/** Return the compile error of a query that must parse but not compile. */
export function compileError(query: string): SplSyntaxError {
  const parsed = parseSpl(query)
  if (!parsed.ok) {
    throw new Error(`parse failed at ${parsed.error.column}: ${parsed.error.message}`)
  }
  const compiled = compileSpl(parsed.query)
  if (compiled.ok) throw new Error(`expected a compile error for: ${query}`)
  return compiled.error
}
