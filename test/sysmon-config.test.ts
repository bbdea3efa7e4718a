import { describe, expect, it } from 'vitest'
import { defaultSplunkConfig } from '../src/config/config.js'
import { parseConfig } from '../src/config/load-config.js'
import { CIM_FIELD_NAMES, splunkPipeline } from '../src/pipeline/splunk-pipeline.js'

const FILE = '/repo/.sigma-gate.yml'

describe('the splunk and placeholders settings', () => {
  it('reads every splunk setting and the placeholders', () => {
    const text = [
      'splunk:',
      '  index: sysmon',
      '  source: ""',
      '  sourcetype: XmlWinEventLog',
      '  event-id-field: event_id',
      '  field-names: { preset: cim, rename: { RuleName: rule_name } }',
      '  strict-fields: true',
      '  cron: "5 * * * *"',
      '  dispatch: { earliest: -1h, latest: now }',
      '  app: my_detections',
      '  disabled-statuses: [experimental]',
      '  correlation-search: false',
      'placeholders:',
      '  Admins: [root, 0]',
    ].join('\n')

    const { config, diagnostics } = parseConfig(text, FILE)

    expect(diagnostics).toEqual([])
    expect(config.splunk).toEqual({
      ...defaultSplunkConfig(),
      index: 'sysmon',
      source: '',
      sourcetype: 'XmlWinEventLog',
      eventIdField: 'event_id',
      fieldPreset: 'cim',
      fieldNames: { RuleName: 'rule_name' },
      strictFields: true,
      cron: '5 * * * *',
      earliestTime: '-1h',
      latestTime: 'now',
      app: 'my_detections',
      disabledStatuses: ['experimental'],
      correlationSearch: false,
    })
    expect(config.placeholders).toEqual({ Admins: ['root', '0'] })
    expect(splunkPipeline(config.splunk)).toEqual({
      scope: { index: 'sysmon', sourcetype: 'XmlWinEventLog' },
      fieldNames: { EventID: 'event_id', ...CIM_FIELD_NAMES, RuleName: 'rule_name' },
      strictFields: true,
    })
  })

  it('reports an unknown splunk setting with the closest one', () => {
    const { diagnostics } = parseConfig('splunk:\n  indexes: main\n', FILE)

    expect(diagnostics.map((d) => [d.check, d.line, d.message])).toEqual([
      ['config/schema', 2, "'indexes' is not a setting of 'splunk'. Use one of: index, source, sourcetype, macro, event-id-field, field-names, strict-fields, cron, dispatch, app, disabled-statuses, correlation-search."],
    ])
  })

  it('reports field-names that are neither cim nor a map', () => {
    const { diagnostics } = parseConfig('splunk:\n  field-names: ecs\n', FILE)

    expect(diagnostics.map((d) => d.message)).toEqual([
      "'splunk.field-names' must be 'cim', a map of Sigma field names to Splunk field names, or a map with 'preset: cim' and 'rename'.",
    ])
  })

  it('uses the macro alone as the scope when one is set', () => {
    const { config } = parseConfig('splunk:\n  macro: sysmon\n  index: main\n', FILE)

    expect(splunkPipeline(config.splunk).scope).toEqual({ macro: 'sysmon' })
  })
})
