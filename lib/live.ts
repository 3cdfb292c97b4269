// Reads the live state: one list call per type, each item checked with its handler's
// liveSchema and normalized to the declared shape. What the API answers is validated like a
// file: an item of an unexpected shape is an error naming the type, the item and the field.
import * as v from 'valibot'
import type { Context } from './context.ts'
import { LiveDataError } from './errors.ts'
import type { LiveState } from './plan.ts'
import type { ResourceHandler } from './plugin.ts'
import { kindOf } from './schemas.ts'
import { formatPath } from './validate.ts'

type AnyHandler = ResourceHandler<any, any>

/**
 * The types an environment manages, plus the types their items reference (to check
 * references), plus, when pruning or renaming, the types that may reference them (a delete or
 * a rename must not break a live item of a type this environment does not manage).
 */
export function typesToRead(ctx: { handlers: Context['handlers']; env: Pick<Context['env'], 'declared'> }, prune = false): string[] {
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
    const handler = ctx.handlers.find((candidate) => candidate.type === type)
    const items = ctx.env.declared.get(type)
    return Boolean(items && (prune || (handler?.renamedFrom && items.some((item) => handler.renamedFrom!(item) !== undefined))))
  }
  for (const handler of ctx.handlers) {
    if (handler.dependsOn?.some(takesKeysAway)) wanted.add(handler.type)
  }
  return ctx.handlers.map((handler) => handler.type).filter((type) => wanted.has(type))
}

/** Live items of each type; of a type in `only`, a handler may read just the keys named there. */
export async function readLive(ctx: Pick<Context, 'handler' | 'handlerContext'>, types: string[], only?: ReadonlyMap<string, string[]>): Promise<LiveState> {
  const lists = await Promise.all(types.map(async (type) => {
    const handler = ctx.handler(type)
    return [type, liveItems(handler, await handler.list(ctx.handlerContext(type), only?.get(type)))] as const
  }))
  return new Map(lists)
}

/**
 * What a plan needs of the types whose section names some items only (`flows: [a, b]`): those
 * keys. Their other live items are never compared nor pruned, so they need not be read.
 */
export function namedOnly(ctx: Pick<Context, 'handler'>, env: { partial?: Set<string>; declared: Map<string, object[]> }): Map<string, string[]> {
  return new Map([...env.partial ?? []].map((type) => [type, (env.declared.get(type) ?? []).map((item) => ctx.handler(type).key(item))]))
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
  const item = handler.normalize(result.output) as object
  const key = handler.key(item)
  if (typeof key !== 'string' || key === '') {
    throw new LiveDataError(`live ${handler.type} ${label(handler, raw, index)} has no key (the plugin's key() gave ${JSON.stringify(key)}), so it cannot be matched, backed up or deleted; nothing was changed. ${ADVICE}`)
  }
  return item
}

const ADVICE = 'Look at it in the Descope console; if the API changed, the plugin must follow it'

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

