import type { CheckInfo } from '../lint/check.js'

/** Check ids for problems in `.sigma-gate.yml`, the baseline file and inline suppressions. */
export const CONFIG_CHECKS: CheckInfo[] = [
  {
    id: 'config/yaml',
    severity: 'error',
    summary: '`.sigma-gate.yml` is not valid YAML.',
    why: 'None of its settings can be applied, so sigma-gate runs with the defaults.',
    bad: 'checks:\n  detection/single-item-list: off\n bad-indent: 1',
    good: 'checks:\n  detection/single-item-list: off',
    fix: 'Fix the YAML at the position given.',
  },
  {
    id: 'config/schema',
    severity: 'error',
    summary: 'A setting in `.sigma-gate.yml` has an unknown key or a wrong value.',
    why: 'The setting is ignored, so the run does not behave as configured.',
    bad: 'fail-on: always',
    good: 'fail-on: warning',
    fix: 'Use the keys and values that schemas/config.schema.json and the message list.',
  },
  {
    id: 'config/unknown-check',
    severity: 'error',
    summary: '`.sigma-gate.yml` names a check id that does not exist.',
    why: 'A misspelled id configures nothing, so the check still runs with its default severity.',
    bad: 'checks:\n  detection/broad-filters: off',
    good: 'checks:\n  detection/broad-filter: off',
    fix: 'Use the id the message suggests; `sigma-gate checks` lists every id.',
  },
  {
    id: 'config/baseline',
    severity: 'error',
    summary: 'The baseline file is missing or malformed.',
    why: 'Without the baseline, every accepted finding is reported again.',
    bad: 'baseline: .sigma-gate-baseline.json  # file does not exist',
    good: 'baseline: .sigma-gate-baseline.json  # file written by sigma-gate',
    fix: 'Create the baseline file, or correct the path.',
  },
  {
    id: 'lint/unused-suppression',
    severity: 'warning',
    summary: 'A `# sigma-gate-disable` comment suppresses no finding.',
    why: 'Stale suppressions hide future findings on that line and mislead readers about what is accepted.',
    bad: "    Image|endswith: '\\cmd.exe'  # sigma-gate-disable detection/broad-filter -- reviewed",
    good: "    Image|endswith: '\\cmd.exe'",
    fix: 'Remove the comment, or correct the check id in it.',
  },
  {
    id: 'lint/suppression-without-reason',
    severity: 'warning',
    summary: "A `# sigma-gate-disable` comment has no reason after ' -- '.",
    why: 'A suppression without a reason cannot be reviewed; it is not applied until it has one.',
    bad: '    # sigma-gate-disable detection/broad-filter\n    User|contains: SYSTEM',
    good: '    # sigma-gate-disable detection/broad-filter -- only service accounts run this tool\n    User|contains: SYSTEM',
    fix: "Add ' -- ' and the reason after the check id.",
  },
]
