import * as core from '@actions/core'
import type { Logger } from '../logger.js'

/** The engine's logger on `@actions/core`, plus what the action reads back. */
export interface CoreLogger extends Logger {
  /** Warnings logged so far; each uses one of the step's warning annotations. */
  readonly warningCount: number
  /** Close groups the engine left open, e.g. when it threw inside one. */
  closeGroups(): void
}

/**
 * Keep lines of a log message from reading as workflow commands: the runner
 * takes any line that starts with `::` after blanks as one, so a path or rule
 * value in the message could otherwise add annotations or stop commands.
 * `core.warning` and `core.debug` need no such step because they encode line
 * breaks themselves.
 */
export function neutralizeCommands(message: string): string {
  return message.replace(/^(\s*):(?=:)/gm, '$1%3A')
}

/** Create a logger that writes to the Actions log through `@actions/core`. */
export function createCoreLogger(): CoreLogger {
  let warningCount = 0
  let openGroups = 0

  return {
    info: (message) => core.info(neutralizeCommands(message)),
    debug: (message) => core.debug(message),
    warning: (message) => {
      warningCount += 1
      core.warning(message)
    },
    startGroup: (title) => {
      openGroups += 1
      core.startGroup(title)
    },
    endGroup: () => {
      openGroups = Math.max(0, openGroups - 1)
      core.endGroup()
    },
    closeGroups: () => {
      for (; openGroups > 0; openGroups -= 1) core.endGroup()
    },
    get warningCount() {
      return warningCount
    },
  }
}
