// The audit log: one JSON line per write an apply made, tried, skipped or was refused, per
// environment, beside its backups (<backup root>/<projectId>/<environment>.audit.jsonl, 0600 in
// a 0700 directory). Lines are appended and fsynced one by one, and redacted: never a secret.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Outcome } from '../engine/apply.ts'
import type { BackupStore } from '../backup/store.ts'
import { DescopeMgmtError, displayPath } from '../errors.ts'
import { appendLineDurably, safeFileName } from '../io/files.ts'
import type { Change } from '../engine/change.ts'
import { currentUser, TOOL_VERSION } from './provenance.ts'
import { redact } from '../report/secrets.ts'

export type AuditOutcome = Outcome['status'] | 'refused'

export interface AuditRecord {
  time: string
  user: string
  host: string
  environment: string
  projectId: string
  /** what ran: a sync or a restore */
  operation: string
  /** the item written; absent for a refusal of the whole apply */
  type?: string
  key?: string
  op: Change['op'] | 'apply'
  outcome: AuditOutcome
  /** the error's stable code, for a failure or a refusal */
  errorCode?: string
  detail?: string
  planFingerprint?: string
  gitCommit: string | null
  toolVersion: string
}

export interface AuditLog {
  file: string
  record(entry: Pick<AuditRecord, 'op' | 'outcome'> & Partial<Pick<AuditRecord, 'type' | 'key' | 'errorCode' | 'detail'>>): void
}

export function auditFile(store: Pick<BackupStore, 'root'>, projectId: string, environment: string): string {
  return path.join(store.root, safeFileName(projectId), `${safeFileName(environment)}.audit.jsonl`)
}

/**
 * Opens (creating if need be) the environment's audit log; throws AUDIT_WRITE when it cannot
 * be written, so that an apply stops before its first write rather than write unrecorded.
 */
export function openAuditLog(store: Pick<BackupStore, 'root'>, context: Pick<AuditRecord, 'environment' | 'projectId' | 'operation' | 'gitCommit'> & { planFingerprint?: string }): AuditLog {
  const file = auditFile(store, context.projectId, context.environment)
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 })
    fs.closeSync(fs.openSync(file, 'a', 0o600))
    fs.accessSync(file, fs.constants.W_OK)
  } catch (error) {
    throw new DescopeMgmtError('AUDIT_WRITE', `could not open the audit log ${displayPath(file)}: ${(error as Error).message}; nothing was applied. Point --backup-dir or DESCOPE_BACKUP_DIR at a writable directory`, { cause: error })
  }
  const fixed = { user: currentUser(), host: os.hostname(), ...context, toolVersion: TOOL_VERSION }
  return {
    file,
    record(entry) {
      const line: AuditRecord = { time: new Date().toISOString(), ...fixed, ...entry }
      appendLineDurably(file, redact(JSON.stringify(line)))
    },
  }
}

/** An apply's outcome as an audit entry. */
export function outcomeEntry(outcome: Outcome): Parameters<AuditLog['record']>[0] {
  const { change, status, detail, error } = outcome
  return {
    type: change.type,
    key: change.key,
    op: change.op,
    outcome: status,
    ...(error instanceof DescopeMgmtError ? { errorCode: error.code } : error ? { errorCode: 'UNEXPECTED' } : {}),
    ...(detail ? { detail } : {}),
  }
}
