import { mkdtemp, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { run } from '../src/engine.js'
import { parseDecimalNumber } from '../src/match/decimal-number.js'
import { parseSearchNumber } from '../src/spl/compile-search.js'
import { compileRuleBothEngines, ruleWith } from './helpers.js'
import { located, MATCH, NO_MATCH, verdicts } from './spec-helpers.js'

const NETWORK = { EventID: 3 }
const NETWORK_LOGSOURCE = '    product: windows\n    category: network_connection'
const PROCESS = { EventID: 1 }

/** Compile one field entry; its key is on line 9, column 9. */
function entry(text: string, logsource?: string) {
  return compileRuleBothEngines(ruleWith(`    selection:\n        ${text}\n    condition: selection`, logsource))
}

describe('numeric modifiers: decimal only', () => {
  it('event hex and binary text never match', () => {
    const rule = entry('DestinationPort|lt: 100', NETWORK_LOGSOURCE)
    expect(rule.diagnostics).toEqual([])
    expect(verdicts(rule, { ...NETWORK, DestinationPort: '0x10' })).toEqual(NO_MATCH)
    expect(verdicts(rule, { ...NETWORK, DestinationPort: '0b1' })).toEqual(NO_MATCH)
    expect(verdicts(rule, { ...NETWORK, DestinationPort: '0o7' })).toEqual(NO_MATCH)
    expect(verdicts(rule, { ...NETWORK, DestinationPort: '-Infinity' })).toEqual(NO_MATCH)
    expect(verdicts(rule, { ...NETWORK, DestinationPort: '1_0' })).toEqual(NO_MATCH)
    expect(verdicts(rule, { ...NETWORK, DestinationPort: ' ' })).toEqual(NO_MATCH)
  })

  it('event decimal forms match on both engines', () => {
    const rule = entry('DestinationPort|lt: 100', NETWORK_LOGSOURCE)
    expect(verdicts(rule, { ...NETWORK, DestinationPort: '16' })).toEqual(MATCH)
    expect(verdicts(rule, { ...NETWORK, DestinationPort: ' 16 ' })).toEqual(MATCH)
    expect(verdicts(rule, { ...NETWORK, DestinationPort: '+1.5e1' })).toEqual(MATCH)
    expect(verdicts(rule, { ...NETWORK, DestinationPort: '.5' })).toEqual(MATCH)
    expect(verdicts(rule, { ...NETWORK, DestinationPort: 99 })).toEqual(MATCH)
    expect(verdicts(rule, { ...NETWORK, DestinationPort: '100' })).toEqual(NO_MATCH)
  })

  it('native parser equals the SPL parser', () => {
    const inputs = ['0x10', '0b1', '0o7', '1e3', '1E+3', '-2.', '.5', '.', '', ' 7 ', '+-1', 'Infinity', '1e999', '1_000', '12a', '١٢']
    for (const input of inputs) expect(parseDecimalNumber(input), input).toBe(parseSearchNumber(input))
  })

  it("rule value '0x10' is invalid", () => {
    const rule = entry("DestinationPort|lt: '0x10'", NETWORK_LOGSOURCE)
    expect(located(rule.diagnostics)).toEqual(['9:29 error sigma/invalid-value'])
    expect(rule.diagnostics[0]?.message).toBe("The 'lt' modifier needs a decimal number, not '0x10'. Write the value in decimal digits, e.g. 'DestinationPort|lt: 16' for 0x10.")
    expect(rule.expr).toBeUndefined()
  })

  it("rule value '1e999' is invalid", () => {
    const rule = entry("DestinationPort|gt: '1e999'", NETWORK_LOGSOURCE)
    expect(located(rule.diagnostics)).toEqual(['9:29 error sigma/invalid-value'])
  })
})

describe('base64offset: short values', () => {
  it('one-byte value is invalid', () => {
    const rule = entry('CommandLine|base64offset|contains: a')
    expect(located(rule.diagnostics)).toEqual(['9:44 error sigma/invalid-value'])
    expect(rule.diagnostics[0]?.message).toBe("The value 'a' is 1 byte(s) long, too short for 'base64offset': each of its three shifted encodings needs at least 2 bytes to keep a character. Use a longer value, or match it without 'base64offset'.")
    expect(verdicts(rule, { ...PROCESS, CommandLine: 'anything' })).toEqual(NO_MATCH)
  })

  it('empty value is invalid', () => {
    const rule = entry("CommandLine|base64offset|contains: ''")
    expect(located(rule.diagnostics)).toEqual(['9:44 error sigma/invalid-value'])
  })

  it('two-byte value still compiles', () => {
    const rule = entry('CommandLine|base64offset|contains: ab')
    expect(rule.diagnostics).toEqual([])
    expect(rule.splText).toBe('source="XmlWinEventLog:Microsoft-Windows-Sysmon/Operational" EventCode=1 CommandLine IN ("*YW*", "*Fi*", "*hY*")')
    expect(verdicts(rule, { ...PROCESS, CommandLine: 'x YWI= y' })).toEqual(MATCH)
    expect(verdicts(rule, { ...PROCESS, CommandLine: 'nothing' })).toEqual(NO_MATCH)
  })

  it('one character in UTF-16 compiles', () => {
    const rule = entry('CommandLine|wide|base64offset|contains: a')
    expect(rule.diagnostics).toEqual([])
  })
})

describe('modifier combinations', () => {
  const rejected: [string, string][] = [
    ['CommandLine|contains|all|endswith', "The modifiers in 'CommandLine|contains|all|endswith' cannot be combined: 'contains' and 'endswith' each set where the value must match. Keep one of them, or use '|re' for a more complex pattern."],
    ['CommandLine|re|contains', "The modifiers in 'CommandLine|re|contains' cannot be combined: 're' ignores 'contains'. Put the position or case into the pattern itself, e.g. '.*\\\\cmd\\.exe$' or '|re|i'."],
    ['CommandLine|re|cased', "The modifiers in 'CommandLine|re|cased' cannot be combined: 're' ignores 'cased'. Put the position or case into the pattern itself, e.g. '.*\\\\cmd\\.exe$' or '|re|i'."],
    ['CommandLine|re|windash', "The modifiers in 'CommandLine|re|windash' cannot be combined: 're' ignores 'windash'. Put the position or case into the pattern itself, e.g. '.*\\\\cmd\\.exe$' or '|re|i'."],
    ['CommandLine|base64|re', "The modifiers in 'CommandLine|base64|re' cannot be combined: 're' ignores 'base64'. Put the position or case into the pattern itself, e.g. '.*\\\\cmd\\.exe$' or '|re|i'."],
    ['CommandLine|fieldref|re', "The modifiers in 'CommandLine|fieldref|re' cannot be combined: 're' ignores 'fieldref'. Put the position or case into the pattern itself, e.g. '.*\\\\cmd\\.exe$' or '|re|i'."],
    ['CommandLine|fieldref|base64', "The modifiers in 'CommandLine|fieldref|base64' cannot be combined: 'fieldref' ignores 'base64'. A field reference compares the values of two fields, so encodings, windash and patterns do not apply."],
    ['CommandLine|fieldref|windash', "The modifiers in 'CommandLine|fieldref|windash' cannot be combined: 'fieldref' ignores 'windash'. A field reference compares the values of two fields, so encodings, windash and patterns do not apply."],
    ['CommandLine|cidr|contains', "The modifiers in 'CommandLine|cidr|contains' cannot be combined: 'cidr' ignores 'contains'. Write the network alone, e.g. 'DestinationIp|cidr: 10.0.0.0/8'."],
    ['CommandLine|gt|lt', "The modifiers in 'CommandLine|gt|lt' cannot be combined: 'gt' and 'lt' are two comparisons on one value. Write a range as two field entries in one selection."],
    ['CommandLine|gt|contains', "The modifiers in 'CommandLine|gt|contains' cannot be combined: 'gt' ignores 'contains'. Compare a number alone, e.g. 'DestinationPort|gt: 1024'."],
    ['CommandLine|base64|base64offset|contains', "The modifiers in 'CommandLine|base64|base64offset|contains' cannot be combined: 'base64' and 'base64offset' are two encodings. Keep 'base64offset' to find the value anywhere inside encoded text, or 'base64' for the whole value."],
    ['CommandLine|utf16le|utf16be|base64', "The modifiers in 'CommandLine|utf16le|utf16be|base64' cannot be combined: 'utf16le' and 'utf16be' are two text encodings. Keep one of them."],
  ]
  for (const [key, message] of rejected) {
    it(`rejects ${key}`, () => {
      const rule = entry(`${key}: '10'`)
      expect(located(rule.diagnostics)).toEqual(['9:9 error sigma/invalid-modifier'])
      expect(rule.diagnostics[0]?.message).toBe(message)
    })
  }

  const accepted = ['CommandLine|re|i|m|s', 'CommandLine|re|all', 'CommandLine|re|neq', 'CommandLine|fieldref|endswith|cased', 'DestinationIp|cidr|neq', 'DestinationPort|gt|neq', 'CommandLine|windash|contains|all|cased', 'CommandLine|utf16le|base64offset|contains']
  for (const key of accepted) {
    it(`accepts ${key}`, () => {
      const value = key.includes('cidr') ? '10.0.0.0/8' : key.includes('fieldref') ? 'Image' : '10'
      const rule = entry(`${key}: '${value}'`)
      expect(rule.diagnostics.filter((d) => d.severity === 'error')).toEqual([])
    })
  }
})

describe('fixture cases: unknown rule', () => {
  it('reports the case line', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'fx-unknown-rule-'))
    await writeFile(path.join(dir, 'r.yml'), ruleWith("    selection:\n        Image|endswith: '\\cmd.exe'\n    condition: selection").replace('title:', 'name: cmd_rule\ntitle:'))
    const fixtures = ['cases:', '  - name: good', '    rule: cmd_rule', '    expect: match', "    event: { EventID: 1, Image: 'C:\\cmd.exe' }", '  - name: typo', '    rule: cmd_rul', '    expect: match', "    event: { EventID: 1, Image: 'C:\\cmd.exe' }", '']
    await writeFile(path.join(dir, 'r.fixtures.yml'), fixtures.join('\n'))

    const report = await run({ verb: 'test', paths: ['.'], cwd: dir })
    const diagnostics = report.rules.flatMap((rule) => rule.diagnostics).filter((d) => d.check.startsWith('fixture/'))
    expect(diagnostics.map((d) => `${d.file}:${d.line}:${d.column} ${d.severity} ${d.check}`)).toEqual(['r.fixtures.yml:6:5 error fixture/unknown-rule'])
    expect(diagnostics[0]?.message).toMatch(/^The fixture case 'typo' tests rule 'cmd_rul', but no document of the rule file has that id or name, so the case never runs\. Set 'rule' to one of the ids or names in the file: '[0-9a-f-]+', 'cmd_rule'\.$/)
    expect(report.rules.flatMap((rule) => rule.tests).map((test) => test.name)).toEqual(['good'])
  })
})
