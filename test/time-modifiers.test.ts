import { describe, expect, it } from 'vitest'
import { compileRuleBothEngines, ruleWith } from './helpers.js'
import { located, MATCH, NO_MATCH, validRule, verdicts } from './spec-helpers.js'

const PROCESS = { EventID: 1 }
const SCOPE = 'source="XmlWinEventLog:Microsoft-Windows-Sysmon/Operational" EventCode=1'
const PARSED = `coalesce(strptime('UtcTime', "%Y-%m-%d %H:%M:%S.%3N"), strptime('UtcTime', "%Y-%m-%dT%H:%M:%S.%3NZ"))`

function entry(text: string) {
  return validRule(`    selection:\n        ${text}\n    condition: selection`)
}

function invalid(text: string) {
  return compileRuleBothEngines(ruleWith(`    selection:\n        ${text}\n    condition: selection`))
}

function at(utcTime: string) {
  return { ...PROCESS, UtcTime: utcTime }
}

describe('time modifiers: SPL', () => {
  it('hour with gte', () => {
    const rule = entry('UtcTime|hour|gte: 9')
    expect(rule.splText).toBe(`${SCOPE} | eval sg_1=if(tonumber(strftime(${PARSED}, "%H"))>=9, 1, 0) | search sg_1=1`)
  })

  it('week list', () => {
    const rule = entry('UtcTime|week: [1, 53]')
    const flag = (n: number, week: number) => `eval sg_${n}=if(tonumber(strftime(${PARSED}, "%V"))=${week}, 1, 0)`
    expect(rule.splText).toBe(`${SCOPE} | ${flag(1, 1)} | ${flag(2, 53)} | search (sg_1=1 OR sg_2=1)`)
  })

  it('negative value is negated', () => {
    const rule = entry('UtcTime|year|gt: -1')
    expect(rule.splText).toBe(`${SCOPE} | eval sg_1=if(tonumber(strftime(${PARSED}, "%Y"))>-1, 1, 0) | search sg_1=1`)
    expect(verdicts(rule, at('2026-04-24 10:15:02.311'))).toEqual(MATCH)
  })
})

describe('time modifiers: verdicts', () => {
  it('hour range over both forms', () => {
    const rule = validRule('    early:\n        UtcTime|hour|lt: 6\n    late:\n        UtcTime|hour|gte: 22\n    condition: early or late')
    expect(verdicts(rule, at('2026-04-24 05:59:59.999'))).toEqual(MATCH)
    expect(verdicts(rule, at('2026-04-24T22:00:00.000Z'))).toEqual(MATCH)
    expect(verdicts(rule, at('2026-04-24 06:00:00.000'))).toEqual(NO_MATCH)
    expect(verdicts(rule, at('2026-04-24T21:59:59.999Z'))).toEqual(NO_MATCH)
  })

  it('every part of one timestamp', () => {
    const event = at('2026-04-24 10:15:02.311')
    expect(verdicts(entry('UtcTime|minute: 15'), event)).toEqual(MATCH)
    expect(verdicts(entry('UtcTime|hour: 10'), event)).toEqual(MATCH)
    expect(verdicts(entry('UtcTime|day: 24'), event)).toEqual(MATCH)
    expect(verdicts(entry('UtcTime|week: 17'), event)).toEqual(MATCH)
    expect(verdicts(entry('UtcTime|month: 4'), event)).toEqual(MATCH)
    expect(verdicts(entry('UtcTime|year: 2026'), event)).toEqual(MATCH)
    expect(verdicts(entry("UtcTime|hour: '10'"), event)).toEqual(MATCH)
    expect(verdicts(entry('UtcTime|hour: 11'), event)).toEqual(NO_MATCH)
  })

  it('ISO weeks at year boundaries', () => {
    expect(verdicts(entry('UtcTime|week: 53'), at('2020-12-31 12:00:00.000'))).toEqual(MATCH)
    expect(verdicts(entry('UtcTime|week: 53'), at('2021-01-03 12:00:00.000'))).toEqual(MATCH)
    expect(verdicts(entry('UtcTime|week: 1'), at('2021-01-04 00:00:00.000'))).toEqual(MATCH)
    expect(verdicts(entry('UtcTime|week: 1'), at('2024-12-30 00:00:00.000'))).toEqual(MATCH)
    expect(verdicts(entry('UtcTime|week: 52'), at('2024-12-29 23:59:59.999'))).toEqual(MATCH)
  })

  it('values that are not timestamps', () => {
    const rule = entry('UtcTime|year|gte: 0')
    expect(verdicts(rule, at('2026-02-30 10:00:00.000'))).toEqual(NO_MATCH)
    expect(verdicts(rule, at('2026-04-24 24:00:00.000'))).toEqual(NO_MATCH)
    expect(verdicts(rule, at('2026-04-24 10:15:02'))).toEqual(NO_MATCH)
    expect(verdicts(rule, at('2026-04-24T10:15:02.311+02:00'))).toEqual(NO_MATCH)
    expect(verdicts(rule, at('2026-04-24 10:15:02.311 '))).toEqual(NO_MATCH)
    expect(verdicts(rule, at('yesterday'))).toEqual(NO_MATCH)
    expect(verdicts(rule, PROCESS)).toEqual(NO_MATCH)
  })

  it('leap day parses', () => {
    expect(verdicts(entry('UtcTime|day: 29'), at('2024-02-29 01:02:03.004'))).toEqual(MATCH)
  })

  it('neq: present and another part', () => {
    const rule = entry('UtcTime|month|neq: 4')
    expect(verdicts(rule, at('2026-05-01 00:00:00.000'))).toEqual(MATCH)
    expect(verdicts(rule, at('2026-04-01 00:00:00.000'))).toEqual(NO_MATCH)
    expect(verdicts(rule, at('not a date'))).toEqual(MATCH)
    expect(verdicts(rule, PROCESS)).toEqual(NO_MATCH)
  })

  it('not around a time part', () => {
    const rule = validRule('    selection:\n        UtcTime|hour: 3\n    condition: not selection')
    expect(verdicts(rule, at('2026-04-24 04:00:00.000'))).toEqual(MATCH)
    expect(verdicts(rule, at('garbage'))).toEqual(MATCH)
    expect(verdicts(rule, at('2026-04-24 03:00:00.000'))).toEqual(NO_MATCH)
  })
})

describe('time modifiers: invalid', () => {
  it('fractional value', () => {
    const rule = invalid('UtcTime|hour: 9.5')
    expect(located(rule.diagnostics)).toEqual(['9:23 error sigma/invalid-value'])
    expect(rule.diagnostics[0]?.message).toBe("The time modifier 'hour' compares a whole number, not '9.5'. Write e.g. 'UtcTime|hour: 9'.")
  })

  it('text value', () => {
    const rule = invalid("UtcTime|day: 'monday'")
    expect(located(rule.diagnostics)).toEqual(['9:22 error sigma/invalid-value'])
  })

  it('two time parts', () => {
    const rule = invalid('UtcTime|hour|minute: 3')
    expect(located(rule.diagnostics)).toEqual(['9:30 error sigma/invalid-modifier'])
  })

  it('string modifier', () => {
    const rule = invalid('UtcTime|hour|contains: 3')
    expect(rule.diagnostics[0]?.message).toBe("The time modifier 'hour' cannot be combined with 'contains'. Use it alone or with one of gt, gte, lt, lte, and with all or neq.")
  })

  it('two comparisons', () => {
    const rule = invalid('UtcTime|hour|gt|lt: 3')
    expect(located(rule.diagnostics)).toEqual(['9:29 error sigma/invalid-modifier'])
  })

  it('null value', () => {
    const rule = invalid('UtcTime|hour: null')
    expect(located(rule.diagnostics)).toEqual(['9:23 error sigma/invalid-modifier'])
  })
})
