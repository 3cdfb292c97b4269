// Where values the API shows once go (an access key's cleartext, handler.shownOnce): shown once
// on a terminal, written to `--secrets-out <file>` (0600, never over an existing file), or put
// in the JSON document's `secrets` when `--show-secrets` asks for it. Never anywhere else: every
// such value is registered as a secret the moment it arrives, so logs, plans, the audit log and
// backups only ever see `[redacted]`. A run that would create one with no place for it is
// refused before anything is written.
import fs from 'node:fs'
import path from 'node:path'
import type { Registry } from '../engine/registry.ts'
import type { Plan } from '../engine/change.ts'
import type { Outcome } from '../engine/apply.ts'
import { DescopeMgmtError, displayPath, UsageError } from '../errors.ts'
import { printSecretOnce } from '../report/print.ts'

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

export type SecretsChannel =
  | { kind: 'file'; file: string }
  | { kind: 'json' }
  | { kind: 'terminal' }
  /** a script's own: it reads them from the outcomes (Outcome.secrets) */
  | { kind: 'caller' }

/** Refused for want of a place for values shown once: exit 3, nothing written. */
export class SecretsNowhereError extends UsageError {
  override readonly code = 'SECRETS_NOWHERE'
}

/** The place this run's flags give, checked now (a file that exists is refused, not overwritten), or undefined. */
export function secretsChannel(options: SecretsChannelOptions): SecretsChannel | undefined {
  if (options.showSecrets && !options.json) throw new UsageError('--show-secrets puts the values shown once into the --json document: give it with --json, or use --secrets-out <file>')
  if (options.out) {
    const file = path.resolve(options.out)
    if (fs.existsSync(file)) throw new DescopeMgmtError('SECRETS_OUT', `--secrets-out ${displayPath(file)} exists; it is never overwritten (it may hold the only copy of a secret): name a new file`)
    if (!fs.existsSync(path.dirname(file))) throw new DescopeMgmtError('SECRETS_OUT', `--secrets-out ${displayPath(file)}: the directory ${displayPath(path.dirname(file))} does not exist`)
    return { kind: 'file', file }
  }
  if (options.json && options.showSecrets) return { kind: 'json' }
  if (!options.json && options.terminal) return { kind: 'terminal' }
  return undefined
}

/** The place a task's --secrets-out, --json and --show-secrets flags give, on this process's stdout. */
export const secretsChannelOf = (args: { 'secrets-out'?: string; json: boolean; 'show-secrets': boolean }) =>
  secretsChannel({ out: args['secrets-out'], json: args.json, showSecrets: args['show-secrets'], terminal: process.stdout.isTTY === true })

/** Refuses a plan that creates items with values shown once when the run has no place for them. */
export function assertSecretsHavePlace(plan: Plan, handlers: Registry, channel: SecretsChannel | undefined): void {
  if (channel) return
  const creating = plan.changes.filter((change) => change.op === 'create' && handlers.get(change.type).shownOnce?.length)
  if (!creating.length) return
  const what = creating.map((change) => `${change.type} "${change.key}" (${handlers.get(change.type).shownOnce!.join(', ')})`).join(', ')
  throw new SecretsNowhereError(`the plan creates ${what}, which Descope shows once, and this run has no place for them: pass --secrets-out <file> (written 0600), or --json --show-secrets, or run it on a terminal; nothing was written`)
}

export function revealedSecrets(outcomes: Outcome[] | undefined): Revealed[] {
  return (outcomes ?? []).flatMap((outcome) => Object.entries(outcome.secrets ?? {}).map(([name, value]) => ({ type: outcome.change.type, key: outcome.change.key, name, value })))
}

/** Hands the values over: to the file, or to the terminal (the JSON document adds them itself). */
export function deliverSecrets(channel: SecretsChannel | undefined, secrets: Revealed[], about: { environment: string; projectId: string }): void {
  if (!secrets.length || !channel || channel.kind === 'json' || channel.kind === 'caller') return
  if (channel.kind === 'file') {
    const document = { ...about, createdAt: new Date().toISOString(), secrets }
    // 'wx': a file that appeared since the check is not overwritten either
    fs.writeFileSync(channel.file, `${JSON.stringify(document, null, 2)}\n`, { mode: 0o600, flag: 'wx' })
    return
  }
  printSecretOnce([
    '',
    'Shown this once (Descope keeps no copy you can read back): store each where it belongs now.',
    ...secrets.map((secret) => `  ${secret.type} "${secret.key}" ${secret.name}: ${secret.value}`),
  ].join('\n'))
}
