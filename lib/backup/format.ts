// The backup file: JSON, validated on read. Metadata says where and when it was taken; the
// items are the normalized, portable form of every resource type, sorted by key, so that an
// unchanged project backs up to the same items in the same order (and the same content hash).
import * as v from 'valibot'
import { ConfigError, displayPath } from '../errors.ts'
import { JSON_DEPTH, parseJsonText } from '../io/files.ts'
import { Sha256Schema, sha256Of } from '../io/json-file.ts'
import { dataRecord, jsonObject, plainText } from '../config/schemas.ts'
import { formatPath, unquoted } from '../config/validate.ts'

export const BACKUP_FORMAT = 'descope-mgmt-backup'
export const BACKUP_VERSION = 1

/** What took a backup: a `backup create` (manual), the apply of a sync or a restore... */
export const OPERATIONS = ['manual', 'sync', 'restore'] as const
/**
 * ...or the apply of a script's edit (lib/run/edit.ts), named by the script's label: lower-case
 * words joined by hyphens (it is part of the backup's file name), never one of the above.
 */
export const SCRIPT_LABEL = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/
export const SCRIPT_LABEL_MAX = 64
export type Operation = (typeof OPERATIONS)[number] | (string & {})

const ScriptLabelSchema = v.pipe(v.string(), v.maxLength(SCRIPT_LABEL_MAX), v.regex(SCRIPT_LABEL))

export const BackupMetadataSchema = v.strictObject({
  format: v.literal(BACKUP_FORMAT),
  version: v.literal(BACKUP_VERSION),
  /** UTC, ISO 8601 */
  createdAt: v.pipe(v.string(), v.isoTimestamp()),
  /** what took it: a `backup create`, the apply of a sync or a restore, or a script's label */
  operation: v.union([v.picklist(OPERATIONS), ScriptLabelSchema], 'must be manual, sync, restore or a script\'s label (lower-case words joined by -)'),
  // shown by `backup list`: plain text only, so a planted file cannot send escape codes to a terminal
  user: v.pipe(v.string(), plainText()),
  /** the commit of the project's configuration, with `-dirty` when it had local changes */
  gitCommit: v.nullable(v.pipe(v.string(), plainText())),
  environment: v.pipe(v.string(), plainText()),
  projectId: v.pipe(v.string(), plainText()),
  toolVersion: v.pipe(v.string(), plainText()),
  /** items per type */
  counts: dataRecord(v.number()),
  /** sha256 of the items, as stable JSON */
  contentHash: Sha256Schema,
})
export type BackupMetadata = v.InferOutput<typeof BackupMetadataSchema>

export const BackupSchema = v.strictObject({
  metadata: BackupMetadataSchema,
  /** every key kept: an item field or a type may be named anything (v.record drops `__proto__`) */
  items: dataRecord(v.array(jsonObject)),
})
export type Backup = v.InferOutput<typeof BackupSchema>

export function contentHash(items: Backup['items']): string {
  return sha256Of(items)
}

/**
 * Parses and checks a backup file's text. A truncated or edited file, another format, or a
 * newer format version is a clear error naming the file, never a guess.
 */
export function parseBackup(text: string, file: string): Backup {
  const shown = displayPath(file)
  const fail = (message: string, fix: string, path = '') => new ConfigError('BACKUP_INVALID', [{ file: shown, path, message, fix }], { title: 'unusable backup' })
  const raw = parseJsonText(text, file, { code: 'BACKUP_INVALID', title: 'unusable backup', fix: 'use another backup; `backup list` shows which are readable', maxDepth: JSON_DEPTH.wrapped })
  const metadata = (raw as { metadata?: { format?: unknown; version?: unknown } } | null)?.metadata
  if (metadata?.format !== BACKUP_FORMAT) throw fail('is not a descope-mgmt backup', 'pass a file that `backup create` wrote')
  if (metadata.version !== BACKUP_VERSION) {
    if (typeof metadata.version === 'number' && metadata.version > BACKUP_VERSION) {
      throw fail(`is format version ${metadata.version}; this descope-mgmt reads version ${BACKUP_VERSION} and older`, 'upgrade descope-mgmt to restore it')
    }
    throw fail('has a format version no descope-mgmt wrote', 'use another backup; this one was changed or damaged')
  }
  const result = v.safeParse(BackupSchema, raw)
  if (!result.success) {
    const first = result.issues[0]!
    throw fail(unquoted(first.message), 'use another backup; this one was changed or damaged', formatPath((first.path ?? []).map((item) => item.key as string | number)))
  }
  const { items, metadata: checked } = result.output
  const counted = Object.keys(items).filter((type) => checked.counts[type] !== items[type]!.length || !Object.hasOwn(checked.counts, type))
  if (counted.length || Object.keys(checked.counts).length !== Object.keys(items).length) {
    throw fail(`does not match its own item counts (${counted.join(', ') || 'types'}): edited or damaged`, 'use another backup', 'metadata.counts')
  }
  if (contentHash(items) !== checked.contentHash) {
    throw fail('does not match its content hash (edited or damaged)', 'use another backup')
  }
  return result.output
}
