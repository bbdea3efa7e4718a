import { describe, expect, it } from 'vitest'

import { parseSpl } from '../src/spl/index.js'
import type { SearchExpr, SplQuery } from '../src/spl/index.js'
import { compileError, parseError } from './spl-helpers.js'

const r = String.raw

/** Print a search tree compactly, e.g. `and(or(a=1, b=1), c=1)`. */
function show(expr: SearchExpr): string {
  switch (expr.kind) {
    case 'and':
    case 'or':
      return `${expr.kind}(${expr.items.map(show).join(', ')})`
    case 'not':
      return `not(${show(expr.item)})`
    case 'term':
    case 'compare':
      return `${expr.field}${expr.op}${expr.value.raw}`
    case 'in':
      return `${expr.field} in [${expr.values.map((v) => v.raw).join(', ')}]`
    case 'keyword':
      return `kw:${expr.value.raw}`
    case 'macro':
      return `macro:${expr.name}`
  }
}

function parseOk(query: string): SplQuery {
  const parsed = parseSpl(query)
  if (!parsed.ok) throw new Error(parsed.error.message)
  return parsed.query
}

function baseSearch(query: string): string {
  const stage = parseOk(query).stages[0]
  if (stage?.kind !== 'search') throw new Error('no base search')
  return show(stage.expr)
}

describe('search syntax tree', () => {
  it('groups by NOT, OR, then AND', () => {
    expect(baseSearch('a=1 OR b=1 c=1')).toBe('and(or(a=1, b=1), c=1)')
    expect(baseSearch('a=1 AND b=1 OR c=1')).toBe('and(a=1, or(b=1, c=1))')
    expect(baseSearch('NOT a=1 OR b=1')).toBe('or(not(a=1), b=1)')
    expect(baseSearch('NOT NOT a=1')).toBe('not(not(a=1))')
    expect(baseSearch('(a=1 b=1) OR c=1')).toBe('or(and(a=1, b=1), c=1)')
  })

  it('reads operators only in upper case', () => {
    expect(baseSearch('a and b or not c')).toBe(
      'and(kw:a, kw:and, kw:b, kw:or, kw:not, kw:c)',
    )
    expect(baseSearch('f="OR" "AND"')).toBe('and(f=OR, kw:AND)')
  })

  it('parses terms, lists, comparisons and macros', () => {
    expect(baseSearch('`sysmon` f IN ("a", b*) n>=5 m!="x"')).toBe(
      'and(macro:sysmon, f in [a, b*], n>=5, m!=x)',
    )
    expect(baseSearch('"cs-host"="x"')).toBe('cs-host=x')
    expect(baseSearch('search a=1')).toBe('a=1')
  })

  it('splits values at wildcards after unescaping', () => {
    const stage = parseOk(r`f="C:\\Win\*x"`).stages[0]
    expect(stage).toMatchObject({
      kind: 'search',
      expr: {
        kind: 'term',
        field: 'f',
        op: '=',
        value: {
          raw: r`C:\\Win\*x`,
          quoted: true,
          parts: [
            { kind: 'text', text: 'C:\\Win\\' },
            { kind: 'wildcard' },
            { kind: 'text', text: 'x' },
          ],
        },
        column: 1,
      },
    })
  })

  it('records the commands of a pipeline', () => {
    const query = parseOk(
      r`a=1 | eval x=1, 'y z'="s" | where x>0 | regex f!="\\d" | rex field=g "(?<n>\\w+)" | search n=*`,
    )
    expect(query.stages.map((stage) => stage.kind)).toEqual([
      'search',
      'eval',
      'where',
      'regex',
      'rex',
      'search',
    ])
    expect(query.stages[1]).toMatchObject({
      kind: 'eval',
      assignments: [
        { field: 'x', expr: { kind: 'number', value: 1 } },
        { field: 'y z', expr: { kind: 'string', value: 's' } },
      ],
    })
    expect(query.stages[3]).toMatchObject({
      kind: 'regex',
      field: 'f',
      negated: true,
      pattern: r`\d`,
      patternColumn: 50,
    })
    expect(query.stages[4]).toMatchObject({ kind: 'rex', field: 'g', pattern: r`(?<n>\w+)` })
  })

  it('binds eval AND before OR', () => {
    const stage = parseOk('* | where a=1 OR b=1 AND c=1').stages[1]
    expect(stage).toMatchObject({
      kind: 'where',
      expr: {
        kind: 'binary',
        op: 'OR',
        left: { kind: 'binary', op: '=' },
        right: { kind: 'binary', op: 'AND' },
      },
    })
  })

  it('binds eval comparison looser than concatenation', () => {
    const stage = parseOk('* | where a."x"=b').stages[1]
    expect(stage).toMatchObject({
      kind: 'where',
      expr: { kind: 'binary', op: '=', left: { kind: 'binary', op: '.' } },
    })
  })
})

describe('parse errors', () => {
  const cases: Array<[string, number, string]> = [
    [
      '| rex field=F "(?<a>x)"',
      1,
      "The query starts with '|' but a query must start with a base search: put the search terms (or '*') before the first command.",
    ],
    [
      '  | search x',
      3,
      "The query starts with '|' but a query must start with a base search: put the search terms (or '*') before the first command.",
    ],
    [
      'a=1 | search OR x=1',
      14,
      "'OR' must be between two search terms, but nothing comes before it here: remove it or add the term it joins.",
    ],
    [
      'a=1 | search AND x=1',
      14,
      "'AND' must be between two search terms, but nothing comes before it here: remove it or add the term it joins.",
    ],
    ['(a=1', 1, "This '(' is not closed before the end of the query: add the matching ')'."],
    ['a=1)', 4, "This ')' has no matching '(': remove it or add the '(' it closes."],
    [
      'a=1 | table Image',
      7,
      "Unknown or unsupported SPL command 'table': the engine runs search, where, eval, regex, rex, bin, stats, streamstats, eventstats, sort.",
    ],
    [
      'a=1 |',
      6,
      "A command name must follow '|': write search, where, eval, regex, rex, bin, stats, streamstats, eventstats or sort, or remove the pipe.",
    ],
    [
      'a=1 OR',
      7,
      "'OR' needs a search term after it, but the end of the query follows: add the term or remove 'OR'.",
    ],
    [
      'a=1 AND OR b=1',
      9,
      "'AND' needs a search term after it, but 'OR' follows: add the term or remove 'AND'.",
    ],
    [
      'NOT',
      4,
      "'NOT' needs a search term after it, but the end of the query follows: add the term or remove 'NOT'.",
    ],
    ['()', 1, "The parentheses are empty: put a search term between '(' and ')' or remove them."],
    [
      'a IN ("x" "y")',
      11,
      "The IN list of 'a' is not closed here: separate values with commas and end the list with ')'.",
    ],
    ['a IN x', 6, `'IN' needs a parenthesised list of values, such as Image IN ("a", "b").`],
    ['=5', 1, `The operator '=' needs a field name before it, such as Image="value".`],
    ['a=', 3, "A value must follow '=', but the end of the query does: write the value in double quotes."],
    ['a=OR', 3, "A value must follow '=', but 'OR' does: write the value in double quotes."],
    ['a==1', 2, "The search command has no '==' operator: use '=' to compare a field with a value."],
    ['f*=x', 1, "Wildcard field names such as 'f*' are not supported: name the field exactly."],
    ['[search x]', 1, "Subsearches in '[...]' are not supported: quote a value that contains brackets."],
    ['TERM(x)', 1, `The search function 'TERM(...)' is not supported: write plain field="value" terms.`],
    ['a, b', 2, 'A comma is only valid inside an IN list: quote a value that contains one.'],
    ['', 1, 'The query is empty: write a base search such as source="..." EventCode=1.'],
    [
      'a=1 | search',
      13,
      "The search command needs a search expression: write terms after 'search' or remove the command.",
    ],
    [
      'a=1 | eval x=foo(1)',
      14,
      "Unknown eval function 'foo': the engine runs abs, case, cidrmatch, coalesce, false, if, in, isnotnull, isnull, isnum, isstr, len, like, lower, ltrim, match, mvjoin, null, replace, rtrim, split, strftime, strptime, substr, tonumber, tostring, trim, true, upper.",
    ],
    ['a=1 | eval x=if(1,2)', 14, "The eval function 'if' takes 3 arguments, not 2."],
    [
      'a=1 | eval x=',
      14,
      'An eval operand is missing before the end of the query: write a field name, a "string", a number or a function call.',
    ],
    [
      'a=1 | where a b',
      15,
      "Unexpected 'b' in the where command: join expressions with an operator or start a new command with '|'.",
    ],
    [
      'a=1 | eval 1=2',
      12,
      "The eval command needs a field name before '=', but '1' comes first: write eval name=expression.",
    ],
    ['a=1 | where a=1 AND', 20, "'AND' needs an operand after it, but the end of the query follows."],
    [
      'a=1 | eval x=lower(a',
      19,
      "The call of 'lower' is not closed before the end of the query: separate arguments with commas and add ')'.",
    ],
    [
      'a=1 | regex f=abc',
      15,
      "The regex command needs its regular expression in double quotes, but 'abc' comes here.",
    ],
    [
      'a=1 | rex mode=sed "s/a/b/"',
      16,
      `The rex option 'mode' is not supported: the engine runs rex field=Field "pattern".`,
    ],
    [
      'a=1 | rex max_match=0 "(?<a>x)"',
      21,
      'rex max_match=0 is not supported: the engine extracts the first match only, so remove the option or set max_match=1.',
    ],
    [
      'a=1 | rex field=x',
      18,
      'The rex command needs a regular expression in double quotes with a named group, such as "(?<name>...)".',
    ],
  ]

  for (const [query, column, message] of cases) {
    it(`rejects ${JSON.stringify(query)}`, () => {
      expect(parseError(query)).toEqual({ message, column })
    })
  }

  it('rejects unclosed quotes at the quote', () => {
    expect(parseError('a="abc').column).toBe(3)
    expect(parseError("a=1 | where 'a=1").column).toBe(13)
    expect(parseError('a=1 `sysmon').column).toBe(5)
  })

  it('rejects deep nesting without overflowing', () => {
    const deep = '('.repeat(5000) + 'a' + ')'.repeat(5000)
    expect(parseError(deep)).toEqual({
      message: 'Parentheses are nested more than 200 deep: flatten the expression.',
      column: 201,
    })
    expect(parseError(`* | where ${deep}`).column).toBe(211)
  })
})

describe('compile errors', () => {
  const unsafe: Array<[string, string]> = [
    [r`(a)\\1`, "a backreference '\\1'"],
    ['(?=a)', 'a lookahead (?=...)'],
    ['(?!a)', 'a negative lookahead (?!...)'],
    ['(?<=a)b', 'a lookbehind (?<=...)'],
    ['(?<!a)b', 'a negative lookbehind (?<!...)'],
    ['a++', "a possessive quantifier '++'"],
    ['a{2}+', "a possessive quantifier '}+'"],
    ['(?>a)', 'an atomic group (?>...)'],
    [r`(?<n>a)\\k<n>`, 'a named backreference \\k'],
  ]

  for (const [pattern, construct] of unsafe) {
    it(`names ${construct}`, () => {
      expect(compileError(`a=1 | regex f="${pattern}"`)).toEqual({
        message: `The regular expression uses ${construct}, which re2js cannot run, so this rule cannot be checked safely: rewrite the pattern without it.`,
        column: 15,
      })
    })
  }

  it('accepts look-alikes that are safe', () => {
    for (const pattern of ['[(?=]', r`\\(?=x`, r`a\\Z`, r`\\h+`, r`[\\h]`, r`\\012`, 'a+?']) {
      expect(() => compileError(`a=1 | regex f="${pattern}"`)).toThrow('expected a compile error')
    }
  })

  it('reports patterns re2js rejects', () => {
    expect(compileError('a=1 | regex f="a["')).toEqual({
      message:
        'The regular expression is not valid for re2js (error parsing regexp: missing closing ]: `[`), so this rule cannot be checked safely: fix the pattern.',
      column: 15,
    })
  })

  it('checks regexes in rex and match', () => {
    expect(compileError('a=1 | rex field=f "(?<n>a)(?=b)"').column).toBe(19)
    expect(compileError('a=1 | eval x=if(match(f, "(?=b)"), 1, 0)').column).toBe(26)
    expect(compileError('a=1 | rex field=a "(x)"')).toEqual({
      message:
        'The rex pattern has no named group, so it extracts nothing: name the group to extract, as in "(?<name>...)".',
      column: 19,
    })
  })

  it('separates conditions from values', () => {
    expect(compileError('a=1 | eval x=a=b')).toEqual({
      message:
        'This expression is a condition, which eval cannot store in a field: wrap it as if(condition, 1, 0).',
      column: 14,
    })
    const valueMessage =
      'This expression is a value where a condition is needed: compare it, for example field="value", or test it with isnotnull().'
    expect(compileError('a=1 | where x')).toEqual({ message: valueMessage, column: 13 })
    expect(compileError('a=1 | where if("a", 1=1, 2=2)')).toEqual({
      message: valueMessage,
      column: 16,
    })
    expect(compileError('a=1 | where NOT "x"').column).toBe(17)
    expect(compileError('a=1 | where a=1 AND "x"').column).toBe(21)
  })

  it('requires literal arguments where they are compiled once', () => {
    expect(compileError('a=1 | eval x=replace(a, b, "c")')).toEqual({
      message: 'replace() needs its regular expression as a "string" literal.',
      column: 25,
    })
    expect(compileError('a=1 | where cidrmatch("abc", ip)')).toEqual({
      message: `cidrmatch() needs a network such as "10.0.0.0/8", not 'abc'.`,
      column: 23,
    })
  })
})
