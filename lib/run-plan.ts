// How every plan that may write is carried out (sync, restore): with --apply it holds the
// environment's lock from before live is read until the last write, so two applies never act
// on one stale plan; it shows the plan and asks for confirmation, then backs the environment up
// (every type) before the first write (no backup, no apply), then applies.
import { applyPlan, type Outcome } from './apply.ts'
import { takeBackup } from './backup/snapshot.ts'
import type { Operation } from './backup/format.ts'
import type { Context } from './context.ts'
import { DescopeMgmtError } from './errors.ts'
import { readLive } from './live.ts'
import { acquireLock } from './lock.ts'
import type { LiveState, Plan } from './plan.ts'

export interface RunPlanOptions {
  apply: boolean
  operation: Exclude<Operation, 'manual'>
  /** the types the plan compares: all that is read when only planning */
  types: string[]
  plan(live: LiveState): Plan
  /** called with a non-empty plan before anything is written; throws to abort */
  confirm?(plan: Plan): Promise<void>
  /** overrides where the automatic backup goes */
  backupDir?: string
}

export interface RunPlanResult {
  plan: Plan
  /** the backup written before the first write */
  backup?: string
  /** present when changes were applied */
  outcomes?: Outcome[]
}

export async function runPlan(ctx: Context, options: RunPlanOptions): Promise<RunPlanResult> {
  if (!options.apply) return { plan: options.plan(await readLive(ctx, options.types)) }
  const release = acquireLock(`${ctx.env.name}-${ctx.projectId}`)
  try {
    const live = await readLive(ctx, options.types)
    const plan = options.plan(live)
    if (!plan.changes.length) return { plan }
    await options.confirm?.(plan)
    // the backup holds every type: read the ones the plan did not need, then write it
    const rest = ctx.handlers.map((handler) => handler.type).filter((type) => !live.has(type))
    const backup = await readLive(ctx, rest)
      .then((more) => takeBackup(ctx, options.operation, { live: new Map([...live, ...more]), dir: options.backupDir }))
      .catch((error: Error) => {
        if (error instanceof DescopeMgmtError && error.code.startsWith('BACKUP_')) throw error
        throw new DescopeMgmtError('BACKUP_READ', `could not back up environment "${ctx.env.name}" before applying: ${error.message}; nothing was applied`, { cause: error })
      })
    const outcomes = await applyPlan(plan.changes, ctx.handlers, {
      concurrency: ctx.config.concurrency,
      contextFor: ctx.handlerContext,
    })
    return { plan, backup, outcomes }
  } finally {
    release()
  }
}
