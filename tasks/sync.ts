// npx tsx tasks/sync.ts --env dev [--apply] [--prune] [--json] [--detailed-exitcode] [--out plan.json | --plan plan.json]
import type { FlagSpecs, ParsedFlags, WithCommonFlags } from '../lib/run/flags.ts'
import { defineTask, runAsScript } from '../lib/run/runner.ts'

/** Declared once: what the task parses, documents and hands to run/sync.ts. */
const flags = {
  env: { type: 'string', value: '<name>', description: 'environment: environments/<name>.yaml (default: the config\'s defaultEnvironment, "local", the embedded emulator)' },
  apply: { type: 'boolean', description: 'carry the plan out; without it nothing is written' },
  prune: { type: 'boolean', description: 'also delete live items that no file declares (without it they are listed as unmanaged and left alone)' },
  'allow-mass-delete': { type: 'boolean', description: 'let --prune delete more than the config\'s deleteGuard allows (by default 25 items of a type, or half of its live items)' },
  yes: { type: 'boolean', description: 'apply to a protected environment (prod) without typing its name' },
  out: { type: 'string', value: '<file>', description: 'save the plan, with fingerprints of live and the files, for review and for --plan' },
  plan: { type: 'string', value: '<file>', description: 'carry out a plan saved with --out (with --apply), exactly as it was reviewed; refused if live or the files changed since' },
  'backup-dir': { type: 'string', value: '<dir>', description: 'where the backup taken before an apply, and the audit log, go (default: $DESCOPE_BACKUP_DIR, the config\'s backups.dir, or ~/.descope-mgmt/backups)' },
  json: { type: 'boolean', description: 'print one JSON document on stdout: { kind, formatVersion, environment, projectId, applied, changes: [{ type, key, op, fields, preview?, reason?, outcome?, detail? }], unmanaged, duplicates, notes, summary, requests, fingerprints, backup?, stopped?, interrupted?, secrets?, secretsLost? } (the README says what each means)' },
  'detailed-exitcode': { type: 'boolean', description: 'exit 2 when the plan has changes (for CI)' },
  'secrets-out': { type: 'string', value: '<file>', description: 'write the values Descope shows once (a new access key\'s secret) to this new file, 0600; without it they are shown on the terminal, and a run with no terminal that would create one is refused' },
  'show-secrets': { type: 'boolean', description: 'with --json: put the values shown once in the document\'s "secrets" (nowhere else)' },
  'send-secrets': { type: 'boolean', description: 'send every declared write-only value (a client secret) again: they cannot be read back to compare, so this is how one is rotated or set after a restore' },
} as const satisfies FlagSpecs
export type SyncArgs = ParsedFlags<WithCommonFlags<typeof flags>>

export const task = defineTask({
  name: 'sync',
  summary: 'Plan, and with --apply make, the changes that bring a Descope project in line with its files.',
  usage: '[--env <name>] [flags]',
  flags,
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
  // the work, and what it needs, are loaded only now: --help does without them
  run: async (args, log) => (await import('./run/sync.ts')).run(args, log),
})

await runAsScript(import.meta.url, task)
