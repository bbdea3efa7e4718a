/**
 * Find a group that is repeated by an unbounded quantifier while its own
 * content is also repeated, such as `(a+)+` or `(\w+\s?)*`. In backtracking
 * engines (PCRE, Java, .NET, JavaScript) a failing match on such a pattern
 * can take exponential time. Returns the offending group's text, or
 * undefined. A heuristic: it does not prove that the repetitions overlap.
 */
export function nestedQuantifier(pattern: string): string | undefined {
  const stack: { start: number; quantified: boolean }[] = []
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
      stack.push({ start: i, quantified: false })
      continue
    }
    const quantifierLength = unboundedQuantifierAt(pattern, i)
    if (char === ')') {
      const group = stack.pop()
      if (!group) continue
      const outer = unboundedQuantifierAt(pattern, i + 1)
      if (group.quantified && outer > 0) return pattern.slice(group.start, i + 1 + outer)
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
