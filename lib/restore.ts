// restore: a plan whose desired state is a backup, carried out like a sync (lib/run-plan.ts):
// shown first, applied only with --apply, under the lock, after a backup of the environment as
// it is now, and deleting items the backup lacks only with --prune. A backup of one
// environment restores into another: that is how a project is cloned.
import type { Context } from './context.ts'
import { displayPath, UsageError } from './errors.ts'
import { typesToRead } from './live.ts'
import { planChanges, type Plan } from './plan.ts'
import { runPlan, type RunPlanResult } from './run-plan.ts'
import { formatPath } from './validate.ts'
import type { Backup } from './backup/format.ts'

export interface RestoreOptions {
  apply: boolean
  prune: boolean
  /** only these types (all the backup holds when omitted) */
  types?: string[]
  confirm?(plan: Plan): Promise<void>
  backupDir?: string
}

export function restore(ctx: Context, backup: Backup, file: string, options: RestoreOptions): Promise<RunPlanResult> {
  const declared = declaredFromBackup(ctx, backup, options.types)
  const shown = displayPath(file)
  const target = {
    name: ctx.env.name,
    declared,
    locate: (type: string, index: number, field?: string) => ({ file: shown, path: index < 0 ? '' : formatPath(['items', type, index, ...(field ? [field] : [])]) }),
  }
  return runPlan(ctx, {
    apply: options.apply,
    operation: 'restore',
    types: typesToRead({ handlers: ctx.handlers, env: target }, options.prune),
    plan: (live) => planChanges(ctx.handlers, target, live, { prune: options.prune }),
    confirm: options.confirm,
    backupDir: options.backupDir,
  })
}

/**
 * The backup's items of the chosen types. They are what normalize() made of live items, and the
 * content hash has shown them unchanged, so they are taken as they are: a live value an
 * environment file could not declare (a role name with a slash) restores all the same.
 */
function declaredFromBackup(ctx: Context, backup: Backup, only?: string[]): Map<string, object[]> {
  const known = ctx.handlers.map((handler) => handler.type)
  for (const type of only ?? []) {
    if (!known.includes(type)) throw new UsageError(`--type ${type}: no configured plugin handles it; known types: ${known.join(', ')}`)
    if (!backup.items[type]) throw new UsageError(`--type ${type}: the backup holds no ${type} items`)
  }
  const unknown = Object.keys(backup.items).filter((type) => !known.includes(type) && (!only || only.includes(type)))
  if (unknown.length) ctx.log.warn(`the backup holds ${unknown.join(', ')} items, which no configured plugin handles; they are not restored`)
  return new Map(ctx.handlers
    .filter((handler) => backup.items[handler.type] && (!only || only.includes(handler.type)))
    .map((handler) => [handler.type, backup.items[handler.type]!]))
}
