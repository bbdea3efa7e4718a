/**
 * A reader for Splunk `.conf` files by the rules `conf-writer.ts` writes
 * to: `#` comment lines, `[name]` stanzas, `key = value` settings, and a
 * trailing backslash that continues a value on the next line (the line
 * break is kept in the value). Settings above the first stanza belong to
 * `default`, as in Splunk.
 */

export interface ParsedStanza {
  name: string
  /** 1-based line of the `[name]` header; 0 for the implicit `default`. */
  line: number
  settings: Record<string, string>
}

export interface ConfProblem {
  line: number
  message: string
}

export interface ParsedConf {
  stanzas: ParsedStanza[]
  problems: ConfProblem[]
}

/** Parse the text of a `.conf` file; problems are reported, never thrown. */
export function parseConf(text: string): ParsedConf {
  const lines = text.split(/\r\n|\r|\n/)
  const stanzas: ParsedStanza[] = []
  const problems: ConfProblem[] = []
  let current: ParsedStanza | undefined

  for (let index = 0; index < lines.length; index++) {
    const lineNumber = index + 1
    let line = lines[index] as string
    const trimmed = line.trim()
    if (trimmed === '' || trimmed.startsWith('#')) continue

    if (trimmed.startsWith('[')) {
      if (!trimmed.endsWith(']')) {
        problems.push({ line: lineNumber, message: `The stanza header '${trimmed}' has no closing ']'.` })
        continue
      }
      current = { name: trimmed.slice(1, -1), line: lineNumber, settings: {} }
      stanzas.push(current)
      continue
    }

    while (line.endsWith('\\') && index + 1 < lines.length) {
      index++
      line = line.slice(0, -1) + '\n' + (lines[index] as string)
    }
    const equals = line.indexOf('=')
    if (equals < 0) {
      problems.push({ line: lineNumber, message: `The line '${trimmed}' is neither a comment, a stanza header nor 'key = value'.` })
      continue
    }
    if (!current) {
      current = { name: 'default', line: 0, settings: {} }
      stanzas.push(current)
    }
    const key = line.slice(0, equals).trim()
    current.settings[key] = line.slice(equals + 1).trim()
  }
  return { stanzas, problems }
}
