// Typed operations on one resource type, for one-off scripts: `ctx.ops('tenant').list()` gives
// Tenant items, and a field name with a typo does not type-check. Each goes through the same
// handler, checks and client as a sync (the item is validated with the type's schema first),
// but without a plan: a script that writes is the author's own responsibility.
import * as v from 'valibot'
import type { Created, Current, HandlerContext, ResourceHandler } from '../contract.ts'
import { ConfigError } from '../errors.ts'
import { compareItem } from '../engine/diff.ts'
import { currentOf, KeyHeldTwice, liveByKey, liveItems } from '../engine/live.ts'
import { formatPath } from '../config/validate.ts'
import { registerSecret } from '../report/secrets.ts'
import { quoted } from '../report/quote.ts'

export interface Operations<Item extends object> {
  /** every live item, normalized as plans and backups see them */
  list(): Promise<Item[]>
  /** one live item by its portable key, with its raw form and server id, or undefined */
  get(key: string): Promise<Current<Item> | undefined>
  create(item: Item): Promise<Created | void>
  /** sets the fields `item` declares, keeping the live values of the others (as a sync does) */
  update(item: Item): Promise<void>
  delete(key: string): Promise<void>
}

export function operations<Item extends object>(handler: ResourceHandler<Item, unknown>, ctx: HandlerContext): Operations<Item> {
  const valid = (item: Item): Item => {
    const result = v.safeParse(handler.schema, item)
    if (result.success) return result.output
    throw new ConfigError('ITEM_INVALID', result.issues.map((issue) => ({
      file: 'the script',
      path: formatPath((issue.path ?? []).map((step) => step.key as string | number)),
      message: `${handler.type}: ${issue.message}`,
      fix: `pass a ${handler.type} as an environment file would declare it`,
    })))
  }
  const find = async (key: string): Promise<Current<Item> | undefined> => {
    try {
      const item = await liveByKey(handler, ctx, key)
      return item === undefined ? undefined : currentOf(item) as Current<Item>
    } catch (error) {
      // which one is meant cannot be told: the plan leaves such a key alone, and so does a script
      if (error instanceof KeyHeldTwice) throw new Error(`${error.message}; remove all but one in the Descope console first`)
      throw error
    }
  }
  const required = <T>(verb: T | undefined, name: string): T => {
    if (!verb) throw new Error(`the ${handler.type} plugin cannot ${name}`)
    return verb
  }
  return {
    list: async () => liveItems(handler, await handler.list(ctx)) as Item[],
    get: find,
    create: async (item) => {
      const created = await required(handler.create, 'create').call(handler, ctx, valid(item))
      // shown once: kept out of every log line from now on
      Object.values(created?.secrets ?? {}).forEach(registerSecret)
      return created
    },
    update: async (item) => {
      const declared = valid(item)
      const current = await find(handler.key(declared))
      if (!current && !handler.singleton) throw new Error(`${handler.type} ${quoted(handler.key(declared))} does not exist`)
      const state = current ? compareItem(handler, declared, current.item).state : declared
      await required(handler.update, 'update').call(handler, ctx, state, current)
    },
    delete: async (key) => {
      const current = await find(key)
      if (!current) throw new Error(`${handler.type} ${quoted(key)} does not exist`)
      await required(handler.delete, 'delete').call(handler, ctx, current)
    },
  }
}
