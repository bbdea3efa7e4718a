import { group, software, tactic, technique } from './catalog.js'

/** Classification of a Sigma tag by its form, before any catalog lookup. */
export type ParsedTag =
  | { kind: 'malformed'; problem: string; suggestion?: string }
  | { kind: 'technique'; id: string }
  | { kind: 'tactic'; shortname: string }
  | { kind: 'tactic-id'; id: string }
  | { kind: 'group'; id: string }
  | { kind: 'software'; id: string }
  | { kind: 'campaign'; id: string }
  | { kind: 'other-attack-id'; id: string; label: string }
  | { kind: 'namespaced'; namespace: string; name: string }

const tagPattern = /^[a-z0-9_-]+(\.[a-z0-9_-]+)+$/
// D3FEND artifact tags keep the ontology's camel case, e.g. d3fend.d3f-WindowsNtOpenFile.
const d3fendArtifactPattern = /^d3fend\.d3f-[A-Za-z0-9]+$/
const techniquePattern = /^t(\d{4})(\.\d{3})?$/
const otherAttackIds: Record<string, string> = {
  ds: 'data source',
  m: 'mitigation',
  a: 'asset',
}

const techniqueForm = "attack.tNNNN or attack.tNNNN.NNN, e.g. 'attack.t1059.001'"

/** Parse a Sigma tag into its namespace and what its name refers to. */
export function parseTag(value: string): ParsedTag {
  if (!tagPattern.test(value) && !d3fendArtifactPattern.test(value)) {
    return { kind: 'malformed', ...describeMalformed(value) }
  }
  const dot = value.indexOf('.')
  const namespace = value.slice(0, dot)
  const name = value.slice(dot + 1)
  if (/^(t|g|s|ta)\d{4}$/.test(namespace)) {
    // 't1059.001' parses as namespace 't1059', but it is a sub-technique without 'attack.'.
    return { kind: 'malformed', ...describeMalformed(value) }
  }
  if (namespace !== 'attack') return { kind: 'namespaced', namespace, name }
  return parseAttackName(name)
}

/** Classify the part after `attack.`: technique, tactic, group, software and so on. */
function parseAttackName(name: string): ParsedTag {
  if (techniquePattern.test(name)) return { kind: 'technique', id: name.toUpperCase() }
  if (/^g\d{4}$/.test(name)) return { kind: 'group', id: name.toUpperCase() }
  if (/^s\d{4}$/.test(name)) return { kind: 'software', id: name.toUpperCase() }
  if (/^c\d{4}$/.test(name)) return { kind: 'campaign', id: name.toUpperCase() }
  if (/^ta\d{4}$/.test(name)) return { kind: 'tactic-id', id: name.toUpperCase() }

  const other = /^(ds|m|a)\d{4}$/.exec(name)
  if (other?.[1] !== undefined) {
    const label = otherAttackIds[other[1]] ?? 'object'
    return { kind: 'other-attack-id', id: name.toUpperCase(), label }
  }
  if (/^[a-z]+([_-][a-z]+)*$/.test(name)) return { kind: 'tactic', shortname: name }

  const guess = guessAttackTag(name)
  return {
    kind: 'malformed',
    problem: `'${name}' is not an ATT&CK tactic name or technique, group or software id (techniques are ${techniqueForm})`,
    ...(guess === undefined ? {} : { suggestion: guess }),
  }
}

/** Explain why a tag does not have the namespace.name form and guess the intended tag. */
function describeMalformed(value: string): { problem: string; suggestion?: string } {
  const suggestion = guessTag(value)
  const withSuggestion = (problem: string) =>
    suggestion === undefined ? { problem } : { problem, suggestion }

  if (value.trim() === '') return { problem: 'the tag is empty' }
  if (/\s/.test(value)) return withSuggestion('tags must not contain spaces')
  if (!value.includes('.') || /^(t|g|s|ta)\d{4}\./i.test(value)) {
    return withSuggestion(
      'it has no namespace (tags are written namespace.name, e.g. attack.t1059)',
    )
  }
  if (/^\.|\.\.|\.$/.test(value)) return withSuggestion('it has an empty part between dots')

  const problems: string[] = []
  if (/[A-Z]/.test(value)) problems.push('upper-case letters are not allowed')
  const bad = [...new Set(value.replace(/[A-Za-z0-9_.-]/g, ''))]
  if (bad.length === 1) problems.push(`the character '${bad[0]}' is not allowed`)
  if (bad.length > 1) {
    problems.push(`the characters ${bad.map(c => `'${c}'`).join(', ')} are not allowed`)
  }
  const attackName = /^attack\.(.+)$/i.exec(value)?.[1]?.toLowerCase()
  if (attackName !== undefined && isTechniqueLike(attackName)) {
    if (!techniquePattern.test(attackName)) {
      problems.push(`'${attackName}' is not a technique id (expected ${techniqueForm})`)
    }
  }
  problems.push("tags contain only lower-case letters, digits, '_', '-' and '.'")
  return withSuggestion(problems.join('; '))
}

function isTechniqueLike(name: string): boolean {
  return /^t+\d/.test(name)
}

/** Guess the well-formed tag a malformed one meant, only when the guess is a known id or tactic. */
function guessTag(value: string): string | undefined {
  const lower = value
    .trim()
    .toLowerCase()
    .replace(/[\s.]+/g, '.')
    .replace(/\.$/, '')
  return guessAttackTag(lower.startsWith('attack.') ? lower.slice(7) : lower)
}

/** Turn an ATT&CK name such as `TT1059`, `t1059/001` or `Execution` into a known tag. */
function guessAttackTag(name: string): string | undefined {
  const lower = name.toLowerCase()
  const techniqueMatch = /^t+(\d{4})(?:[./_-]?(\d{3}))?$/.exec(lower)
  if (techniqueMatch?.[1] !== undefined) {
    const sub = techniqueMatch[2] === undefined ? '' : `.${techniqueMatch[2]}`
    const id = `T${techniqueMatch[1]}${sub}`
    return technique(id) ? `attack.${id.toLowerCase()}` : undefined
  }
  if (/^g\d{4}$/.test(lower) && group(lower)) return `attack.${lower}`
  if (/^s\d{4}$/.test(lower) && software(lower)) return `attack.${lower}`
  const shortname = lower.replace(/[_ ]/g, '-')
  return tactic(shortname) ? `attack.${shortname}` : undefined
}
