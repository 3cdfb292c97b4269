// restore: a plan whose desired state is a backup, carried out like a sync (lib/run-plan.ts):
// shown first, applied only with --apply, under the lock, after a backup of the environment as
// it is now, and deleting items the backup lacks only with --prune. A backup of one
// environment restores into another: that is how a project is cloned, without the values that
// belong to the first project alone (environmentSpecific: its name, the ids of its users and apps).
import type { Confirmation } from './confirm.ts'
import type { Context } from './context.ts'
import { ConfigError, displayPath, UnreadableError, UsageError, type ConfigIssue } from '../errors.ts'
import { validateBackupItems } from '../config/items.ts'
import { liveToRead } from '../engine/live.ts'
import { planWithPreviews } from '../engine/preview.ts'
import type { Plan } from '../engine/change.ts'
import { runPlan, type RunPlanResult } from './run-plan.ts'
import { formatPath } from '../config/validate.ts'
import { withoutFields } from '../engine/normalize.ts'
import type { Backup } from '../backup/format.ts'
import type { SecretsChannel } from './secrets-channel.ts'

export interface RestoreOptions {
  apply: boolean
  prune: boolean
  /** let the plan delete more than the config's deleteGuard allows */
  allowMassDelete?: boolean
  /** only these types (all the backup holds when omitted) */
  types?: string[]
  /** how a protected environment's apply is confirmed ('ask' on a terminal, or 'yes'); without one it is refused */
  confirm?: Confirmation
  /** sees the plan before it is confirmed or carried out */
  onPlan?(plan: Plan): void
  backupDir?: string
  /** where values shown once go (an access key made anew); see SyncOptions */
  secrets?: SecretsChannel
}

export function restore(ctx: Context, backup: Backup, file: string, options: RestoreOptions): Promise<RunPlanResult> {
  const shown = displayPath(file)
  const declared = declaredFromBackup(ctx, backup, shown, options.types)
  const target = {
    name: ctx.env.name,
    declared,
    partial: new Set<string>(),
    locate: (type: string, index: number, field?: string) => ({ file: shown, path: index < 0 ? '' : formatPath(['items', type, index, ...(field ? [field] : [])]) }),
  }
  return runPlan(ctx, {
    apply: options.apply,
    operation: 'restore',
    read: liveToRead({ handlers: ctx.handlers, env: target }, options.prune),
    plan: (live) => {
      const rules = { prune: options.prune, deleteGuard: options.allowMassDelete ? false as const : ctx.config.deleteGuard }
      return planWithPreviews(ctx.handlers, target, live, rules, ctx.handlerContext)
    },
    desired: target,
    confirm: options.confirm,
    onPlan: options.onPlan,
    backupDir: options.backupDir,
    secrets: options.secrets,
  }).catch((error: unknown) => {
    // a type of the backup this environment's key may not read (the project's name): a restore
    // has no file to leave it out of, but it can leave the type out
    if (!(error instanceof UnreadableError) || error.type === undefined || !declared.has(error.type)) throw error
    const rest = [...declared.keys()].filter((type) => type !== error.type)
    throw new UnreadableError(`${error.reason}; ${rest.length ? `to restore the rest of the backup without it, pass --type ${rest.join(',')}` : `the backup holds nothing else to restore`}`, { cause: error, type: error.type })
  })
}

/**
 * The backup's items of the chosen types, each checked as strictly as live data and a file's
 * items are: its plugin's liveSchema, a key, then duplicate keys and the plugin's cross-item
 * rules. A hand-edited backup whose hash was recomputed is caught here, before any request.
 */
function declaredFromBackup(ctx: Context, backup: Backup, file: string, only?: string[]): Map<string, object[]> {
  const known = ctx.handlers.map((handler) => handler.type)
  for (const type of only ?? []) {
    if (!known.includes(type)) throw new UsageError(`--type ${type}: no configured plugin handles it; known types: ${known.join(', ')}`)
    if (!Object.hasOwn(backup.items, type)) throw new UsageError(`--type ${type}: the backup holds no ${type} items`)
  }
  const unknown = Object.keys(backup.items).filter((type) => !known.includes(type) && (!only || only.includes(type)))
  if (unknown.length) ctx.log.warn(`the backup holds ${unknown.join(', ')} items, which no configured plugin handles; they are not restored`)
  const issues: ConfigIssue[] = []
  const declared = new Map<string, object[]>()
  /** per-project values a restore into another project leaves out, as `type fields` */
  const left: string[] = []
  for (const handler of ctx.handlers) {
    if (!Object.hasOwn(backup.items, handler.type) || (only && !only.includes(handler.type))) continue
    const entries = backup.items[handler.type]!.map((raw, index) => ({ raw, file, at: ['items', handler.type, index] }))
    const items = validateBackupItems(handler, entries, issues)
    if (!items) continue
    const portable = backup.metadata.projectId === ctx.projectId ? items : items.map((item) => withoutFields(item, handler.environmentSpecific ?? []))
    const dropped = (handler.environmentSpecific ?? []).filter((field) => items.some((item, index) => Object.hasOwn(item, field) && !Object.hasOwn(portable[index]!, field)))
    if (dropped.length) left.push(`${handler.type} ${dropped.join(', ')}`)
    // nothing left to restore of it (a project's name and tags): not read, not planned
    if (portable.length && portable.every((item) => !Object.keys(item).length)) continue
    declared.set(handler.type, portable)
  }
  if (issues.length) throw new ConfigError('BACKUP_INVALID', issues, { title: 'unusable backup' })
  if (left.length) ctx.log.info(`the backup is of project ${backup.metadata.projectId}: its per-project values (${left.join('; ')}) are not restored into ${ctx.projectId}`)
  return declared
}
