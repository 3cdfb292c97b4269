// Saved plans: `sync --out plan.json` writes the plan with fingerprints of the live state and
// the files it was computed from; `sync --plan plan.json --apply` applies it only if both are
// unchanged and the plan computed now is the very one saved. This is how a team reviews a plan
// in a pull request and applies exactly what was reviewed.
import { createHash } from 'node:crypto'
import * as v from 'valibot'
import { ConfigError, DescopeMgmtError, displayPath } from './errors.ts'
import { parseJsonText, readTextFile, writeFileAtomic, type ReadPolicy } from './files.ts'
import { stableJson } from './json-file.ts'
import type { Environment } from './environment.ts'
import type { LiveState, Plan } from './plan.ts'
import { holdsSecret } from './secrets.ts'

export const PLAN_FORMAT = 'descope-mgmt-plan'
export const PLAN_VERSION = 1

const hash = (value: unknown) => `sha256:${createHash('sha256').update(stableJson(value)).digest('hex')}`
const byName = <T>(map: Map<string, T>) => Object.fromEntries([...map].sort(([a], [b]) => (a < b ? -1 : 1)))

export interface Fingerprints {
  /** the live items the plan was computed from (the types it read, normalized) */
  live: string
  /** what the files declare, after ${VAR} substitution and validation */
  files: string
  /** the changes themselves: what would be sent */
  plan: string
}

export function fingerprints(env: Pick<Environment, 'declared' | 'partial'>, live: LiveState, plan: Plan): Fingerprints {
  return {
    live: hash(byName(live)),
    files: hash({ declared: byName(env.declared), partial: [...env.partial].sort() }),
    plan: hash(plan.changes.map(({ op, type, key, fields, item }) => ({ op, type, key, fields, item }))),
  }
}

const FingerprintSchema = v.pipe(v.string(), v.regex(/^sha256:[0-9a-f]{64}$/))

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
    fingerprints: v.object({ live: FingerprintSchema, files: FingerprintSchema, plan: FingerprintSchema }),
  }),
  /** the plan as --json shows it: for the reviewer; the fingerprints decide */
  plan: v.record(v.string(), v.unknown()),
})
export type SavedPlan = v.InferOutput<typeof SavedPlanSchema>

/** Writes a saved plan atomically; refuses, writing nothing, if a secret is in it. */
export function writeSavedPlan(file: string, saved: SavedPlan): void {
  const content = stableJson(saved)
  if (holdsSecret(content)) throw new DescopeMgmtError('PLAN_SECRET', 'refusing to write a plan that contains a secret; a plugin normalizes a secret field into its items and must drop it')
  writeFileAtomic(file, content, { mode: 0o600 })
}

export function readSavedPlan(file: string, policy: ReadPolicy): SavedPlan {
  const fail = (message: string, fix: string, at = '') => new ConfigError('PLAN_INVALID', [{ file: displayPath(file), path: at, message, fix }], { title: 'unusable plan' })
  const raw = parseJsonText(readTextFile(file, policy), file, { code: 'PLAN_INVALID', title: 'unusable plan', fix: 'make the plan again with sync --out' })
  const result = v.safeParse(SavedPlanSchema, raw)
  if (!result.success) {
    const issue = result.issues[0]!
    throw fail(`is not a plan this descope-mgmt wrote: ${issue.message}`, 'make the plan again with sync --out', (issue.path ?? []).map((item) => String(item.key)).join('.'))
  }
  return result.output
}

/**
 * Refuses (PLAN_STALE, exit 3, nothing written) unless live and the files are as they were
 * when the plan was saved, and the plan computed now is the one saved.
 */
export function assertUnchanged(file: string, saved: SavedPlan['metadata'], now: Fingerprints): void {
  const issue = (field: keyof Fingerprints, message: string) => ({ file: displayPath(file), path: `metadata.fingerprints.${field}`, message, fix: 'make a new plan with sync --out, review it, and apply that one' })
  const issues = [
    ...(now.files !== saved.fingerprints.files ? [issue('files', 'the files have changed since this plan was made')] : []),
    ...(now.live !== saved.fingerprints.live ? [issue('live', `environment "${saved.environment}" has changed since this plan was made (an apply, or an edit in the console)`)] : []),
  ]
  // same inputs, another plan: the file was edited, or another version of the tool planned it
  if (!issues.length && now.plan !== saved.fingerprints.plan) issues.push(issue('plan', 'is not the plan these files and this live state give (edited, or made by another version of descope-mgmt)'))
  if (issues.length) throw new ConfigError('PLAN_STALE', issues, { title: 'plan refused' })
}
