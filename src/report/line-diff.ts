/**
 * Diff two texts line by line with a longest-common-subsequence table and
 * return unified-diff body lines: ` ` kept, `-` removed, `+` added. SPL of a
 * rule is a few lines, so the quadratic table stays small.
 */
export function diffLines(before: readonly string[], after: readonly string[]): string[] {
  const rows = before.length
  const columns = after.length
  const common: number[][] = Array.from({ length: rows + 1 }, () =>
    new Array<number>(columns + 1).fill(0),
  )

  for (let i = rows - 1; i >= 0; i -= 1) {
    for (let j = columns - 1; j >= 0; j -= 1) {
      const row = common[i] as number[]
      const next = common[i + 1] as number[]
      row[j] =
        before[i] === after[j]
          ? (next[j + 1] ?? 0) + 1
          : Math.max(next[j] ?? 0, row[j + 1] ?? 0)
    }
  }

  return walk(before, after, common)
}

function walk(
  before: readonly string[],
  after: readonly string[],
  common: number[][],
): string[] {
  const lines: string[] = []
  let i = 0
  let j = 0
  while (i < before.length && j < after.length) {
    if (before[i] === after[j]) {
      lines.push(` ${before[i]}`)
      i += 1
      j += 1
    } else if ((common[i + 1]?.[j] ?? 0) >= (common[i]?.[j + 1] ?? 0)) {
      lines.push(`-${before[i]}`)
      i += 1
    } else {
      lines.push(`+${after[j]}`)
      j += 1
    }
  }

  for (; i < before.length; i += 1) lines.push(`-${before[i]}`)
  for (; j < after.length; j += 1) lines.push(`+${after[j]}`)
  return lines
}
