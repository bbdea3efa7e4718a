import type { RE2JS } from 're2js'

import type {
  EvalStage,
  RegexStage,
  RexStage,
  SplQuery,
  SplStage,
  SplSyntaxError,
} from './ast.js'
import { compileEval, isTrue } from './compile-eval.js'
import { SplCompileFailure } from './compile-failure.js'
import { compileSearch } from './compile-search.js'
import { compileRegexArgument } from './eval-functions.js'
import { cacheOf, fieldStrings } from './event-context.js'
import type { EventContext, SplEvent } from './event-context.js'
import type { FieldValue } from '../events/event.js'
import { checkEvalTypes } from './eval-types.js'
import { toField } from './eval-value.js'

export type SplCompileResult =
  | { ok: true; predicate: (event: SplEvent) => boolean }
  | { ok: false; error: SplSyntaxError }

/** One compiled command: false drops the event. */
export type StageTest = (context: EventContext) => boolean

/**
 * Compile a parsed query into a predicate that runs its commands left to
 * right on one event and returns true when the event survives all of them.
 * Regular expressions are compiled here, once; a pattern re2js cannot run
 * yields an error naming the construct. The predicate caches per-event data
 * in a WeakMap keyed by the event object, so do not mutate an event between
 * calls.
 */
export function compileSpl(query: SplQuery): SplCompileResult {
  try {
    return { ok: true, predicate: buildPredicate(query.stages) }
  } catch (error) {
    if (error instanceof SplCompileFailure) {
      return { ok: false, error: { message: error.message, column: error.column } }
    }
    throw error
  }
}

function buildPredicate(stages: SplStage[]): (event: SplEvent) => boolean {
  const tests = stages.map(compileStage)
  const setsFields = stages.some((stage) => stage.kind === 'eval' || stage.kind === 'rex')

  if (tests.length === 1 && !setsFields) {
    const test = tests[0] as StageTest
    return (event) => test({ event, overlay: null, cache: cacheOf(event) })
  }
  return (event) => {
    const overlay = setsFields ? new Map<string, FieldValue>() : null
    const context: EventContext = { event, overlay, cache: cacheOf(event) }
    for (const test of tests) if (!test(context)) return false
    return true
  }
}

/** Compile one streaming command; transforming commands fail here. */
export function compileStage(stage: SplStage): StageTest {
  switch (stage.kind) {
    case 'search':
      return compileSearch(stage.expr)
    case 'where': {
      checkEvalTypes(stage.expr, 'condition')
      const condition = compileEval(stage.expr)
      return (context) => isTrue(condition(context))
    }
    case 'eval':
      return compileEvalStage(stage)
    case 'regex':
      return compileRegexStage(stage)
    case 'rex':
      return compileRexStage(stage)
    case 'bin':
    case 'stats':
    case 'streamstats':
    case 'eventstats':
    case 'sort':
      throw new SplCompileFailure(
        `The ${stage.kind} command works on the whole result set, so it cannot run on one event at a time: compile the query with compileSplStream.`,
        stage.column,
      )
  }
}

/** Set each field in turn, so later assignments see earlier ones. */
function compileEvalStage(stage: EvalStage): StageTest {
  const assignments = stage.assignments.map((assignment) => {
    checkEvalTypes(assignment.expr, 'value')
    return { field: assignment.field, evaluate: compileEval(assignment.expr) }
  })
  return (context) => {
    for (const { field, evaluate } of assignments) {
      setField(context, field, toField(evaluate(context)))
    }
    return true
  }
}

function setField(context: EventContext, field: string, value: FieldValue): void {
  context.overlay?.set(field, value)
}

/**
 * `regex f="re"` keeps events where some value of `f` matches; `f!="re"`
 * keeps the others, including events without `f`.
 */
function compileRegexStage(stage: RegexStage): StageTest {
  const regex = compileRegexArgument(stage.pattern, stage.patternColumn)
  const { field, negated } = stage
  return (context) => {
    const values = fieldStrings(context, field)
    const found = values !== null && values.some((value) => regex.test(value))
    return negated ? !found : found
  }
}

/**
 * `rex` runs its pattern on the field and, on the first match, sets one
 * field per named group that took part in it. It never drops an event.
 */
function compileRexStage(stage: RexStage): StageTest {
  const regex = compileRegexArgument(stage.pattern, stage.patternColumn)
  requireNamedGroup(regex, stage)
  const { field } = stage
  return (context) => {
    const values = fieldStrings(context, field) ?? []
    for (const value of values) {
      if (extractGroups(context, regex, value)) break
    }
    return true
  }
}

function requireNamedGroup(regex: RE2JS, stage: RexStage): void {
  const names = Object.keys(regex.namedGroups())
  if (names.length > 0) return
  throw new SplCompileFailure(
    'The rex pattern has no named group, so it extracts nothing: name the group to extract, as in "(?<name>...)".',
    stage.patternColumn,
  )
}

function extractGroups(context: EventContext, regex: RE2JS, value: string): boolean {
  const matcher = regex.matcher(value)
  if (!matcher.find()) return false

  for (const [name, text] of Object.entries(matcher.getNamedGroups())) {
    if (text !== null) setField(context, name, text)
  }
  return true
}
