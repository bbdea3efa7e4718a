/**
 * Find a group that a backtracking engine (PCRE, Java, .NET, JavaScript)
 * can match in exponentially many ways when a match fails. One kind is a
 * group whose content is repeated and that is itself repeated without bound
 * or ten or more times, such as `(a+)+` or `(.*a){20}`. The other is a
 * repeated group whose alternatives overlap, such as `(a|a)*` or `(a|ab)+`. Returns the
 * offending group's text, or undefined. A heuristic: it does not prove that
 * the repetitions overlap, and it misses overlaps between different
 * character classes.
 */
export function nestedQuantifier(pattern: string): string | undefined {
  const stack: { start: number; quantified: boolean; pipes: number[] }[] = []
  let inClass = false
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i]
    if (char === '\\') {
      i++
      continue
    }
    if (inClass) {
      if (char === ']') inClass = false
      continue
    }
    if (char === '[') {
      inClass = true
      continue
    }
    if (char === '(') {
      stack.push({ start: i, quantified: false, pipes: [] })
      continue
    }
    if (char === '|') {
      stack[stack.length - 1]?.pipes.push(i)
      continue
    }
    const quantifierLength = unboundedQuantifierAt(pattern, i)
    if (char === ')') {
      const group = stack.pop()
      if (!group) continue
      const outer = unboundedQuantifierAt(pattern, i + 1)
      const repeated = outer > 0 ? outer : manyRepetitionsAt(pattern, i + 1)
      if (group.quantified && repeated > 0) return pattern.slice(group.start, i + 1 + repeated)
      if (outer > 0 && overlappingBranches(pattern, group, i)) return pattern.slice(group.start, i + 1 + outer)
      const parent = stack[stack.length - 1]
      if (parent && (group.quantified || outer > 0)) parent.quantified = true
      continue
    }
    const current = stack[stack.length - 1]
    if (quantifierLength > 0 && current) current.quantified = true
  }
  return undefined
}

/** Return the length of an unbounded quantifier (`+`, `*`, `{n,}`) at `index`, or 0. */
function unboundedQuantifierAt(pattern: string, index: number): number {
  const char = pattern[index]
  if (char === '+' || char === '*') return 1
  if (char !== '{') return 0
  const match = /^\{\d+,\}/.exec(pattern.slice(index))
  return match ? match[0].length : 0
}

/** Return the length of a bounded quantifier allowing 10 or more repetitions (`{20}`, `{2,10}`) at `index`, or 0. */
function manyRepetitionsAt(pattern: string, index: number): number {
  const match = /^\{(\d+)(?:,(\d+))?\}/.exec(pattern.slice(index))
  if (!match) return 0
  const most = Number(match[2] ?? match[1])
  return most >= 10 ? match[0].length : 0
}

/** Return true when two top-level alternatives of a group are equal or one is a prefix of the other. */
function overlappingBranches(pattern: string, group: { start: number; pipes: number[] }, end: number): boolean {
  if (group.pipes.length === 0) return false
  const open = pattern.startsWith('(?:', group.start) ? group.start + 3 : group.start + 1
  const bounds = [open - 1, ...group.pipes, end]
  const branches = bounds.slice(1).map((stop, k) => pattern.slice((bounds[k] as number) + 1, stop))
  return branches.some((a, k) => branches.some((b, m) => m !== k && a !== '' && b.startsWith(a)))
}
