import * as zlib from 'node:zlib'

/** Computes the CRC-32 of zlib, gzip and PNG over `bytes`, from `crc`. */
export type Crc32 = (bytes: Uint8Array, crc?: number) => number

const REFLECTED_POLYNOMIAL = 0xedb88320

function buildTable(): Uint32Array {
  const table = new Uint32Array(256)

  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) {
      c = c & 1 ? REFLECTED_POLYNOMIAL ^ (c >>> 1) : c >>> 1
    }
    table[n] = c >>> 0
  }

  return table
}

let table: Uint32Array | undefined

/** Computes the CRC-32 in TypeScript for Node releases before 20.15. */
function crc32Fallback(bytes: Uint8Array, crc = 0): number {
  table ??= buildTable()
  let c = ~crc >>> 0

  for (let i = 0; i < bytes.length; i++) {
    c = (table[(c ^ (bytes[i] ?? 0)) & 0xff] ?? 0) ^ (c >>> 8)
  }

  return ~c >>> 0
}

// zlib.crc32 exists from Node 20.15 on, and package.json allows any Node 20.
const native: Crc32 | undefined =
  typeof zlib.crc32 === 'function' ? zlib.crc32 : undefined

/** Computes the CRC-32 of `bytes`, continuing from `crc` when given. */
export const crc32: Crc32 = native ?? crc32Fallback

export { crc32Fallback }
