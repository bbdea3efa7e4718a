import { describe, expect, it } from 'vitest'

import { compileEval } from '../src/spl/compile-eval.js'
import type { EvalValue } from '../src/spl/eval-value.js'
import { cacheOf } from '../src/spl/event-context.js'
import { parseSpl } from '../src/spl/index.js'
import type { EvalExpr, SplEvent } from '../src/spl/index.js'
import { verdict } from './spl-helpers.js'

const r = String.raw

/** Evaluate one eval expression on an event. */
function evaluate(expr: string, event: SplEvent = {}): EvalValue {
  const parsed = parseSpl(`* | where ${expr}`)
  if (!parsed.ok) throw new Error(parsed.error.message)
  const stage = parsed.query.stages[1]
  if (stage?.kind !== 'where') throw new Error('no where stage')
  const tree: EvalExpr = stage.expr
  return compileEval(tree)({ event, overlay: null, cache: cacheOf(event) })
}

describe('eval null handling', () => {
  it('makes comparisons with null false', () => {
    expect(evaluate('f="x"')).toBe(false)
    expect(evaluate('f!="x"')).toBe(false)
    expect(evaluate('f<1')).toBe(false)
    expect(evaluate('NOT f="x"')).toBe(true)
    expect(evaluate("'f'='g'", { f: 'a' })).toBe(false)
  })

  it('takes the else branch of if on null', () => {
    expect(evaluate('if(f="x", "a", "b")')).toBe('b')
    expect(evaluate('if(match(f, "x"), "a", "b")')).toBe('b')
    expect(evaluate('if(isnull(f), "a", "b")')).toBe('a')
    expect(evaluate('if(f="x", "a", "b")', { f: 'x' })).toBe('a')
  })

  it('propagates null through operators', () => {
    expect(evaluate('f."x"')).toBe(null)
    expect(evaluate('f+1')).toBe(null)
    expect(evaluate('-f')).toBe(null)
    expect(evaluate('lower(f)')).toBe(null)
    expect(evaluate('match(f, "x")')).toBe(null)
    expect(evaluate('coalesce(f, g, "c")')).toBe('c')
    expect(evaluate('coalesce(f, g)')).toBe(null)
  })

  it('tells null from empty', () => {
    expect(evaluate('isnull(f)', { f: '' })).toBe(false)
    expect(evaluate('isnotnull(f)', { f: '' })).toBe(true)
    expect(evaluate('isnull(f)', { f: null })).toBe(true)
    expect(evaluate('isnull(null())')).toBe(true)
  })
})

describe('eval operators', () => {
  it('compares case-sensitively and numerically', () => {
    expect(evaluate('"abc"="ABC"')).toBe(false)
    expect(evaluate('"abc"=="abc"')).toBe(true)
    expect(evaluate('a>b', { a: '10', b: '9' })).toBe(true)
    expect(evaluate('a>b', { a: 'b', b: 'a' })).toBe(true)
    expect(evaluate('a>b', { a: 'B', b: 'a' })).toBe(false)
    expect(evaluate('a=1', { a: 1 })).toBe(true)
    expect(evaluate('a=1', { a: '1.0' })).toBe(true)
    expect(evaluate('a="x"', { a: ['y', 'x'] })).toBe(true)
  })

  it('computes arithmetic and concatenation', () => {
    expect(evaluate('1+2*3')).toBe(7)
    expect(evaluate('(1+2)*3')).toBe(9)
    expect(evaluate('7%3')).toBe(1)
    expect(evaluate('1/0')).toBe(null)
    expect(evaluate('"a"+"b"')).toBe('ab')
    expect(evaluate('"a"+1')).toBe(null)
    expect(evaluate('"a".1.5')).toBe('a1.5')
    expect(evaluate("'my field'.\"x\"", { 'my field': 'v' })).toBe('vx')
    expect(evaluate('10-4-3')).toBe(3)
    expect(evaluate('-2*3')).toBe(-6)
  })

  it('combines conditions', () => {
    expect(evaluate('1=1 XOR 1=2')).toBe(true)
    expect(evaluate('1=1 XOR 2=2')).toBe(false)
    expect(evaluate('1=2 OR 1=1 AND 2=2')).toBe(true)
    expect(evaluate('(1=2 OR 1=1) AND 2=3')).toBe(false)
    expect(evaluate('NOT 1=1 OR 1=1')).toBe(true)
    expect(evaluate(r`s LIKE "a\_%"`, { s: r`a\_x` })).toBe(true)
  })
})

describe('eval functions', () => {
  it('match runs an unanchored PCRE', () => {
    expect(evaluate(r`match(s, "(?i)^.*a.c$")`, { s: 'XAbC' })).toBe(true)
    expect(evaluate(r`match(s, "b")`, { s: 'abc' })).toBe(true)
    expect(evaluate(r`match(s, "B")`, { s: 'abc' })).toBe(false)
    expect(evaluate(r`match(s, "\\d{3}")`, { s: 'x123' })).toBe(true)
    expect(evaluate(r`match(s, "\\\\run\\\\")`, { s: r`HKCU\Run\x` })).toBe(false)
    expect(evaluate(r`match(s, "(?i)\\\\run\\\\")`, { s: r`HKCU\Run\x` })).toBe(true)
    expect(evaluate('match(s, p)', { s: 'abc', p: 'b.' })).toBe(true)
    expect(evaluate('match(s, p)', { s: 'abc', p: '(?=b)' })).toBe(null)
  })

  it('like uses % and _ case-sensitively', () => {
    expect(evaluate('like(s, "a%")', { s: 'abc' })).toBe(true)
    expect(evaluate('like(s, "A%")', { s: 'abc' })).toBe(false)
    expect(evaluate('like(s, "a_c")', { s: 'a.c' })).toBe(true)
    expect(evaluate('like(s, "a_")', { s: 'abc' })).toBe(false)
    expect(evaluate('like(s, "%.exe")', { s: 'x.exe' })).toBe(true)
    expect(evaluate('like(s, "%.exe")', { s: 'xyexe' })).toBe(false)
    expect(evaluate('like(s, "a%")')).toBe(null)
  })

  it('converts and measures text', () => {
    expect(evaluate('lower(s)', { s: 'AbC' })).toBe('abc')
    expect(evaluate('upper(s)', { s: 'AbC' })).toBe('ABC')
    expect(evaluate('len(s)', { s: 'héllo' })).toBe(5)
    expect(evaluate('tonumber("12")')).toBe(12)
    expect(evaluate('tonumber("0x1F", 16)')).toBe(31)
    expect(evaluate('tonumber("101", 2)')).toBe(5)
    expect(evaluate('tonumber("12x")')).toBe(null)
    expect(evaluate('tostring(12)')).toBe('12')
    expect(evaluate('tostring(1.5)')).toBe('1.5')
    expect(evaluate('tostring(1=1)')).toBe('true')
    expect(evaluate('trim(s)', { s: ' \tx ' })).toBe('x')
    expect(evaluate('ltrim(s, "x")', { s: 'xxaxx' })).toBe('axx')
    expect(evaluate('rtrim(s, "x")', { s: 'xxaxx' })).toBe('xxa')
    expect(evaluate('abs(-3)')).toBe(3)
  })

  it('replace and substr follow Splunk', () => {
    expect(evaluate('replace(s, "-", "+")', { s: 'a-b-c' })).toBe('a+b+c')
    expect(evaluate(r`replace(s, "(b)", "[\\1]")`, { s: 'abcb' })).toBe('a[b]c[b]')
    expect(evaluate('replace(s, "x*", "-")', { s: 'ab' })).toBe('-a-b-')
    expect(evaluate('substr(s, 2, 3)', { s: 'abcdef' })).toBe('bcd')
    expect(evaluate('substr(s, -2)', { s: 'abcdef' })).toBe('ef')
    expect(evaluate('substr(s, 1)', { s: 'abc' })).toBe('abc')
  })

  it('tests networks, lists and cases', () => {
    expect(evaluate('cidrmatch("10.0.0.0/8", ip)', { ip: '10.1.1.1' })).toBe(true)
    expect(evaluate('cidrmatch("10.0.0.0/8", ip)', { ip: '11.1.1.1' })).toBe(false)
    expect(evaluate('cidrmatch("fe80::/10", ip)', { ip: 'fe80::1' })).toBe(true)
    expect(evaluate('cidrmatch("10.0.0.0/8", ip)')).toBe(false)
    expect(evaluate('in(s, "a", "b")', { s: 'b' })).toBe(true)
    expect(evaluate('in(s, "a", "b")', { s: 'B' })).toBe(false)
    expect(evaluate('case(s="1", "one", s="2", "two")', { s: '2' })).toBe('two')
    expect(evaluate('case(s="1", "one", s="2", "two")', { s: '3' })).toBe(null)
    expect(evaluate('isnum(s)', { s: '42' })).toBe(true)
    expect(evaluate('isstr(s)', { s: '42' })).toBe(false)
    expect(evaluate('if(true(), 1, 2)')).toBe(1)
  })
})

describe('eval, rex and regex commands', () => {
  it('set fields left to right', () => {
    expect(verdict('* | eval a=1, b=a+1 | where b=2', {})).toBe(true)
    expect(verdict('* | eval a=1 | eval a=a*10 | search a=10', {})).toBe(true)
    expect(verdict('f=* | eval f=null() | search NOT f=*', { f: 'x' })).toBe(true)
  })

  it('leave the event unchanged', () => {
    const event = { f: 'x' }
    expect(verdict('* | eval f="y", g=1 | search f=y g=1', event)).toBe(true)
    expect(event).toEqual({ f: 'x' })
    expect(verdict('f=x', event)).toBe(true)
  })

  it('extract named groups with rex', () => {
    const query = r`* | rex field=CommandLine "-(?<flag>[a-z]+) (?<value>\\S+)" | search flag=enc value=AA*`
    expect(verdict(query, { CommandLine: 'ps -enc AAB' })).toBe(true)
    expect(verdict(query, { CommandLine: 'ps -enc BBB' })).toBe(false)
    expect(verdict(query, { CommandLine: 'ps' })).toBe(false)
    expect(verdict(query, {})).toBe(false)
  })

  it('keep fields when rex does not match', () => {
    const query = r`* | rex field=c "(?<m>\\d+)" | search m=old`
    expect(verdict(query, { c: 'none', m: 'old' })).toBe(true)
    expect(verdict(query, { c: '42', m: 'old' })).toBe(false)
    expect(verdict(r`* | rex "(?<m>x\\d)" | search m=x1`, { a: 'ax1' })).toBe(true)
    expect(verdict(r`* | rex field=c "(?<a>x)|(?<b>y)" | where isnull(a) AND b="y"`, { c: 'y' })).toBe(true)
  })

  it('runs regex on _raw and multi-valued fields', () => {
    expect(verdict(r`* | regex "foo\\d"`, { a: 'x', b: 'foo1' })).toBe(true)
    expect(verdict(r`* | regex "foo\\d"`, { a: 'foo' })).toBe(false)
    expect(verdict('* | regex f="^b$"', { f: ['a', 'b'] })).toBe(true)
    expect(verdict('* | regex f!="^b$"', { f: ['a', 'b'] })).toBe(false)
    expect(verdict('* | regex f="A"', { f: 'a' })).toBe(false)
    expect(verdict(r`* | regex f="a\"b"`, { f: 'a"b' })).toBe(true)
  })

  it('matches the dialect example', () => {
    const query = r`source="XmlWinEventLog:Microsoft-Windows-Sysmon/Operational" EventCode=1 | eval sg_1=if(match('CommandLine', "(?i)^.*a.c$"), 1, 0) | search (Image="*\\x.exe" OR sg_1=1)`
    expect(verdict(query, { EventCode: 1, CommandLine: 'run ABC' })).toBe(true)
    expect(verdict(query, { EventCode: 1, CommandLine: 'run ABCD' })).toBe(false)
    expect(verdict(query, { EventCode: 1, Image: r`C:\x.exe` })).toBe(true)
    expect(verdict(query, { EventCode: 3, Image: r`C:\x.exe` })).toBe(false)
  })
})
