// sync: the changes that make an environment match its files, planned and, when asked,
// applied (see lib/run-plan.ts). Shared by tasks/sync.ts and by scripts.
import type { Confirmation } from './confirm.ts'
import type { Context } from './context.ts'
import { liveToRead } from '../engine/live.ts'
import { planWithPreviews } from '../engine/preview.ts'
import type { Plan } from '../engine/change.ts'
import { runPlan, type RunPlanResult } from './run-plan.ts'
import { assertPlanFor, assertUnchanged, type Fingerprints, type SavedPlan } from './saved-plan.ts'
import type { SecretsChannel } from './secrets-channel.ts'

export interface SyncOptions {
  apply: boolean
  prune: boolean
  /** let the plan delete more than the config's deleteGuard allows */
  allowMassDelete?: boolean
  /** how a protected environment's apply is confirmed ('ask' on a terminal, or 'yes'); without one it is refused */
  confirm?: Confirmation
  /** sees the plan before it is confirmed or carried out */
  onPlan?(plan: Plan): void
  /** overrides where the automatic backup and the audit log go */
  backupDir?: string
  /** a saved plan (sync --out): carried out only if live and the files are as they were when it was made */
  saved?: { file: string; plan: SavedPlan }
  /** where values shown once go (an access key's cleartext); a script passes `{ kind: 'caller', received: [] }` and reads them there */
  secrets?: SecretsChannel
  /** send every declared write-only value again (rotation; a restored item): see PlanOptions */
  sendSecrets?: boolean
}

export function sync(ctx: Context, options: SyncOptions): Promise<RunPlanResult> {
  const { saved } = options
  const { prune, allowMassDelete } = saved?.plan.metadata.options ?? options
  return runPlan(ctx, {
    apply: options.apply,
    operation: 'sync',
    read: liveToRead(ctx, prune),
    confirm: options.confirm,
    onPlan: options.onPlan,
    backupDir: options.backupDir,
    secrets: options.secrets,
    plan: (live) => {
      const deleteGuard = allowMassDelete ? false : ctx.config.deleteGuard
      return planWithPreviews(ctx.handlers, ctx.env, live, { prune, deleteGuard, sendSecrets: options.sendSecrets }, ctx.handlerContext)
    },
    ...(saved ? {
      precheck: () => assertPlanFor(saved, ctx),
      verify: (prints: Fingerprints) => assertUnchanged(saved, prints),
    } : {}),
  })
}
