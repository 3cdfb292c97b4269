// npx tsx tasks/sync.ts --env dev [--apply] [--prune] [--json] [--detailed-exitcode]
import { withContext, type Context } from '../lib/context.ts'
import { ExitCode } from '../lib/errors.ts'
import { presentRun } from '../lib/present-run.ts'
import { defineTask, runTask } from '../lib/runner.ts'
import { sync } from '../lib/sync.ts'

const describeTarget = (ctx: Context) =>
  `environment "${ctx.env.name}" (project ${ctx.projectId} at ${ctx.client.baseUrl}${ctx.emulator ? ', the embedded emulator' : ''})`

await runTask(defineTask({
  name: 'sync',
  summary: 'Plan, and with --apply make, the changes that bring a Descope project in line with its files.',
  usage: '[--env <name>] [flags]',
  flags: {
    env: { type: 'string', value: '<name>', description: 'environment: environments/<name>.yaml (default: the config\'s\ndefaultEnvironment, "local", the embedded emulator)' },
    apply: { type: 'boolean', description: 'carry the plan out; without it nothing is written' },
    prune: { type: 'boolean', description: 'also delete live items that no file declares (without it they are\nlisted as unmanaged and left alone)' },
    yes: { type: 'boolean', description: 'apply to a protected environment (prod) without typing its name' },
    'backup-dir': { type: 'string', value: '<dir>', description: 'where the backup taken before an apply goes (default:\n$DESCOPE_BACKUP_DIR, the config\'s backups.dir, or ~/.descope-mgmt/backups)' },
    json: { type: 'boolean', description: 'print one JSON document on stdout: { environment, projectId, applied,\nchanges: [{ type, key, op, fields, outcome?, detail? }], unmanaged, summary,\nrequests, backup? }' },
    'detailed-exitcode': { type: 'boolean', description: 'exit 2 when the plan has changes (for CI)' },
  },
  notes: `
An apply that changes something first backs the environment up (see tasks/backup.ts); if the
backup cannot be written, nothing is applied.

Exit codes: 0 done, nothing pending; 1 a request or a change failed, the lock is held, or the
typed confirmation did not match; 2 changes pending (with --detailed-exitcode); 3 invalid
configuration or usage, or a plan refused (nothing written).`,
  examples: [
    'npx tsx tasks/sync.ts                            # plan for the local emulator',
    'npx tsx tasks/sync.ts --env local --apply        # create what environments/local.yaml declares',
    'npx tsx tasks/sync.ts --env dev --json           # the plan as JSON, for scripts',
    'npx tsx tasks/sync.ts --env prod --apply --prune # confirm by typing "prod"',
    'npx tsx tasks/sync.ts --env staging --detailed-exitcode || echo "staging has pending changes"',
  ],
  run: (args, log) => withContext(args.env, { log }, async (ctx) => {
    const { code, result } = await presentRun(ctx, { json: args.json, yes: args.yes, heading: describeTarget(ctx) }, (confirm) =>
      sync(ctx, { apply: args.apply, prune: args.prune, backupDir: args['backup-dir'], confirm }))
    if (code === ExitCode.ok && !args.apply && result.plan.changes.length && args['detailed-exitcode']) return ExitCode.changesPending
    return code
  }),
}))
