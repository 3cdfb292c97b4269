// edit: a script's change to live items of some types, carried out like a sync (lib/run-plan.ts):
// the live items of those types are handed to the script's change(), what it returns is checked
// as a file's items would be (schema, the plugin's rules, the environment's settings) and planned
// against live, then shown, and applied only when asked, under the lock, after a backup, with a
// protected environment confirmed and every write in the audit log, each labelled with the
// script's name. The plan reads what the changed items reference (a tenant's roles) by itself.
//
// An edit that the environment's files would undo is refused: a field a file declares for an
// edited item, which the edit changes, would be put back by the next sync. The refusal names
// the file and the path, so the files can be changed first (then the edit agrees with them).
import { isDeepStrictEqual } from 'node:util'
import type { Confirmation } from './confirm.ts'
import type { Context } from './context.ts'
import type { ResourceHandler, ResourceTypes } from '../contract.ts'
import { ConfigError, UsageError, type ConfigIssue } from '../errors.ts'
import { OPERATIONS, SCRIPT_LABEL, SCRIPT_LABEL_MAX } from '../backup/format.ts'
import { validateItems } from '../config/items.ts'
import { formatPath } from '../config/validate.ts'
import { own } from '../config/schemas.ts'
import { compareItem, type FieldChange } from '../engine/diff.ts'
import { liveToRead } from '../engine/live.ts'
import { planWithPreviews } from '../engine/preview.ts'
import type { LiveState, Plan } from '../engine/change.ts'
import { quoted } from '../report/quote.ts'
import { runPlan, type RunPlanResult } from './run-plan.ts'
import type { SecretsChannel } from './secrets-channel.ts'

/** A type a plugin has added to ResourceTypes: its items are typed. */
export type ItemType = keyof ResourceTypes & string

/** Items of each of the types, typed by ResourceTypes. */
export type ItemsOf<T extends ItemType> = { [K in T]: ResourceTypes[K][] }

export interface EditOptions<T extends ItemType> {
  /**
   * the script's name, lower-case words joined by hyphens (`rename-tenant-attribute`): the
   * backup's operation (and file name) and every audit record's
   */
  label: string
  /** the types whose live items change() gets */
  types: readonly T[]
  /**
   * the items as they should be, per type, from the live items (normalized, as plans see them;
   * a copy, free to change). An item returned as it is live, or not returned, stays as it is; one
   * of a new key is created; nothing is deleted.
   */
  change(live: ItemsOf<T>): Partial<ItemsOf<T>> | Promise<Partial<ItemsOf<T>>>
  apply: boolean
  /** how a protected environment's apply is confirmed ('ask' on a terminal, or 'yes'); without one it is refused */
  confirm?: Confirmation
  /** sees the plan before it is confirmed or carried out */
  onPlan?(plan: Plan): void
  /** overrides where the automatic backup and the audit log go */
  backupDir?: string
  /** where values shown once go, should the edit create an item that has some */
  secrets?: SecretsChannel
}

/** What the edit brings live in line with, in the shape of an environment the plan takes. */
interface EditTarget {
  name: string
  declared: Map<string, object[]>
  partial: Set<string>
  locate(type: string, index: number, field?: string): { file: string; path: string }
}

export async function edit<T extends ItemType>(ctx: Context, options: EditOptions<T>): Promise<RunPlanResult> {
  assertLabel(options.label)
  const known = ctx.handlers.map((handler) => handler.type)
  for (const type of options.types) {
    if (!ctx.handlers.has(type)) throw new UsageError(`edit "${options.label}": no configured plugin handles ${type}; known types: ${known.join(', ')}`)
  }
  const types = known.filter((type) => (options.types as readonly string[]).includes(type))
  let target: EditTarget | undefined
  const rules = { prune: false, deleteGuard: ctx.config.deleteGuard }
  return runPlan(ctx, {
    apply: options.apply,
    operation: options.label,
    read: { types, only: new Map() },
    // the edited items known, the plan reads what they reference (a tenant's default roles)
    readAlso: async (live) => {
      target = await editTarget(ctx, options, types, live)
      return liveToRead({ handlers: ctx.handlers, env: target })
    },
    plan: (live) => planWithPreviews(ctx.handlers, target!, live, rules, ctx.handlerContext),
    // read when the plan is made, by then known: what the plan's fingerprint is of
    get desired() { return target },
    confirm: options.confirm,
    onPlan: options.onPlan,
    backupDir: options.backupDir,
    secrets: options.secrets,
  })
}

function assertLabel(label: string): void {
  if (typeof label !== 'string' || label.length > SCRIPT_LABEL_MAX || !SCRIPT_LABEL.test(label) || (OPERATIONS as readonly string[]).includes(label)) {
    throw new UsageError(`edit: label ${quoted(String(label))} must be the script's name, lower-case words joined by - (at most ${SCRIPT_LABEL_MAX} characters), and not ${OPERATIONS.join(', ')}`)
  }
}

type AnyHandler = ResourceHandler<any, any>

/**
 * The plugin's rules across items (a name or a domain only one tenant may hold), run over every
 * item as the edit leaves them, so a changed item that clashes with one the script left alone is
 * refused here, not by Descope halfway through the apply. Only what concerns a changed item is said.
 */
function clashesWithTheRest(handler: AnyHandler, edited: Map<string, object>, changed: Set<string>, said: ConfigIssue[], settings: Readonly<Record<string, unknown>> | undefined, at: (key: string) => string, file: string): ConfigIssue[] {
  // the changed items last: a rule names the second of two items that clash, which is then the changed one
  const keys = [...edited.keys()].sort((a, b) => Number(changed.has(a)) - Number(changed.has(b)))
  const already = new Set(said.map((issue) => issue.message))
  return (handler.check?.(keys.map((key) => edited.get(key)!), settings ?? {}) ?? [])
    .filter((issue) => changed.has(keys[issue.index]!) && !already.has(issue.message))
    .map((issue) => ({ file, path: formatPath([at(keys[issue.index]!), ...(issue.field ? [issue.field] : [])]), message: issue.message, fix: issue.fix }))
}

/**
 * The live items with the script's changes in place, each changed one checked like a file's
 * item, and refused when the environment's files would undo it.
 */
async function editTarget<T extends ItemType>(ctx: Context, options: EditOptions<T>, types: string[], live: LiveState): Promise<EditTarget> {
  const script = `the script "${options.label}"`
  const handed = Object.fromEntries(types.map((type) => [type, structuredClone(live.get(type) ?? [])])) as ItemsOf<T>
  const returned = await options.change(handed)
  assertShape(ctx, options.label, types, returned)
  const issues: ConfigIssue[] = []
  const declared = new Map<string, object[]>()
  /** per type, the key of each declared item: where a plan's message points */
  const keys = new Map<string, string[]>()
  const at = (handler: AnyHandler, key: string) => `${handler.section}[${quoted(key)}]`
  for (const type of types) {
    const handler = ctx.handlers.get(type)
    const items = own(returned, type)
    if (items === undefined) continue
    if (!Array.isArray(items)) throw new UsageError(`edit "${options.label}": change() must return a list of ${type} items for ${type}, not ${typeof items}`)
    const before = new Map<string, object>()
    for (const item of live.get(type) ?? []) if (!before.has(handler.key(item))) before.set(handler.key(item), item)
    const changed = items.filter((item) => {
      const key = item !== null && typeof item === 'object' ? handler.key(item) : undefined
      return typeof key !== 'string' || !isDeepStrictEqual(item, before.get(key))
    })
    if (!changed.length) continue
    const valid = validateItems(handler, changed.map((raw, index) => {
      const key = raw !== null && typeof raw === 'object' ? handler.key(raw) : undefined
      return { raw, file: script, at: [typeof key === 'string' ? at(handler, key) : `${handler.section}[${index}]`] }
    }), issues, ctx.env.settings.get(type))
    if (!valid) continue
    issues.push(...undoneByFiles(ctx, handler, valid, before))
    // what the plan brings live to: every live item, the changed ones as the script made them
    const edited = new Map<string, object>([...before, ...valid.map((item) => [handler.key(item), item] as const)])
    issues.push(...clashesWithTheRest(handler, edited, new Set(valid.map((item) => handler.key(item))), issues, ctx.env.settings.get(type), (key) => at(handler, key), script))
    declared.set(type, [...edited.values()])
    keys.set(type, [...edited.keys()])
  }
  if (issues.length) throw new ConfigError('PLAN_REFUSED', issues, { title: `edit "${options.label}" refused` })
  return {
    name: ctx.env.name,
    declared,
    partial: new Set(),
    locate: (type, index, field) => {
      const key = keys.get(type)?.[index]
      return { file: script, path: key === undefined ? '' : formatPath([at(ctx.handlers.get(type), key), ...(field ? [field] : [])]) }
    },
  }
}

/**
 * What change() returns is an object of lists by type: anything else (nothing, a list, a
 * section's name, a type not asked for) is a mistake that would otherwise plan no change, as if
 * the script had nothing to do. (An item in place, mutated, is lost: change() gets a copy.)
 */
function assertShape(ctx: Context, label: string, types: string[], returned: unknown): asserts returned is object {
  const what = Array.isArray(returned) ? 'an array' : returned === null ? 'null' : typeof returned === 'object' ? undefined : typeof returned === 'undefined' ? 'undefined' : `a ${typeof returned}`
  const example = `{ ${types[0]}: [...] }`
  if (what) throw new UsageError(`edit "${label}": change() returned ${what}; return the items as they should be, by type: ${example} (an item it leaves out stays as it is)`)
  const others = Object.keys(returned as object).filter((key) => !types.includes(key))
  if (!others.length) return
  const guess = (key: string) => ctx.handlers.find((handler) => handler.section === key && types.includes(handler.type))?.type
  throw new UsageError(`edit "${label}": change() returned ${others.map((key) => `${quoted(key)}${guess(key) ? ` (did you mean ${guess(key)}?)` : ''}`).join(', ')}, not among the types it was given (${types.join(', ')}); return ${example}`)
}

/**
 * A field a file declares for an edited item, which the edit changes, would be put back by the
 * next sync: each is refused, at its place in the file. Differences between the file and live
 * that the edit leaves as they were are the next sync's business, not the edit's.
 */
function undoneByFiles(ctx: Context, handler: AnyHandler, edited: object[], before: Map<string, object>): ConfigIssue[] {
  const inFiles = ctx.env.declared.get(handler.type)
  if (!inFiles) return []
  const index = new Map(inFiles.map((item, position) => [handler.key(item), position]))
  return edited.flatMap((item) => {
    const key = handler.key(item)
    const position = index.get(key)
    if (position === undefined) return []
    const file = inFiles[position]!
    const was = before.get(key)
    const pending = was ? compareItem(handler, file, was).fields : []
    const undone = compareItem(handler, file, item).fields
      .filter((field) => !pending.some((other) => other.path === field.path && isDeepStrictEqual(other.live, field.live)))
    return undone.map((field) => ({
      ...ctx.env.locate(handler.type, position, field.path),
      message: `declares ${handler.type} ${quoted(key)} ${undoing(field)}`,
      fix: fixOf(field),
    }))
  })
}

const shown = (value: unknown) => JSON.stringify(value)

/** Compared as a sync would compare the file with live after the edit: `live` is what the edit makes the field, `desired` what the file says. */
function undoing(field: FieldChange): string {
  if (field.desired === undefined) return `without ${field.path}, which the edit sets to ${shown(field.live)}: the next sync would remove it`
  if (field.live === undefined) return `with ${field.path} ${shown(field.desired)}, which the edit removes: the next sync would put it back`
  return `with ${field.path} ${shown(field.desired)}, which the edit makes ${shown(field.live)}: the next sync would set it back`
}

function fixOf(field: FieldChange): string {
  if (field.live === undefined) return `remove ${field.path} there, then run the script again`
  return `write ${field.path}: ${shown(field.live)} there, as the edit makes it, then run the script again`
}
