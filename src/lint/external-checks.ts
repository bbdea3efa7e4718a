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
    why: 'The rule is not converted or tested, so it is not checked at all. Correlation and filter documents get this id as a warning.',
    bad: 'condition: selection | count() > 5',
    good: '# a correlation rule over the base rule',
    fix: 'Rewrite the rule without the feature, or accept that it is not checked.',
  }),
  external('pipeline/not-sysmon', 'warning', 'src/engine.ts', {
    summary: 'The log source is not covered by the Sysmon schema.',
    why: 'The SPL gets no Sysmon scope and uses field names as written.',
    bad: 'logsource:\n    product: aws\n    service: cloudtrail',
    good: 'logsource:\n    product: windows\n    category: process_creation',
    fix: 'Nothing, if the rule targets another source; its SPL needs your own index and field mapping.',
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
    ['fixture/invalid-json', 'error', 'An event file is not valid JSON or NDJSON.'],
    ['fixture/invalid-event', 'error', 'An event is not a JSON object.'],
    ['fixture/empty-file', 'warning', 'An event file holds no events.'],
    ['fixture/unsupported-format', 'error', 'An event file has a format this command cannot read.'],
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
  external('test/failed', 'error', 'src/report', {
    summary: 'A fixture case failed: the rule or its SPL did not give the expected verdict.',
    why: 'The rule does not behave as its fixtures say.',
    fix: 'Fix the rule or the expectation, as the failure message explains.',
  }),
]
