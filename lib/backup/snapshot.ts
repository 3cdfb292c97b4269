// A snapshot of every resource type the configured plugins know, as a backup document. Items
// are normalized (portable, no server-managed fields) and sorted by key; built-ins that every
// project has are left out, since they cannot be restored anyway.
import fs from 'node:fs'
import os from 'node:os'
import { $ } from 'zx'
import type { Context } from '../context.ts'
import { readLive } from '../live.ts'
import type { LiveState } from '../plan.ts'
import { BACKUP_FORMAT, BACKUP_VERSION, contentHash, type Backup, type Operation } from './format.ts'
import { byCodeUnit } from '../normalize.ts'
import { backupRoot, writeBackup } from './store.ts'

const TOOL_VERSION = (JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version

export function snapshot(ctx: Pick<Context, 'handlers' | 'env' | 'projectId'>, live: LiveState, operation: Operation, gitCommit: string | null): Backup {
  const items: Backup['items'] = {}
  for (const handler of ctx.handlers) {
    const list = live.get(handler.type)
    if (!list) continue
    items[handler.type] = list
      .filter((item) => !handler.builtIn?.(item))
      .sort((a, b) => byCodeUnit(handler.key(a), handler.key(b))) as Record<string, unknown>[]
  }
  return {
    metadata: {
      format: BACKUP_FORMAT,
      version: BACKUP_VERSION,
      createdAt: new Date().toISOString(),
      operation,
      user: currentUser(),
      gitCommit,
      environment: ctx.env.name,
      projectId: ctx.projectId,
      toolVersion: TOOL_VERSION,
      counts: Object.fromEntries(Object.entries(items).map(([type, list]) => [type, list.length])),
      contentHash: contentHash(items),
    },
    items,
  }
}

/** Who took it; a container's uid may have no passwd entry, and that must not stop a backup. */
function currentUser(): string {
  try {
    return os.userInfo().username
  } catch {
    return process.env.USER || process.env.LOGNAME || `uid ${process.getuid?.() ?? '?'}`
  }
}

/** The commit the configuration is at, `-dirty` with local changes; null outside git. */
export async function configCommit(root: string): Promise<string | null> {
  const git = $({ cwd: root, nothrow: true, quiet: true })
  const head = await git`git rev-parse HEAD`
  if (head.exitCode !== 0) return null
  const dirty = (await git`git status --porcelain`).stdout.trim() !== ''
  return `${head.stdout.trim()}${dirty ? '-dirty' : ''}`
}

/**
 * Writes a backup of the environment and returns its path. `live` may carry lists already
 * read (all types, as an apply reads them); otherwise every type is read now.
 */
export async function takeBackup(ctx: Context, operation: Operation, options: { live?: LiveState; dir?: string } = {}): Promise<string> {
  const live = options.live ?? await readLive(ctx, ctx.handlers.map((handler) => handler.type))
  const backup = snapshot(ctx, live, operation, await configCommit(ctx.config.root))
  return writeBackup(backupRoot(ctx.config, options.dir), backup)
}
