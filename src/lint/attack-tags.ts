import {
  attackVersions,
  campaign,
  finalReplacements,
  group,
  migratePreviousTactic,
  previousTactic,
  software,
  tactic,
  tacticById,
  technique,
  techniqueReplacements,
} from '../attack/catalog.js'
import type { AttackObject, AttackTechnique } from '../attack/catalog.js'
import { parseTag } from '../attack/parse-tag.js'
import type { ParsedTag } from '../attack/parse-tag.js'
import { diagnosticAt } from '../diagnostic.js'
import type { Diagnostic, Span } from '../diagnostic.js'

/** A string from the rule file with the position of its YAML scalar. */
export interface LocatedString {
  value: string
  span: Span
}

/** The parts of a rule that the ATT&CK tag checks read. */
export interface AttackLintInput {
  tags: LocatedString[]
  references: LocatedString[]
  description?: LocatedString
  /** Position of the `tags` key, for findings about the list as a whole. */
  tagsSpan?: Span
}

interface Tag {
  value: string
  span: Span
  parsed: ParsedTag
}

interface TagContext {
  tags: Tag[]
  version: string
  previousVersion: string
  /** Tactic shortnames tagged that exist in the current release. */
  tactics: Set<string>
  /** Technique ids tagged, upper case, as written (not resolved). */
  techniqueIds: Set<string>
}

type ObjectKind = 'group' | 'software' | 'campaign'

const lookups: Record<ObjectKind, (id: string) => AttackObject | undefined> = {
  group,
  software,
  campaign,
}

const objectLabels: Record<ObjectKind, string> = {
  group: 'Group',
  software: 'Software',
  campaign: 'Campaign',
}

const namespaceValues: Record<string, { pattern: RegExp; expected: string }> = {
  cve: { pattern: /^\d{4}-\d{4,}$/, expected: "cve.YYYY-NNNN, e.g. 'cve.2021-44228'" },
  car: { pattern: /^\d{4}-\d{2}-\d{3}$/, expected: "car.YYYY-MM-NNN, e.g. 'car.2016-04-005'" },
  stp: { pattern: /^[1-5][auk]?$/, expected: "stp.N or stp.N plus a, u or k, e.g. 'stp.3k'" },
  tlp: {
    pattern: /^(red|amber|amber-strict|green|clear)$/,
    expected: 'tlp.red, tlp.amber, tlp.amber-strict, tlp.green or tlp.clear',
  },
  detection: {
    pattern: /^(dfir|emerging-threats|threat-hunting)$/,
    expected: 'detection.dfir, detection.emerging-threats or detection.threat-hunting',
  },
  d3fend: {
    pattern: /^(d3-[a-z0-9-]+|d3f-[A-Za-z0-9]+|model|harden|detect|isolate|deceive|evict)$/,
    expected: "d3fend.d3-<technique>, d3fend.d3f-<artifact> or a D3FEND tactic such as 'd3fend.detect'",
  },
}

/**
 * Check a rule's tags against the Sigma tag format and the offline ATT&CK
 * catalog, and its references and description for ATT&CK techniques that
 * are not tagged. Each finding sits at the position of the tag, reference or
 * description that causes it.
 */
export function lintAttackTags(input: AttackLintInput): Diagnostic[] {
  const context = buildContext(input.tags)
  const diagnostics: Diagnostic[] = [
    ...checkDuplicates(context.tags),
    ...context.tags.flatMap(tag => checkTag(tag, context)),
    ...checkTacticCoverage(context),
    ...checkReferences(input, context),
  ]
  return diagnostics.sort((a, b) => a.line - b.line || a.column - b.column)
}

function buildContext(located: LocatedString[]): TagContext {
  const tags = located.map(tag => ({ ...tag, parsed: parseTag(tag.value) }))
  const tactics = new Set<string>()
  const techniqueIds = new Set<string>()
  for (const { parsed } of tags) {
    if (parsed.kind === 'tactic' && tactic(parsed.shortname)) tactics.add(parsed.shortname)
    if (parsed.kind === 'technique') techniqueIds.add(parsed.id)
  }
  const versions = attackVersions()
  return {
    tags,
    version: versions.current,
    previousVersion: versions.previous,
    tactics,
    techniqueIds,
  }
}

function checkDuplicates(tags: Tag[]): Diagnostic[] {
  const firstLine = new Map<string, number>()
  const diagnostics: Diagnostic[] = []
  for (const tag of tags) {
    const first = firstLine.get(tag.value)
    if (first === undefined) {
      firstLine.set(tag.value, tag.span.line)
      continue
    }
    diagnostics.push(
      diagnosticAt(
        tag.span,
        'tag/duplicate',
        'warning',
        `Tag '${tag.value}' is listed again (first on line ${first}). Remove the repeated tag.`,
      ),
    )
  }
  return diagnostics
}

function checkTag(tag: Tag, context: TagContext): Diagnostic[] {
  const { parsed } = tag
  switch (parsed.kind) {
    case 'malformed':
      return [malformedTag(tag, parsed.problem, parsed.suggestion)]
    case 'technique':
      return checkTechnique(tag, parsed.id, context)
    case 'tactic':
      return checkTactic(tag, parsed.shortname, context)
    case 'tactic-id':
      return [tacticIdTag(tag, parsed.id)]
    case 'group':
    case 'software':
    case 'campaign':
      return checkObject(tag, parsed.kind, parsed.id, context)
    case 'other-attack-id':
      return []
    case 'namespaced':
      return checkNamespaced(tag, parsed.namespace, parsed.name)
  }
}

function malformedTag(tag: Tag, problem: string, suggestion?: string): Diagnostic {
  let fix = `Write '${suggestion}'.`
  if (suggestion === undefined) {
    fix = tag.value.startsWith('attack.')
      ? 'Correct the ATT&CK id or tactic name.'
      : 'Write it as namespace.name in lower case, e.g. attack.t1059.001 or cve.2021-44228.'
  }
  return diagnosticAt(
    tag.span,
    'tag/format',
    'error',
    `Tag '${tag.value}' is malformed: ${problem}. ${fix}`,
  )
}

function tacticIdTag(tag: Tag, id: string): Diagnostic {
  const known = tacticById(id)
  const fix = known
    ? `Sigma tags tactics by shortname: write 'attack.${known.shortname}' (${known.name}).`
    : `No ATT&CK ${attackVersions().current} tactic has that id. Tag tactics by shortname, e.g. 'attack.execution'.`
  return diagnosticAt(
    tag.span,
    'attack/unknown-tactic',
    'error',
    `Tag '${tag.value}' uses the tactic id ${id}. ${fix}`,
  )
}

function checkTechnique(tag: Tag, id: string, context: TagContext): Diagnostic[] {
  const entry = technique(id)
  if (!entry) return [unknownTechnique(tag, id, context)]
  if (entry.revoked) return [revokedTechnique(tag, entry, context)]
  if (entry.deprecated) return [deprecatedObject(tag, 'Technique', entry, context)]
  return []
}

function unknownTechnique(tag: Tag, id: string, context: TagContext): Diagnostic {
  // NOTE: the catalog covers Enterprise ATT&CK only, so ICS-only ids such as
  // T0855 or T1691 are reported as unknown.
  return diagnosticAt(
    tag.span,
    'attack/unknown-technique',
    'error',
    `Tag '${tag.value}' names technique ${id}, which does not exist in ATT&CK Enterprise ${context.version}. Correct the id (see https://attack.mitre.org/techniques/) or remove the tag.`,
  )
}

function revokedTechnique(
  tag: Tag,
  entry: AttackTechnique,
  context: TagContext,
): Diagnostic {
  const replacements = finalReplacements(entry, technique)
  const problem = `Tag '${tag.value}' names technique ${entry.id} (${entry.name}), which is revoked in ATT&CK ${context.version}`
  return diagnosticAt(
    tag.span,
    'attack/revoked',
    'error',
    `${problem}${replacementAdvice(replacements, tag, context.techniqueIds)}`,
  )
}

/** Describe the replacement(s) and whether the rule already tags them. */
function replacementAdvice(
  replacements: AttackObject[],
  tag: Tag,
  taggedIds: Set<string>,
): string {
  if (replacements.length === 0) {
    return ' without a replacement. Remove the tag or tag a current technique.'
  }
  const names = replacements.map(entry => `${entry.id} (${entry.name})`).join(' and ')
  const replacementTags = replacements.map(entry => `'${tagFor(entry.id)}'`)
  const missing = replacements.filter(entry => !taggedIds.has(entry.id))
  if (missing.length === 0) {
    return ` and replaced by ${names}, which the rule already tags. Remove the redundant tag '${tag.value}'.`
  }
  return ` and replaced by ${names}. Replace the tag with ${replacementTags.join(' and ')}.`
}

function deprecatedObject(
  tag: Tag,
  label: string,
  entry: AttackObject,
  context: TagContext,
): Diagnostic {
  return diagnosticAt(
    tag.span,
    'attack/deprecated',
    'warning',
    `Tag '${tag.value}' names ${label.toLowerCase()} ${entry.id} (${entry.name}), which is deprecated in ATT&CK ${context.version} and has no replacement. Remove the tag or tag a current ${label.toLowerCase()} that fits the rule.`,
  )
}

function checkTactic(tag: Tag, shortname: string, context: TagContext): Diagnostic[] {
  if (tactic(shortname)) return []
  if (previousTactic(shortname)) return [previousOnlyTactic(tag, shortname, context)]

  return [unknownTactic(tag, shortname, context)]
}

function unknownTactic(tag: Tag, shortname: string, context: TagContext): Diagnostic {
  const hyphenated = shortname.replace(/_/g, '-')
  let hint = `Use one of the ATT&CK ${context.version} tactic shortnames, e.g. 'attack.execution' or 'attack.stealth'.`
  if (tactic(hyphenated)) {
    hint = `Write 'attack.${hyphenated}'.`
  } else if (previousTactic(hyphenated)) {
    const migration = migratePreviousTactic(hyphenated, [...context.techniqueIds])
    const suggested = migration.tactics.map(entry => `'attack.${entry.shortname}'`)
    const target = suggested.join(' or ') || "the current tactics of the rule's techniques"
    hint = `It looks like '${hyphenated}', which exists only in ATT&CK ${context.previousVersion}. Write ${target} instead.`
  }
  return diagnosticAt(
    tag.span,
    'attack/unknown-tactic',
    'error',
    `Tag '${tag.value}' names tactic '${shortname}', which does not exist in ATT&CK ${context.version}. ${hint}`,
  )
}

function previousOnlyTactic(tag: Tag, shortname: string, context: TagContext): Diagnostic {
  const migration = migratePreviousTactic(shortname, [...context.techniqueIds])
  const suggested = migration.tactics.map(entry => `'attack.${entry.shortname}'`)
  const prefix = `Tag '${tag.value}' names a tactic that exists only in ATT&CK ${context.previousVersion}; ATT&CK ${context.version} replaced it per technique.`
  let fix: string
  if (!migration.matched) {
    fix = `Replace it with whichever of ${suggested.join(' or ')} fits the rule's techniques.`
  } else if (suggested.length === 0) {
    fix = `The techniques tagged here no longer belong to a replacing tactic, so remove the tag.`
  } else {
    fix = `For the techniques tagged here, replace it with ${suggested.join(' and ')}.`
  }
  return diagnosticAt(tag.span, 'attack/v18-tactic', 'warning', `${prefix} ${fix}`)
}

function checkObject(
  tag: Tag,
  kind: ObjectKind,
  id: string,
  context: TagContext,
): Diagnostic[] {
  const entry = lookups[kind](id)
  const label = objectLabels[kind]
  if (!entry) {
    return [
      diagnosticAt(
        tag.span,
        `attack/unknown-${kind}`,
        'error',
        `Tag '${tag.value}' names ${label.toLowerCase()} ${id}, which does not exist in ATT&CK Enterprise ${context.version}. Correct the id or remove the tag.`,
      ),
    ]
  }
  if (entry.revoked) {
    const replacements = finalReplacements(entry, lookups[kind])
    const tagged = new Set(context.tags.map(other => other.value.toUpperCase().slice(7)))
    const problem = `Tag '${tag.value}' names ${label.toLowerCase()} ${entry.id} (${entry.name}), which is revoked in ATT&CK ${context.version}`
    return [
      diagnosticAt(
        tag.span,
        'attack/revoked',
        'error',
        `${problem}${replacementAdvice(replacements, tag, tagged)}`,
      ),
    ]
  }
  if (entry.deprecated) return [deprecatedObject(tag, label, entry, context)]
  return []
}

function checkNamespaced(tag: Tag, namespace: string, name: string): Diagnostic[] {
  const rule = namespaceValues[namespace]
  if (!rule || rule.pattern.test(name)) return []
  return [
    diagnosticAt(
      tag.span,
      'tag/format',
      'error',
      `Tag '${tag.value}' is malformed: the ${namespace} namespace expects ${rule.expected}. Correct the tag.`,
    ),
  ]
}

/**
 * Compare technique and tactic tags. Only active techniques count as
 * mismatched, because revoked and deprecated ones already get their own
 * finding. A revoked technique still covers the tactics of its replacement.
 */
function checkTacticCoverage(context: TagContext): Diagnostic[] {
  const previousOnly = previousOnlyTacticTags(context)
  const techniqueTags = context.tags.filter(tag => tag.parsed.kind === 'technique')
  if (context.tactics.size + previousOnly.size === 0 || techniqueTags.length === 0) {
    return []
  }
  const covered = new Set<string>()
  const diagnostics: Diagnostic[] = []
  for (const tag of techniqueTags) {
    const entry = technique(tag.parsed.kind === 'technique' ? tag.parsed.id : '')
    if (!entry) continue
    for (const effective of finalReplacements(entry, technique)) {
      effective.tactics.forEach(name => covered.add(name))
    }
    if (entry.revoked || entry.deprecated) continue
    const fits =
      entry.tactics.some(name => context.tactics.has(name)) ||
      entry.previousTactics.some(name => previousOnly.has(name))
    if (!fits) diagnostics.push(techniqueWithoutTactic(tag, entry, context))
  }
  return [...diagnostics, ...tacticsWithoutTechnique(context, covered)]
}

function previousOnlyTacticTags(context: TagContext): Set<string> {
  const names = new Set<string>()
  for (const { parsed } of context.tags) {
    if (parsed.kind !== 'tactic') continue
    if (!tactic(parsed.shortname) && previousTactic(parsed.shortname)) {
      names.add(parsed.shortname)
    }
  }
  return names
}

function techniqueWithoutTactic(
  tag: Tag,
  entry: AttackTechnique,
  context: TagContext,
): Diagnostic {
  const tacticTags = entry.tactics.map(name => `'attack.${name}'`).join(' or ')
  return diagnosticAt(
    tag.span,
    'attack/technique-without-tactic',
    'warning',
    `Tag '${tag.value}' names technique ${entry.id} (${entry.name}), which belongs to none of the rule's tactic tags in ATT&CK ${context.version}. Add ${tacticTags}, or check the technique id.`,
  )
}

function tacticsWithoutTechnique(context: TagContext, covered: Set<string>): Diagnostic[] {
  const diagnostics: Diagnostic[] = []
  for (const tag of context.tags) {
    if (tag.parsed.kind !== 'tactic' || covered.has(tag.parsed.shortname)) continue
    const entry = tactic(tag.parsed.shortname)
    if (!entry) continue
    diagnostics.push(
      diagnosticAt(
        tag.span,
        'attack/tactic-without-technique',
        'warning',
        `Tag '${tag.value}' names tactic ${entry.id} (${entry.name}), but none of the rule's technique tags belongs to it in ATT&CK ${context.version}. Add a technique of that tactic or remove the tag.`,
      ),
    )
  }
  return diagnostics
}

/**
 * Find technique ids in ATT&CK reference URLs and in the description that
 * the rule does not tag. A revoked id counts as tagged when its replacement
 * is, and a technique counts as tagged when one of its sub-techniques is.
 */
function checkReferences(input: AttackLintInput, context: TagContext): Diagnostic[] {
  const reported = new Set<string>()
  const diagnostics: Diagnostic[] = []
  const sources: { located: LocatedString; ids: string[]; where: string }[] = [
    ...input.references.map(located => ({
      located,
      ids: referenceIds(located.value),
      where: `Reference '${located.value}'`,
    })),
  ]
  if (input.description) {
    sources.push({
      located: input.description,
      ids: descriptionIds(input.description.value),
      where: 'The description',
    })
  }
  for (const { located, ids, where } of sources) {
    for (const id of ids) {
      const missing = untaggedTechnique(id, context)
      if (!missing || reported.has(missing.id)) continue
      reported.add(missing.id)
      diagnostics.push(untaggedReference(located.span, where, id, missing))
    }
  }
  return diagnostics
}

function referenceIds(url: string): string[] {
  const pattern = /attack\.mitre\.org\/techniques\/(T\d{4})(?:[/.](\d{3}))?/gi
  return [...url.matchAll(pattern)].map(match => joinId(match[1], match[2]))
}

function descriptionIds(text: string): string[] {
  const pattern = /\b(T\d{4})(?:\.(\d{3}))?\b/g
  return [...text.matchAll(pattern)].map(match => joinId(match[1], match[2]))
}

function joinId(base: string | undefined, sub: string | undefined): string {
  const id = (base ?? '').toUpperCase()
  return sub === undefined ? id : `${id}.${sub}`
}

/** Return the current technique a referenced id stands for when the rule does not tag it. */
function untaggedTechnique(id: string, context: TagContext): AttackTechnique | undefined {
  const replacements = techniqueReplacements(id)
  if (replacements.length === 0) return undefined
  const taggedCurrent = new Set(
    [...context.techniqueIds].flatMap(tagged =>
      techniqueReplacements(tagged).map(entry => entry.id),
    ),
  )
  for (const entry of replacements) {
    if (entry.deprecated) continue
    const covered =
      taggedCurrent.has(entry.id) ||
      (!entry.subtechnique &&
        [...taggedCurrent].some(tagged => tagged.startsWith(`${entry.id}.`)))
    if (!covered) return entry
  }
  return undefined
}

function untaggedReference(
  span: Span,
  where: string,
  id: string,
  entry: AttackTechnique,
): Diagnostic {
  const cited =
    id === entry.id
      ? `${id} (${entry.name})`
      : `${id}, which is revoked and replaced by ${entry.id} (${entry.name})`
  return diagnosticAt(
    span,
    'attack/untagged-reference',
    'warning',
    `${where} cites ATT&CK technique ${cited}, but the rule does not tag it. Add the tag '${tagFor(entry.id)}'.`,
  )
}

function tagFor(id: string): string {
  return `attack.${id.toLowerCase()}`
}
