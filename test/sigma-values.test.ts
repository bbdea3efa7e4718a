import { describe, expect, it } from 'vitest'
import { base64Offsets, encodeUtf16, expandWindash, parseSigmaString } from '../src/sigma/string-value.js'

describe('parseSigmaString', () => {
  it('keeps a lone backslash in a Windows path', () => {
    expect(parseSigmaString('C:\\Windows\\cmd.exe')).toEqual([{ kind: 'text', text: 'C:\\Windows\\cmd.exe' }])
  })

  it('reads a double backslash as one backslash', () => {
    expect(parseSigmaString('C:\\\\Windows')).toEqual([{ kind: 'text', text: 'C:\\Windows' }])
  })

  it('reads backslash-star as a literal star', () => {
    expect(parseSigmaString('a\\*b')).toEqual([{ kind: 'text', text: 'a*b' }])
  })

  it('reads double backslash before a star as backslash and wildcard', () => {
    expect(parseSigmaString('Temp\\\\*')).toEqual([{ kind: 'text', text: 'Temp\\' }, { kind: 'any' }])
  })

  it('reads three backslashes and a star as backslash and literal star', () => {
    expect(parseSigmaString('a\\\\\\*')).toEqual([{ kind: 'text', text: 'a\\*' }])
  })

  it('reads four backslashes as two', () => {
    expect(parseSigmaString('\\\\\\\\')).toEqual([{ kind: 'text', text: '\\\\' }])
  })

  it('splits single-character wildcards', () => {
    expect(parseSigmaString('prog?.exe')).toEqual([{ kind: 'text', text: 'prog' }, { kind: 'one' }, { kind: 'text', text: '.exe' }])
  })

  it('reads the spec example with a trailing backslash', () => {
    expect(parseSigmaString('\\Desktop\\')).toEqual([{ kind: 'text', text: '\\Desktop\\' }])
  })
})

describe('expandWindash', () => {
  it('expands one flag into the five dash characters', () => {
    expect(expandWindash(' -ma ')).toEqual([' -ma ', ' /ma ', ' \u2013ma ', ' \u2014ma ', ' \u2015ma '])
  })

  it('expands a slash flag the same way', () => {
    expect(expandWindash(' /accepteula')).toHaveLength(5)
    expect(expandWindash(' /accepteula')).toContain(' -accepteula')
  })

  it('leaves dashes inside words alone', () => {
    expect(expandWindash('x-y')).toEqual(['x-y'])
  })

  it('expands every flag of a value', () => {
    expect(expandWindash('-a -b')).toHaveLength(25)
  })
})

describe('base64Offsets', () => {
  it('gives the three shifted forms of a value', () => {
    expect(base64Offsets(new Uint8Array(Buffer.from('http')))).toEqual(['aHR0c', 'h0dH', 'odHRw'])
  })

  it('gives the shifted forms of UTF-16LE text', () => {
    expect(base64Offsets(encodeUtf16('cmd', 'le'))).toEqual(['YwBtAGQA', 'MAbQBkA', 'jAG0AZA'])
  })
})
