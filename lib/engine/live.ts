// Reads the live state: one list call per type, each item checked with its handler's
// liveSchema and normalized to the declared shape, without the fields the server owns. What the
// API answers is validated like a file: an item of an unexpected shape is an error naming the
// type, the item and the field. Plans, drift and backups see only the normalized items; the raw
// answer and the server id stay beside each (currentOf), for the verbs that need them.
import * as v from 'valibot'
import type { HandlerContext } from '../contract.ts'
import { ApiError, LiveDataError, UnreadableError } from '../errors.ts'
import type { LiveState } from './change.ts'
import type { Current, ResourceHandler } from '../contract.ts'
import type { Registry } from './registry.ts'
import { kindOf } from '../config/schemas.ts'
import { formatPath } from '../config/validate.ts'
import { quoted } from '../report/quote.ts'
import { withoutFields } from './normalize.ts'

type AnyHandler = ResourceHandler<any, any>

/** What a plan reads: whole types, and of some types only the keys named (LiveSelection.only). */
export interface LiveSelection {
  types: string[]
  /**
   * types whose section names some items only (`flows: [a, b]`), and types of one item per
   * parent (a tenant's settings), whose undeclared items nothing changes: just those keys are needed
   */
  only: Map<string, string[]>
}

/** Of a type of one item per item of another (a tenant's settings), that other type: the files name the parents it changes. */
export const parentType = (handler: ResourceHandler<any, any>): string | undefined => (typeof handler.singleton === 'object' ? handler.singleton.per : undefined)

/**
 * The types an environment manages, plus the types their items reference (to check
 * references), plus, when pruning or renaming, the types that may reference them (a delete or
 * a rename must not break a live item that still names the key). Of a type whose section names
 * some items only, just those are read, unless a key it may reference is going away.
 */
export function liveToRead(ctx: { handlers: Registry; env: { declared: Map<string, object[]>; partial?: Set<string> } }, prune = false): LiveSelection {
  const wanted = new Set<string>()
  for (const handler of ctx.handlers) {
    const items = ctx.env.declared.get(handler.type)
    if (!items) continue
    wanted.add(handler.type)
    handler.dependsOn?.forEach((type) => wanted.add(type))
    for (const item of items) handler.references?.(item).forEach((ref) => wanted.add(ref.type))
  }
  // a delete or a rename takes a key away: read what may still reference it, to refuse that
  const takesKeysAway = (type: string) => {
    const handler = ctx.handlers.has(type) ? ctx.handlers.get(type) : undefined
    const items = ctx.env.declared.get(type)
    return Boolean(items && (prune || (handler?.renamedFrom && items.some((item) => handler.renamedFrom!(item) !== undefined))))
  }
  // an undeclared item of one per parent goes with its parent: a delete of the parent breaks nothing
  const mayLoseReferences = new Set(ctx.handlers
    .filter((handler) => handler.dependsOn?.some((type) => takesKeysAway(type) && type !== parentType(handler)))
    .map((handler) => handler.type))
  mayLoseReferences.forEach((type) => wanted.add(type))
  const only = new Map<string, string[]>()
  const declaredKeys = (type: string) => (ctx.env.declared.get(type) ?? []).map((item) => ctx.handlers.get(type).key(item))
  for (const type of ctx.env.partial ?? []) {
    if (!mayLoseReferences.has(type)) only.set(type, declaredKeys(type))
  }
  // of one per parent, a plan changes only the items declared: the others are never read
  for (const handler of ctx.handlers) {
    if (parentType(handler) && wanted.has(handler.type) && !mayLoseReferences.has(handler.type)) only.set(handler.type, declaredKeys(handler.type))
  }
  return { types: ctx.handlers.map((handler) => handler.type).filter((type) => wanted.has(type)), only }
}

/**
 * Live items of each type; of a type in `only`, a handler may read just the keys named there.
 * `unreadable: 'skip'` (a backup, or a comparison of whole projects, which read every type):
 * a type the environment's key may not read (UnreadableError) is left out of the answer, with
 * a warning, instead of failing the run. A plan reads what it needs, and fails on it.
 */
export async function readLive(ctx: { handlers: Registry; handlerContext(type: string): HandlerContext }, types: string[], only?: ReadonlyMap<string, string[]>, unreadable: 'fail' | 'skip' = 'fail'): Promise<LiveState> {
  const lists = await Promise.all(types.map(async (type) => {
    const handler = ctx.handlers.get(type)
    const context = ctx.handlerContext(type)
    try {
      return [[type, liveItems(handler, await handler.list(context, only?.get(type)))] as const]
    } catch (error) {
      if (error instanceof UnreadableError) error.type ??= type
      if (unreadable === 'fail' || !(error instanceof UnreadableError)) throw error
      context.log.warn(`${handler.section} not read, so left out: ${error.message}`)
      return []
    }
  }))
  return new Map(lists.flat())
}

/** A handler's list() answer, checked and normalized item by item. */
export function liveItems(handler: AnyHandler, answer: unknown): object[] {
  if (!Array.isArray(answer)) {
    throw new LiveDataError(`the API's list of ${handler.section} is not a list (it is ${kindOf(answer)}); nothing was changed. ${ADVICE}`)
  }
  return answer.map((raw, index) => liveItem(handler, raw, index))
}

/** One item as the API returned it → its normalized form, or a LiveDataError naming it. */
export function liveItem(handler: AnyHandler, raw: unknown, index?: number): object {
  const result = v.safeParse(handler.liveSchema, raw)
  if (!result.success) {
    const issue = result.issues[0]!
    const field = formatPath((issue.path ?? []).map((item) => item.key as string | number))
    throw new LiveDataError(`live ${handler.type} ${label(handler, raw, index)} is not of the shape the API should answer: ${field ? `${field}: ` : ''}${issue.message}; nothing was changed. ${ADVICE}`)
  }
  const item = withoutServerFields(handler, handler.normalize(result.output) as object)
  const key = handler.key(item)
  if (typeof key !== 'string' || key === '') {
    throw new LiveDataError(`live ${handler.type} ${label(handler, raw, index)} has no key (the plugin's key() gave ${JSON.stringify(key)}), so it cannot be matched, backed up or deleted; nothing was changed. ${ADVICE}`)
  }
  const id = handler.serverId?.(result.output)
  if (handler.serverId && (typeof id !== 'string' || id === '')) {
    throw new LiveDataError(`live ${handler.type} ${quoted(key)} has no server id (the plugin's serverId() gave ${JSON.stringify(id)}), so it cannot be updated or deleted; nothing was changed. ${ADVICE}`)
  }
  origins.set(item, { raw: result.output, ...(id === undefined ? {} : { id }) })
  return item
}

/** What the verbs get of each live item, beside the normalized one (kept out of plans and backups). */
const origins = new WeakMap<object, { raw: unknown; id?: string }>()

/**
 * A normalized live item as update() and delete() get it: with the API's answer and its server
 * id. An item not read here (an engine test's plain object) is its own raw form.
 */
export function currentOf(item: object): Current {
  const origin = origins.get(item)
  return { item, raw: origin?.raw ?? item, ...(origin?.id === undefined ? {} : { id: origin.id }) }
}

/** The item without the fields its handler says the server owns, whatever normalize() kept. */
export function withoutServerFields(handler: AnyHandler, item: object): object {
  return withoutFields(item, handler.serverOwned ?? [])
}

const ADVICE = 'Look at it in the Descope console; if the API changed, the plugin must follow it'

/** More than one live item holds a key: which of them is meant cannot be told. */
export class KeyHeldTwice extends Error {
  readonly count: number
  constructor(handler: AnyHandler, key: string, count: number) {
    super(`${count} live ${handler.section} have the key ${quoted(key)}`)
    this.count = count
  }
}

/**
 * The live item of one key, normalized, or undefined: by load() where the handler has it, else
 * from the list (of that key only, where the handler can read so few). The real status of "not
 * found" is unconfirmed (go-sdk's IsNotFoundError implies 404): a load answered 400 is not taken
 * as an answer, the list decides. Two items of the key are a KeyHeldTwice.
 */
export async function liveByKey(handler: AnyHandler, ctx: HandlerContext, key: string): Promise<object | undefined> {
  if (handler.load) {
    try {
      const raw = await handler.load(ctx, key)
      return raw === undefined ? undefined : liveItem(handler, raw)
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 400)) throw error
    }
  }
  const matching = liveItems(handler, await handler.list(ctx, [key])).filter((item) => handler.key(item) === key)
  if (matching.length > 1) throw new KeyHeldTwice(handler, key, matching.length)
  return matching[0]
}

/** `"acme"` when the raw item has a usable key, else its position in the list. */
function label(handler: AnyHandler, raw: unknown, index?: number): string {
  try {
    const key = handler.key(raw)
    if (typeof key === 'string' && key !== '') return JSON.stringify(key)
  } catch {
    // a malformed item may not even yield a key
  }
  return index === undefined ? '(unnamed)' : `#${index + 1} of the list`
}

