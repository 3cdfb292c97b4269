// What tasks/backup.ts's commands do, loaded only when one runs (--help needs none of this).
import path from 'node:path'
import type { ConsolaInstance } from 'consola'
import { backupStore, latestBackup, listBackups, pruneBackups, readBackup, type BackupStore } from '../../lib/backup/store.ts'
import { backupTable } from '../../lib/report/backup-table.ts'
import { takeBackup } from '../../lib/backup/snapshot.ts'
import { loadConfig } from '../../lib/config/config.ts'
import { withContext, type Context } from '../../lib/run/context.ts'
import { displayPath, ExitCode, UsageError } from '../../lib/errors.ts'
import { isEnvironmentName } from '../../lib/config/environment-files.ts'
import { print } from '../../lib/report/print.ts'
import { printJson } from '../../lib/report/json-document.ts'
import { presentRun } from '../../lib/report/present-run.ts'
import { restore as restoreBackup } from '../../lib/run/restore.ts'
import { secretsChannelOf } from '../../lib/run/secrets-channel.ts'
import type { CreateArgs, ListArgs, PruneArgs, RestoreArgs } from '../backup.ts'

export function create(args: CreateArgs, log: ConsolaInstance): Promise<number> {
  return withContext(args.env, { log }, async (ctx) => {
    const file = await takeBackup(ctx, 'manual', { dir: args['backup-dir'] })
    if (args.json) printJson('backup', { environment: ctx.env.name, backup: file })
    else print(`Backed up environment "${ctx.env.name}" to ${displayPath(file)}`)
    return ExitCode.ok
  })
}

export function restore(args: RestoreArgs, log: ConsolaInstance): Promise<number> {
  const secrets = secretsChannelOf(args)
  return withContext(args.env, { log }, async (ctx) => {
    const [chosen] = args._
    if (chosen === undefined) throw new UsageError('restore takes one backup: a file, or "latest"; see --help')
    const store = backupStore(ctx.config, args['backup-dir'])
    const file = chosen === 'latest' ? latest(store, ctx) : path.resolve(chosen)
    const backup = readBackup(store, file)
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
      preamble: header,
      heading: `environment "${ctx.env.name}" (project ${ctx.projectId})`,
      desired: 'the backup',
      extra: { restoring: { file, ...source } },
      secrets,
    }, (onPlan) => restoreBackup(ctx, backup, file, {
      secrets,
      apply: args.apply,
      prune: args.prune,
      allowMassDelete: args['allow-mass-delete'],
      types: args.type,
      backupDir: args['backup-dir'],
      confirm: args.yes ? 'yes' : 'ask',
      onPlan,
    }))
    return code
  })
}

/** The newest backup to restore, saying out loud which newer files could not be read. */
function latest(store: BackupStore, ctx: Context): string {
  const { file, passedOver } = latestBackup(store, ctx.env.name, ctx.projectId)
  for (const entry of passedOver) ctx.log.warn(`passing over ${displayPath(entry.file)}, newer but unreadable (${entry.problem}); restoring ${displayPath(file)}`)
  return file
}

/** --env of list and prune names an environment (whose file may be gone), never a path. */
function environmentFilter(name: string | undefined): string | undefined {
  if (name !== undefined && !isEnvironmentName(name)) throw new UsageError(`--env ${JSON.stringify(name)} is not an environment name (letters, digits, _ and -)`)
  return name
}

export async function list(args: ListArgs): Promise<number> {
  const config = await loadConfig()
  const store = backupStore(config, args['backup-dir'])
  const entries = listBackups(store, environmentFilter(args.env))
  if (args.json) {
    printJson('backup-list', { dir: store.root, backups: entries.map((entry) => entry.ok
      ? { file: entry.file, size: entry.size, readable: true, ...entry.metadata }
      : { file: entry.file, size: entry.size, readable: false, problem: entry.problem }) })
    return ExitCode.ok
  }
  if (!entries.length) {
    print(`No backups${args.env ? ` of environment "${args.env}"` : ''} in ${displayPath(store.root)}.`)
    return ExitCode.ok
  }
  print(backupTable(entries))
  return ExitCode.ok
}

export async function prune(args: PruneArgs): Promise<number> {
  const config = await loadConfig()
  const store = backupStore(config, args['backup-dir'])
  const retentionDays = args['retention-days'] ?? config.backups.retentionDays
  const keep = args.keep ?? config.backups.keep
  const doomed = pruneBackups(store, { retentionDays, keep, environment: environmentFilter(args.env), dryRun: args['dry-run'] })
  if (args.json) {
    printJson('backup-prune', { dir: store.root, retentionDays, keep, dryRun: args['dry-run'], removed: doomed })
  } else {
    const verb = args['dry-run'] ? 'would remove' : 'removed'
    for (const file of doomed) print(`  ${verb} ${displayPath(file)}`)
    const count = `${doomed.length} ${doomed.length === 1 ? 'backup' : 'backups'}`
    print(`${args['dry-run'] ? `${count} would be removed` : `${count} removed`} (older than ${retentionDays} days, keeping the newest ${keep} of each environment).`)
  }
  return ExitCode.ok
}

