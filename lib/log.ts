// Logs go to stderr (stdout is for the plan and for --json), through consola, with every
// registered secret redacted from every message, whatever code produced it.
import { createConsola, LogLevels, type ConsolaInstance, type ConsolaReporter } from 'consola'

const secrets = new Set<string>()

/** Registers a value (a management key) that must never appear in output. */
export function registerSecret(value: unknown): void {
  // shorter values would be cut out of ordinary words ("wrong"); no real key is that short
  if (typeof value === 'string' && value.length >= 8) secrets.add(value)
}

export function redact(text: string): string {
  let result = text
  for (const secret of secrets) result = result.split(secret).join('[redacted]')
  return result
}

/** Every string inside `value` redacted, for documents that are serialized after (--json). */
export function redactValue<T>(value: T): T {
  if (typeof value === 'string') return redact(value) as T
  if (Array.isArray(value)) return value.map(redactValue) as T
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [redact(key), redactValue(item)])) as T
  }
  return value
}

/** stdout: plans, reports and JSON documents, redacted like the logs. */
export function print(text: string): void {
  process.stdout.write(`${redact(text)}\n`)
}

const redactArg = (arg: unknown): unknown => {
  if (typeof arg === 'string') return redact(arg)
  if (arg instanceof Error) return Object.assign(new Error(redact(arg.message)), { name: arg.name, stack: arg.stack && redact(arg.stack) })
  return arg
}

export function createLogger(options: { verbose?: boolean; quiet?: boolean } = {}): ConsolaInstance {
  const level = options.verbose ? LogLevels.debug : options.quiet ? LogLevels.warn : LogLevels.info
  const logger = createConsola({ level, stdout: process.stderr, stderr: process.stderr, formatOptions: { date: false } })
  const redacting: ConsolaReporter[] = logger.options.reporters.map((reporter) => ({
    log: (entry, context) => reporter.log({ ...entry, args: entry.args.map(redactArg) }, context),
  }))
  logger.setReporters(redacting)
  return logger
}
