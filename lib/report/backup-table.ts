// `backup list` as a table: one row per backup file, newest first, unreadable ones too.
import type { BackupEntry } from '../backup/store.ts'
import { displayPath } from '../errors.ts'
import { formatBytes } from '../io/files.ts'
import { textTable } from './table.ts'

export function backupTable(entries: BackupEntry[]): string {
  const rows = entries.map((entry) => entry.ok
    ? [entry.metadata.createdAt.replace(/\.\d+Z$/, 'Z'), entry.metadata.environment, entry.metadata.projectId, entry.metadata.operation, entry.metadata.user,
        Object.entries(entry.metadata.counts).map(([type, count]) => `${type} ${count}`).join(', '), formatBytes(entry.size), displayPath(entry.file)]
    : [entry.modifiedAt.replace(/\.\d+Z$/, 'Z'), '?', '?', 'UNREADABLE', '', entry.problem, formatBytes(entry.size), displayPath(entry.file)])
  const head = ['time (UTC)', 'environment', 'project', 'operation', 'user', 'items', 'size', 'file']
  return textTable(head, rows)
}
