// Every --json document a task prints starts with the same two fields: what it is (`kind`) and
// the version of its shape (`formatVersion`). A script checks both before it reads anything else,
// so a change of shape is a new version it can refuse, never a silent misreading. The README's
// "JSON documents" section lists each kind and its fields.
import { print } from './print.ts'

/** Raised when a document's fields change meaning or go away (new fields keep the version). */
export const JSON_FORMAT_VERSION = 1

export type JsonKind = 'plan' | 'apply' | 'drift' | 'drift-matrix' | 'export' | 'backup' | 'backup-list' | 'backup-prune' | 'validate' | 'import' | 'error' | 'interrupted' | 'tenant-report'

/** A document's own fields; the envelope's two are never among them, so a body cannot override it. */
type Body = object & { kind?: never; formatVersion?: never }

export function jsonDocument<T extends Body>(kind: JsonKind, body: T): { kind: JsonKind; formatVersion: number } & T {
  return { kind, formatVersion: JSON_FORMAT_VERSION, ...body }
}

/** Prints one document on stdout, redacted like every other report. */
export function printJson<T extends Body>(kind: JsonKind, body: T): void {
  print(JSON.stringify(jsonDocument(kind, body), null, 2))
}
