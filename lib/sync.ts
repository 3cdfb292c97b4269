// sync: plan the changes that make an environment match its files and, when asked, apply them.
// An apply holds the environment's lock from before the plan is read until the last write, so
// two applies never act on the same stale plan. Shared by tasks/sync.ts and by scripts.
import { applyPlan, type Outcome } from './apply.ts'
import type { Context } from './context.ts'
import { readLive, typesToRead } from './live.ts'
import { acquireLock } from './lock.ts'
import { planChanges, type Plan } from './plan.ts'

export interface SyncOptions {
  apply: boolean
  prune: boolean
  /** called with a non-empty plan before anything is written; throws to abort */
  confirm?(plan: Plan): Promise<void>
}

export interface SyncResult {
  plan: Plan
  /** present when changes were applied */
  outcomes?: Outcome[]
}

export async function planSync(ctx: Context, options: Pick<SyncOptions, 'prune'>): Promise<Plan> {
  const live = await readLive(ctx, typesToRead(ctx))
  return planChanges(ctx.handlers, ctx.env, live, { prune: options.prune })
}

export async function sync(ctx: Context, options: SyncOptions): Promise<SyncResult> {
  if (!options.apply) return { plan: await planSync(ctx, options) }
  const release = acquireLock(`${ctx.env.name}-${ctx.projectId}`)
  try {
    const plan = await planSync(ctx, options)
    if (!plan.changes.length) return { plan }
    await options.confirm?.(plan)
    const outcomes = await applyPlan(plan.changes, ctx.handlers, {
      concurrency: ctx.config.concurrency,
      contextFor: ctx.handlerContext,
    })
    return { plan, outcomes }
  } finally {
    release()
  }
}
