// Logs go to stderr (stdout is for the plan and for --json: print.ts), through consola, with
// every registered secret redacted from every message (secrets.ts), whatever code produced it.
// A logger may carry a progress display (progress.ts): its lines then pass above the status line.
import { createConsola, LogLevels, type ConsolaInstance, type ConsolaReporter } from 'consola'
import type { Progress } from './progress.ts'
import { redact } from './secrets.ts'
import { escapeControls } from './quote.ts'


// no secret, and no raw control character (a key holding ESC or CR could rewrite the line)
const safe = (text: string) => escapeControls(redact(text))
const redactArg = (arg: unknown): unknown => {
  if (typeof arg === 'string') return safe(arg)
  if (arg instanceof Error) return Object.assign(new Error(safe(arg.message)), { name: arg.name, stack: arg.stack && safe(arg.stack) })
  return arg
}

/** Colours as the environment asks now (NO_COLOR, FORCE_COLOR), else when stderr is a terminal. */
function colours(): boolean {
  if (process.env.NO_COLOR) return false
  const forced = process.env.FORCE_COLOR
  if (forced !== undefined && forced !== '') return forced !== '0' && forced !== 'false'
  return process.stderr.isTTY === true
}

export interface LoggerOptions {
  verbose?: boolean
  quiet?: boolean
  /** the progress of the run (createProgress()): told by connect() to the engine and the client */
  progress?: Progress
}

/** The progress display each logger was made with, for connect(): a logger and its status line share stderr. */
const displays = new WeakMap<ConsolaInstance, Progress>()
export const progressOf = (log: ConsolaInstance): Progress | undefined => displays.get(log)

export function createLogger(options: LoggerOptions = {}): ConsolaInstance {
  const level = options.verbose ? LogLevels.debug : options.quiet ? LogLevels.warn : LogLevels.info
  const logger = createConsola({ level, stdout: process.stderr, stderr: process.stderr, formatOptions: { date: false, colors: colours() } })
  const { progress } = options
  const redacting: ConsolaReporter[] = logger.options.reporters.map((reporter) => ({
    log: (entry, context) => {
      const redacted = { ...entry, args: entry.args.map(redactArg) }
      if (progress) progress.aside(() => reporter.log(redacted, context))
      else reporter.log(redacted, context)
    },
  }))
  logger.setReporters(redacting)
  if (progress) displays.set(logger, progress)
  return logger
}
