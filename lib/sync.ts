// sync: the changes that make an environment match its files, planned and, when asked,
// applied (see lib/run-plan.ts). Shared by tasks/sync.ts and by scripts.
import type { Context } from './context.ts'
import { typesToRead } from './live.ts'
import { planChanges, type Plan } from './plan.ts'
import { runPlan, type RunPlanResult } from './run-plan.ts'

export interface SyncOptions {
  apply: boolean
  prune: boolean
  /** called with a non-empty plan before anything is written; throws to abort */
  confirm?(plan: Plan): Promise<void>
  /** overrides where the automatic backup goes */
  backupDir?: string
}

export function sync(ctx: Context, options: SyncOptions): Promise<RunPlanResult> {
  return runPlan(ctx, {
    ...options,
    operation: 'sync',
    types: typesToRead(ctx, options.prune),
    plan: (live) => planChanges(ctx.handlers, ctx.env, live, { prune: options.prune }),
  })
}
