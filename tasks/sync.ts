// npx tsx tasks/sync.ts --env dev [--apply] [--prune] [--json] [--detailed-exitcode] [--out plan.json | --plan plan.json]
import fs from 'node:fs'
import path from 'node:path'
import { readPolicy } from '../lib/config.ts'
import { withContext, type Context } from '../lib/context.ts'
import { displayPath, ExitCode, UsageError } from '../lib/errors.ts'
import { print } from '../lib/log.ts'
import { presentRun } from '../lib/present-run.ts'
import type { RunPlanResult } from '../lib/run-plan.ts'
import { configCommit, currentUser, TOOL_VERSION } from '../lib/provenance.ts'
import { planDocument } from '../lib/report.ts'
import { defineTask, runAsScript } from '../lib/runner.ts'
import { PLAN_FORMAT, PLAN_VERSION, readSavedPlan, writeSavedPlan } from '../lib/saved-plan.ts'
import { sync } from '../lib/sync.ts'

const describeTarget = (ctx: Context) =>
  `environment "${ctx.env.name}" (project ${ctx.projectId} at ${ctx.client.baseUrl}${ctx.emulator ? ', the embedded emulator' : ''})`

export const task = defineTask({
  name: 'sync',
  summary: 'Plan, and with --apply make, the changes that bring a Descope project in line with its files.',
  usage: '[--env <name>] [flags]',
  flags: {
    env: { type: 'string', value: '<name>', description: 'environment: environments/<name>.yaml (default: the config\'s defaultEnvironment, "local", the embedded emulator)' },
    apply: { type: 'boolean', description: 'carry the plan out; without it nothing is written' },
    prune: { type: 'boolean', description: 'also delete live items that no file declares (without it they are listed as unmanaged and left alone)' },
    'allow-mass-delete': { type: 'boolean', description: 'let --prune delete more than the config\'s deleteGuard allows (by default 25 items of a type, or half of its live items)' },
    yes: { type: 'boolean', description: 'apply to a protected environment (prod) without typing its name' },
    out: { type: 'string', value: '<file>', description: 'save the plan, with fingerprints of live and the files, for review and for --plan' },
    plan: { type: 'string', value: '<file>', description: 'carry out a plan saved with --out (with --apply), exactly as it was reviewed; refused if live or the files changed since' },
    'backup-dir': { type: 'string', value: '<dir>', description: 'where the backup taken before an apply, and the audit log, go (default: $DESCOPE_BACKUP_DIR, the config\'s backups.dir, or ~/.descope-mgmt/backups)' },
    json: { type: 'boolean', description: 'print one JSON document on stdout: { environment, projectId, applied, changes: [{ type, key, op, fields, outcome?, detail? }], unmanaged, summary, requests, fingerprints, backup?, stopped?, interrupted? }' },
    'detailed-exitcode': { type: 'boolean', description: 'exit 2 when the plan has changes (for CI)' },
  },
  notes: `
An apply that changes something first backs the environment up (see tasks/backup.ts) and
appends every write to the environment's audit log; if either cannot be written, nothing is
applied. Ctrl-C during an apply starts no new change, lets those in flight finish, prints the
summary and exits 130 (a second Ctrl-C stops at once).

Exit codes: 0 done, nothing pending; 1 a request or a change failed, the lock is held, the
typed confirmation did not match, or the API stopped answering; 2 changes pending (with
--detailed-exitcode); 3 invalid configuration or usage, or a plan refused (nothing written);
129, 130 or 143 stopped by SIGHUP, SIGINT or SIGTERM.`,
  examples: [
    'npx tsx tasks/sync.ts                            # plan for the local emulator',
    'npx tsx tasks/sync.ts --env local --apply        # create what environments/local.yaml declares',
    'npx tsx tasks/sync.ts --env dev --json           # the plan as JSON, for scripts',
    'npx tsx tasks/sync.ts --env prod --apply --prune # confirm by typing "prod"',
    'npx tsx tasks/sync.ts --env staging --detailed-exitcode || echo "staging has pending changes"',
    'npx tsx tasks/sync.ts --env prod --out prod.plan.json            # review it in a pull request...',
    'npx tsx tasks/sync.ts --env prod --plan prod.plan.json --apply   # ...then apply exactly that',
  ],
  run: async (args, log) => {
    if (args.out && (args.apply || args.plan)) throw new UsageError('--out saves a plan to apply later: give it without --apply and --plan')
    if (args.plan && (args.prune || args['allow-mass-delete'])) throw new UsageError('--plan applies a saved plan with the flags it was made with: leave out --prune and --allow-mass-delete')
    if (args.out && fs.existsSync(args.out) && fs.statSync(args.out).isDirectory()) throw new UsageError(`--out ${args.out} is a directory; name the file to save the plan in`)
    if (args.out && !fs.existsSync(path.dirname(path.resolve(args.out)))) throw new UsageError(`--out ${args.out}: the directory ${path.dirname(args.out)} does not exist; make it first, or save the plan elsewhere`)
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
      const { code, result } = await presentRun(ctx, { json: args.json, heading: describeTarget(ctx), beforeReport: save }, (onPlan) => sync(ctx, {
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
  },
})

await runAsScript(import.meta.url, task)
