import { diagnosticAt, type Diagnostic } from '../diagnostic.js'
import type { SigmaRule } from '../sigma/rule.js'
import type { FixtureCase } from './fixture-file.js'

/**
 * Report each fixture case whose `rule` names no document of the rule file,
 * since such a case would otherwise test nothing and pass unnoticed.
 */
export function checkCaseTargets(cases: readonly FixtureCase[], documents: readonly SigmaRule[], fixtureFile: string): Diagnostic[] {
  const known = documents.flatMap((document) => [document.id?.value, document.name?.value]).filter((value): value is string => value !== undefined)
  const listed = known.length > 0 ? known.map((value) => `'${value}'`).join(', ') : 'none (the documents have no id or name)'

  return cases.flatMap((fixtureCase) => {
    const target = fixtureCase.rule
    if (target === undefined || known.includes(target)) return []
    const message = `The fixture case '${fixtureCase.name}' tests rule '${target}', but no document of the rule file has that id or name, so the case never runs. Set 'rule' to one of the ids or names in the file: ${listed}.`
    return [diagnosticAt(fixtureCase.span, 'fixture/unknown-rule', 'error', message, fixtureFile)]
  })
}
