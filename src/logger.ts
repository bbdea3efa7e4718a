/**
 * Where the engine writes progress. The CLI adapts it to stderr and the
 * action to @actions/core, so the engine never imports @actions/*.
 */
export interface Logger {
  info(message: string): void
  warning(message: string): void
  debug(message: string): void
  /** Open a collapsible phase in the log, e.g. "Linting rules". */
  startGroup(title: string): void
  endGroup(): void
}

export const silentLogger: Logger = {
  info: () => {},
  warning: () => {},
  debug: () => {},
  startGroup: () => {},
  endGroup: () => {},
}
