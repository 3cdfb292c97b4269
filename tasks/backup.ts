// npx tsx tasks/backup.ts <create|list|restore|prune> [flags]; each command's --help lists its flags
import type { FlagSpecs, ParsedFlags, WithCommonFlags } from '../lib/run/flags.ts'
import { defineCommand, defineCommandSet, runAsScript } from '../lib/run/runner.ts'

const env = { type: 'string', value: '<name>', description: 'the environment (default: the config\'s defaultEnvironment)' } as const
const backupDir = { type: 'string', value: '<dir>', description: 'where backups live (default: $DESCOPE_BACKUP_DIR, the config\'s backups.dir, or ~/.descope-mgmt/backups); one directory per project' } as const
const json = { type: 'boolean', description: 'one JSON document on stdout, kind and formatVersion first; its fields: README, JSON documents' } as const

const createFlags = { env, 'backup-dir': backupDir, json } as const satisfies FlagSpecs
const listFlags = { env: { ...env, description: 'only this environment\'s backups' }, 'backup-dir': backupDir, json } as const satisfies FlagSpecs
const restoreFlags = {
  env,
  'backup-dir': backupDir,
  apply: { type: 'boolean', description: 'carry the plan out; without it nothing is written' },
  prune: { type: 'boolean', description: 'also delete live items the backup does not have' },
  'allow-mass-delete': { type: 'boolean', description: 'let --prune delete more than the config\'s deleteGuard allows' },
  type: { type: 'list', value: '<types>', description: 'only these types: --type flow,theme' },
  yes: { type: 'boolean', description: 'apply to a protected environment without typing its name' },
  json,
  'secrets-out': { type: 'string', value: '<file>', description: 'write the values Descope shows once (a new access key\'s secret) to this new file, 0600; without it they are shown on the terminal, and a run with no terminal that would create one is refused' },
  'show-secrets': { type: 'boolean', description: 'with --json: put the values shown once in the document\'s "secrets" (nowhere else)' },
} as const satisfies FlagSpecs
const pruneFlags = {
  env: { ...env, description: 'only this environment\'s backups' },
  'backup-dir': backupDir,
  'retention-days': { type: 'integer', min: 1, value: '<n>', description: 'override the config\'s backups.retentionDays (30)' },
  keep: { type: 'integer', min: 1, value: '<n>', description: 'override the config\'s backups.keep (5 per environment)' },
  'dry-run': { type: 'boolean', description: 'list what would go, remove nothing' },
  json,
} as const satisfies FlagSpecs

const create = defineCommand({
  summary: 'Back up every resource type the configured plugins know, and print the backup\'s path.',
  usage: '[--env <name>] [flags]',
  flags: createFlags,
  examples: ['npx tsx tasks/backup.ts create --env prod'],
  run: async (args, log) => (await import('./run/backup.ts')).create(args, log),
})

const list = defineCommand({
  summary: 'List every backup, newest first.\nEach with its time, environment, project, operation, user, item counts and size;\nunreadable files too.',
  usage: '[--env <name>] [flags]',
  flags: listFlags,
  examples: ['npx tsx tasks/backup.ts list --env prod'],
  run: async (args) => (await import('./run/backup.ts')).list(args),
})

const restore = defineCommand({
  summary: `
Plan the way back to a backup, and with --apply take it.
The backup is the desired state: the plan shows the diff; --apply carries it out like a
sync (lock, confirmation for protected environments, a backup of the environment first).
"latest" is the newest backup of this environment and project, not counting those a restore
took of what it replaced. A backup of another environment restores into this one: that is how
a project is cloned.`,
  usage: '<file|latest> [--env <name>] [flags]',
  positionals: 1,
  flags: restoreFlags,
  examples: [
    'npx tsx tasks/backup.ts restore latest --env prod --type flow          # roll back a flow deploy',
    'npx tsx tasks/backup.ts restore latest --env prod --type flow --apply',
    'npx tsx tasks/backup.ts restore ~/.descope-mgmt/backups/P2.../20261122T101500Z-dev-manual.json --env staging --apply --prune',
  ],
  run: async (args, log) => (await import('./run/backup.ts')).restore(args, log),
})

const prune = defineCommand({
  summary: 'Remove backups past the retention period.\nThose older than the retention period go, except the newest few of each environment.',
  usage: '[--env <name>] [flags]',
  flags: pruneFlags,
  examples: ['npx tsx tasks/backup.ts prune --dry-run'],
  run: async (args) => (await import('./run/backup.ts')).prune(args),
})

export const task = defineCommandSet({
  name: 'backup',
  summary: `
Snapshots of a Descope project, and one command back. Backups are JSON, validated when read,
0600 in 0700 directories, and never hold a secret. sync --apply and restore --apply take one
automatically before their first write.`,
  commands: { create, list, restore, prune },
  examples: [
    'npx tsx tasks/backup.ts create --env prod',
    'npx tsx tasks/backup.ts restore latest --env prod --type flow',
    'npx tsx tasks/backup.ts prune --dry-run',
  ],
})


// each command's work, and what it needs, is loaded only when it runs: --help does without them
export type CreateArgs = ParsedFlags<WithCommonFlags<typeof createFlags>>
export type ListArgs = ParsedFlags<WithCommonFlags<typeof listFlags>>
export type RestoreArgs = ParsedFlags<WithCommonFlags<typeof restoreFlags>>
export type PruneArgs = ParsedFlags<WithCommonFlags<typeof pruneFlags>>

await runAsScript(import.meta.url, task)
