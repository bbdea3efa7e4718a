import path from 'node:path'
import type { RuleSelection, ScannedTree } from '../changed-rules.js'
import { scanRuleTree, selectChangedRules } from '../changed-rules.js'
import type { Logger } from '../logger.js'
import { changedFilesBetween, gitTopLevel } from './git-changes.js'
import type { GithubContext } from './github-context.js'

/** Files the pull request changed, and where the repository is. */
export interface PullRequestChanges {
  /** Root of the git work tree; repository paths are relative to it. */
  top: string
  /** Base commit the changes are measured against. */
  base: string
  /** Changed files, repository-relative with `/`. */
  files: string[]
  /** Files the pull request deletes, repository-relative. */
  deleted: string[]
}

/** The changes plus, in changed-only mode, the rules to check. */
export interface PullRequestScope {
  changes?: PullRequestChanges
  selection?: RuleSelection
  /** The text scan of the whole tree, kept for coverage of unchecked rules. */
  tree?: ScannedTree
}

/**
 * Find the pull request's changed files with git (needs the base commit in
 * the checkout) and, when `changedOnly` is set, select the rules to check:
 * the changed rules and the rules that depend on them. Outside a pull
 * request, or when git cannot diff, it logs why and checks everything.
 */
export async function preparePullRequest(options: {
  context: GithubContext
  cwd: string
  paths: readonly string[]
  changedOnly: boolean
  logger: Logger
}): Promise<PullRequestScope> {
  const { context, cwd, logger } = options
  if (context.baseSha === undefined) {
    if (options.changedOnly) {
      logger.warning(`changed-only is set, but the event '${context.eventName || 'unknown'}' is not a pull request, so every rule was checked.`)
    }
    return {}
  }

  const top = await gitTopLevel(cwd)
  if (top === undefined) {
    logger.warning(`The directory '${cwd}' is not inside a git checkout, so changed files are unknown and every rule was checked.`)
    return {}
  }

  const diff = await changedFilesBetween(top, context.baseSha, 'HEAD')
  if (!diff.ok) {
    logger.warning(`${diff.message} Every rule was checked.`)
    return {}
  }

  const changes: PullRequestChanges = {
    top,
    base: context.baseSha,
    files: diff.files,
    deleted: diff.deleted,
  }
  if (!options.changedOnly) return { changes }

  const tree = await scanRuleTree(options.paths, cwd)
  const absolute = changes.files.map((file) => path.join(top, ...file.split('/')))
  const { selection, selected } = selectChangedRules(tree, absolute)
  logger.info(`changed-only: ${changes.files.length} changed files; checking ${selected.length} of ${tree.rules.length} rule files.`)
  for (const entry of selected) {
    logger.info(`  ${path.relative(cwd, entry.file)}: ${entry.reason}`)
  }

  return { changes, selection, tree }
}
