/**
 * A writer for Splunk `.conf` files (savedsearches.conf, macros.conf,
 * app.conf, default.meta). Splunk reads a file line by line: `# ...` lines
 * are comments, `[name]` starts a stanza, `key = value` sets a value, and a
 * line ending in a backslash continues on the next line. So that no value
 * can break a stanza, the writer never lets a value start a line with `[`,
 * `#` or `;`, and never ends a physical line with a backslash that belongs
 * to the value.
 */

/** One stanza: a name, its settings in order, and comment lines above it. */
export interface ConfStanza {
  name: string
  settings: ReadonlyArray<readonly [string, string]>
  comments?: readonly string[]
}

const CONTROL_EXCEPT_TAB_AND_NEWLINE = /[\u0000-\u0008\u000b-\u001f\u007f]/g

/** Write a whole `.conf` file: header comments, then the stanzas. */
export function writeConf(
  stanzas: readonly ConfStanza[],
  header: readonly string[] = [],
): string {
  const blocks: string[] = []
  if (header.length > 0) blocks.push(header.map(writeComment).join('\n'))
  for (const stanza of stanzas) blocks.push(writeStanza(stanza))
  return blocks.join('\n\n') + '\n'
}

function writeStanza(stanza: ConfStanza): string {
  const lines = (stanza.comments ?? []).map(writeComment)
  lines.push(`[${confStanzaName(stanza.name)}]`)
  for (const [key, value] of stanza.settings) {
    lines.push(`${key} = ${writeConfValue(value)}`)
  }
  return lines.join('\n')
}

/** Write a comment; each line of the text gets its own `#`. */
function writeComment(text: string): string {
  return text
    .split(/\r\n|\r|\n/)
    .map((line) => (line === '' ? '#' : `# ${line}`))
    .join('\n')
}

/**
 * Make text safe as a stanza name: one line, without `[` or `]` (pySigma
 * drops them too), and without surrounding spaces, which Splunk trims. An
 * empty result names the default stanza, so callers give a fallback.
 */
export function confStanzaName(text: string): string {
  return text
    .replace(/\r\n|\r|\n/g, ' ')
    .replace(CONTROL_EXCEPT_TAB_AND_NEWLINE, ' ')
    .replace(/[[\]]/g, '')
    .trim()
}

/**
 * Write a value: line breaks (LF or CRLF) become backslash continuations, a line that
 * would end in the value's own backslash gets a trailing space, and a
 * continued line that would start with `[`, `#` or `;` gets a leading space.
 * Other control characters, a lone CR included, become spaces.
 */
export function writeConfValue(value: string): string {
  const lines = value
    .replace(/\r\n/g, '\n')
    .replace(CONTROL_EXCEPT_TAB_AND_NEWLINE, ' ')
    .split('\n')

  return lines
    .map((line, index) => {
      let safe = line
      if (index > 0 && /^[[#;]/.test(safe)) safe = ' ' + safe
      if (safe.endsWith('\\')) safe += ' '
      return index < lines.length - 1 ? safe + '\\' : safe
    })
    .join('\n')
}
