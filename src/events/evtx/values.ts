/**
 * Decoding of the typed substitution values of EVTX binary XML, rendered the
 * way evtx_dump's JSON output renders them: integers as numbers, HexInt and
 * SizeT as `0x` strings, GUIDs upper case without braces, times with six
 * truncated fraction digits.
 */

/** A rendered scalar: the JSON value evtx_dump writes for it. */
export type JsonScalar = string | number | boolean | null

export const VALUE_TYPE = {
  null: 0x00,
  string: 0x01,
  ansiString: 0x02,
  int8: 0x03,
  uint8: 0x04,
  int16: 0x05,
  uint16: 0x06,
  int32: 0x07,
  uint32: 0x08,
  int64: 0x09,
  uint64: 0x0a,
  real32: 0x0b,
  real64: 0x0c,
  bool: 0x0d,
  binary: 0x0e,
  guid: 0x0f,
  sizeT: 0x10,
  fileTime: 0x11,
  systemTime: 0x12,
  sid: 0x13,
  hexInt32: 0x14,
  hexInt64: 0x15,
  binXml: 0x21,
  arrayFlag: 0x80,
} as const

/** Byte width of each fixed-size type, also the item width in arrays. */
const FIXED_SIZE: Partial<Record<number, number>> = {
  [VALUE_TYPE.int8]: 1,
  [VALUE_TYPE.uint8]: 1,
  [VALUE_TYPE.int16]: 2,
  [VALUE_TYPE.uint16]: 2,
  [VALUE_TYPE.int32]: 4,
  [VALUE_TYPE.uint32]: 4,
  [VALUE_TYPE.int64]: 8,
  [VALUE_TYPE.uint64]: 8,
  [VALUE_TYPE.real32]: 4,
  [VALUE_TYPE.real64]: 8,
  [VALUE_TYPE.bool]: 4,
  [VALUE_TYPE.guid]: 16,
  [VALUE_TYPE.fileTime]: 8,
  [VALUE_TYPE.systemTime]: 16,
  [VALUE_TYPE.hexInt32]: 4,
  [VALUE_TYPE.hexInt64]: 8,
}

/** Ticks of 100 ns between 1601-01-01 and 1970-01-01. */
const FILETIME_UNIX_EPOCH_SECONDS = 11_644_473_600n

const utf16Decoder = new TextDecoder('utf-16le')
const ansiDecoder = new TextDecoder('windows-1252')

/** Decodes UTF-16LE code units, stopping at the first NUL unit. */
export function decodeUtf16(
  bytes: Uint8Array,
  start: number,
  byteLength: number,
): string {
  let end = start + (byteLength & ~1)

  for (let i = start; i < end; i += 2) {
    if (bytes[i] === 0 && bytes[i + 1] === 0) {
      end = i
      break
    }
  }

  return utf16Decoder.decode(bytes.subarray(start, end))
}

/** Formats bytes as contiguous upper-case hex, as Windows renders Binary. */
export function hexBytes(bytes: Uint8Array, start: number, size: number) {
  let text = ''

  for (let i = start; i < start + size; i++) {
    text += (bytes[i] ?? 0).toString(16).padStart(2, '0')
  }

  return text.toUpperCase()
}

/** Formats a GUID upper case without braces, as evtx_dump does. */
export function formatGuid(view: DataView, offset: number): string {
  const hex = (value: number, digits: number) =>
    value.toString(16).padStart(digits, '0')
  const data1 = hex(view.getUint32(offset, true), 8)
  const data2 = hex(view.getUint16(offset + 4, true), 4)
  const data3 = hex(view.getUint16(offset + 6, true), 4)
  let data4 = ''
  for (let i = 8; i < 16; i++) {
    if (i === 10) data4 += '-'
    data4 += hex(view.getUint8(offset + i), 2)
  }

  return `${data1}-${data2}-${data3}-${data4}`.toUpperCase()
}

/** Formats a FILETIME as ISO 8601 UTC with six truncated fraction digits. */
export function formatFileTime(ticks: bigint): string {
  const seconds = ticks / 10_000_000n
  const micros = (ticks % 10_000_000n) / 10n
  const unixMillis = (seconds - FILETIME_UNIX_EPOCH_SECONDS) * 1000n
  const iso = new Date(Number(unixMillis)).toISOString()

  return iso.replace(/\.\d{3}Z$/, `.${String(micros).padStart(6, '0')}Z`)
}

/** Formats a SYSTEMTIME, or returns undefined when a field is out of range. */
function formatSystemTime(view: DataView, offset: number) {
  const field = (index: number) => view.getUint16(offset + index * 2, true)
  const [year, month, day] = [field(0), field(1), field(3)]
  const [hour, minute, second] = [field(4), field(5), field(6)]
  const millis = field(7)

  if (year + month + day + hour + minute + second + millis === 0) {
    return '1601-01-01T00:00:00.000000Z'
  }
  const valid =
    month >= 1 && month <= 12 && day >= 1 && day <= 31 && hour < 24
  if (!valid || minute > 59 || second > 59 || millis > 999) return undefined

  const pad = (value: number, digits = 2) => String(value).padStart(digits, '0')
  const date = `${pad(year, 4)}-${pad(month)}-${pad(day)}`
  const time = `${pad(hour)}:${pad(minute)}:${pad(second)}`

  return `${date}T${time}.${pad(millis, 3)}000Z`
}

/**
 * Formats a binary SID as `S-1-5-...`, or returns undefined when the
 * sub-authority count does not fit in `size` bytes.
 */
function formatSid(view: DataView, offset: number, size: number) {
  if (size < 8) return undefined
  const count = view.getUint8(offset + 1)
  if (count > 15 || 8 + 4 * count > size) return undefined

  // The identifier authority is a big-endian 48-bit integer.
  const authority =
    view.getUint16(offset + 2, false) * 2 ** 32 +
    view.getUint32(offset + 4, false)
  let text = `S-${view.getUint8(offset)}-${authority}`
  for (let i = 0; i < count; i++) {
    text += `-${view.getUint32(offset + 8 + 4 * i, true)}`
  }

  return text
}

/** Returns the number when it is exact, else its decimal text. */
function integerValue(value: bigint): number | string {
  const asNumber = Number(value)
  return Number.isSafeInteger(asNumber) ? asNumber : value.toString()
}

/** Formats a float32 with the fewest digits that read back the same. */
function formatReal32(value: number): string {
  if (!Number.isFinite(value)) return String(value)

  for (let precision = 1; precision <= 9; precision++) {
    const text = value.toPrecision(precision)
    if (Math.fround(Number(text)) === value) return String(Number(text))
  }

  return String(value)
}

/** Decodes a fixed-size value whose size matches the type. */
function decodeFixed(view: DataView, offset: number, type: number) {
  switch (type) {
    case VALUE_TYPE.int8:
      return view.getInt8(offset)
    case VALUE_TYPE.uint8:
      return view.getUint8(offset)
    case VALUE_TYPE.int16:
      return view.getInt16(offset, true)
    case VALUE_TYPE.uint16:
      return view.getUint16(offset, true)
    case VALUE_TYPE.int32:
      return view.getInt32(offset, true)
    case VALUE_TYPE.uint32:
      return view.getUint32(offset, true)
    case VALUE_TYPE.int64:
      return integerValue(view.getBigInt64(offset, true))
    case VALUE_TYPE.uint64:
      return integerValue(view.getBigUint64(offset, true))
    case VALUE_TYPE.real32:
      return formatReal32(view.getFloat32(offset, true))
    case VALUE_TYPE.real64:
      return String(view.getFloat64(offset, true))
    case VALUE_TYPE.guid:
      return formatGuid(view, offset)
    case VALUE_TYPE.fileTime:
      return formatFileTime(view.getBigUint64(offset, true))
    case VALUE_TYPE.systemTime:
      return formatSystemTime(view, offset)
    case VALUE_TYPE.hexInt32:
      return `0x${view.getUint32(offset, true).toString(16)}`
    case VALUE_TYPE.hexInt64:
      return `0x${view.getBigUint64(offset, true).toString(16)}`
    default:
      return undefined
  }
}

/** Decodes an unsigned little-endian integer of 1, 2, 4 or 8 bytes. */
function readUnsigned(view: DataView, offset: number, size: number) {
  if (size === 1) return BigInt(view.getUint8(offset))
  if (size === 2) return BigInt(view.getUint16(offset, true))
  if (size === 4) return BigInt(view.getUint32(offset, true))
  if (size === 8) return view.getBigUint64(offset, true)
  return undefined
}

/**
 * Decodes one scalar value of `type` from `size` bytes at `offset`. Returns
 * undefined when the bytes do not fit the type, so that the caller can fall
 * back to hex text and report it.
 */
export function decodeScalar(
  bytes: Uint8Array,
  view: DataView,
  offset: number,
  size: number,
  type: number,
): JsonScalar | undefined {
  if (size === 0 || type === VALUE_TYPE.null) return null

  switch (type) {
    case VALUE_TYPE.string:
      return decodeUtf16(bytes, offset, size)
    case VALUE_TYPE.ansiString:
      return ansiDecoder.decode(
        bytes.subarray(offset, offset + size).filter((byte) => byte !== 0),
      )
    case VALUE_TYPE.binary:
      return hexBytes(bytes, offset, size)
    case VALUE_TYPE.sid:
      return formatSid(view, offset, size)
    case VALUE_TYPE.bool: {
      // Writers disagree on the width of Bool, so decode by the value size.
      const value = readUnsigned(view, offset, size)
      return value === undefined ? undefined : value !== 0n
    }
    case VALUE_TYPE.sizeT: {
      if (size !== 4 && size !== 8) return undefined
      return `0x${(readUnsigned(view, offset, size) ?? 0n).toString(16)}`
    }
  }

  if (FIXED_SIZE[type] !== size) return undefined
  return decodeFixed(view, offset, type)
}

/** Splits a NUL-terminated string list, keeping empty items in the middle. */
function splitTerminated(items: string[]): string[] {
  if (items.length > 0 && items[items.length - 1] === '') items.pop()
  return items
}

/** Finds the width of one item of an array of fixed-size `itemType`. */
function arrayItemSize(itemType: number, size: number): number | undefined {
  // SizeT arrays do not record their width; 8 is the 64-bit Windows width.
  if (itemType === VALUE_TYPE.sizeT) return size % 8 === 0 ? 8 : 4
  return FIXED_SIZE[itemType]
}

/**
 * Decodes an array value (type `0x80 | itemType`) into its items. Returns
 * undefined when the bytes cannot be split into whole items.
 */
export function decodeArray(
  bytes: Uint8Array,
  view: DataView,
  offset: number,
  size: number,
  itemType: number,
): JsonScalar[] | undefined {
  if (itemType === VALUE_TYPE.string) {
    const end = offset + (size & ~1)
    const text = utf16Decoder.decode(bytes.subarray(offset, end))
    return splitTerminated(text.split('\u0000'))
  }
  if (itemType === VALUE_TYPE.ansiString) {
    const text = ansiDecoder.decode(bytes.subarray(offset, offset + size))
    return splitTerminated(text.split('\u0000'))
  }
  if (itemType === VALUE_TYPE.sid) return decodeSidArray(view, offset, size)

  const itemSize = arrayItemSize(itemType, size)
  if (itemSize === undefined || size % itemSize !== 0) return undefined
  const items: JsonScalar[] = []
  for (let at = offset; at < offset + size; at += itemSize) {
    const item = decodeScalar(bytes, view, at, itemSize, itemType)
    items.push(item === undefined ? hexBytes(bytes, at, itemSize) : item)
  }

  return items
}

/** Decodes back-to-back SIDs, each sized by its own sub-authority count. */
function decodeSidArray(view: DataView, offset: number, size: number) {
  const items: JsonScalar[] = []
  let at = offset

  while (at < offset + size) {
    const remaining = offset + size - at
    if (remaining < 8) return undefined
    const itemSize = 8 + 4 * view.getUint8(at + 1)
    const item = formatSid(view, at, Math.min(itemSize, remaining))
    if (item === undefined) return undefined
    items.push(item)
    at += itemSize
  }

  return items
}
