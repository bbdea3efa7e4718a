import type { Command } from 'commander'
import { InvalidArgumentError, Option } from 'commander'
import type { Logger } from '../logger.js'
import { DEFAULT_VERIFY_INDEX, DEFAULT_VERIFY_SOURCETYPE, DEFAULT_VERIFY_TIMING } from './verify-defaults.js'

/** Environment variable holding the Splunk authentication token for the REST API. */
export const REST_TOKEN_VARIABLE = 'SPLUNK_TOKEN'

/** Environment variable holding the HTTP Event Collector token. */
export const HEC_TOKEN_VARIABLE = 'SPLUNK_HEC_TOKEN'

interface VerifyCommandOptions {
  splunkUrl: string
  hecUrl?: string
  index: string
  sourcetype: string
  insecureSkipTlsVerify?: boolean
  keepEvents?: boolean
  indexTimeout: number
  searchTimeout: number
  format: 'text' | 'json'
  verbose?: boolean
}

/** Environment, working directory and output streams of the verify verb; tests pass their own. */
export interface VerifyIo {
  env: Record<string, string | undefined>
  cwd: string
  stdout: (text: string) => void
  stderr: (text: string) => void
}

const processIo = (): VerifyIo => ({
  env: process.env,
  cwd: process.cwd(),
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
})

/** Add the `verify` verb; `exit` receives 0 (agreed), 1 (disagreements or errors) or 2 (usage). */
export function addVerifyCommand(program: Command, exit: (code: number) => void, io: () => VerifyIo = processIo): void {
  program
    .command('verify')
    .description("send each rule's fixture events to a Splunk scratch index and check that Splunk returns the events the SPL engine matches")
    .argument('[paths...]', 'rule files or directories', ['rules'])
    .requiredOption('--splunk-url <url>', `Splunk management URL such as https://splunk.example.com:8089; the token is read from ${REST_TOKEN_VARIABLE}`)
    .option('--hec-url <url>', `HTTP Event Collector URL; the token is read from ${HEC_TOKEN_VARIABLE} (default: the --splunk-url host on port 8088)`)
    .option('--index <name>', 'existing scratch index the events are sent to and searched in', DEFAULT_VERIFY_INDEX)
    .option('--sourcetype <name>', 'sourcetype of events that carry none', DEFAULT_VERIFY_SOURCETYPE)
    .option('--insecure-skip-tls-verify', 'accept any TLS certificate, e.g. the self-signed one of a test instance')
    .option('--keep-events', "leave the run's events in the index instead of deleting them with '| delete'")
    .option('--index-timeout <seconds>', 'seconds to wait until the sent events are searchable', parseSeconds, DEFAULT_VERIFY_TIMING.indexTimeoutMs / 1000)
    .option('--search-timeout <seconds>', 'seconds to wait for one search job', parseSeconds, DEFAULT_VERIFY_TIMING.searchTimeoutMs / 1000)
    .addOption(new Option('--format <format>', 'report format').choices(['text', 'json']).default('text'))
    .option('-v, --verbose', 'print progress to stderr')
    .action(async (paths: string[], options: VerifyCommandOptions) => exit(await runVerifyCommand(paths, options, io())))
}

async function runVerifyCommand(paths: string[], options: VerifyCommandOptions, io: VerifyIo): Promise<number> {
  const restToken = io.env[REST_TOKEN_VARIABLE] ?? ''
  const hecToken = io.env[HEC_TOKEN_VARIABLE] ?? ''
  const missing = [restToken === '' ? REST_TOKEN_VARIABLE : '', hecToken === '' ? HEC_TOKEN_VARIABLE : ''].filter(Boolean)
  if (missing.length > 0) {
    io.stderr(`sigma-gate verify: ${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not set. Export the Splunk authentication token as ${REST_TOKEN_VARIABLE} and the HEC token as ${HEC_TOKEN_VARIABLE}; tokens are never taken from the command line.\n`)
    return 2
  }

  // Loaded here, so that other verbs do not load the HTTP client at start-up.
  const { runVerify } = await import('./run-verify.js')
  const { formatVerifyJson, formatVerifyText, verifyFails } = await import('./verify-report.js')
  const report = await runVerify({
    paths,
    cwd: io.cwd,
    splunkUrl: options.splunkUrl,
    ...(options.hecUrl !== undefined ? { hecUrl: options.hecUrl } : {}),
    restToken,
    hecToken,
    index: options.index,
    sourcetype: options.sourcetype,
    insecureSkipTlsVerify: options.insecureSkipTlsVerify ?? false,
    keepEvents: options.keepEvents ?? false,
    timing: { indexTimeoutMs: options.indexTimeout * 1000, searchTimeoutMs: options.searchTimeout * 1000 },
    logger: stderrLogger(io, options.verbose ?? false),
  })
  io.stdout(options.format === 'json' ? formatVerifyJson(report) : formatVerifyText(report))
  return verifyFails(report) ? 1 : 0
}

function parseSeconds(value: string): number {
  const seconds = Number(value)
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw new InvalidArgumentError(`'${value}' is not a positive number of seconds.`)
  }
  return seconds
}

function stderrLogger(io: VerifyIo, verbose: boolean): Logger {
  return {
    info: (message) => {
      if (verbose) io.stderr(`${message}\n`)
    },
    warning: (message) => io.stderr(`warning: ${message}\n`),
    debug: () => {},
    startGroup: () => {},
    endGroup: () => {},
  }
}
