// restore: a plan whose desired state is a backup, carried out like a sync (lib/run-plan.ts):
// shown first, applied only with --apply, under the lock, after a backup of the environment as
// it is now, and deleting items the backup lacks only with --prune. A backup of one
// environment restores into another: that is how a project is cloned.
import type { Context } from './context.ts'
import { ConfigError, displayPath, UsageError, type ConfigIssue } from './errors.ts'
import { typesToRead } from './live.ts'
import { planChanges, type Plan } from './plan.ts'
import { runPlan, type RunPlanResult } from './run-plan.ts'
import { formatPath, validate } from './validate.ts'
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
  const declared = declaredFromBackup(ctx, backup, file, options.types)
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

/** The backup's items of the chosen types, each validated as if an environment file declared it. */
function declaredFromBackup(ctx: Context, backup: Backup, file: string, only?: string[]): Map<string, object[]> {
  const known = ctx.handlers.map((handler) => handler.type)
  for (const type of only ?? []) {
    if (!known.includes(type)) throw new UsageError(`--type ${type}: no configured plugin handles it; known types: ${known.join(', ')}`)
    if (!backup.items[type]) throw new UsageError(`--type ${type}: the backup holds no ${type} items`)
  }
  const issues: ConfigIssue[] = []
  const declared = new Map<string, object[]>()
  for (const handler of ctx.handlers) {
    const items = backup.items[handler.type]
    if (!items || (only && !only.includes(handler.type))) continue
    const valid = items.flatMap((item, index) => {
      const result = validate(handler.schema, item, () => displayPath(file), ['items', handler.type, index])
      issues.push(...result.issues)
      return result.output ? [result.output as object] : []
    })
    declared.set(handler.type, valid)
  }
  if (issues.length) throw new ConfigError('BACKUP_INVALID', issues)
  return declared
}
