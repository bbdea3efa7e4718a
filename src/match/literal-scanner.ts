/**
 * A needle that the scanner looks for in the values of one field. Field
 * numbers are the caller's; field 0 stands for every field (Sigma keywords).
 */
export interface FieldNeedle {
  field: number
  /** Lower-case text; the scanner compares it to lower-cased values. */
  needle: string
}

/** Finds many field-tagged needles in one pass over each value. */
export interface LiteralScanner {
  /**
   * Call `found` with the index of every needle of `field`, and of field 0,
   * that occurs in `text`. A needle may be reported more than once.
   */
  scan(text: string, field: number, found: (needle: number) => void): void
}

/** Length of the longest character window that anchors a needle. */
export const GRAM = 4

const EMPTY = -1
const MULTIPLIER = 0x9e3779b1
/** Bitmap bits per anchor: about 3 % of the windows that hold no anchor still pass. */
const BITS_PER_KEY = 32
const MAX_BITMAP_BITS = 22
/** Ints per hash table slot: lane, anchor, first entry, end of entries. */
const SLOT = 4

/**
 * Build a scanner that anchors each needle on a window of up to GRAM
 * characters: a longer needle on its rarest window, a shorter one on
 * itself. A scan rolls the last GRAM characters of the value into one
 * 32-bit number. For each window width that the field or field 0 has
 * anchors of, it tests one bitmap that contains the hashes of both the
 * field's anchors and field 0's, so one pass serves both. Only on a hit
 * does it probe the hash table and compare the whole needle in place. The
 * bitmaps take 4 to 8 bytes per anchor and stay in the processor cache
 * while an event's many short values are scanned. An Aho-Corasick
 * automaton per field does not: on the SigmaHQ corpus the CommandLine
 * automaton alone took over 100 MB, because its needles contain over a
 * thousand distinct characters.
 */
export function buildLiteralScanner(needles: readonly FieldNeedle[]): LiteralScanner {
  const frequency = gramFrequency(needles)
  const anchored: AnchoredNeedle[] = []
  needles.forEach(({ field, needle }, index) => {
    if (needle === '') return
    const width = Math.min(GRAM, needle.length)
    const start = width < GRAM ? 0 : rarestWindow(needle, frequency)
    anchored.push({ index, field, width, needle, gram: packGram(needle, start, width), back: start + width - 1 })
  })
  return new GramScanner(anchored)
}

interface AnchoredNeedle {
  index: number
  field: number
  /** Characters in the anchor: GRAM, or the needle's length when shorter. */
  width: number
  needle: string
  gram: number
  /** Distance from the anchor's last character back to the needle's first. */
  back: number
}

/** The bitmaps a scan of one field's values tests, one per anchor width. */
interface FieldTables {
  /** Bits set at the hash of each anchor of the field and of field 0. */
  bitmaps: Int32Array[]
  /** Right shift that turns a 32-bit hash into a bit number, per width. */
  shifts: number[]
  /** Hash table lane of the field's own anchors per width, or -1. */
  own: number[]
  /** Hash table lane of field 0's anchors per width, or -1. */
  any: number[]
}

/** An empty bitmap large enough for a direct index by one byte. */
const NO_BITS = new Int32Array(8)

class GramScanner implements LiteralScanner {
  private readonly tables: (FieldTables | undefined)[] = []
  private readonly tableShift: number
  private readonly tableMask: number
  /** Open-addressing hash table, SLOT ints per slot. */
  private readonly slots: Int32Array
  private readonly entryNeedle: string[] = []
  private readonly entryBack: Int32Array
  private readonly entryIndex: Int32Array

  constructor(anchored: AnchoredNeedle[]) {
    const groups = new Map<string, AnchoredNeedle[]>()
    for (const entry of anchored) getOrAdd(groups, `${laneOf(entry.field, entry.width)}:${entry.gram}`).push(entry)

    const tableBits = Math.max(4, Math.ceil(Math.log2(groups.size * 2 + 1)))
    this.tableShift = 32 - tableBits
    this.tableMask = (1 << tableBits) - 1
    this.slots = new Int32Array(SLOT << tableBits).fill(EMPTY)
    this.entryBack = new Int32Array(anchored.length)
    this.entryIndex = new Int32Array(anchored.length)
    for (const group of groups.values()) this.insert(group)

    const keysByField = new Map<number, AnchoredNeedle[]>()
    for (const group of groups.values()) getOrAdd(keysByField, (group[0] as AnchoredNeedle).field).push(group[0] as AnchoredNeedle)
    const anyKeys = keysByField.get(0) ?? []
    if (anyKeys.length > 0) this.tables[0] = buildTables(0, [], anyKeys)
    for (const [field, keys] of keysByField) if (field !== 0) this.tables[field] = buildTables(field, keys, anyKeys)
  }

  scan(text: string, field: number, found: (needle: number) => void): void {
    const tables = this.tables[field] ?? this.tables[0]
    if (tables === undefined) return
    const bitmaps = tables.bitmaps
    const bytes = bitmaps[0] as Int32Array
    const pairs = bitmaps[1] as Int32Array
    const triples = bitmaps[2] as Int32Array
    const quads = bitmaps[3] as Int32Array
    const pairShift = tables.shifts[1] as number
    const tripleShift = tables.shifts[2] as number
    const quadShift = tables.shifts[3] as number
    const hasBytes = bytes !== NO_BITS
    const hasPairs = pairs !== NO_BITS
    const hasTriples = triples !== NO_BITS

    // Every character passes through this loop, so the bitmap tests stay
    // inline and the hash table is probed only on a hit.
    let gram = 0
    for (let i = 0; i < text.length; i++) {
      let unit = text.charCodeAt(i)
      // Folding wider code units into one byte only adds bitmap hits; the
      // in-place comparison of the whole needle rejects them.
      if (unit > 0xff) unit = 0x80 | (unit & 0x7f)
      gram = (gram << 8) | unit
      if (hasBytes && hasBit(bytes, unit)) this.lookUpLanes(unit, 0, tables, text, i, found)
      if (i < 1) continue
      const pair = gram & 0xffff
      if (hasPairs && hasBit(pairs, Math.imul(pair ^ PAIR_SALT, MULTIPLIER) >>> pairShift)) this.lookUpLanes(pair, 1, tables, text, i, found)
      if (i < 2) continue
      const triple = gram & 0xffffff
      if (hasTriples && hasBit(triples, Math.imul(triple ^ TRIPLE_SALT, MULTIPLIER) >>> tripleShift)) this.lookUpLanes(triple, 2, tables, text, i, found)
      if (i < 3) continue
      if (hasBit(quads, Math.imul(gram ^ QUAD_SALT, MULTIPLIER) >>> quadShift)) this.lookUpLanes(gram, 3, tables, text, i, found)
    }
  }

  private lookUpLanes(gram: number, widthIndex: number, tables: FieldTables, text: string, end: number, found: (needle: number) => void): void {
    const own = tables.own[widthIndex] as number
    if (own >= 0) this.lookUp(gram, own, text, end, found)
    const any = tables.any[widthIndex] as number
    if (any >= 0) this.lookUp(gram, any, text, end, found)
  }

  /** Find the anchor in the hash table and compare its needles in place. */
  private lookUp(gram: number, lane: number, text: string, end: number, found: (needle: number) => void): void {
    const slots = this.slots
    let slot = hashOf(gram, lane) >>> this.tableShift
    for (;;) {
      const at = slot * SLOT
      const slotLane = slots[at] as number
      if (slotLane === EMPTY) return
      if (slotLane === lane && slots[at + 1] === gram) break
      slot = (slot + 1) & this.tableMask
    }
    const last = slots[slot * SLOT + 3] as number
    for (let entry = slots[slot * SLOT + 2] as number; entry < last; entry++) {
      const start = end - (this.entryBack[entry] as number)
      if (start >= 0 && text.startsWith(this.entryNeedle[entry] as string, start)) found(this.entryIndex[entry] as number)
    }
  }

  private insert(group: AnchoredNeedle[]): void {
    const { field, width, gram } = group[0] as AnchoredNeedle
    const lane = laneOf(field, width)
    let slot = hashOf(gram, lane) >>> this.tableShift
    while (this.slots[slot * SLOT] !== EMPTY) slot = (slot + 1) & this.tableMask
    const at = slot * SLOT
    this.slots[at] = lane
    this.slots[at + 1] = gram
    this.slots[at + 2] = this.entryNeedle.length
    for (const entry of group) {
      this.entryBack[this.entryNeedle.length] = entry.back
      this.entryIndex[this.entryNeedle.length] = entry.index
      this.entryNeedle.push(entry.needle)
    }
    this.slots[at + 3] = this.entryNeedle.length
  }
}

// Salts of the bitmap hash per width, so windows of different widths spread apart.
const PAIR_SALT = 0x27d4eb2f
const TRIPLE_SALT = 0x165667b1
const QUAD_SALT = 0x61c88647
const WIDTH_SALT = [0, PAIR_SALT, TRIPLE_SALT, QUAD_SALT]

/** Build the bitmaps of one field from its own distinct anchors and field 0's. */
function buildTables(field: number, own: AnchoredNeedle[], any: AnchoredNeedle[]): FieldTables {
  const tables: FieldTables = { bitmaps: [], shifts: [], own: [], any: [] }
  for (let width = 1; width <= GRAM; width++) {
    const keys = [...own, ...any].filter((anchor) => anchor.width === width)
    tables.own.push(own.some((anchor) => anchor.width === width) ? laneOf(field, width) : -1)
    tables.any.push(any.some((anchor) => anchor.width === width) ? laneOf(0, width) : -1)
    if (keys.length === 0) {
      tables.bitmaps.push(NO_BITS)
      tables.shifts.push(31)
      continue
    }
    // A single character indexes its bitmap directly; wider windows hash.
    const bits = width === 1 ? 8 : Math.min(MAX_BITMAP_BITS, Math.max(8, Math.ceil(Math.log2(keys.length * BITS_PER_KEY))))
    const bitmap = new Int32Array(1 << (bits - 5))
    for (const { gram } of keys) {
      const bit = width === 1 ? gram : Math.imul(gram ^ (WIDTH_SALT[width - 1] as number), MULTIPLIER) >>> (32 - bits)
      bitmap[bit >>> 5] = (bitmap[bit >>> 5] as number) | (1 << (bit & 31))
    }
    tables.bitmaps.push(bitmap)
    tables.shifts.push(32 - bits)
  }
  return tables
}

function hasBit(bitmap: Int32Array, bit: number): boolean {
  return ((bitmap[bit >>> 5] as number) & (1 << (bit & 31))) !== 0
}

/** Number the anchors of one field and width apart from all others. */
function laneOf(field: number, width: number): number {
  return field * GRAM + width - 1
}

function hashOf(gram: number, lane: number): number {
  return Math.imul(gram ^ saltOf(lane), MULTIPLIER)
}

function saltOf(lane: number): number {
  return Math.imul(lane + 1, 0x85ebca6b)
}

/** Pack `width` characters into one number, a byte each, folded as the scan folds them. */
function packGram(text: string, start: number, width: number): number {
  let gram = 0
  for (let i = start; i < start + width; i++) {
    let unit = text.charCodeAt(i)
    if (unit > 0xff) unit = 0x80 | (unit & 0x7f)
    gram = (gram << 8) | unit
  }
  return gram
}

/**
 * Count how many needles contain each GRAM-character window. A window that
 * many needles share (such as `.exe`) is common in values too, so anchoring
 * on it would make most scans probe the table.
 */
function gramFrequency(needles: readonly FieldNeedle[]): Map<number, number> {
  const frequency = new Map<number, number>()
  for (const { needle } of needles) {
    for (let start = 0; start + GRAM <= needle.length; start++) {
      const gram = packGram(needle, start, GRAM)
      frequency.set(gram, (frequency.get(gram) ?? 0) + 1)
    }
  }
  return frequency
}

function rarestWindow(needle: string, frequency: Map<number, number>): number {
  let best = 0
  let bestCount = Infinity
  for (let start = 0; start + GRAM <= needle.length; start++) {
    const count = frequency.get(packGram(needle, start, GRAM)) ?? 0
    if (count < bestCount) {
      best = start
      bestCount = count
    }
  }
  return best
}

function getOrAdd<K, V>(map: Map<K, V[]>, key: K): V[] {
  let value = map.get(key)
  if (value === undefined) map.set(key, (value = []))
  return value
}
