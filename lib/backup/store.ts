// Where backups live and how they are written, listed, found and pruned.
// <root>/<projectId>/<UTC time>-<environment>-<operation>.json; directories 0700, files 0600,
// written atomically. The root is --backup-dir, else $DESCOPE_BACKUP_DIR, else the config's
// backups.dir, else ~/.descope-mgmt/backups.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { readPolicy, type Config } from '../config/config.ts'
import { ConfigError, DescopeMgmtError, displayPath } from '../errors.ts'
import { readTextFile, safeFileName, writeFileAtomic, type ReadPolicy } from '../io/files.ts'
import { stableJson } from '../io/json-file.ts'
import { holdsSecret } from '../report/secrets.ts'
import { byCodeUnit } from '../engine/normalize.ts'
import { parseBackup, type Backup, type BackupMetadata } from './format.ts'

/** Where backups (and the audit log) live, and how a backup file is read (its size limit). */
export interface BackupStore {
  root: string
  policy: ReadPolicy
}

export function backupStore(config: Pick<Config, 'root' | 'backups' | 'limits'>, override?: string): BackupStore {
  const chosen = override || process.env.DESCOPE_BACKUP_DIR || (config.backups.dir && path.resolve(config.root, config.backups.dir))
  return { root: path.resolve(chosen || path.join(os.homedir(), '.descope-mgmt', 'backups')), policy: readPolicy(config, 'backup') }
}

/** Writes a backup and returns its path. Refuses, writing nothing, if a known secret is in it. */
export function writeBackup(root: string, backup: Backup): string {
  const content = stableJson(backup)
  if (holdsSecret(content)) {
    throw new DescopeMgmtError('BACKUP_SECRET', 'refusing to write a backup that contains a secret (the management key, or the value of a variable named like a secret); nothing was written')
  }
  const dir = path.join(root, safeFileName(backup.metadata.projectId))
  const { createdAt, environment, operation } = backup.metadata
  const stamp = createdAt.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')
  const base = path.join(dir, `${stamp}-${safeFileName(environment)}-${operation}`)
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 })
    fs.chmodSync(dir, 0o700)
    // exclusive: a backup written in the same second gets the next name instead of replacing it
    for (let n = 1; ; n++) {
      const file = n === 1 ? `${base}.json` : `${base}-${n}.json`
      try {
        writeFileAtomic(file, content, { mode: 0o600, exclusive: true })
        return file
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      }
    }
  } catch (error) {
    throw new DescopeMgmtError('BACKUP_WRITE', `could not write the backup into ${displayPath(dir)}: ${(error as Error).message}; nothing was applied. Point --backup-dir or DESCOPE_BACKUP_DIR at a writable directory`, { cause: error })
  }
}

export function readBackup(store: Pick<BackupStore, 'policy'>, file: string): Backup {
  if (!fs.existsSync(file)) {
    throw new ConfigError('BACKUP_NOT_FOUND', [{ file: displayPath(file), path: '', message: 'does not exist', fix: 'pass a path `backup list` shows, or "latest"' }], { title: 'unusable backup' })
  }
  return parseBackup(readTextFile(file, store.policy), file)
}

export type UnreadableEntry = { file: string; size: number; ok: false; problem: string; modifiedAt: string }
export type BackupEntry = { file: string; size: number; ok: true; metadata: BackupMetadata } | UnreadableEntry

/** Every backup under the root, newest first; an unreadable file is listed with its problem. */
export function listBackups(store: BackupStore, environment?: string): BackupEntry[] {
  const { root } = store
  if (!fs.existsSync(root)) return []
  const entries: BackupEntry[] = []
  for (const project of fs.readdirSync(root, { withFileTypes: true })) {
    if (!project.isDirectory()) continue
    const dir = path.join(root, project.name)
    for (const name of fs.readdirSync(dir).filter((name) => name.endsWith('.json'))) {
      const file = path.join(dir, name)
      let size = 0
      try {
        const stat = fs.statSync(file)
        size = stat.size
        const { metadata } = readBackup(store, file)
        entries.push({ file, size, ok: true, metadata })
      } catch (error) {
        // a damaged file, a dangling link, a file pruned meanwhile: listed, never fatal
        const problem = error instanceof ConfigError ? error.issues[0]!.message : (error as Error).message
        const modifiedAt = fs.lstatSync(file, { throwIfNoEntry: false })?.mtime.toISOString() ?? new Date(0).toISOString()
        entries.push({ file, size, ok: false, problem, modifiedAt })
      }
    }
  }
  const time = (entry: BackupEntry) => (entry.ok ? entry.metadata.createdAt : entry.modifiedAt)
  return entries
    .filter((entry) => !environment || !entry.ok || entry.metadata.environment === environment)
    .sort((a, b) => byCodeUnit(time(b), time(a)) || byCodeUnit(b.file, a.file))
}

/**
 * The newest readable backup of this environment of this project, except the snapshots a
 * restore takes of what it replaces: running the same `restore latest` again must restore the
 * same backup, not undo the first run.
 */
export function latestBackup(store: BackupStore, environment: string, projectId: string): { file: string; passedOver: UnreadableEntry[] } {
  const entries = listBackups(store, environment)
  const latest = entries.find((entry) =>
    entry.ok && entry.metadata.projectId === projectId && entry.metadata.operation !== 'restore')
  if (!latest) {
    throw new ConfigError('BACKUP_NOT_FOUND', [{ file: displayPath(store.root), path: '', message: `holds no backup of environment "${environment}" (project ${projectId}) to restore`, fix: `run \`backup create --env ${environment}\`, or pass a backup file (\`backup list\` shows them)` }])
  }
  // newer files of this environment of this project that cannot be read: the one meant may be among them
  const dir = path.join(store.root, safeFileName(projectId))
  const named = `-${safeFileName(environment)}-`
  const passedOver = entries.slice(0, entries.indexOf(latest))
    .filter((entry): entry is UnreadableEntry => !entry.ok && path.dirname(entry.file) === dir && path.basename(entry.file).includes(named))
  return { file: latest.file, passedOver }
}

/**
 * Backups older than `retentionDays`, except the newest `keep` of each environment (whatever
 * their age). Unreadable files are left alone: they are for a person to look at.
 */
export function backupsToPrune(store: BackupStore, options: { retentionDays: number; keep: number; environment?: string; now?: Date }): string[] {
  const cutoff = (options.now ?? new Date()).getTime() - options.retentionDays * 86_400_000
  const seen = new Map<string, number>()
  const doomed: string[] = []
  for (const entry of listBackups(store, options.environment)) {
    if (!entry.ok) continue
    const group = `${entry.metadata.projectId}/${entry.metadata.environment}`
    const rank = (seen.get(group) ?? 0) + 1
    seen.set(group, rank)
    if (rank > options.keep && Date.parse(entry.metadata.createdAt) < cutoff) doomed.push(entry.file)
  }
  return doomed
}

/** Removes the backups backupsToPrune() names (none with `dryRun`), and returns them. */
export function pruneBackups(store: BackupStore, options: Parameters<typeof backupsToPrune>[1] & { dryRun: boolean }): string[] {
  const doomed = backupsToPrune(store, options)
  if (!options.dryRun) for (const file of doomed) fs.rmSync(file)
  return doomed
}
