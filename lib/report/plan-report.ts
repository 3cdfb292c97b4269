// How a plan and its outcome read: a field-level diff for people, one JSON document for scripts.
import { chalk } from 'zx/core'
import type { Outcome, OutcomeStatus } from '../engine/apply.ts'
import type { ApiClient } from '../client/client.ts'
import type { FieldChange } from '../engine/diff.ts'
import { countChanges, type Change, type Plan } from '../engine/change.ts'
import { redact } from './secrets.ts'
import { escapeInvisible, quoted } from './quote.ts'

const SIGN = { create: '+', update: '~', delete: '-' } as const
const COLOUR = { create: chalk.green, update: chalk.yellow, delete: chalk.red } as const

/** A flow differs in deep places with big values: keep a text plan readable, --json has it all. */
const MAX_VALUE = 100
const MAX_FIELDS = 12

/** A value as JSON, cut to `max` characters: redacted first, so a cut never leaves half a secret. */
export function showValue(value: unknown, max = MAX_VALUE): string {
  if (value === undefined) return '(none)'
  const text = redact(JSON.stringify(value))
  return text.length > max ? `${text.slice(0, max - 1)}…` : text
}
const show = (value: unknown) => showValue(value)

/**
 * A change's two values, each cut to the same window: where they first differ, so a long value
 * changed near its end (a flow's description) does not show as the same text on both sides.
 */
export function showChange(live: unknown, desired: unknown, max = MAX_VALUE): [string, string] {
  if (live === undefined || desired === undefined) return [showValue(live, max), showValue(desired, max)]
  const [before, after] = [redact(JSON.stringify(live)), redact(JSON.stringify(desired))]
  if (before.length <= max && after.length <= max) return [before, after]
  let first = 0
  while (first < before.length && first < after.length && before[first] === after[first]) first++
  // some of what comes before the difference, for context
  const start = first < max - CONTEXT ? 0 : first - CONTEXT
  const cut = (text: string) => {
    const window = text.slice(start, start + max - 2)
    return `${start ? '…' : ''}${window}${start + window.length < text.length ? '…' : ''}`
  }
  return [cut(before), cut(after)]
}
const CONTEXT = 20

function fieldLine(change: Change, field: FieldChange): string {
  if (change.op === 'create') return `${field.path}: ${show(field.desired)}`
  const [live, desired] = showChange(field.live, field.desired)
  return `${field.path}: ${live} → ${desired}`
}

/** `highlight` marks the deletes (formatPlan makes them red; plain text otherwise). */
export function summaryLine(plan: Plan, desired = 'the files', highlight = (text: string) => text): string {
  if (!plan.changes.length) return `No changes. Live matches ${desired}.`
  const counts = countChanges(plan.changes)
  // what changes delete beyond items (a dry run's word): as loud as deletes
  const previewed = plan.changes.filter((change) => change.preview?.deletes.length)
  const alongside = previewed.length ? highlight(`; and ${previewed.map((change) => `the ${change.op} of ${change.type} DELETES ${change.preview!.deletes.length}`).join(', ')}`) : ''
  const line = `Plan: ${counts.create} to create, ${counts.update} to update, `
  if (!counts.delete) return `${line}0 to delete${alongside}`
  // deletes stand out, with what they are of
  const byType = new Map<string, number>()
  for (const change of plan.changes) if (change.op === 'delete') byType.set(change.type, (byType.get(change.type) ?? 0) + 1)
  return `${line}${highlight(`${counts.delete} to DELETE (${[...byType].map(([type, count]) => `${count} ${type}`).join(', ')})`)}${alongside}`
}

/** `desired` names what live is brought in line with: the files, or a backup. */
export function formatPlan(plan: Plan, target: string, desired = 'the files'): string {
  const lines = [`Plan for ${target}`, '']
  for (const change of plan.changes) {
    const colour = COLOUR[change.op]
    lines.push(colour(`  ${SIGN[change.op]} ${change.op} ${change.type} ${quoted(change.key)}`))
    for (const field of change.fields.slice(0, MAX_FIELDS)) lines.push(`      ${fieldLine(change, field)}`)
    if (change.fields.length > MAX_FIELDS) lines.push(chalk.dim(`      … and ${change.fields.length - MAX_FIELDS} more (--json lists all)`))
    // what the API's dry run says the change does beyond its fields
    for (const deleted of change.preview?.deletes ?? []) lines.push(chalk.red(`      deletes ${escapeInvisible(deleted)}`))
    for (const note of change.preview?.notes ?? []) lines.push(chalk.yellow(`      note: ${escapeInvisible(note)}`))
    if (change.reason) lines.push(chalk.dim(`      ${change.reason}`))
  }
  if (plan.changes.length) lines.push('')
  if (plan.duplicates.length) {
    lines.push(chalk.yellow('Held by more than one live item (left alone, neither changed nor pruned, until only one is left; remove the others in the Descope console):'))
    for (const item of plan.duplicates) lines.push(chalk.yellow(`  ${item.type} ${quoted(item.key)}: ${item.count} live items`))
    lines.push('')
  }
  if (plan.notes.length) {
    lines.push(chalk.yellow('Notes:'))
    for (const item of plan.notes) lines.push(chalk.yellow(`  ${item.type} ${quoted(item.key)}: ${item.notes.map(escapeInvisible).join('; ')}`))
    lines.push('')
  }
  if (plan.unmanaged.length) {
    lines.push(`Unmanaged (live, not in ${desired}; left alone, --prune deletes those its plugin can delete):`)
    for (const item of plan.unmanaged) lines.push(chalk.dim(`  ${item.type} ${quoted(item.key)}`))
    lines.push('')
  }
  lines.push(chalk.bold(summaryLine(plan, desired, chalk.red)))
  return lines.join('\n')
}

export function countOutcomes(outcomes: Outcome[]): Record<OutcomeStatus, number> {
  const counts = { applied: 0, failed: 0, skipped: 0 }
  for (const outcome of outcomes) counts[outcome.status]++
  return counts
}

export function formatOutcomes(outcomes: Outcome[]): string {
  const counts = countOutcomes(outcomes)
  const lines = outcomes
    .filter((outcome) => outcome.status !== 'applied')
    .map((outcome) => chalk.red(`  ${outcome.status} ${outcome.change.op} ${outcome.change.type} ${quoted(outcome.change.key)}: ${outcome.detail}`))
  const colour = counts.failed || counts.skipped ? chalk.red : chalk.green
  return [...lines, colour(`Apply: ${counts.applied} applied, ${counts.failed} failed, ${counts.skipped} skipped`)].join('\n')
}

export interface PlanDocument {
  environment: string
  projectId: string
  applied: boolean
  changes: Array<{ type: string; key: string; op: Change['op']; fields: FieldChange[]; preview?: Change['preview']; reason?: string; outcome?: OutcomeStatus; detail?: string }>
  unmanaged: Plan['unmanaged']
  duplicates: Plan['duplicates']
  notes: Plan['notes']
  summary: Record<Change['op'], number> & Partial<Record<OutcomeStatus, number>>
  /** HTTP requests this run sent, and how many of them were retries */
  requests: { sent: number; retried: number }
}

/** The --json document: one entry per change, with its outcome after an apply. */
export function planDocument(plan: Plan, client: Pick<ApiClient, 'stats'> & { projectId: string }, outcomes?: Outcome[]): PlanDocument {
  const byChange = new Map(outcomes?.map((outcome) => [outcome.change, outcome]))
  return {
    environment: plan.environment,
    projectId: client.projectId,
    applied: Boolean(outcomes),
    changes: plan.changes.map((change) => {
      const outcome = byChange.get(change)
      return {
        type: change.type,
        key: change.key,
        op: change.op,
        fields: change.fields,
        ...(change.preview ? { preview: change.preview } : {}),
        ...(change.reason ? { reason: change.reason } : {}),
        ...(outcome ? { outcome: outcome.status, ...(outcome.detail ? { detail: outcome.detail } : {}) } : {}),
      }
    }),
    unmanaged: plan.unmanaged,
    duplicates: plan.duplicates,
    notes: plan.notes,
    summary: { ...countChanges(plan.changes), ...(outcomes ? countOutcomes(outcomes) : {}) },
    requests: { sent: client.stats.requests, retried: client.stats.retries },
  }
}
