// Where values the API shows once go (an access key's cleartext, handler.shownOnce): shown once
// on a terminal, written to `--secrets-out <file>` (0600, never over an existing file), or put
// in the JSON document's `secrets` when `--show-secrets` asks for it. Never anywhere else: every
// such value is registered as a secret the moment it arrives, so logs, plans, the audit log and
// backups only ever see `[redacted]`. The file and the terminal get each value as it arrives, so
// a run cut short keeps those it made. A run that would create one with no place for it is
// refused before anything is written.
import fs from 'node:fs'
import path from 'node:path'
import type { Registry } from '../engine/registry.ts'
import type { Plan } from '../engine/change.ts'
import type { Outcome } from '../engine/apply.ts'
import { displayPath, UsageError } from '../errors.ts'
import { printSecretOnce } from '../report/print.ts'
import { writeFileAtomic } from '../io/files.ts'
import { quoted } from '../report/quote.ts'

export interface SecretsChannelOptions {
  /** --secrets-out <file> */
  out?: string
  /** --json: the report is a document */
  json: boolean
  /** --show-secrets: the document may carry them */
  showSecrets: boolean
  /** stdout is a terminal the user watches */
  terminal: boolean
}

export interface Revealed {
  type: string
  key: string
  name: string
  value: string
}

export type SecretsChannel = (
  | { kind: 'file'; file: string; opened?: boolean; written?: number }
  | { kind: 'json' }
  | { kind: 'terminal' }
  /** a script's own: it reads them here, or from the outcomes (Outcome.secrets) */
  | { kind: 'caller' }
) & {
  /** every value handed over so far, in the order they came */
  received: Revealed[]
}

/** Refused for want of a place for values shown once: exit 3, nothing written. */
export class SecretsNowhereError extends UsageError {
  override readonly code = 'SECRETS_NOWHERE'
}

/** A --secrets-out file that cannot take them (it exists, it is a directory): exit 3, nothing written. */
export class SecretsOutError extends UsageError {
  override readonly code = 'SECRETS_OUT'
}

/** The place this run's flags give, or undefined (its file is checked when a plan would write it). */
export function secretsChannel(options: SecretsChannelOptions): SecretsChannel | undefined {
  if (options.showSecrets && !options.json) throw new UsageError('--show-secrets puts the values shown once into the --json document: give it with --json, or use --secrets-out <file>')
  if (options.out) return { kind: 'file', file: path.resolve(options.out), received: [] }
  if (options.json && options.showSecrets) return { kind: 'json', received: [] }
  if (!options.json && options.terminal) return { kind: 'terminal', received: [] }
  return undefined
}

/** The place a task's --secrets-out, --json and --show-secrets flags give, on this process's stdout. */
export const secretsChannelOf = (args: { 'secrets-out'?: string; json: boolean; 'show-secrets': boolean }) =>
  secretsChannel({ out: args['secrets-out'], json: args.json, showSecrets: args['show-secrets'], terminal: process.stdout.isTTY === true })

/** The creates of a plan that bring values the API shows once (handler.shownOnce). */
export const createsShownOnce = (plan: Plan, handlers: Registry) =>
  plan.changes.filter((change) => change.op === 'create' && handlers.get(change.type).shownOnce?.length)

/**
 * Refuses, before anything is written, a plan that creates items with values shown once when
 * the run has no place for them, or a --secrets-out file that cannot take them: one that exists
 * is never overwritten (it may hold the only copy of a secret). A plan that creates none needs
 * no place, so the same command runs again once all is made.
 */
export function assertSecretsHavePlace(plan: Plan, handlers: Registry, channel: SecretsChannel | undefined): void {
  const creating = createsShownOnce(plan, handlers)
  if (!creating.length) return
  if (channel?.kind === 'file') {
    const shown = displayPath(channel.file)
    let exists: boolean
    let inDirectory: boolean
    try {
      // lstat: a link, even one to nothing, is a file that exists
      exists = fs.lstatSync(channel.file, { throwIfNoEntry: false }) !== undefined
      inDirectory = fs.statSync(path.dirname(channel.file), { throwIfNoEntry: false })?.isDirectory() === true
    } catch (error) {
      throw new SecretsOutError(`--secrets-out ${shown} cannot be used (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); nothing was written`)
    }
    if (exists) throw new SecretsOutError(`--secrets-out ${shown} exists; it is never overwritten (it may hold the only copy of a secret): name a new file; nothing was written`)
    if (!inDirectory) throw new SecretsOutError(`--secrets-out ${shown}: ${displayPath(path.dirname(channel.file))} is not a directory; nothing was written`)
  }
  if (channel) return
  const what = creating.map((change) => `${change.type} ${quoted(change.key)} (${handlers.get(change.type).shownOnce!.join(', ')})`).join(', ')
  throw new SecretsNowhereError(`the plan creates ${what}, which Descope shows once, and this run has no place for them: pass --secrets-out <file> (written 0600), or --json --show-secrets, or run it on a terminal; nothing was written`)
}

/**
 * Makes the --secrets-out file now, before the first write, so that a path it cannot be made at
 * (one that appeared since, a name too long, a directory that is a file) stops the apply before
 * any value is shown; the values then replace it whole as they arrive.
 */
export function openSecretsFile(channel: SecretsChannel | undefined, about: { environment: string; projectId: string }): void {
  if (channel?.kind !== 'file' || channel.opened) return
  try {
    // the way every later write goes (a temp file beside it, then a rename), so that a path only
    // the final name fits (a name near the limit) fails now, not when a value has arrived
    writeFileAtomic(channel.file, secretsDocument(about, []), { mode: 0o600, exclusive: true })
  } catch (error) {
    throw new SecretsOutError(`--secrets-out ${displayPath(channel.file)} cannot be made (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): name a new file in a directory you can write; nothing was written`)
  }
  channel.opened = true
}

const secretsDocument = (about: { environment: string; projectId: string }, secrets: Revealed[]) => `${JSON.stringify({ ...about, secrets }, null, 2)}\n`

/**
 * Hands over the values one outcome brought, at once: the file is (re)written with all so far,
 * the terminal shows them; the JSON document adds them when the run ends. Throws when the file
 * cannot be written: the caller stops creating more.
 */
export function receiveSecrets(channel: SecretsChannel, outcome: Outcome, about: { environment: string; projectId: string }): void {
  const arrived = Object.entries(outcome.secrets ?? {}).map(([name, value]) => ({ type: outcome.change.type, key: outcome.change.key, name, value }))
  if (!arrived.length) return
  const first = channel.received.length === 0
  // kept first: a write that fails now is retried with the next value, and the run can say which are lost
  channel.received.push(...arrived)
  if (channel.kind === 'file') {
    // made before the apply (openSecretsFile), unless a plugin returned a value it did not declare
    openSecretsFile(channel, about)
    // the file is this run's own: replaced whole, never half written
    writeFileAtomic(channel.file, secretsDocument(about, channel.received), { mode: 0o600 })
    channel.written = channel.received.length
  }
  if (channel.kind === 'terminal') {
    printSecretOnce([
      ...(first ? ['Shown this once (Descope keeps no copy you can read back): store each where it belongs now.'] : []),
      ...arrived.map((secret) => `  ${secret.type} ${quoted(secret.key)} ${secret.name}: ${secret.value}`),
    ].join('\n'))
  }
}

/** Values that arrived but are in no file (its writes failed): each is lost when the process ends. */
export function unkept(channel: SecretsChannel | undefined): Revealed[] {
  if (channel?.kind !== 'file') return []
  return channel.received.slice(channel.written ?? 0)
}
