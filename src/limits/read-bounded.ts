import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs'
import { open } from 'node:fs/promises'

/** The bytes of a file read with a size bound. */
export type BoundedRead =
  | { ok: true; bytes: Buffer }
  | { ok: false; reason: 'too-large'; maxBytes: number }
  | { ok: false; reason: 'unreadable'; message: string }

const CHUNK_BYTES = 1024 * 1024

/**
 * Read a file, stopping once it is larger than `maxBytes`. A regular file is
 * read synchronously (`readRegularFileSync`) and a named pipe or socket is
 * reported unreadable. Anything else, such as a device, is read in chunks
 * whose bytes are counted, because it reports size 0. At most `maxBytes`
 * plus one chunk is held in memory.
 */
export async function readBounded(file: string, maxBytes: number): Promise<BoundedRead> {
  return readRegularFileSync(file, maxBytes) ?? readInChunks(file, maxBytes)
}

async function readInChunks(file: string, maxBytes: number): Promise<BoundedRead> {
  let handle
  try {
    handle = await open(file, 'r')
  } catch (error) {
    return { ok: false, reason: 'unreadable', message: error instanceof Error ? error.message : String(error) }
  }

  try {
    const info = await handle.stat()
    if (info.isFile() && info.size > maxBytes) return { ok: false, reason: 'too-large', maxBytes }
    const chunks: Buffer[] = []
    let total = 0
    // A buffer sized from the reported size (plus a byte to see the end)
    // spares each small rule file a zeroed megabyte; only the bytes read are
    // kept, so the unzeroed rest is never seen.
    const chunkBytes = info.isFile() && info.size > 0 ? Math.min(info.size + 1, CHUNK_BYTES) : CHUNK_BYTES
    for (;;) {
      const chunk = Buffer.allocUnsafe(chunkBytes)
      const { bytesRead } = await handle.read(chunk, 0, chunkBytes, null)
      if (bytesRead === 0) break
      total += bytesRead
      if (total > maxBytes) return { ok: false, reason: 'too-large', maxBytes }
      chunks.push(chunk.subarray(0, bytesRead))
    }
    return { ok: true, bytes: Buffer.concat(chunks, total) }
  } catch (error) {
    return { ok: false, reason: 'unreadable', message: error instanceof Error ? error.message : String(error) }
  } finally {
    await handle.close()
  }
}

/**
 * Read a regular file synchronously within `maxBytes`. A named pipe or a
 * socket is unreadable here, because a read could wait for a writer
 * forever. For a device it returns undefined, and `readBounded` reads it. Rule
 * files are small and many, and a synchronous read spares them the round
 * trip through the thread pool that each awaited step of `readBounded` costs. The file is opened non-blocking, so opening a named pipe
 * without a writer does not stall the run.
 */
export function readRegularFileSync(file: string, maxBytes: number): BoundedRead | undefined {
  let descriptor: number
  try {
    descriptor = openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0))
  } catch (error) {
    return { ok: false, reason: 'unreadable', message: error instanceof Error ? error.message : String(error) }
  }
  try {
    const info = fstatSync(descriptor)
    if (info.isFIFO() || info.isSocket()) return { ok: false, reason: 'unreadable', message: 'it is a named pipe or a socket, not a regular file' }
    if (!info.isFile()) return undefined
    if (info.size > maxBytes) return { ok: false, reason: 'too-large', maxBytes }
    // One byte more than the reported size shows whether the file grew.
    let buffer = Buffer.allocUnsafe(Math.min(info.size, maxBytes) + 1)
    let total = 0
    for (;;) {
      const bytesRead = readSync(descriptor, buffer, total, buffer.length - total, null)
      if (bytesRead === 0) break
      total += bytesRead
      if (total > maxBytes) return { ok: false, reason: 'too-large', maxBytes }
      if (total === buffer.length) {
        const larger = Buffer.allocUnsafe(Math.min(buffer.length * 2, maxBytes + 1))
        buffer.copy(larger, 0, 0, total)
        buffer = larger
      }
    }
    return { ok: true, bytes: buffer.subarray(0, total) }
  } catch (error) {
    return { ok: false, reason: 'unreadable', message: error instanceof Error ? error.message : String(error) }
  } finally {
    closeSync(descriptor)
  }
}

/**
 * Return a file's text for a text scan, or an empty string when it is not a
 * readable regular file within `maxBytes`: the run reports such a file when
 * it compiles it.
 */
export function readTextForScan(file: string, maxBytes: number): string {
  const read = readRegularFileSync(file, maxBytes)
  return read?.ok ? read.bytes.toString('utf8') : ''
}
