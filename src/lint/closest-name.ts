/** Return the Levenshtein distance between two strings. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1)
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution))
    }
    previous = current
  }
  return previous[b.length] ?? 0
}

/**
 * Return the candidate nearest to `name`, when it is close enough to be a
 * typo: at most 2 edits, and fewer edits than a third of the name's length
 * plus one, so short names do not match everything.
 */
export function closestName(
  name: string,
  candidates: Iterable<string>,
  maxDistance = 2,
): string | undefined {
  const limit = Math.min(maxDistance, Math.floor(name.length / 3) + 1)
  let best: string | undefined
  let bestDistance = Infinity
  for (const candidate of candidates) {
    if (candidate === name) return undefined
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase())
    if (distance <= limit && distance < bestDistance) {
      best = candidate
      bestDistance = distance
    }
  }
  return best
}
