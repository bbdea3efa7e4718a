/**
 * An Aho-Corasick automaton over lower-case needles, compiled to a dense
 * transition table. Characters that occur in no needle share one column, so
 * the table stays small while a scan costs one array read per character.
 */
export interface LiteralAutomaton {
  /** Call `found` with the index of every needle that occurs in `text`. */
  scan(text: string, found: (needle: number) => void): void
}

/** Build an automaton that reports occurrences of `needles` (non-empty strings). */
export function buildLiteralAutomaton(needles: readonly string[]): LiteralAutomaton {
  const alphabet = buildAlphabet(needles)
  const width = alphabet.size + 1
  const trie = buildTrie(needles, alphabet, width)
  const table = buildTransitions(trie, width)
  const outputs = trie.outputs
  const ascii = Int32Array.from({ length: 128 }, (_, unit) => alphabet.get(unit) ?? 0)

  return {
    scan(text, found) {
      let state = 0
      for (let i = 0; i < text.length; i++) {
        const unit = text.charCodeAt(i)
        const column = unit < 128 ? (ascii[unit] as number) : (alphabet.get(unit) ?? 0)
        state = table[state * width + column] as number
        const hits = outputs[state]
        if (hits !== undefined) for (const hit of hits) found(hit)
      }
    },
  }
}

/** Number each UTF-16 code unit used by a needle from 1; 0 is every other unit. */
function buildAlphabet(needles: readonly string[]): Map<number, number> {
  const alphabet = new Map<number, number>()
  for (const needle of needles) {
    for (let i = 0; i < needle.length; i++) {
      const unit = needle.charCodeAt(i)
      if (!alphabet.has(unit)) alphabet.set(unit, alphabet.size + 1)
    }
  }
  return alphabet
}

interface Trie {
  /** `children[state * width + column]`, 0 for no child (the root is never a child). */
  children: Int32Array
  /** Needle indexes that end at each state, before failure links are merged. */
  outputs: (number[] | undefined)[]
  states: number
}

function buildTrie(needles: readonly string[], alphabet: Map<number, number>, width: number): Trie {
  const capacity = 1 + needles.reduce((sum, needle) => sum + needle.length, 0)
  const children = new Int32Array(capacity * width)
  const outputs: (number[] | undefined)[] = []
  let states = 1

  needles.forEach((needle, index) => {
    let state = 0
    for (let i = 0; i < needle.length; i++) {
      const slot = state * width + (alphabet.get(needle.charCodeAt(i)) as number)
      if (children[slot] === 0) children[slot] = states++
      state = children[slot] as number
    }
    ;(outputs[state] ??= []).push(index)
  })
  return { children: children.subarray(0, states * width), outputs, states }
}

/**
 * Turn the trie into a full transition table in breadth-first order: a
 * missing child follows the failure link's transition, and every state
 * inherits the outputs of its failure state.
 */
function buildTransitions(trie: Trie, width: number): Int32Array {
  const table = trie.children
  const failure = new Int32Array(trie.states)
  const queue: number[] = []
  for (let column = 0; column < width; column++) {
    const child = table[column] as number
    if (child !== 0) queue.push(child)
  }

  for (let head = 0; head < queue.length; head++) {
    const state = queue[head] as number
    const inherited = trie.outputs[failure[state] as number]
    if (inherited !== undefined) trie.outputs[state] = [...(trie.outputs[state] ?? []), ...inherited]
    for (let column = 0; column < width; column++) {
      const slot = state * width + column
      const child = table[slot] as number
      const fallback = table[(failure[state] as number) * width + column] as number
      if (child === 0) {
        table[slot] = fallback
        continue
      }
      failure[child] = fallback
      queue.push(child)
    }
  }
  return table
}
