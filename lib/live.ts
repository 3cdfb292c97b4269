// Reads the live state: one list call per type, normalized to the declared shape.
import type { Context } from './context.ts'
import type { LiveState } from './plan.ts'

/**
 * The types an environment manages, plus the types their items reference (to check
 * references), plus, when pruning, the types that may reference them (a delete must not break
 * a live item of a type this environment does not manage).
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
  if (prune) {
    for (const handler of ctx.handlers) {
      if (handler.dependsOn?.some((type) => ctx.env.declared.has(type))) wanted.add(handler.type)
    }
  }
  return ctx.handlers.map((handler) => handler.type).filter((type) => wanted.has(type))
}

export async function readLive(ctx: Pick<Context, 'handler' | 'handlerContext'>, types: string[]): Promise<LiveState> {
  const lists = await Promise.all(types.map(async (type) => {
    const handler = ctx.handler(type)
    const items = await handler.list(ctx.handlerContext(type))
    return [type, items.map((item) => handler.normalize(item) as object)] as const
  }))
  return new Map(lists)
}
