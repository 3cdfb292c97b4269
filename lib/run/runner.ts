// The one place a task's flags are parsed, its --help written, its errors reported and its
// exit code decided. A task declares its flags once (lib/flags.ts); the usage text is made
// from those declarations.
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { ConsolaInstance } from 'consola'
import { ConfigError, DescopeMgmtError, exitCodeFor, UsageError } from '../errors.ts'
import { formatFlags, parseFlags, withCommonFlags, type FlagSpecs, type ParsedFlags, type WithCommonFlags } from './flags.ts'
import { createLogger } from '../report/log.ts'
import { createProgress, type Progress } from '../report/progress.ts'
import { print } from '../report/print.ts'
import { printJson } from '../report/json-document.ts'
import { redact, redactValue } from '../report/secrets.ts'

export interface Command<F extends FlagSpecs = FlagSpecs> {
  /** what it does: the first paragraph of --help */
  summary: string
  /** what follows the command on the command line: `[--env <name>] [flags]` */
  usage: string
  flags: F
  /** how many positional arguments it takes (default none) */
  positionals?: number
  /** prose after the flags: exit codes, where things go */
  notes?: string
  examples?: string[]
  run(args: ParsedFlags<WithCommonFlags<F>>, log: ConsolaInstance): Promise<number>
}

export interface Task<F extends FlagSpecs = FlagSpecs> extends Command<F> {
  /** the file under tasks/, without .ts */
  name: string
  /** the file it is run as, when not tasks/<name>.ts: a script's `scripts/tenant-report.ts` (its --help says so) */
  file?: string
}

/** A task made of sub-commands (`backup create`, `backup list`), each with flags of its own. */
export interface CommandSet {
  name: string
  summary: string
  commands: Record<string, Command<any>>
  examples?: string[]
}

/** Identity helpers that only add typing: flags declared once give typed `args`. */
export const defineTask = <F extends FlagSpecs>(task: Task<F>): Task<F> => task
export const defineCommand = <F extends FlagSpecs>(command: Command<F>): Command<F> => command
export const defineCommandSet = (set: CommandSet): CommandSet => set

/** `--help` of one command: summary, usage, the declared flags, notes, examples. */
export function helpText(invocation: string, command: Command<any>): string {
  return [
    command.summary.trim(),
    `Usage: npx tsx ${invocation} ${command.usage}`,
    `Flags:\n${formatFlags(withCommonFlags(command.flags))}`,
    ...(command.notes ? [command.notes.trim()] : []),
    ...(command.examples?.length ? [`Examples:\n${command.examples.map((line) => `  ${line}`).join('\n')}`] : []),
  ].join('\n\n')
}

function commandSetHelp(set: CommandSet): string {
  const width = Math.max(...Object.keys(set.commands).map((name) => name.length)) + 3
  return [
    set.summary.trim(),
    `Usage: npx tsx tasks/${set.name}.ts <command> [flags]`,
    `Commands:\n${Object.entries(set.commands).map(([name, command]) => `  ${name.padEnd(width)}${command.summary.trim().split('\n')[0]}`).join('\n')}`,
    `Each command's flags: npx tsx tasks/${set.name}.ts <command> --help`,
    ...(set.examples?.length ? [`Examples:\n${set.examples.map((line) => `  ${line}`).join('\n')}`] : []),
  ].join('\n\n')
}

/**
 * Runs the task when its file is the script node was started with (`npx tsx tasks/sync.ts`),
 * and sets the exit code. Imported instead (the test suite runs tasks in its own process), the
 * file only defines its task.
 */
export async function runAsScript(moduleUrl: string, task: Task<any> | CommandSet): Promise<void> {
  const script = process.argv[1]
  const self = realPath(fileURLToPath(moduleUrl))
  // `npx tsx tasks/sync` names the script without the extension tsx resolves it to
  if (!script || ![script, `${script}.ts`].some((candidate) => realPath(candidate) === self)) return
  finish(await invoke(task, process.argv.slice(2)))
}

const realPath = (file: string) => {
  try {
    return fs.realpathSync(file)
  } catch {
    return path.resolve(file)
  }
}

/** Parses argv, runs the task, reports any error once, and returns the exit code. */
export async function invoke(task: Task<any> | CommandSet, argv: string[]): Promise<number> {
  if (!('commands' in task)) return execute(task.file ?? `tasks/${task.name}.ts`, task, argv)
  // a task of sub-commands: the command comes first (`backup.ts restore latest ...`)
  const [name, ...rest] = argv
  const command = name === undefined ? undefined : Object.hasOwn(task.commands, name) ? task.commands[name] : undefined
  if (command) return execute(`tasks/${task.name}.ts ${name}`, command, rest)
  if (name === undefined || name === '--help' || name === '-h') return ok(commandSetHelp(task))
  const names = Object.keys(task.commands).join(', ')
  const problem = name.startsWith('-') ? `say what to do first: ${names}` : `unknown command "${name}": use ${names}`
  // no command chosen, yet --json asked for a document: a script gets one, as from any command
  const json = argv.includes('--json') && Object.values(task.commands).some((each) => 'json' in each.flags)
  return failed(new UsageError(`${problem}; see --help`), createLogger(), json)
}

async function execute(invocation: string, command: Command<any>, argv: string[]): Promise<number> {
  const specs = withCommonFlags(command.flags)
  // --help wins over everything else on the line, even a mistake
  if (argv.some((arg) => arg === '--help' || arg === '-h')) return ok(helpText(invocation, command))
  const json = argv.includes('--json') && 'json' in specs
  let log = createLogger()
  let progress: Progress | undefined
  try {
    const args = parseFlags(specs, argv, { positionals: command.positionals })
    // progress on stderr, but none with --quiet, nor with --json (a script reads that run)
    if (!args.quiet && !args.json) progress = createProgress()
    log = createLogger({ verbose: args.verbose as boolean, quiet: args.quiet as boolean, progress })
    return await command.run(args, log)
  } catch (error) {
    // the status line goes before the error is told, so the error never lands on it
    progress?.end()
    return failed(error, log, json, argv.includes('--verbose'))
  } finally {
    progress?.end() // after a run that ended well (end() twice is harmless)
  }
}

function ok(text: string): number {
  print(text)
  return 0
}

function failed(error: unknown, log: ConsolaInstance, json: boolean, verbose = false): number {
  report(error, log, verbose)
  if (json) printJson('error', { error: redactValue(errorDocument(error)) })
  return exitCodeFor(error)
}

function finish(code: number): void {
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

/** With --json, a failure is a JSON document too, so scripts always have one to parse. */
function errorDocument(error: unknown) {
  if (!(error instanceof Error)) return { code: 'UNEXPECTED', message: String(error) }
  return {
    code: error instanceof DescopeMgmtError ? error.code : 'UNEXPECTED',
    message: error.message,
    ...(error instanceof ConfigError ? { issues: error.issues } : {}),
  }
}
