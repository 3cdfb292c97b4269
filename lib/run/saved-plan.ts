// Saved plans: `sync --out plan.json` writes the plan with fingerprints of the live state and
// the files it was computed from; `sync --plan plan.json --apply` applies it only if both are
// unchanged and the plan computed now is the very one saved. This is how a team reviews a plan
// in a pull request and applies exactly what was reviewed.
import * as v from 'valibot'
import { ConfigError, DescopeMgmtError, displayPath } from '../errors.ts'
import { JSON_DEPTH, parseJsonText, readTextFile, writeFileAtomic, type ReadPolicy } from '../io/files.ts'
import { Sha256Schema, sha256Of, stableJson } from '../io/json-file.ts'
import type { Environment } from '../config/environment.ts'
import type { LiveState, Plan } from '../engine/change.ts'
import { planDocument } from '../report/plan-report.ts'
import { holdsSecret, redactValue } from '../report/secrets.ts'
import { unquoted } from '../config/validate.ts'

export const PLAN_FORMAT = 'descope-mgmt-plan'
/** 2: field changes say `live`/`desired` (were `from`/`to`), as every --json document does */
export const PLAN_VERSION = 2

const byName = <T>(map: Map<string, T>) => Object.fromEntries([...map].sort(([a], [b]) => (a < b ? -1 : 1)))

export interface Fingerprints {
  /** the live items the plan was computed from (the types it read, normalized), in any order */
  live: string
  /** what the files declare, after ${VAR} substitution and validation */
  files: string
  /** the changes themselves: what would be sent */
  plan: string
  /** the changes as a reviewer reads them in a saved plan: type, key, op, fields and preview */
  review: string
}

/** A type's items in one order whatever order the API listed them in. */
const unordered = (items: object[]) => items.map((item) => stableJson(item)).sort()
/** What a saved plan shows a reviewer of each change: with what its dry run says it deletes (left out when it says nothing) */
const reviewed = (changes: unknown) => (Array.isArray(changes) ? changes : []).map(({ type, key, op, fields, preview }) => ({ type, key, op, fields, ...(preview === undefined ? {} : { preview }) }))

/**
 * `secretTypes`: the types with write-only fields (client secrets). Their items are hashed with
 * every secret cut out: a published fingerprint must not confirm a guess of one.
 */
export function fingerprints(env: Pick<Environment, 'declared' | 'partial'>, live: LiveState, plan: Plan, secretTypes: ReadonlySet<string> = new Set()): Fingerprints {
  const changes = planDocument(plan, { projectId: '', stats: { requests: 0, retries: 0 } }).changes
  const safe = <T>(type: string, value: T): T => (secretTypes.has(type) ? redactValue(value) : value)
  return {
    live: sha256Of(byName(new Map([...live].map(([type, items]) => [type, unordered(items)])))),
    files: sha256Of({ declared: byName(new Map([...env.declared].map(([type, items]) => [type, safe(type, items)]))), partial: [...env.partial].sort() }),
    plan: sha256Of(plan.changes.map(({ op, type, key, fields, item }) => ({ op, type, key, fields, item: safe(type, item) }))),
    review: sha256Of(reviewed(JSON.parse(JSON.stringify(changes)))),
  }
}

const FingerprintSchema = Sha256Schema

export const SavedPlanSchema = v.object({
  metadata: v.object({
    format: v.literal(PLAN_FORMAT),
    version: v.literal(PLAN_VERSION),
    createdAt: v.string(),
    user: v.string(),
    environment: v.string(),
    projectId: v.string(),
    gitCommit: v.nullable(v.string()),
    toolVersion: v.string(),
    /** the flags the plan was made with; applying it uses the same */
    options: v.object({ prune: v.boolean(), allowMassDelete: v.boolean() }),
    fingerprints: v.object({ live: FingerprintSchema, files: FingerprintSchema, plan: FingerprintSchema, review: FingerprintSchema }),
  }),
  /** the plan as --json shows it: for the reviewer; the fingerprints decide */
  plan: v.record(v.string(), v.unknown()),
})
export type SavedPlan = v.InferOutput<typeof SavedPlanSchema>

/** Writes a saved plan atomically; refuses, writing nothing, if a secret is in it. */
export function writeSavedPlan(file: string, saved: SavedPlan): void {
  const content = stableJson(saved)
  if (holdsSecret(content)) throw new DescopeMgmtError('PLAN_SECRET', 'refusing to write a plan that contains a secret (live data or a plugin put one in it); nothing was written')
  try {
    writeFileAtomic(file, content, { mode: 0o600 })
  } catch (error) {
    throw new DescopeMgmtError('PLAN_WRITE', `could not write the plan to ${displayPath(file)}: ${(error as Error).message}; name a file in a writable directory`, { cause: error })
  }
}

export function readSavedPlan(file: string, policy: ReadPolicy): SavedPlan {
  const fail = (message: string, fix: string, at = '') => new ConfigError('PLAN_INVALID', [{ file: displayPath(file), path: at, message, fix }], { title: 'unusable plan' })
  const raw = parseJsonText(readTextFile(file, policy), file, { code: 'PLAN_INVALID', title: 'unusable plan', fix: 'make the plan again with sync --out', maxDepth: JSON_DEPTH.wrapped })
  const version = (raw as { metadata?: { format?: unknown; version?: unknown } } | null)?.metadata
  if (version?.format === PLAN_FORMAT && version.version !== PLAN_VERSION) {
    throw fail(`is a plan of format version ${JSON.stringify(version.version)}, made by another version of descope-mgmt; this one reads version ${PLAN_VERSION}`, 'make the plan again with sync --out', 'metadata.version')
  }
  const result = v.safeParse(SavedPlanSchema, raw)
  if (!result.success) {
    const issue = result.issues[0]!
    throw fail(`is not a plan this descope-mgmt wrote: ${unquoted(issue.message)}`, 'make the plan again with sync --out', (issue.path ?? []).map((item) => String(item.key)).join('.'))
  }
  return result.output
}

/** Refuses (exit 3) a plan made for another environment or project. */
export function assertPlanFor(saved: { file: string; plan: SavedPlan }, ctx: { env: { name: string }; projectId: string }): void {
  const { environment, projectId } = saved.plan.metadata
  if (environment === ctx.env.name && projectId === ctx.projectId) return
  throw new ConfigError('PLAN_OTHER_ENVIRONMENT', [{ file: displayPath(saved.file), path: 'metadata', message: `is a plan for environment "${environment}" (project ${projectId}), not "${ctx.env.name}" (project ${ctx.projectId})`, fix: `pass --env ${environment}, or make a plan for "${ctx.env.name}" with --out` }], { title: 'plan refused' })
}

/**
 * Refuses (PLAN_STALE, exit 3, nothing written) unless live and the files are as they were
 * when the plan was saved, and the plan computed now is the one saved, both as the reviewer
 * read it (the document in the file) and as it would be sent (its fingerprint).
 */
export function assertUnchanged(saved: { file: string; plan: SavedPlan }, now: Fingerprints): void {
  const { metadata } = saved.plan
  const issue = (field: string, message: string) => ({ file: displayPath(saved.file), path: field, message, fix: 'make a new plan with sync --out, review it, and apply that one' })
  const issues = [
    ...(now.files !== metadata.fingerprints.files ? [issue('metadata.fingerprints.files', 'the files have changed since this plan was made')] : []),
    ...(now.live !== metadata.fingerprints.live ? [issue('metadata.fingerprints.live', `environment "${metadata.environment}" has changed since this plan was made (an apply, or an edit in the console)`)] : []),
  ]
  // same inputs, another plan: the file was edited, or another version of the tool planned it
  if (!issues.length && now.plan !== metadata.fingerprints.plan) issues.push(issue('metadata.fingerprints.plan', 'is not the plan these files and this live state give (edited, or made by another version of descope-mgmt)'))
  if (!issues.length && now.review !== sha256Of(reviewed(saved.plan.plan.changes))) issues.push(issue('plan.changes', 'were edited after the plan was made: what would be applied is not what the file shows'))
  if (issues.length) throw new ConfigError('PLAN_STALE', issues, { title: 'plan refused' })
}
