// npx tsx tasks/backup.ts <create|list|restore|prune> [flags]
import fs from 'node:fs'
import path from 'node:path'
import { backupsToPrune, backupRoot, latestBackup, listBackups, readBackup, type BackupEntry } from '../lib/backup/store.ts'
import { takeBackup } from '../lib/backup/snapshot.ts'
import { loadConfig } from '../lib/config.ts'
import { withContext } from '../lib/context.ts'
import { displayPath, ExitCode, UsageError } from '../lib/errors.ts'
import { print } from '../lib/log.ts'
import { presentRun } from '../lib/present-run.ts'
import { restore } from '../lib/restore.ts'
import { runTask, type Args } from '../lib/runner.ts'

const help = `
Snapshots of a Descope project, and one command back.

Usage: npx tsx tasks/backup.ts <command> [flags]

  create --env <name>              back up every resource type the configured plugins know;
                                   prints the backup's path
  list [--env <name>]              every backup, newest first: time, environment, project,
                                   operation, user, item counts, size (unreadable files too)
  restore <file|latest> --env <name>
                                   plan with the backup as the desired state and show the diff
                                   (latest: the newest backup of this environment and project,
                                   not counting those a restore took of what it replaced);
                                   with --apply carry it out like a sync (lock, confirmation for
                                   protected environments, a backup of the environment first).
                                   A backup of another environment restores into this one: that
                                   is how a project is cloned.
  prune [--env <name>]             remove backups older than the retention period, always
                                   keeping the newest few of each environment

Flags:
  --env <name>          the environment (default: the config's defaultEnvironment, for create
                        and restore)
  --backup-dir <dir>    where backups live (default: $DESCOPE_BACKUP_DIR, the config's
                        backups.dir, or ~/.descope-mgmt/backups); one directory per project
  --apply               restore: carry the plan out; without it nothing is written
  --prune               restore: also delete live items the backup does not have
  --type <type>         restore: only this type (repeatable: --type flow --type theme)
  --yes                 restore: apply to a protected environment without typing its name
  --retention-days <n>  prune: override the config's backups.retentionDays (30)
  --keep <n>            prune: override the config's backups.keep (5 per environment)
  --dry-run             prune: list what would go, remove nothing
  --json                one JSON document on stdout
  --verbose, --quiet, --help

Backups are JSON, validated when read, 0600 in 0700 directories, and never hold a secret.
sync --apply and restore --apply take one automatically before their first write.

Examples:
  npx tsx tasks/backup.ts create --env prod
  npx tsx tasks/backup.ts list --env prod
  npx tsx tasks/backup.ts restore latest --env prod --type flow          # roll back a flow deploy
  npx tsx tasks/backup.ts restore latest --env prod --type flow --apply
  npx tsx tasks/backup.ts restore ~/.descope-mgmt/backups/P2.../20261122T101500Z-dev-manual.json --env staging --apply --prune
  npx tsx tasks/backup.ts prune --dry-run
`

const COMMANDS = ['create', 'list', 'restore', 'prune'] as const

await runTask({
  help,
  positional: true,
  boolean: ['apply', 'prune', 'yes', 'json', 'dry-run'],
  string: ['env', 'backup-dir', 'type', 'retention-days', 'keep'],
  run: async (args, log) => {
    const [command, ...rest] = args._.map(String)
    if (!command) throw new UsageError(`say what to do: ${COMMANDS.join(', ')}; see --help`)
    if (!COMMANDS.includes(command as never)) throw new UsageError(`unknown command "${command}": use ${COMMANDS.join(', ')}; see --help`)
    if (command !== 'restore' && rest.length) throw new UsageError(`unexpected argument ${rest.join(' ')}; see --help`)
    if (command === 'list') return list(args)
    if (command === 'prune') return prune(args)
    return withContext(args.env, { log }, async (ctx) => {
      if (command === 'create') {
        const file = await takeBackup(ctx, 'manual', { dir: args['backup-dir'] })
        if (args.json) print(JSON.stringify({ backup: file }, null, 2))
        else print(`Backed up environment "${ctx.env.name}" to ${displayPath(file)}`)
        return ExitCode.ok
      }
      if (rest.length !== 1) throw new UsageError('restore takes one backup: a file, or "latest"; see --help')
      const root = backupRoot(ctx.config, args['backup-dir'])
      const file = rest[0] === 'latest' ? latestBackup(root, ctx.env.name, ctx.projectId) : path.resolve(rest[0]!)
      const backup = readBackup(file)
      const source = backup.metadata
      const header = [
        `Restoring ${displayPath(file)}`,
        `  a backup of environment "${source.environment}" (project ${source.projectId}), taken ${source.createdAt} by ${source.user} (${source.operation})`,
        `  into environment "${ctx.env.name}" (project ${ctx.projectId})`,
        ...(source.projectId !== ctx.projectId
          ? [`  ⚠ another project (${source.projectId} → ${ctx.projectId}): this makes "${ctx.env.name}" a copy of "${source.environment}"`]
          : []),
      ].join('\n')
      const { code } = await presentRun(ctx, {
        json: args.json,
        yes: args.yes,
        preamble: header,
        heading: `environment "${ctx.env.name}" (project ${ctx.projectId})`,
        desired: 'the backup',
        extra: { restoring: { file, ...source } },
      }, (confirm) => restore(ctx, backup, file, { apply: args.apply, prune: args.prune, types: typesFlag(args), backupDir: args['backup-dir'], confirm }))
      return code
    })
  },
})

function typesFlag(args: Args): string[] | undefined {
  if (args.type === undefined) return undefined
  return ([] as string[]).concat(args.type).flatMap((value) => value.split(',')).map((type) => type.trim()).filter(Boolean)
}

async function list(args: Args): Promise<number> {
  const config = await loadConfig()
  const root = backupRoot(config, args['backup-dir'])
  const entries = listBackups(root, args.env)
  if (args.json) {
    print(JSON.stringify({ dir: root, backups: entries.map((entry) => entry.ok
      ? { file: entry.file, size: entry.size, readable: true, ...entry.metadata }
      : { file: entry.file, size: entry.size, readable: false, problem: entry.problem }) }, null, 2))
    return ExitCode.ok
  }
  if (!entries.length) {
    print(`No backups${args.env ? ` of environment "${args.env}"` : ''} in ${displayPath(root)}.`)
    return ExitCode.ok
  }
  print(table(entries))
  return ExitCode.ok
}

function table(entries: BackupEntry[]): string {
  const rows = entries.map((entry) => entry.ok
    ? [entry.metadata.createdAt.replace(/\.\d+Z$/, 'Z'), entry.metadata.environment, entry.metadata.projectId, entry.metadata.operation, entry.metadata.user,
        Object.entries(entry.metadata.counts).map(([type, count]) => `${type} ${count}`).join(', '), size(entry.size), displayPath(entry.file)]
    : [entry.modifiedAt.replace(/\.\d+Z$/, 'Z'), '?', '?', 'UNREADABLE', '', entry.problem, size(entry.size), displayPath(entry.file)])
  const head = ['time (UTC)', 'environment', 'project', 'operation', 'user', 'items', 'size', 'file']
  const widths = head.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)))
  const line = (cells: string[]) => cells.map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  ')
  return [line(head), ...rows.map(line)].join('\n')
}

function size(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KiB`
}

async function prune(args: Args): Promise<number> {
  const config = await loadConfig()
  const root = backupRoot(config, args['backup-dir'])
  const number = (flag: string, fallback: number) => {
    if (args[flag] === undefined) return fallback
    const value = Number(args[flag])
    if (!Number.isInteger(value) || value < 1) throw new UsageError(`--${flag} must be a whole number of at least 1`)
    return value
  }
  const retentionDays = number('retention-days', config.backups.retentionDays)
  const keep = number('keep', config.backups.keep)
  const doomed = backupsToPrune(root, { retentionDays, keep, environment: args.env })
  if (!args['dry-run']) for (const file of doomed) fs.rmSync(file)
  if (args.json) {
    print(JSON.stringify({ dir: root, retentionDays, keep, dryRun: Boolean(args['dry-run']), removed: doomed }, null, 2))
  } else {
    const verb = args['dry-run'] ? 'would remove' : 'removed'
    for (const file of doomed) print(`  ${verb} ${displayPath(file)}`)
    print(`${doomed.length} backup(s) ${verb} (older than ${retentionDays} days, keeping the newest ${keep} of each environment).`)
  }
  return ExitCode.ok
}
