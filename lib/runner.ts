// The one place a task's flags are parsed, its errors reported and its exit code decided.
import { minimist } from 'zx'
import type { ConsolaInstance } from 'consola'
import { ConfigError, DescopeMgmtError, exitCodeFor, UsageError } from './errors.ts'
import { createLogger, print, redact } from './log.ts'

export type Args = minimist.ParsedArgs

export interface Task {
  /** what `--help` prints: what the task does, every flag, and examples */
  help: string
  boolean?: string[]
  string?: string[]
  /** flag values when not given (a boolean flag defaults to false otherwise) */
  defaults?: Record<string, unknown>
  /** whether the task takes positional arguments */
  positional?: boolean
  run(args: Args, log: ConsolaInstance): Promise<number>
}

const COMMON_BOOLEAN = ['help', 'verbose', 'quiet']

/** Parses argv, runs the task, reports any error once, and sets the exit code. */
export async function runTask(task: Task, argv = process.argv.slice(2)): Promise<void> {
  const known = new Set([...COMMON_BOOLEAN, ...(task.boolean ?? []), ...(task.string ?? [])])
  const unknown: string[] = []
  const args = minimist(argv, {
    boolean: [...COMMON_BOOLEAN, ...(task.boolean ?? [])],
    string: task.string ?? [],
    alias: { h: 'help' },
    default: task.defaults ?? {},
    unknown: (arg) => {
      if (arg.startsWith('-') && !known.has(arg.replace(/^--?(no-)?/, '').split('=')[0]!)) unknown.push(arg)
      return true
    },
  })
  const log = createLogger({ verbose: args.verbose, quiet: args.quiet })
  let code: number
  try {
    if (args.help) {
      print(task.help.trim())
      code = 0
    } else {
      if (unknown.length) throw new UsageError(`unknown flag ${unknown.join(', ')}; see --help`)
      if (!task.positional && args._.length) throw new UsageError(`unexpected argument ${args._.join(' ')}; see --help`)
      for (const flag of task.string ?? []) {
        if (args[flag] === '' && argv.some((arg) => arg === `--${flag}`)) throw new UsageError(`--${flag} needs a value; see --help`)
      }
      code = await task.run(args, log)
    }
  } catch (error) {
    report(error, log, args.verbose)
    if (args.json) print(JSON.stringify({ error: errorDocument(error) }, null, 2))
    code = exitCodeFor(error)
  }
  process.exitCode = code
  // A stray keep-alive socket must not hold the process open; the timer itself does not.
  setTimeout(() => process.exit(code), 2000).unref()
}

function report(error: unknown, log: ConsolaInstance, verbose: boolean): void {
  if (error instanceof ConfigError) {
    log.error(`${error.title} (${error.issues.length} problem${error.issues.length === 1 ? '' : 's'}):`)
    for (const line of error.message.split('\n')) process.stderr.write(`  ${redact(line)}\n`)
    return
  }
  const message = error instanceof Error ? error.message : String(error)
  log.error(redact(message))
  if (verbose && error instanceof Error && !(error instanceof DescopeMgmtError)) {
    process.stderr.write(`${redact(error.stack ?? '')}\n`)
  }
}

/** With --json, a failure is a JSON document too, so scripts always have one to parse (print redacts it). */
function errorDocument(error: unknown) {
  if (!(error instanceof Error)) return { code: 'UNKNOWN', message: String(error) }
  return {
    code: error instanceof DescopeMgmtError ? error.code : 'UNEXPECTED',
    message: error.message,
    ...(error instanceof ConfigError ? { issues: error.issues } : {}),
  }
}
