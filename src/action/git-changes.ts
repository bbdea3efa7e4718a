import { execFile } from 'node:child_process'
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)

/** Files a pull request changed, relative to the repository root, or why not. */
export type ChangedFiles =
  | { ok: true; files: string[]; deleted: string[]; base: string }
  | { ok: false; message: string }

/** Return the top level of the git work tree holding `directory`. */
export async function gitTopLevel(directory: string): Promise<string | undefined> {
  const result = await git(directory, ['rev-parse', '--show-toplevel'])
  return result?.trim()
}

/**
 * List the files changed between the base and head commits, from their
 * merge base (`base...head`). A shallow checkout may lack the merge base,
 * so the plain `base head` diff is the fallback; `checkout` with
 * `fetch-depth: 0` makes the first one work.
 */
export async function changedFilesBetween(
  top: string,
  base: string,
  head: string,
): Promise<ChangedFiles> {
  for (const range of [[`${base}...${head}`], [base, head]]) {
    const all = await git(top, ['diff', '--name-only', '--no-renames', '-z', ...range])
    if (all === undefined) continue

    const deleted = await git(top, ['diff', '--name-only', '--no-renames', '-z', '--diff-filter=D', ...range])
    return {
      ok: true,
      files: splitNul(all),
      deleted: splitNul(deleted ?? ''),
      base,
    }
  }

  return {
    ok: false,
    message: `git could not diff the base commit '${base}' against '${head}'. Check out the repository with 'fetch-depth: 0' in actions/checkout so both commits are present.`,
  }
}

/** Read a file as it is at a commit, or undefined when it did not exist. */
export async function gitShow(top: string, commit: string, file: string): Promise<string | undefined> {
  return git(top, ['show', `${commit}:${file}`])
}

/**
 * Copy the base versions of `files` (repository paths) into a new temporary
 * directory at the same relative paths, and return it. Files that did not
 * exist at `commit` are skipped. Only reads git objects; runs nothing.
 */
export async function checkoutFilesToTemp(
  top: string,
  commit: string,
  files: readonly string[],
): Promise<{ directory: string; written: string[] }> {
  const directory = await mkdtemp(path.join(os.tmpdir(), 'sigma-gate-base-'))
  const written: string[] = []
  for (const file of files) {
    const text = await gitShow(top, commit, file)
    if (text === undefined) continue

    const target = path.join(directory, ...file.split('/'))
    await mkdir(path.dirname(target), { recursive: true })
    await writeFile(target, text)
    written.push(file)
  }

  return { directory, written }
}

/** Remove a temporary directory made by `checkoutFilesToTemp`. */
export async function removeTemp(directory: string): Promise<void> {
  await rm(directory, { recursive: true, force: true })
}

async function git(cwd: string, args: string[]): Promise<string | undefined> {
  try {
    const result = await run('git', args, { cwd, maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' })
    return result.stdout
  } catch {
    return undefined
  }
}

function splitNul(text: string): string[] {
  return text.split('\0').filter((entry) => entry !== '')
}
