// What tasks/sync.ts does, loaded only when it runs (its --help needs none of this).
import fs from 'node:fs'
import path from 'node:path'
import type { ConsolaInstance } from 'consola'
import { readPolicy } from '../../lib/config/config.ts'
import { withContext } from '../../lib/run/context.ts'
import { displayPath, ExitCode, UsageError } from '../../lib/errors.ts'
import { print } from '../../lib/report/print.ts'
import { describeTarget, presentRun } from '../../lib/report/present-run.ts'
import type { RunPlanResult } from '../../lib/run/run-plan.ts'
import { configCommit, currentUser, TOOL_VERSION } from '../../lib/run/provenance.ts'
import { planDocument } from '../../lib/report/plan-report.ts'
import { PLAN_FORMAT, PLAN_VERSION, readSavedPlan, writeSavedPlan } from '../../lib/run/saved-plan.ts'
import { sync } from '../../lib/run/sync.ts'
import { secretsChannelOf } from '../../lib/run/secrets-channel.ts'
import type { SyncArgs } from '../sync.ts'

export async function run(args: SyncArgs, log: ConsolaInstance): Promise<number> {
  if (args.out && (args.apply || args.plan)) throw new UsageError('--out saves a plan to apply later: give it without --apply and --plan')
  if (args.plan && (args.prune || args['allow-mass-delete'])) throw new UsageError('--plan applies a saved plan with the flags it was made with: leave out --prune and --allow-mass-delete')
  if (args['send-secrets'] && (args.out || args.plan)) throw new UsageError('--send-secrets cannot be saved in a plan (its values are never written down): give it without --out and --plan')
  if (args.out && fs.existsSync(args.out) && fs.statSync(args.out).isDirectory()) throw new UsageError(`--out ${args.out} is a directory; name the file to save the plan in`)
  if (args.out && !fs.existsSync(path.dirname(path.resolve(args.out)))) throw new UsageError(`--out ${args.out}: the directory ${path.dirname(args.out)} does not exist; make it first, or save the plan elsewhere`)
  const secrets = secretsChannelOf(args)
  return withContext(args.env, { log }, async (ctx) => {
    const saved = args.plan ? { file: args.plan, plan: readSavedPlan(path.resolve(args.plan), readPolicy(ctx.config, 'plan')) } : undefined
    const save = async (result: RunPlanResult) => {
      if (!args.out) return
      writeSavedPlan(path.resolve(args.out), {
        metadata: {
          format: PLAN_FORMAT, version: PLAN_VERSION, createdAt: new Date().toISOString(), user: currentUser(),
          environment: ctx.env.name, projectId: ctx.projectId, gitCommit: await configCommit(ctx.config.root), toolVersion: TOOL_VERSION,
          options: { prune: args.prune, allowMassDelete: args['allow-mass-delete'] },
          fingerprints: result.fingerprints,
        },
        plan: planDocument(result.plan, { projectId: ctx.projectId, stats: ctx.client.stats }) as unknown as Record<string, unknown>,
      })
    }
    const { code, result } = await presentRun(ctx, { json: args.json, heading: describeTarget(ctx), beforeReport: save, secrets }, (onPlan) => sync(ctx, {
      secrets,
      sendSecrets: args['send-secrets'],
      apply: args.apply,
      prune: args.prune,
      allowMassDelete: args['allow-mass-delete'],
      confirm: args.yes ? 'yes' : 'ask',
      onPlan,
      backupDir: args['backup-dir'],
      ...(saved ? { saved } : {}),
    }))
    if (args.out && !args.json) print(`Plan saved to ${displayPath(path.resolve(args.out))}; apply exactly it with: npx tsx tasks/sync.ts --env ${ctx.env.name} --plan ${displayPath(path.resolve(args.out))} --apply`)
    if (code === ExitCode.ok && !args.apply && result.plan.changes.length && args['detailed-exitcode']) return ExitCode.changesPending
    return code
  })
}
