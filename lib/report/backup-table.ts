// `backup list` as a table: one row per backup file, newest first, unreadable ones too.
import type { BackupEntry } from '../backup/store.ts'
import { displayPath } from '../errors.ts'
import { formatBytes } from '../io/files.ts'

export function backupTable(entries: BackupEntry[]): string {
  const rows = entries.map((entry) => entry.ok
    ? [entry.metadata.createdAt.replace(/\.\d+Z$/, 'Z'), entry.metadata.environment, entry.metadata.projectId, entry.metadata.operation, entry.metadata.user,
        Object.entries(entry.metadata.counts).map(([type, count]) => `${type} ${count}`).join(', '), formatBytes(entry.size), displayPath(entry.file)]
    : [entry.modifiedAt.replace(/\.\d+Z$/, 'Z'), '?', '?', 'UNREADABLE', '', entry.problem, formatBytes(entry.size), displayPath(entry.file)])
  const head = ['time (UTC)', 'environment', 'project', 'operation', 'user', 'items', 'size', 'file']
  const widths = head.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)))
  const line = (cells: string[]) => cells.map((cell, column) => (column === cells.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  ')
  return [line(head), ...rows.map(line)].join('\n')
}
