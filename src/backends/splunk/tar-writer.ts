import { gzipSync } from 'node:zlib'

/**
 * A minimal writer of gzip-compressed POSIX ustar archives, enough for a
 * Splunk app package: regular files and directories, sorted by path, with a
 * fixed time, owner and mode, so the same files always give the same bytes.
 */

export interface TarFile {
  /** Path inside the archive, with `/` separators and no leading `/`. */
  path: string
  content: string | Uint8Array
}

/** The fixed modification time of every entry: 2024-01-01T00:00:00Z. */
export const TAR_MTIME = 1_704_067_200

const BLOCK = 512

/** Pack files into a `.tgz`; their parent directories are added as entries. */
export function writeTgz(files: readonly TarFile[]): Buffer {
  return gzipSync(writeTar(files), { level: 9 })
}

/** Pack files into an uncompressed tar archive. */
export function writeTar(files: readonly TarFile[]): Buffer {
  const entries = new Map<string, Buffer | undefined>()
  for (const file of files) {
    const parts = file.path.split('/')
    for (let i = 1; i < parts.length; i++) {
      entries.set(parts.slice(0, i).join('/') + '/', undefined)
    }
    const content = typeof file.content === 'string' ? Buffer.from(file.content, 'utf8') : Buffer.from(file.content)
    entries.set(file.path, content)
  }

  const blocks: Buffer[] = []
  for (const name of [...entries.keys()].sort()) {
    const content = entries.get(name)
    blocks.push(header(name, content))
    if (content) blocks.push(content, Buffer.alloc(padding(content.length)))
  }
  blocks.push(Buffer.alloc(BLOCK * 2))
  return Buffer.concat(blocks)
}

function padding(size: number): number {
  return (BLOCK - (size % BLOCK)) % BLOCK
}

/** Build one ustar header; a directory has no content. */
function header(name: string, content: Buffer | undefined): Buffer {
  const block = Buffer.alloc(BLOCK)
  const [prefix, base] = splitName(name)
  block.write(base, 0, 100, 'utf8')
  writeOctal(block, 100, 8, content ? 0o644 : 0o755)
  writeOctal(block, 108, 8, 0)
  writeOctal(block, 116, 8, 0)
  writeOctal(block, 124, 12, content?.length ?? 0)
  writeOctal(block, 136, 12, TAR_MTIME)
  block.write('        ', 148, 8, 'ascii')
  block.write(content ? '0' : '5', 156, 1, 'ascii')
  block.write('ustar\u000000', 257, 8, 'ascii')
  block.write(prefix, 345, 155, 'utf8')

  let sum = 0
  for (const byte of block) sum += byte
  writeOctal(block, 148, 7, sum)
  return block
}

/** Split a path into ustar's prefix (155 bytes) and name (100 bytes). */
function splitName(name: string): [string, string] {
  if (Buffer.byteLength(name) <= 100) return ['', name]
  const cut = name.lastIndexOf('/', name.length - 2)
  const prefix = name.slice(0, cut)
  const base = name.slice(cut + 1)
  if (cut < 0 || Buffer.byteLength(prefix) > 155 || Buffer.byteLength(base) > 100) {
    throw new RangeError(`The path '${name}' is too long for a ustar archive.`)
  }
  return [prefix, base]
}

/** Write a zero-padded octal number and its terminating NUL. */
function writeOctal(block: Buffer, offset: number, width: number, value: number): void {
  block.write(value.toString(8).padStart(width - 1, '0') + '\u0000', offset, width, 'ascii')
}
