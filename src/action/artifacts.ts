import { createHash } from 'node:crypto'
import { readdir } from 'node:fs/promises'
import path from 'node:path'

/** Uploads files as one workflow artifact; tests pass a fake. */
export interface ArtifactUploader {
  /**
   * Upload `files` (absolute, all under `rootDirectory`) as artifact `name`,
   * replacing an artifact of the same name from an earlier attempt.
   */
  upload(
    name: string,
    files: readonly string[],
    rootDirectory: string,
    options: { retentionDays?: number },
  ): Promise<{ id?: number; size?: number }>
}

/**
 * Create the uploader on `@actions/artifact`, imported on first upload so a
 * run that uploads nothing never loads it (it is large and ESM-only). A
 * same-name artifact is deleted first, since GitHub rejects a second upload
 * of a name within one workflow run.
 */
export function createArtifactUploader(): ArtifactUploader {
  return {
    async upload(name, files, rootDirectory, options) {
      const { DefaultArtifactClient } = await import('@actions/artifact')
      const client = new DefaultArtifactClient()
      await client.deleteArtifact(name).catch(() => undefined)
      const uploadOptions =
        options.retentionDays === undefined
          ? {}
          : { retentionDays: options.retentionDays }
      return client.uploadArtifact(name, [...files], rootDirectory, uploadOptions)
    },
  }
}

/** Characters an artifact name may not contain. */
const forbidden = /[":<>|*?\\/\r\n]/g

/**
 * Make an artifact name unique per job, matrix entry and attempt: the base
 * name, the job id, a short hash of what tells matrix entries apart (their
 * inputs), and the run attempt, e.g. `sigma-gate-lint-3f2a9c1d-attempt-2`.
 */
export function uniqueArtifactName(
  base: string,
  job: string,
  matrixKey: string,
  attempt: string,
): string {
  const hash = createHash('sha256').update(matrixKey).digest('hex').slice(0, 8)
  const parts = [base, job, hash, `attempt-${attempt || '1'}`]
  return parts
    .filter((part) => part !== '')
    .join('-')
    .replace(forbidden, '_')
}

/** List every file under a directory, recursively, as absolute paths. */
export async function listFiles(directory: string): Promise<string[]> {
  const entries = await readdir(directory, {
    recursive: true,
    withFileTypes: true,
  }).catch(() => [])
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort()
}
