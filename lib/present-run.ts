// What sync and restore show around a plan that may be applied: the plan (once, before any
// confirmation), the typed confirmation of a protected environment, then the outcome, as text
// or as one JSON document; and the exit code that follows.
import { confirmProtected } from './confirm.ts'
import type { Context } from './context.ts'
import { ExitCode } from './errors.ts'
import { print } from './log.ts'
import type { Plan } from './plan.ts'
import { formatOutcomes, formatPlan, planDocument } from './report.ts'
import type { RunPlanResult } from './run-plan.ts'

export interface PresentOptions {
  json: boolean
  yes: boolean
  /** what the plan is for: `Plan for <heading>` */
  heading: string
  /** printed before the plan (what a restore restores) */
  preamble?: string
  /** what live is brought in line with: "the files", "the backup" */
  desired?: string
  /** more of the JSON document */
  extra?: Record<string, unknown>
}

/** Runs `run` with a confirm step, prints what happened, and returns the exit code. */
export async function presentRun(ctx: Context, options: PresentOptions, run: (confirm: (plan: Plan) => Promise<void>) => Promise<RunPlanResult>): Promise<{ code: number; result: RunPlanResult }> {
  let shown = false
  const showPlan = (plan: Plan) => {
    if (!options.json && !shown) print(`${options.preamble ? `${options.preamble}\n\n` : ''}${formatPlan(plan, options.heading, options.desired)}`)
    shown = true
  }
  const result = await run(async (pending) => {
    showPlan(pending)
    await confirmProtected(ctx.env, pending.changes.length, options.yes)
  })
  const { plan, outcomes, backup } = result
  showPlan(plan)
  if (options.json) {
    print(JSON.stringify({ ...options.extra, ...planDocument(plan, { projectId: ctx.projectId, stats: ctx.client.stats }, outcomes), ...(backup ? { backup } : {}) }, null, 2))
  } else if (outcomes) {
    print(`Backup of "${ctx.env.name}" taken before the first write: ${backup}\n${formatOutcomes(outcomes)}`)
  }
  const failed = outcomes?.some((outcome) => outcome.status !== 'applied')
  return { code: failed ? ExitCode.failure : ExitCode.ok, result }
}
