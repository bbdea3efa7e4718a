import { describe, expect, test } from 'vitest'

import {
  DEFAULT_SYSMON_SCOPE,
  convertToSpl,
} from '../src/backends/splunk/index.js'
import type { SplunkOptions } from '../src/backends/splunk/index.js'
import type { Expr, ValueTest } from '../src/ir/expr.js'
import {
  allOf,
  any,
  anyOf,
  at,
  contains,
  endsWith,
  equals,
  keyword,
  none,
  one,
  parts,
  processCreation,
  regex,
  startsWith,
  text,
} from './backend-ir.js'

const SOURCE = 'source="XmlWinEventLog:Microsoft-Windows-Sysmon/Operational"'

const SYSMON: SplunkOptions = {
  scope: DEFAULT_SYSMON_SCOPE,
  fieldNames: { EventID: 'EventCode' },
}

/** Convert with the Sysmon defaults and require exactly one clean query. */
function spl(expr: Expr, options: SplunkOptions = SYSMON): string {
  const result = convertToSpl(expr, options)
  expect(result.diagnostics).toEqual([])
  expect(result.queries).toHaveLength(1)
  return result.queries[0] ?? ''
}

function field(name: string, valueTest: ValueTest): Expr {
  return { kind: 'field', field: name, test: valueTest }
}

describe('convertToSpl typical rule', () => {
  test('scope, logsource and IN lists', () => {
    const expr = allOf(
      processCreation,
      anyOf(
        endsWith('Image', '\\cmd.exe'),
        endsWith('Image', '\\powershell.exe'),
      ),
      anyOf(
        endsWith('ParentImage', '\\w3wp.exe'),
        endsWith('ParentImage', '\\php.exe'),
      ),
      none(
        anyOf(contains('User', 'SYSTEM'), contains('User', 'LOCAL SERVICE')),
      ),
    )

    expect(spl(expr)).toBe(
      String.raw`${SOURCE} EventCode=1 Image IN ("*\\cmd.exe", "*\\powershell.exe") ParentImage IN ("*\\w3wp.exe", "*\\php.exe") NOT User IN ("*SYSTEM*", "*LOCAL SERVICE*")`,
    )
  })

  test('OR of several fields keeps separate terms', () => {
    const expr = anyOf(
      contains('CommandLine', 'a'),
      equals('Image', 'b'),
      contains('CommandLine', 'c'),
    )

    expect(spl(expr)).toBe(
      `${SOURCE} (CommandLine="*a*" OR Image="b" OR CommandLine="*c*")`,
    )
  })

  test('integer values in an IN list stay unquoted', () => {
    const expr = anyOf(equals('EventID', '1'), equals('EventID', '4688'))

    expect(spl(expr)).toBe(`${SOURCE} EventCode IN (1, 4688)`)
  })
})

describe('convertToSpl value escaping', () => {
  const cases: Array<[string, Expr, string]> = [
    [
      'double quote',
      contains('CommandLine', 'echo "x"'),
      String.raw`CommandLine="*echo \"x\"*"`,
    ],
    [
      'backslashes',
      startsWith('Image', 'C:\\Windows\\'),
      String.raw`Image="C:\\Windows\\*"`,
    ],
    [
      'trailing backslash',
      endsWith('CurrentDirectory', '\\Temp\\'),
      String.raw`CurrentDirectory="*\\Temp\\"`,
    ],
    [
      'UNC path',
      equals('Image', '\\\\server\\share'),
      String.raw`Image="\\\\server\\share"`,
    ],
    [
      'backslash before wildcard',
      parts('CommandLine', [any, text('\\'), any]),
      String.raw`CommandLine="*\\*"`,
    ],
    [
      'backslash and quote',
      contains('CommandLine', '\\"'),
      String.raw`CommandLine="*\\\"*"`,
    ],
    [
      'pipe',
      contains('CommandLine', 'type a | more'),
      'CommandLine="*type a | more*"',
    ],
    [
      'brackets',
      contains('CommandLine', '[x](y){z}'),
      'CommandLine="*[x](y){z}*"',
    ],
    [
      'en dash',
      contains('CommandLine', ' \u2013s '),
      'CommandLine="* \u2013s *"',
    ],
    ['question mark is literal', contains('Url', 'a?b=1'), 'Url="*a?b=1*"'],
    ['tab', contains('CommandLine', 'a\tb'), 'CommandLine="*a\tb*"'],
    ['operator word', equals('Country', 'OR'), 'Country="OR"'],
    ['empty value', equals('CommandLine', ''), 'CommandLine=""'],
    ['single quote', contains('CommandLine', "it's"), `CommandLine="*it's*"`],
    ['leading zero integer', equals('LogonType', '03'), 'LogonType=03'],
    ['negative number text', equals('Offset', '-1'), 'Offset="-1"'],
    [
      'adjacent wildcards',
      parts('Image', [any, any, text('a'), any]),
      'Image="*a*"',
    ],
  ]

  test.each(cases)('%s', (_name, expr, term) => {
    expect(spl(expr)).toBe(`${SOURCE} ${term}`)
  })

  test('newline goes to an escaped regex', () => {
    const query = spl(contains('CommandLine', 'a\nb'))

    expect(query).toBe(
      String.raw`${SOURCE} | eval sg_1=if(isnotnull('CommandLine') AND match('CommandLine', "(?i)(?s)^.*a\\nb.*$"), 1, 0) | search sg_1=1`,
    )
    expect(query).not.toContain('\n')
  })

  test('carriage return and NUL go to an escaped regex', () => {
    const query = spl(equals('CommandLine', 'a\r\u0000'))

    expect(query).toBe(
      String.raw`${SOURCE} | eval sg_1=if(isnotnull('CommandLine') AND match('CommandLine', "(?i)(?s)^a\\r\\x00$"), 1, 0) | search sg_1=1`,
    )
  })
})

describe('convertToSpl eval flags', () => {
  test('single-character wildcard', () => {
    const expr = allOf(
      processCreation,
      parts('CommandLine', [text('a'), one, text('c')]),
    )

    expect(spl(expr)).toBe(
      `${SOURCE} EventCode=1 | eval sg_1=if(isnotnull('CommandLine') AND match('CommandLine', "(?i)(?s)^a.c$"), 1, 0) | search sg_1=1`,
    )
  })

  test('literal asterisk', () => {
    const expr = allOf(processCreation, contains('CommandLine', '/tn *'))

    expect(spl(expr)).toBe(
      String.raw`${SOURCE} EventCode=1 | eval sg_1=if(isnotnull('CommandLine') AND match('CommandLine', "(?i)(?s)^.*/tn \\*.*$"), 1, 0) | search sg_1=1`,
    )
  })

  test('regex metacharacters are escaped', () => {
    const expr = parts('Image', [text('C:\\x.(1)[2]{3}^$|+'), one])

    expect(spl(expr)).toBe(
      String.raw`${SOURCE} | eval sg_1=if(isnotnull('Image') AND match('Image', "(?i)(?s)^C:\\\\x\\.\\(1\\)\\[2\\]\\{3\\}\\^\\$\\|\\+.$"), 1, 0) | search sg_1=1`,
    )
  })

  test('cased value', () => {
    const expr = parts('Image', [any, text('\\X.exe')], true)

    expect(spl(expr)).toBe(
      String.raw`${SOURCE} | eval sg_1=if(isnotnull('Image') AND match('Image', "(?s)^.*\\\\X\\.exe$"), 1, 0) | search sg_1=1`,
    )
  })

  test('cased value without letters stays a search term', () => {
    const expr = parts('EventID', [text('1')], true)

    expect(spl(expr)).toBe(`${SOURCE} EventCode=1`)
  })

  test('flag inside an OR', () => {
    const expr = allOf(
      processCreation,
      anyOf(
        parts('CommandLine', [any, text('a'), one, text('c')]),
        endsWith('Image', '\\x.exe'),
      ),
    )

    expect(spl(expr)).toBe(
      String.raw`${SOURCE} EventCode=1 | eval sg_1=if(isnotnull('CommandLine') AND match('CommandLine', "(?i)(?s)^.*a.c$"), 1, 0) | search (sg_1=1 OR Image="*\\x.exe")`,
    )
  })

  test('flag under NOT', () => {
    const expr = allOf(processCreation, none(parts('User', [text('a'), one])))

    expect(spl(expr)).toBe(
      `${SOURCE} EventCode=1 | eval sg_1=if(isnotnull('User') AND match('User', "(?i)(?s)^a.$"), 1, 0) | search NOT sg_1=1`,
    )
  })

  test('equal tests share one flag', () => {
    const odd = parts('User', [text('a'), one])
    const expr = allOf(
      processCreation,
      anyOf(odd, equals('Image', 'x')),
      anyOf(odd, equals('Image', 'y')),
    )

    expect(spl(expr)).toBe(
      `${SOURCE} EventCode=1 | eval sg_1=if(isnotnull('User') AND match('User', "(?i)(?s)^a.$"), 1, 0) | search (sg_1=1 OR Image="x") (sg_1=1 OR Image="y")`,
    )
  })

  test('distinct tests get numbered flags', () => {
    const expr = anyOf(
      parts('User', [text('a'), one]),
      parts('User', [text('b'), one]),
    )

    expect(spl(expr)).toBe(
      `${SOURCE} | eval sg_1=if(isnotnull('User') AND match('User', "(?i)(?s)^a.$"), 1, 0) | eval sg_2=if(isnotnull('User') AND match('User', "(?i)(?s)^b.$"), 1, 0) | search (sg_1=1 OR sg_2=1)`,
    )
  })

  test('quoted field name in eval', () => {
    const expr = parts('Field Name', [text('a'), one])

    expect(spl(expr)).toBe(
      `${SOURCE} | eval sg_1=if(isnotnull('Field Name') AND match('Field Name', "(?i)(?s)^a.$"), 1, 0) | search sg_1=1`,
    )
  })
})

describe('convertToSpl regex tests', () => {
  test('top-level regex becomes a regex stage', () => {
    const expr = allOf(
      processCreation,
      endsWith('Image', '\\reg.exe'),
      regex('CommandLine', '\\\\run\\\\', { i: true }),
    )

    expect(spl(expr)).toBe(
      String.raw`${SOURCE} EventCode=1 Image="*\\reg.exe" | regex CommandLine="(?i)\\\\run\\\\"`,
    )
  })

  test('all three flags', () => {
    const expr = regex('CommandLine', '^a.b$', { i: true, m: true, s: true })

    expect(spl(expr)).toBe(`${SOURCE} | regex CommandLine="(?i)(?m)(?s)^a.b$"`)
  })

  test('quote inside a regex', () => {
    expect(spl(regex('CommandLine', '"http'))).toBe(
      String.raw`${SOURCE} | regex CommandLine="\"http"`,
    )
  })

  test('negated top-level regex', () => {
    const expr = allOf(processCreation, none(regex('CommandLine', '-enc')))

    expect(spl(expr)).toBe(`${SOURCE} EventCode=1 | regex CommandLine!="-enc"`)
  })

  test('regex under OR becomes a flag', () => {
    const expr = allOf(
      endsWith('Image', '\\curl.exe'),
      anyOf(
        regex('CommandLine', '\\s-[FTd]\\s'),
        equals('Product', 'The curl executable'),
      ),
    )

    expect(spl(expr)).toBe(
      String.raw`${SOURCE} Image="*\\curl.exe" | eval sg_1=if(isnotnull('CommandLine') AND match('CommandLine', "\\s-[FTd]\\s"), 1, 0) | search (sg_1=1 OR Product="The curl executable")`,
    )
  })

  test('regex under NOT of a group becomes a flag', () => {
    const expr = allOf(
      processCreation,
      none(
        allOf(regex('CommandLine', 'a|b', { i: true }), equals('User', 'x')),
      ),
    )

    expect(spl(expr)).toBe(
      `${SOURCE} EventCode=1 | eval sg_1=if(isnotnull('CommandLine') AND match('CommandLine', "(?i)a|b"), 1, 0) | search NOT (sg_1=1 User="x")`,
    )
  })

  test('regex on a field that needs quoting becomes a flag', () => {
    expect(spl(regex('Field Name', 'x'))).toBe(
      `${SOURCE} | eval sg_1=if(isnotnull('Field Name') AND match('Field Name', "x"), 1, 0) | search sg_1=1`,
    )
  })

  test('stages come in eval, search, regex order', () => {
    const expr = allOf(
      regex('CommandLine', 'x'),
      parts('User', [text('a'), one]),
      equals('Image', 'y'),
    )

    expect(spl(expr)).toBe(
      `${SOURCE} Image="y" | eval sg_1=if(isnotnull('User') AND match('User', "(?i)(?s)^a.$"), 1, 0) | search sg_1=1 | regex CommandLine="x"`,
    )
  })
})

describe('convertToSpl fieldref', () => {
  const reference = (
    position: 'equals' | 'contains',
    cased: boolean,
  ): ValueTest => ({ kind: 'fieldref', field: 'ParentImage', position, cased })

  test('case-insensitive equality', () => {
    expect(spl(field('Image', reference('equals', false)))).toBe(
      `${SOURCE} | eval sg_1=if(lower('Image')=lower('ParentImage'), 1, 0) | search sg_1=1`,
    )
  })

  test('cased equality', () => {
    expect(spl(field('Image', reference('equals', true)))).toBe(
      `${SOURCE} | eval sg_1=if('Image'='ParentImage', 1, 0) | search sg_1=1`,
    )
  })

  test('mapped field names', () => {
    const options = {
      ...SYSMON,
      fieldNames: { ParentImage: 'parent_process_path' },
    }

    expect(spl(field('Image', reference('equals', false)), options)).toBe(
      `${SOURCE} | eval sg_1=if(lower('Image')=lower('parent_process_path'), 1, 0) | search sg_1=1`,
    )
  })

  test('contains finds the other value literally with split and mvjoin', () => {
    expect(spl(field('Image', reference('contains', false)))).toBe(
      `${SOURCE} | eval sg_1=if(isnotnull(lower('Image')) AND isnotnull(lower('ParentImage')) AND (len(lower('ParentImage'))=0 OR NOT "_" . coalesce(mvjoin(split(lower('Image'), lower('ParentImage')), ""), "")="_" . lower('Image')), 1, 0) | search sg_1=1`,
    )
  })

  test('cased startswith compares a substr as text', () => {
    const test = { kind: 'fieldref', field: 'ParentImage', position: 'startswith', cased: true } as const
    expect(spl(field('Image', test))).toBe(
      `${SOURCE} | eval sg_1=if("_" . substr('Image', 1, len('ParentImage'))="_" . 'ParentImage', 1, 0) | search sg_1=1`,
    )
  })
})

describe('convertToSpl null and exists', () => {
  test('null', () => {
    expect(spl(field('ParentImage', { kind: 'null' }))).toBe(
      `${SOURCE} NOT ParentImage=*`,
    )
  })

  test('exists true', () => {
    expect(spl(field('ParentImage', { kind: 'exists', exists: true }))).toBe(
      `${SOURCE} ParentImage=*`,
    )
  })

  test('exists false', () => {
    expect(spl(field('ParentImage', { kind: 'exists', exists: false }))).toBe(
      `${SOURCE} NOT ParentImage=*`,
    )
  })

  test('null or empty', () => {
    const expr = anyOf(
      field('ParentImage', { kind: 'null' }),
      equals('ParentImage', ''),
    )

    expect(spl(expr)).toBe(`${SOURCE} (NOT ParentImage=* OR ParentImage="")`)
  })
})

describe('convertToSpl numbers', () => {
  const number = (op: 'gt' | 'gte' | 'lt' | 'lte', value: number): Expr =>
    field('ProcessId', { kind: 'number', op, value })

  test.each([
    ['gt', 5, 'ProcessId>5'],
    ['gte', 5, 'ProcessId>=5'],
    ['lt', -1, 'ProcessId<-1'],
    ['lte', 2.5, 'ProcessId<=2.5'],
    ['gt', 1e21, 'ProcessId>1000000000000000000000'],
  ] as const)('%s %d', (op, value, term) => {
    expect(spl(number(op, value))).toBe(`${SOURCE} ${term}`)
  })

  test.each([
    [Number.NaN, 'NaN'],
    [Number.POSITIVE_INFINITY, 'Infinity'],
    [1e-7, '1e-7'],
  ])('%d is reported', (value, shown) => {
    expect(convertToSpl(at(4, 5, number('gt', value)), SYSMON)).toEqual({
      queries: [],
      diagnostics: [
        {
          check: 'convert/unsupported',
          severity: 'error',
          message:
            `The number '${shown}' compared with field 'ProcessId' has no ` +
            'plain decimal form in SPL. Use a finite number written without ' +
            'an exponent.',
          line: 4,
          column: 5,
        },
      ],
    })
  })
})

describe('convertToSpl cidr', () => {
  const cidr = (network: string): Expr =>
    field('DestinationIp', { kind: 'cidr', network })

  test.each([
    ['10.0.0.0/8', 'DestinationIp="10.0.0.0/8"'],
    ['fe80::/10', 'DestinationIp="fe80::/10"'],
    ['::1/128', 'DestinationIp="::1/128"'],
    ['10.1.2.3', 'DestinationIp="10.1.2.3/32"'],
    ['2001:db8::1', 'DestinationIp="2001:db8::1/128"'],
  ])('%s', (network, term) => {
    expect(spl(cidr(network))).toBe(`${SOURCE} ${term}`)
  })

  test('negated IPv4 network', () => {
    expect(spl(none(cidr('10.0.0.0/8')))).toBe(
      `${SOURCE} NOT DestinationIp="10.0.0.0/8"`,
    )
  })

  test('two networks stay separate terms', () => {
    expect(spl(anyOf(cidr('10.0.0.0/8'), cidr('fc00::/7')))).toBe(
      `${SOURCE} (DestinationIp="10.0.0.0/8" OR DestinationIp="fc00::/7")`,
    )
  })

  const invalidNetworks = [
    '10.0.0/8',
    '10.0.0.0/33',
    'fe80::/129',
    'fe80::1%eth0/64',
    'host/8',
    '',
  ]

  test.each(invalidNetworks)('invalid network %j is reported', (network) => {
    const result = convertToSpl(at(7, 3, cidr(network)), SYSMON)

    expect(result.queries).toEqual([])
    expect(result.diagnostics).toEqual([
      {
        check: 'convert/unsupported',
        severity: 'error',
        message:
          `The cidr value '${network}' for field 'DestinationIp' is not an ` +
          'IPv4 or IPv6 network, and Splunk would compare it as plain text. ' +
          "Write it as address/prefix, for example '10.0.0.0/8' or " +
          "'fe80::/10'.",
        line: 7,
        column: 3,
      },
    ])
  })
})

describe('convertToSpl keywords', () => {
  test('plain keyword is a substring search', () => {
    expect(spl(keyword([text('lsadump::')]))).toBe(`${SOURCE} "*lsadump::*"`)
  })

  test('keyword list', () => {
    const expr = anyOf(
      keyword([text('lsadump::')]),
      keyword([text('kerberos::golden')]),
    )

    expect(spl(expr)).toBe(`${SOURCE} ("*lsadump::*" OR "*kerberos::golden*")`)
  })

  test('wildcards already present are not doubled', () => {
    const expr = keyword([any, text('a'), any, text('b')])

    expect(spl(expr)).toBe(`${SOURCE} "*a*b*"`)
  })

  test('keyword with quote and backslash', () => {
    expect(spl(keyword([text('C:\\"x')]))).toBe(
      String.raw`${SOURCE} "*C:\\\"x*"`,
    )
  })

  test('integer keyword is quoted', () => {
    expect(spl(keyword([text('4688')]))).toBe(`${SOURCE} "*4688*"`)
  })

  test('cased keyword searches the raw event', () => {
    expect(spl(keyword([text('Mimikatz')], true))).toBe(
      `${SOURCE} | eval sg_1=if(isnotnull('_raw') AND match('_raw', "(?s)^.*Mimikatz.*$"), 1, 0) | search sg_1=1`,
    )
  })
})

describe('convertToSpl grouping', () => {
  const a = equals('A', 'a')
  const b = equals('B', 'b')
  const c = equals('C', 'c')
  const d = equals('D', 'd')
  const e = equals('E', 'e')
  const f = equals('F', 'f')

  test('deep nesting is fully parenthesised', () => {
    const expr = allOf(
      processCreation,
      anyOf(allOf(a, b), none(allOf(c, anyOf(d, e))), f),
    )

    expect(spl(expr)).toBe(
      `${SOURCE} EventCode=1 ((A="a" B="b") OR NOT (C="c" (D="d" OR E="e")) OR F="f")`,
    )
  })

  test('AND inside OR inside AND inside OR', () => {
    const expr = anyOf(a, allOf(b, anyOf(c, allOf(d, none(anyOf(e, f))))))

    expect(spl(expr)).toBe(
      `${SOURCE} (A="a" OR (B="b" (C="c" OR (D="d" NOT (E="e" OR F="f")))))`,
    )
  })

  test('nested groups of the same kind are flattened', () => {
    const expr = allOf(a, allOf(b, allOf(c)), anyOf(d, anyOf(e, f)))

    expect(spl(expr)).toBe(
      `${SOURCE} A="a" B="b" C="c" (D="d" OR E="e" OR F="f")`,
    )
  })

  test('double negation cancels', () => {
    expect(spl(none(none(a)))).toBe(`${SOURCE} A="a"`)
  })

  test('NOT of NOT of a group', () => {
    expect(spl(allOf(a, none(allOf(b, none(anyOf(c, d))))))).toBe(
      `${SOURCE} A="a" NOT (B="b" NOT (C="c" OR D="d"))`,
    )
  })

  test('top-level OR without scope is still grouped', () => {
    const options = { scope: {}, fieldNames: {} }

    expect(spl(anyOf(a, b), options)).toBe('(A="a" OR B="b")')
  })

  test('no query starts with a pipe or searches OR first', () => {
    const exprs = [
      anyOf(regex('CommandLine', 'x'), a),
      regex('CommandLine', 'x'),
      parts('User', [text('a'), one]),
      { kind: 'const', value: true } as const,
    ]

    for (const expr of exprs) {
      const query = spl(expr, { scope: {}, fieldNames: {} })
      expect(query.startsWith('|')).toBe(false)
      expect(query).not.toMatch(/\| search (OR|AND)\b/)
    }
  })
})

describe('convertToSpl constants', () => {
  test('true conjunct is dropped', () => {
    const expr = allOf(
      processCreation,
      { kind: 'const', value: true },
      equals('Image', 'x'),
    )

    expect(spl(expr)).toBe(`${SOURCE} EventCode=1 Image="x"`)
  })

  test('false OR item is dropped', () => {
    const expr = anyOf({ kind: 'const', value: false }, equals('Image', 'x'))

    expect(spl(expr)).toBe(`${SOURCE} Image="x"`)
  })

  test('constant true without scope matches everything', () => {
    const options = { scope: {}, fieldNames: {} }

    expect(spl({ kind: 'const', value: true }, options)).toBe('*')
  })

  test('constant false warns and matches nothing', () => {
    const expr = allOf(processCreation, { kind: 'const', value: false })

    expect(convertToSpl(expr, SYSMON)).toEqual({
      queries: [`${SOURCE} | eval sg_1=0 | search sg_1=1`],
      diagnostics: [
        {
          check: 'convert/never-matches',
          severity: 'warning',
          message:
            'The condition can never be true, for example because it needs ' +
            "an empty '1 of' pattern or 'all' over no values, so the query " +
            'matches no events. Fix the condition or the selection names it ' +
            'refers to.',
          line: 1,
          column: 1,
        },
      ],
    })
  })
})

describe('convertToSpl field names', () => {
  test.each([
    ['Field Name', '"Field Name"="x"'],
    ['OR', '"OR"="x"'],
    ['9lives', '"9lives"="x"'],
    ['cs-host', 'cs-host="x"'],
    ['a.b:c_d', 'a.b:c_d="x"'],
    ['Gr\u00f6\u00dfe', '"Gr\u00f6\u00dfe"="x"'],
  ])('%s', (name, term) => {
    expect(spl(equals(name, 'x'))).toBe(`${SOURCE} ${term}`)
  })

  test('prototype names are not mapped', () => {
    expect(spl(equals('constructor', 'x'))).toBe(`${SOURCE} constructor="x"`)
  })

  const unwritableNames = ['a"b', "a'b", 'a\\b', 'a`b', 'a*b', 'a\nb', '']

  test.each(unwritableNames)('unwritable name %j is reported', (name) => {
    const result = convertToSpl(at(3, 7, equals(name, 'x')), SYSMON)

    expect(result.queries).toEqual([])
    expect(result.diagnostics).toEqual([
      {
        check: 'convert/unsupported',
        severity: 'error',
        message:
          `The field name '${name}' cannot be written in SPL because it is ` +
          'empty or contains a quote, backslash, backtick, asterisk or ' +
          'control character. Rename the field, or map it to a valid Splunk ' +
          'field name.',
        line: 3,
        column: 7,
      },
    ])
  })

  test('unwritable mapped name names its origin', () => {
    const options = { ...SYSMON, fieldNames: { Image: 'process*path' } }
    const result = convertToSpl(at(5, 11, equals('Image', 'x')), options)

    expect(result.diagnostics.map((diagnostic) => diagnostic.message)).toEqual([
      "The field name 'process*path' (mapped from 'Image') cannot be " +
        'written in SPL because it is empty or contains a quote, ' +
        'backslash, backtick, asterisk or control character. Rename the ' +
        'field, or map it to a valid Splunk field name.',
    ])
  })
})

describe('convertToSpl scope', () => {
  test('index, sourcetype and macro', () => {
    const options: SplunkOptions = {
      scope: { index: 'main', sourcetype: 'XmlWinEventLog', macro: 'sysmon' },
      fieldNames: { EventID: 'EventCode' },
    }

    expect(spl(processCreation, options)).toBe(
      'index="main" sourcetype="XmlWinEventLog" `sysmon` EventCode=1',
    )
  })

  test('wildcard in a scope value is kept', () => {
    const options = { scope: { index: 'win*' }, fieldNames: {} }

    expect(spl(processCreation, options)).toBe('index="win*" EventID=1')
  })

  test('empty scope values are skipped', () => {
    const options = { scope: { index: '', macro: '' }, fieldNames: {} }

    expect(spl(processCreation, options)).toBe('EventID=1')
  })

  test('macro with a backtick is reported', () => {
    const result = convertToSpl(processCreation, {
      scope: { macro: 'a`b' },
      fieldNames: {},
    })

    expect(result).toEqual({
      queries: [],
      diagnostics: [
        {
          check: 'convert/invalid-scope',
          severity: 'error',
          message:
            "The Splunk scope setting 'macro' has the value 'a`b', which " +
            'contains a backtick or a control character that SPL cannot ' +
            'hold. Set it to a plain name such as a Splunk index, source, ' +
            'sourcetype or macro.',
          line: 1,
          column: 1,
        },
      ],
    })
  })
})

describe('convertToSpl nesting depth', () => {
  test('condition deeper than the stack is reported', () => {
    let expr: Expr = equals('A', 'a')
    for (let depth = 0; depth < 200_000; depth += 1) {
      expr =
        depth % 2 === 0
          ? allOf(expr, equals('B', 'b'))
          : anyOf(expr, equals('C', 'c'))
    }

    expect(convertToSpl(expr, SYSMON)).toEqual({
      queries: [],
      diagnostics: [
        {
          check: 'convert/unsupported',
          severity: 'error',
          message:
            'The condition is nested too deeply to convert to SPL. Split the ' +
            'rule or flatten the condition.',
          line: 1,
          column: 1,
        },
      ],
    })
  })
})
