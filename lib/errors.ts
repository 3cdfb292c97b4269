// The toolkit's error hierarchy. Every error has a stable `code` (tests assert on it, not on
// wording) and its class decides the exit code, in one place: `exitCodeFor`.
import path from 'node:path'

/** Exit codes, after Terraform's -detailed-exitcode. The README documents them. */
export const ExitCode = {
  ok: 0,
  failure: 1,
  changesPending: 2,
  invalidConfig: 3,
} as const

/**
 * The error catalog: every code an error may carry, with what it means. Codes are stable (tests,
 * scripts and the audit log match on them, never on wording); the README lists them.
 */
export const ERROR_CODES = {
  USAGE: 'a flag or argument the task does not take',
  CONFIG_NOT_FOUND: 'no descope.config.ts here or above',
  CONFIG_LOAD: 'descope.config.ts could not be imported',
  CONFIG_INVALID: 'descope.config.ts holds a wrong value',
  PLUGIN_INVALID: 'a plugin breaks the contract (lib/contract.ts)',
  PLUGIN_CONFLICT: 'two plugins provide one type, section or setting',
  PLUGIN_CYCLE: 'plugins depend on each other in a cycle',
  PLUGIN_FAILED: 'a plugin\'s own code threw',
  ENV_NOT_FOUND: 'no such environment file',
  ENV_INVALID: 'an environment file holds a wrong value',
  ENV_YAML: 'an environment file is not valid YAML',
  ENV_YAML_ALIASES: 'an environment file uses too many YAML aliases',
  ENV_EXTENDS_MISSING: 'an environment file extends one that does not exist',
  ENV_EXTENDS_CYCLE: 'environment files extend each other in a cycle',
  DOTENV_TRACKED: 'the project\'s .env file is tracked by git',
  FILE_NOT_FOUND: 'a file the run needs does not exist',
  FILE_NOT_REGULAR: 'a path names a directory, a device or a pipe, not a file',
  FILE_OUTSIDE_PROJECT: 'a file leads outside the project (through a link)',
  FILE_TOO_LARGE: 'a file is over its size limit (limits.*)',
  FILE_ENCODING: 'a file is not valid UTF-8',
  FILE_JSON: 'a JSON file is not valid JSON, or nests too deep',
  FLOW_FILE: 'a flow file is missing or not a flow',
  THEME_FILE: 'the theme file is missing',
  ITEM_INVALID: 'an item handed to a script\'s operation is not valid',
  PLAN_REFUSED: 'the plan could not be carried out safely (reasons listed)',
  MASS_DELETE: 'the plan deletes more than deleteGuard allows',
  PLAN_CYCLE: 'changes wait on each other (two items swapping a value)',
  PLAN_INVALID: 'a saved plan file is damaged or not a plan',
  PLAN_STALE: 'a saved plan no longer matches live or the files',
  PLAN_OTHER_ENVIRONMENT: 'a saved plan was made for another environment',
  PLAN_SECRET: 'a saved plan would hold a secret',
  PLAN_WRITE: 'a saved plan could not be written',
  SECRETS_NOWHERE: 'the plan creates values shown once and the run has no place for them',
  SECRETS_OUT: 'the --secrets-out file exists or cannot be written',
  PROTECTED: 'a protected environment\'s apply was not confirmed',
  LOCKED: 'another apply holds the environment\'s lock',
  LOCK_DIR: 'the lock directory cannot be used',
  BACKUP_NOT_FOUND: 'no backup to restore',
  BACKUP_INVALID: 'a backup file is damaged or not a backup',
  BACKUP_READ: 'live could not be read to back it up (nothing applied)',
  BACKUP_WRITE: 'a backup could not be written (nothing applied)',
  BACKUP_SECRET: 'a backup would hold a secret',
  EXPORT_REFUSED: 'an export would write an unsafe file',
  EXPORT_SECRET: 'an export would write a secret',
  IMPORT_EXISTS: 'an import would replace sections of an existing file, or flow and theme files (pass --force)',
  IMPORT_UNDECLARABLE: 'the project holds a value an environment file cannot declare, or would read back otherwise',
  AUDIT_WRITE: 'the audit log could not be written',
  LIVE_INVALID: 'the API answered data of an unexpected shape',
  LIVE_UNREADABLE: 'the environment\'s management key may not read a type the plan needs',
  API_NETWORK: 'the API could not be reached, or did not answer',
  API_STATUS: 'the API answered an error (the code is API_<status>, such as API_400)',
  ABORTED: 'the run was stopped (a dead API, the deadline)',
  INTERRUPTED: 'Ctrl-C (or SIGTERM, SIGHUP) before anything was written',
  EMULATOR_OPTIONS_INVALID: 'the emulator was given a wrong option',
  EMULATOR_STATE_CORRUPT: 'the emulator\'s state file is damaged',
  EMULATOR_STATE_UNSAVED: 'the emulator\'s state could not be saved',
  PORT_IN_USE: 'the emulator\'s port is taken',
  PORT_DENIED: 'the emulator may not listen on that port',
  UNEXPECTED: 'an error the toolkit did not foresee: a bug, please report it with the output',
} as const

/** A code of the catalog; an API error's code carries its status (`API_429`). */
export type ErrorCode = Exclude<keyof typeof ERROR_CODES, 'API_STATUS'> | `API_${number}`

export class DescopeMgmtError extends Error {
  readonly code: ErrorCode
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = new.target.name
    this.code = code
  }
}

export type Signal = 'SIGINT' | 'SIGTERM' | 'SIGHUP'

/** 128 + the signal's number, as shells report a process a signal ended. */
export const SIGNAL_EXIT: Record<Signal, number> = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 }

/** A run stopped by SIGINT, SIGTERM or SIGHUP before anything was written. Exit 130, 143 or 129. */
export class InterruptedError extends DescopeMgmtError {
  readonly exitCode: number
  constructor(signal: Signal, message: string) {
    super('INTERRUPTED', message)
    this.exitCode = SIGNAL_EXIT[signal]
  }
}

/** One problem in a file the user wrote: which file, where in it, what is wrong, how to fix it. */
export interface ConfigIssue {
  file: string
  /** dotted path inside the file (`tenants[2].name`), or '' for the file as a whole */
  path: string
  message: string
  fix?: string
}

/** Configuration or usage the user must correct. Exit 3. Carries every issue found, not just the first. */
export class ConfigError extends DescopeMgmtError {
  readonly issues: ConfigIssue[]
  /** what the problems are about, for the heading ("invalid configuration", "unusable backup") */
  readonly title: string
  constructor(code: ErrorCode, issues: ConfigIssue[], options?: { cause?: unknown; title?: string }) {
    super(code, formatIssues(issues), options)
    this.issues = issues
    this.title = options?.title ?? 'invalid configuration'
  }
}

/** A flag the task does not know, a missing argument: exit 3 with the task's usage. */
export class UsageError extends DescopeMgmtError {
  constructor(message: string) {
    super('USAGE', message)
  }
}

/** What the Descope API answered (or failed to answer), without the management key. Exit 1. */
export class ApiError extends DescopeMgmtError {
  readonly status: number | undefined
  readonly errorCode: string | undefined
  readonly method: string
  readonly path: string
  readonly description: string | undefined
  /** what the API said of it (its errorMessage), or what happened to the request */
  readonly detail: string | undefined
  constructor(fields: {
    status?: number
    errorCode?: string
    description?: string
    detail?: string
    method: string
    path: string
    /** replaces the generic advice for this status */
    hint?: string
    cause?: unknown
  }) {
    const what = fields.status
      ? `${fields.status}${fields.errorCode ? ` ${fields.errorCode}` : ''}`
      : 'no response'
    const why = [fields.description, fields.detail].filter(Boolean).join(': ').replace(/\.+$/, '')
    super(
      fields.status ? `API_${fields.status}` : 'API_NETWORK',
      `${fields.method} ${fields.path} failed (${what})${why ? `: ${why}` : ''}${fields.hint ? `. ${fields.hint}` : hintFor(fields.status)}`,
      { cause: fields.cause },
    )
    this.status = fields.status
    this.errorCode = fields.errorCode
    this.method = fields.method
    this.path = fields.path
    this.description = fields.description
    this.detail = fields.detail
  }
  get isUnauthorized() { return this.status === 401 || this.status === 403 }
  get isNotFound() { return this.status === 404 }
  /** a 4xx other than auth and rate limit: the request itself was refused */
  get isRejected() {
    return this.status !== undefined && this.status >= 400 && this.status < 500 &&
      !this.isUnauthorized && this.status !== 429
  }
}

/**
 * A plugin's own code threw (a bug, or an answer it did not expect): which plugin, type,
 * operation and item, with the original error as the cause. Exit 1.
 */
export class PluginError extends DescopeMgmtError {
  readonly plugin: string
  readonly type: string
  readonly operation: string
  readonly key: string | undefined
  constructor(fields: { plugin: string; type: string; operation: string; key?: string; cause: unknown }) {
    const what = `${fields.type}${fields.key === undefined ? '' : ` "${fields.key}"`}`
    const reason = fields.cause instanceof Error ? fields.cause.message : String(fields.cause)
    super('PLUGIN_FAILED', `plugin "${fields.plugin}" failed in ${fields.operation}() of ${what}: ${reason}`, { cause: fields.cause })
    this.plugin = fields.plugin
    this.type = fields.type
    this.operation = fields.operation
    this.key = fields.key
  }
}

/**
 * The environment's management key may not read a type (one only a company key reads): a plan
 * that needs the type fails with it; a backup, or a comparison of whole projects, leaves the
 * type out and says so. Exit 1.
 */
export class UnreadableError extends DescopeMgmtError {
  /** the type that could not be read: set by the engine (lib/engine/live.ts readLive) */
  type?: string
  /** the message without `orLeaveOut`: what a restore, which has no file to leave the type out of, says */
  readonly reason: string
  /**
   * `orLeaveOut`: the way out for a plan of files (leave the section out of the file), added to
   * the message after ", or "
   */
  constructor(reason: string, options?: { cause?: unknown; type?: string; orLeaveOut?: string }) {
    super('LIVE_UNREADABLE', options?.orLeaveOut ? `${reason}, or ${options.orLeaveOut}` : reason, options)
    this.reason = reason
    this.type = options?.type
  }
}

/** The API answered with data of a shape the toolkit cannot use (a tenant without an id). Exit 1. */
export class LiveDataError extends DescopeMgmtError {
  constructor(message: string) {
    super('LIVE_INVALID', message)
  }
}

/** Another apply holds the environment's lock. Exit 1. */
export class LockedError extends DescopeMgmtError {}

function hintFor(status: number | undefined): string {
  if (status === 401 || status === 403) {
    return '. Check the environment\'s projectId and managementKey (is the key valid, and for this project?)'
  }
  if (status === 429) return '. Rate limited even after retries: lower `throttle` in descope.config.ts'
  if (status === undefined) return '. Check the network and the environment\'s baseUrl'
  return ''
}

export function formatIssues(issues: ConfigIssue[]): string {
  return issues
    .map((issue) => {
      const where = issue.path ? `${issue.file}: ${issue.path}` : issue.file
      return `${where}: ${issue.message}${issue.fix ? ` (fix: ${issue.fix})` : ''}`
    })
    .join('\n')
}

export function exitCodeFor(error: unknown): number {
  if (error instanceof ConfigError || error instanceof UsageError) return ExitCode.invalidConfig
  if (error instanceof InterruptedError) return error.exitCode
  return ExitCode.failure
}

/** A file as messages show it: relative to the working directory when inside it, else absolute. */
export function displayPath(file: string): string {
  const relative = path.relative(process.cwd(), file)
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file
}
