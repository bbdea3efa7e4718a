import type { Severity } from '../diagnostic.js'
import type { CheckInfo } from './check.js'

/*
 * Check ids that other modules emit while loading, lowering, converting or
 * testing a rule. They are listed here so that `sigma-gate checks` and
 * docs/checks.md cover every id a report can contain, and so that
 * `.sigma-gate.yml` can configure them. The severities are those the
 * emitting module uses; a test compares this list with the ids in src/.
 */

function external(
  id: string,
  severity: Severity,
  emittedBy: string,
  text: { summary: string; why: string; fix: string; bad?: string; good?: string },
): CheckInfo {
  return { id, severity, emittedBy, bad: text.bad ?? '', good: text.good ?? '', ...text }
}

const SIGMA = 'src/sigma'
const META = 'src/meta-documents.ts'
const FIXTURE = 'src/regress'
const EVTX = 'src/events/evtx'

export const EXTERNAL_CHECKS: CheckInfo[] = [
  external('yaml/syntax', 'error', SIGMA, {
    summary: 'The file is not valid YAML.',
    why: 'Nothing in the file can be read; a file whose indentation was lost also lands here.',
    bad: 'detection:\nselection:\n    Image: x',
    good: 'detection:\n    selection:\n        Image: x',
    fix: 'Fix the YAML at the position given; the message names the problem.',
  }),
  external('yaml/duplicate-key', 'error', SIGMA, {
    summary: 'A YAML map has the same key twice.',
    why: 'YAML parsers keep only one of the values, so half of the intended logic silently disappears.',
    bad: 'selection:\n    Image|endswith: \\cmd.exe\n    Image|endswith: \\powershell.exe',
    good: 'selection:\n    Image|endswith:\n        - \\cmd.exe\n        - \\powershell.exe',
    fix: 'Merge the values into one key with a list, or rename one key.',
  }),
  external('sigma/structure', 'error', SIGMA, {
    summary: 'A rule part has the wrong shape, e.g. `logsource` is not a map.',
    why: 'The rule cannot be read as Sigma, so it is not converted or tested.',
    bad: 'logsource: windows',
    good: 'logsource:\n    product: windows',
    fix: 'Write the part with the shape the message names.',
  }),
  external('sigma/type', 'error', SIGMA, {
    summary: 'An attribute the rule reader needs has the wrong type.',
    why: 'The attribute cannot be used as written.',
    bad: 'tags: attack.execution',
    good: 'tags:\n    - attack.execution',
    fix: 'Write the attribute with the type the message names.',
  }),
  external('sigma/collection', 'error', SIGMA, {
    summary: 'A multi-document file uses `action` wrongly.',
    why: 'Rule collections merge documents by `action: global`, `reset` and `repeat`; any other use cannot be resolved.',
    bad: 'action: repeat\ntitle: First document',
    good: 'action: global\ntitle: Shared title',
    fix: 'Use global, reset or repeat, and place `repeat` after the rule it extends.',
  }),
  external('sigma/missing-detection', 'error', SIGMA, {
    summary: 'The rule has no `detection`.',
    why: 'A rule without detection logic matches nothing.',
    bad: 'title: Whoami\nlogsource:\n    category: process_creation',
    good: 'title: Whoami\nlogsource:\n    category: process_creation\ndetection:\n    selection:\n        Image|endswith: \\whoami.exe\n    condition: selection',
    fix: 'Add `detection:` with a selection and a condition.',
  }),
  external('sigma/missing-condition', 'error', SIGMA, {
    summary: '`detection` has no `condition`.',
    why: 'Without a condition the selections are never combined into a match.',
    bad: 'detection:\n    selection:\n        Image|endswith: \\whoami.exe\ncondition: selection',
    good: 'detection:\n    selection:\n        Image|endswith: \\whoami.exe\n    condition: selection',
    fix: 'Add `condition:` under `detection:`.',
  }),
  external('sigma/empty-selection', 'error', SIGMA, {
    summary: 'A selection has no values.',
    why: 'An empty selection has no defined meaning; converters treat it differently.',
    bad: 'selection:',
    good: 'selection:\n    Image|endswith: \\cmd.exe',
    fix: 'Give the selection values, or remove it.',
  }),
  external('sigma/empty-value-list', 'error', SIGMA, {
    summary: 'A field has an empty list of values.',
    why: 'An empty list matches nothing, which is never what was meant.',
    bad: 'Image|endswith: []',
    good: 'Image|endswith: \\cmd.exe',
    fix: 'Add values, or remove the field.',
  }),
  external('sigma/unknown-modifier', 'error', SIGMA, {
    summary: 'A field uses a modifier the Sigma specification does not define.',
    why: 'Converters reject the rule or ignore the modifier and match something else.',
    bad: 'Image|endwith: \\cmd.exe',
    good: 'Image|endswith: \\cmd.exe',
    fix: 'Use a modifier of the specification.',
  }),
  external('sigma/invalid-modifier', 'error', SIGMA, {
    summary: 'Modifiers are combined in a way that has no meaning.',
    why: 'The value cannot be matched as written.',
    bad: 'CommandLine|i: whoami',
    good: 'CommandLine|re|i: whoami',
    fix: 'Combine the modifiers as the message says.',
  }),
  external('sigma/invalid-value', 'error', SIGMA, {
    summary: 'A value does not fit its modifier, e.g. a non-number with `gt`.',
    why: 'The comparison cannot be evaluated.',
    bad: 'DestinationPort|gt: high',
    good: 'DestinationPort|gt: 1024',
    fix: 'Write a value of the kind the modifier needs.',
  }),
  external('sigma/invalid-regex', 'error', SIGMA, {
    summary: 'A `re` value is not a regular expression that can run safely.',
    why: 'Backends reject the query, or run a pattern with backreferences or lookaround that Sigma does not define.',
    bad: "CommandLine|re: '(a'",
    good: "CommandLine|re: '(a)'",
    fix: 'Fix the expression; use only the regex subset Sigma defines.',
  }),
  external('sigma/all-single-value', 'warning', SIGMA, {
    summary: 'The `all` modifier is applied to a single value.',
    why: '`all` only changes a list of values; on one value it hints at a missing value.',
    bad: 'CommandLine|contains|all: -enc',
    good: 'CommandLine|contains|all:\n    - -enc\n    - -nop',
    fix: 'Remove `|all`, or list several values.',
  }),
  external('sigma/condition-syntax', 'error', SIGMA, {
    summary: 'The condition cannot be parsed.',
    why: 'A rule whose condition cannot be read matches nothing.',
    bad: 'condition: selection and',
    good: 'condition: selection and not filter',
    fix: 'Correct the expression at the column given.',
  }),
  external('sigma/undefined-selection', 'error', SIGMA, {
    summary: 'The condition names a selection that does not exist.',
    why: 'Usually a typo; the condition cannot be evaluated.',
    bad: 'selection:\n    Image|endswith: \\cmd.exe\ncondition: selecton',
    good: 'selection:\n    Image|endswith: \\cmd.exe\ncondition: selection',
    fix: 'Correct the name, or define the selection.',
  }),
  external('sigma/unused-selection', 'warning', SIGMA, {
    summary: 'A selection is not used by the condition.',
    why: 'An unused filter means events the author wanted excluded still alert.',
    bad: 'filter:\n    User: SYSTEM\ncondition: selection',
    good: 'filter:\n    User: SYSTEM\ncondition: selection and not filter',
    fix: 'Use the selection in the condition, or remove it.',
  }),
  external('sigma/unsupported', 'error', SIGMA, {
    summary: 'The rule uses a Sigma feature sigma-gate cannot evaluate yet.',
    why: 'The rule is not converted or tested, so it is not checked at all.',
    bad: 'condition: selection | count() > 5',
    good: '# a correlation rule over the base rule',
    fix: 'Rewrite the rule without the feature, or accept that it is not checked.',
  }),
  ...correlationChecks(),
  external('pipeline/not-sysmon', 'warning', 'src/engine.ts', {
    summary: 'The log source is not covered by the Sysmon schema.',
    why: 'The SPL gets no Sysmon scope and uses field names as written.',
    bad: 'logsource:\n    product: aws\n    service: cloudtrail',
    good: 'logsource:\n    product: windows\n    category: process_creation',
    fix: 'Nothing, if the rule targets another source; its SPL needs your own index and field mapping.',
  }),
  external('pipeline/unmapped-field', 'warning', 'src/pipeline/splunk-pipeline.ts', {
    summary: 'A rule field has no rename while strict-fields is on.',
    why: 'The SPL searches the Sysmon name in data whose fields were renamed (for example to CIM names), so that part of the rule never matches.',
    bad: 'splunk:\n    field-names: cim\n    strict-fields: true\n# rule uses RuleName, which cim does not rename',
    good: 'splunk:\n    field-names:\n        preset: cim\n        rename:\n            RuleName: rule_name',
    fix: "Add the field to 'splunk.field-names', or turn 'strict-fields' off.",
  }),
  external('convert/skipped-status', 'info', 'src/engine.ts', {
    summary: 'A rule is left out of the outputs because of its status or an exclude glob.',
    why: 'Deprecated and unsupported rules, and excluded files, get no .spl file, saved search or manifest entry.',
    fix: 'Nothing, if that is intended; otherwise change the status or the exclude globs.',
  }),
  external('convert/unsupported', 'error', 'src/backends/splunk', {
    summary: 'The rule cannot be converted to SPL.',
    why: 'No query is produced for the rule.',
    fix: 'Rewrite the part the message names.',
  }),
  external('convert/never-matches', 'warning', 'src/backends/splunk', {
    summary: 'The converted rule can never match.',
    why: 'Contradictory selections produce a query that returns nothing.',
    bad: 'selection:\n    Image: a.exe\nfilter:\n    Image: a.exe\ncondition: selection and not filter',
    good: 'selection:\n    Image: a.exe\ncondition: selection',
    fix: 'Fix the contradiction in the detection.',
  }),
  external('convert/invalid-scope', 'error', 'src/backends/splunk', {
    summary: 'The configured Splunk scope (index, source) is invalid.',
    why: 'The generated search would not select the intended data.',
    fix: 'Correct the scope setting.',
  }),
  external('spl/syntax', 'error', 'src/engine.ts', {
    summary: 'The generated SPL does not parse.',
    why: 'This is a sigma-gate defect: the query would fail in Splunk.',
    fix: 'Report it with the rule.',
  }),
  external('spl/unsupported', 'error', 'src/engine.ts', {
    summary: 'The generated SPL cannot be evaluated by the SPL engine.',
    why: 'The rule cannot be tested against its fixtures.',
    fix: 'Report it with the rule.',
  }),
  ...[
    ['fixture/missing-file', 'error', 'A fixture file or the event file it names does not exist.'],
    ['fixture/outside-root', 'error', 'A fixture points to a file outside the rule tree.'],
    ['fixture/yaml', 'error', 'A fixture file is not valid YAML.'],
    ['fixture/schema', 'error', 'A fixture file does not match the fixture schema.'],
    ['fixture/unknown-key', 'error', 'A fixture file has a key the schema does not know.'],
    ['fixture/duplicate-name', 'warning', 'Two fixture cases have the same name.'],
    ['fixture/unknown-rule', 'error', 'A fixture case names, in `rule`, no document id or name of its rule file.'],
    ['fixture/invalid-json', 'error', 'An event file is not valid JSON or NDJSON.'],
    ['fixture/invalid-event', 'error', 'An event is not a JSON object.'],
    ['fixture/empty-file', 'warning', 'An event file holds no events.'],
    ['fixture/unsupported-format', 'error', 'An event file has a format this command cannot read.'],
    ['fixture/invalid-xml', 'error', 'An event XML file is not well-formed.'],
    ['fixture/invalid-csv', 'error', 'A record of a CSV event file is malformed.'],
    ['fixture/baseline-hit', 'error', 'A rule matches an event of the benign `baseline-events` directory.'],
    ['fixture/missing-tests', 'error', 'A rule has fewer true- or false-positive fixture tests than `fixture-policy` requires.'],
  ].map(([id, severity, summary]) =>
    external(id as string, severity as Severity, FIXTURE, {
      summary: summary as string,
      why: 'The fixture cases of the rule cannot run, so the rule is not tested.',
      fix: 'Fix the fixture file as the message says.',
    }),
  ),
  ...[
    ['regression/missing-file', 'A regression test file named by `regression_tests_path` does not exist.'],
    ['regression/outside-root', '`regression_tests_path` points outside the rule tree.'],
    ['regression/yaml', 'A regression info file is not valid YAML.'],
    ['regression/no-tests', 'A regression info file lists no tests.'],
    ['regression/invalid-info', 'A regression test entry is malformed.'],
    ['regression/unsupported-type', 'A regression test has a type other than evtx.'],
  ].map(([id, summary]) =>
    external(id as string, id === 'regression/yaml' ? 'error' : 'warning', FIXTURE, {
      summary: summary as string,
      why: 'SigmaHQ regression data for the rule cannot run, so that part is not tested.',
      fix: 'Fix the path or the info file as the message says.',
    }),
  ),
  ...[
    ['evtx/not-evtx', 'error', 'An event file named .evtx is not an EVTX log.'],
    ['evtx/bad-header', 'warning', 'The EVTX file header is damaged.'],
    ['evtx/dirty-header', 'warning', 'The EVTX file was not closed cleanly.'],
    ['evtx/bad-checksum', 'warning', 'An EVTX header or chunk checksum does not match.'],
    ['evtx/bad-chunk', 'error', 'An EVTX chunk cannot be read.'],
    ['evtx/bad-record', 'warning', 'An EVTX record cannot be read.'],
    ['evtx/truncated', 'error', 'The EVTX file ends early.'],
  ].map(([id, severity, summary]) =>
    external(id as string, severity as Severity, EVTX, {
      summary: summary as string,
      why: 'Events from the damaged part are missing, so fixture results may be incomplete.',
      fix: 'Export the log again, or use a JSON export of it.',
    }),
  ),
  external('run/path-not-found', 'error', 'src/rule-discovery.ts', {
    summary: 'A path given to sigma-gate does not exist.',
    why: 'No rules were read from it.',
    fix: 'Correct the path.',
  }),
  external('run/no-rules', 'error', 'src/rule-discovery.ts', {
    summary: 'The paths given to sigma-gate hold no rule files.',
    why: 'A run that checks nothing would pass, so a mistyped path would hide every rule from CI.',
    fix: "Point 'paths' at the directories or files that hold the rules.",
  }),
  external('run/unreadable-file', 'error', 'src/engine.ts', {
    summary: 'A rule file could not be read.',
    why: 'Nothing in the file was checked.',
    fix: 'Make the file readable, or remove it from the paths.',
  }),
  external('yaml/alias', 'error', SIGMA, {
    summary: 'A rule uses a YAML alias, or a file has aliases that cannot be expanded.',
    why: 'The rule reader reads each value where it is written and never expands aliases, so an alias would not mean the value its author intended; expanding nested aliases can also exhaust memory.',
    bad: "selection:\n    Image: &img '\\\\cmd.exe'\nfilter:\n    ParentImage: *img",
    good: "selection:\n    Image: '\\\\cmd.exe'\nfilter:\n    ParentImage: '\\\\cmd.exe'",
    fix: 'Write the value out in full at each place.',
  }),
  ...[
    ['limits/file-size', 'A rule, fixture or event file is larger than the configured limit.'],
    ['limits/yaml-documents', 'A rule file has more YAML documents than the configured limit.'],
    ['limits/nesting-depth', 'YAML collections or condition parentheses are nested deeper than the configured limit.'],
    ['limits/events-per-fixture', 'An event file or fixture case has more events than the configured limit.'],
    ['limits/regex-length', 'A regular expression is longer than the configured limit.'],
    ['limits/condition-terms', "An 'N of' condition expands to more combinations than the configured limit."],
  ].map(([id, summary]) =>
    external(id as string, 'error', 'src/limits', {
      summary: summary as string,
      why: 'Rule, fixture and event files may come from an untrusted pull request, so sigma-gate bounds the work and memory each one can cause and stops reading at the bound.',
      fix: "Make the input smaller, or raise the bound under 'limits:' in .sigma-gate.yml when the input is trusted.",
    }),
  ),
  external('internal/error', 'error', 'src/engine.ts', {
    summary: 'sigma-gate failed while processing one rule.',
    why: 'An exception inside sigma-gate is a defect; it is reported on the rule it happened on, and every other rule is still checked.',
    fix: 'Report the message and the rule to the sigma-gate maintainers.',
  }),
  external('test/failed', 'error', 'src/report', {
    summary: 'A fixture case failed: the rule or its SPL did not give the expected verdict.',
    why: 'The rule does not behave as its fixtures say.',
    fix: 'Fix the rule or the expectation, as the failure message explains.',
  }),
]

/** List the ids about correlation and filter documents (Sigma correlation and filters specifications). */
function correlationChecks(): CheckInfo[] {
  return [
    external('correlation/structure', 'error', SIGMA, {
      summary: 'The `correlation` section, or a part of it, has the wrong shape or an unknown attribute.',
      why: 'The correlation cannot be read, so it is not converted or tested.',
      bad: 'correlation: event_count',
      good: 'correlation:\n    type: event_count\n    rules:\n        - failed_logon\n    group-by:\n        - Computer\n    timespan: 5m\n    condition:\n        gte: 10',
      fix: 'Write the section with the keys type, rules, group-by, timespan, condition, aliases and generate.',
    }),
    external('correlation/missing', 'error', SIGMA, {
      summary: 'A mandatory attribute of a correlation is missing: title, type, rules, timespan, condition, or field for value_* types.',
      why: 'Without it the correlation has no defined meaning.',
      bad: 'correlation:\n    type: event_count\n    rules:\n        - failed_logon',
      good: 'correlation:\n    type: event_count\n    rules:\n        - failed_logon\n    timespan: 5m\n    condition:\n        gte: 10',
      fix: 'Add the attribute the message names.',
    }),
    external('correlation/invalid-type', 'error', SIGMA, {
      summary: 'The correlation type is not one the specification defines.',
      why: 'Backends cannot tell what to aggregate.',
      bad: 'type: count',
      good: 'type: event_count',
      fix: 'Use event_count, value_count, temporal, temporal_ordered, value_sum, value_avg or value_percentile.',
    }),
    external('correlation/invalid-timespan', 'error', SIGMA, {
      summary: 'The timespan is not a number followed by s, m, h or d.',
      why: 'The window length cannot be read.',
      bad: 'timespan: 1h30',
      good: 'timespan: 90m',
      fix: 'Write a whole number and one unit letter.',
    }),
    external('correlation/invalid-condition', 'error', SIGMA, {
      summary: 'The condition is not a map of gt, gte, lt, lte, eq or neq with numbers (and `field` for value_* types).',
      why: 'The correlation cannot decide when it fires.',
      bad: 'condition: ">= 10"',
      good: 'condition:\n    gte: 10',
      fix: 'Write each criterion as an operator key with a number.',
    }),
    external('correlation/invalid-alias', 'error', SIGMA, {
      summary: 'An alias names a rule the correlation does not reference, misses a referenced rule, or is not used in group-by (a warning).',
      why: 'The group-by value cannot be taken from every referenced rule.',
      bad: 'aliases:\n    ip:\n        unknown_rule: source.ip',
      good: 'aliases:\n    ip:\n        rule_a: source.ip\n        rule_b: destination.ip',
      fix: 'Map the alias for every rule in `rules`, and use it in `group-by`.',
    }),
    external('correlation/no-group-by', 'warning', SIGMA, {
      summary: 'The correlation has no `group-by`, so all events of a window form one group.',
      why: 'The specification makes `group-by` mandatory; without it, events from unrelated hosts and users are counted together.',
      bad: 'correlation:\n    type: event_count\n    rules:\n        - failed_logon\n    timespan: 5m',
      good: 'correlation:\n    type: event_count\n    rules:\n        - failed_logon\n    group-by:\n        - Computer\n    timespan: 5m',
      fix: 'Add the fields that must be equal, e.g. Computer and User.',
    }),
    external('correlation/unknown-rule', 'error', META, {
      summary: 'The correlation references a rule id or name that no rule in the file or the checked paths has.',
      why: 'The correlation has nothing to count.',
      fix: 'Correct the reference, or check the referenced rule together with the correlation.',
    }),
    external('correlation/unusable-rule', 'error', META, {
      summary: 'A rule the correlation references has errors or is not a detection rule.',
      why: 'The correlation cannot be compiled without it.',
      fix: "Fix the referenced rule's diagnostics.",
    }),
    external('correlation/fixed-window', 'info', META, {
      summary: 'The correlation window is a fixed bucket aligned to the epoch, not a sliding window.',
      why: 'Events on both sides of a bucket boundary are not correlated even when they are closer than the timespan.',
      fix: 'Nothing; choose a longer timespan if boundary misses matter.',
    }),
    external('correlation/not-generated', 'info', META, {
      summary: "A rule referenced by a correlation without `generate: true` gets no query of its own.",
      why: 'The specification generates only the correlation query by default.',
      fix: "Set 'generate: true' in the correlation to deploy the referenced rules too.",
    }),
    external('filter/structure', 'error', SIGMA, {
      summary: 'The `filter` section, or a part of it, has the wrong shape.',
      why: 'The filter cannot be read, so it filters nothing.',
      bad: 'filter: adm_',
      good: "filter:\n    rules:\n        - recon_whoami\n    selection:\n        User|startswith: 'adm_'\n    condition: selection",
      fix: 'Indent rules, the selections and the condition under `filter:`.',
    }),
    external('filter/missing', 'error', SIGMA, {
      summary: 'A mandatory attribute of a filter is missing: title, logsource or condition.',
      why: 'Without a condition the filter has nothing to remove; without a log source it cannot be matched to rules.',
      bad: "filter:\n    rules:\n        - recon_whoami\n    selection:\n        User|startswith: 'adm_'",
      good: "filter:\n    rules:\n        - recon_whoami\n    selection:\n        User|startswith: 'adm_'\n    condition: selection",
      fix: 'Add the attribute the message names.',
    }),
    external('filter/no-rules', 'warning', SIGMA, {
      summary: 'The filter lists no rules, so it applies to every rule with its log source.',
      why: 'The specification makes `rules` mandatory; a filter without it silently changes every matching rule.',
      bad: "filter:\n    selection:\n        User|startswith: 'adm_'\n    condition: selection",
      good: "filter:\n    rules:\n        - recon_whoami\n    selection:\n        User|startswith: 'adm_'\n    condition: selection",
      fix: 'List the ids or names of the rules the filter is meant for.',
    }),
    external('filter/unknown-rule', 'warning', META, {
      summary: 'The filter names a rule that no rule in the checked paths has.',
      why: 'The filter changes nothing for that reference, often because of a typo.',
      fix: 'Correct the id or name, or check the rule together with the filter.',
    }),
    external('filter/logsource-mismatch', 'warning', META, {
      summary: 'A filter names the rule, but its log source differs from the rule\'s, so it is not applied.',
      why: 'Filters apply only to rules of their own log source.',
      fix: "Give the filter the rule's log source, or remove the rule from its `rules`.",
    }),
    external('filter/applied', 'info', META, {
      summary: 'A filter applies to the rule: the rule matches only events the filter does not.',
      why: 'The rule\'s SPL and verdicts include the filter, which is not visible in the rule file.',
      fix: 'Nothing; remove the rule from the filter to stop it.',
    }),
    external('config/not-found', 'error', 'src/config/load-config.ts', {
      summary: 'The config file named in the action\'s `config` input cannot be read.',
      why: 'None of its settings apply, so the run would silently use the defaults.',
      fix: 'Correct the path (relative to the working directory), or leave it empty to read `.sigma-gate.yml`.',
    }),
  ]
}
