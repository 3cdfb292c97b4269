// A snapshot of every resource type the configured plugins know, as a backup document. Items
// are normalized (portable, no server-managed fields) and sorted by key. Built-ins that nothing
// can change (a system permission) are left out, since restoring them would do nothing; those
// Descope lets you edit (a default flow, Tenant Admin) are kept with what was made of them.
import type { Context } from '../run/context.ts'
import { stableJson } from '../io/json-file.ts'
import { readLive } from '../engine/live.ts'
import { byCodeUnit } from '../engine/normalize.ts'
import type { LiveState } from '../engine/change.ts'
import { configCommit, currentUser, TOOL_VERSION } from '../run/provenance.ts'
import { holdsSecret, redact, redactValue } from '../report/secrets.ts'
import { BACKUP_FORMAT, BACKUP_VERSION, contentHash, type Backup, type Operation } from './format.ts'
import { backupStore, writeBackup } from './store.ts'
import { quoted } from '../report/quote.ts'

export function snapshot(ctx: Pick<Context, 'handlers' | 'env' | 'projectId'>, live: LiveState, operation: Operation, gitCommit: string | null): Backup {
  const items: Backup['items'] = {}
  for (const handler of ctx.handlers) {
    const list = live.get(handler.type)
    if (!list) continue
    const changeable = handler.builtInChangeable
    const fixed = changeable === undefined || (changeable !== 'all' && changeable.length === 0)
    items[handler.type] = list
      .filter((item) => !(fixed && handler.builtIn?.(item)))
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

/**
 * Writes a backup of the environment and returns its path. `live` may carry lists already
 * read (all types, as an apply reads them); otherwise every type is read now, but those the
 * environment's key may not read (left out, with a warning).
 */
export async function takeBackup(ctx: Context, operation: Operation, options: { live?: LiveState; dir?: string; gitCommit?: string | null } = {}): Promise<string> {
  const live = options.live ?? await readLive(ctx, ctx.handlers.map((handler) => handler.type), undefined, 'skip')
  const backup = snapshot(ctx, withoutSecrets(ctx, live), operation, options.gitCommit !== undefined ? options.gitCommit : await configCommit(ctx.config.root))
  return writeBackup(backupStore(ctx.config, options.dir).root, backup)
}

/**
 * Live items with a secret in a field (someone pasted the management key into an attribute)
 * are backed up with [redacted] in its place, and named out loud: the secret never reaches a
 * file, and the apply that would remove it is not blocked.
 */
function withoutSecrets(ctx: Pick<Context, 'handlers' | 'log'>, live: LiveState): LiveState {
  const clean = new Map(live)
  for (const handler of ctx.handlers) {
    const items = live.get(handler.type)
    if (!items?.some((item) => holdsSecret(stableJson(item)))) continue
    clean.set(handler.type, items.map((item) => {
      if (!holdsSecret(stableJson(item))) return item
      ctx.log.warn(`live ${handler.type} ${quoted(redact(handler.key(item)))} holds a secret (the management key, or a secret variable's value) in a field: the backup holds [redacted] in its place. Remove it from that ${handler.type} in the Descope console`)
      return redactValue(item)
    }))
  }
  return clean
}
