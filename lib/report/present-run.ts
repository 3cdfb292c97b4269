// What sync and restore show around a plan that may be applied: the plan (once, before any
// confirmation), then the outcome, as text or as one JSON document; and the exit code that
// follows (130 or 143 when a signal stopped the apply).
import type { Context } from '../run/context.ts'
import { displayPath, ExitCode, SIGNAL_EXIT } from '../errors.ts'
import { print } from './print.ts'
import type { Plan } from '../engine/change.ts'
import { formatOutcomes, formatPlan, planDocument } from './plan-report.ts'
import type { RunPlanResult } from '../run/run-plan.ts'
import { redactValue } from './secrets.ts'
import type { SecretsChannel } from '../run/secrets-channel.ts'
import { printSecretOnce } from './print.ts'
import { quoted } from './quote.ts'
import { jsonDocument } from './json-document.ts'

export interface PresentOptions {
  json: boolean
  /** what the plan is for: `Plan for <heading>` (default: describeTarget) */
  heading?: string
  /** printed before the plan (what a restore restores) */
  preamble?: string
  /** what live is brought in line with: "the files", "the backup" */
  desired?: string
  /** more of the JSON document */
  extra?: Record<string, unknown>
  /** runs before the outcome is reported (saving the plan): a failure there is the run's one error */
  beforeReport?(result: RunPlanResult): Promise<void>
  /** where values the API showed once go */
  secrets?: SecretsChannel
}

/** `environment "dev" (project P2… at https://api.descope.com)`: what a plan is for. */
export const describeTarget = (ctx: Pick<Context, 'env' | 'projectId' | 'client' | 'emulator'>): string =>
  `environment "${ctx.env.name}" (project ${ctx.projectId} at ${ctx.client.baseUrl}${ctx.emulator ? ', the embedded emulator' : ''})`

/** Runs `run`, showing its plan as soon as it is known, prints what happened, and returns the exit code. */
export async function presentRun(ctx: Context, options: PresentOptions, run: (onPlan: (plan: Plan) => void) => Promise<RunPlanResult>): Promise<{ code: number; result: RunPlanResult }> {
  const result = await run((plan) => {
    if (!options.json) print(`${options.preamble ? `${options.preamble}\n\n` : ''}${formatPlan(plan, options.heading ?? describeTarget(ctx), options.desired)}`)
  })
  await options.beforeReport?.(result)
  const { plan, outcomes, backup, stopped, interrupted } = result
  const secrets = options.secrets?.received ?? []
  if (options.json) {
    const document = redactValue(jsonDocument(outcomes ? 'apply' : 'plan', {
      ...options.extra,
      ...planDocument(plan, { projectId: ctx.projectId, stats: ctx.client.stats }, outcomes),
      fingerprints: result.fingerprints,
      ...(backup ? { backup } : {}),
      ...(stopped ? { stopped } : {}),
      ...(interrupted ? { interrupted } : {}),
      ...(result.secretsLost ? { secretsLost: result.secretsLost } : {}),
    }))
    // added after redaction, and only because --show-secrets asked: the one place they appear
    const shown = options.secrets?.kind === 'json' && secrets.length ? { secrets } : {}
    printSecretOnce(JSON.stringify({ ...document, ...shown }, null, 2))
  } else if (outcomes) {
    const notStarted = outcomes.filter((outcome) => outcome.stopped).length
    print([
      `Backup of "${ctx.env.name}" taken before the first write: ${backup}`,
      formatOutcomes(outcomes),
      ...(stopped ? [`Stopped early: ${stopped}; ${notStarted} change(s) not started. Run it again to finish: it converges.`] : []),
      ...(secrets.length && options.secrets?.kind === 'file' ? [`${secrets.length} value(s) shown once written to ${displayPath(options.secrets.file)} (0600): move them where they belong, then delete the file.`] : []),
    ].join('\n'))
  }
  for (const { type, key, name } of result.secretsLost ?? []) ctx.log.error(`the ${name} of ${type} ${quoted(key)} was shown once and could not be kept: replace it in the Descope console`)
  if (interrupted) return { code: SIGNAL_EXIT[interrupted], result }
  const failed = outcomes?.some((outcome) => outcome.status !== 'applied') || Boolean(result.secretsLost?.length)
  return { code: failed ? ExitCode.failure : ExitCode.ok, result }
}
