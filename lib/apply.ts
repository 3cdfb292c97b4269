// Carries out a plan: each change after the changes it depends on, a bounded number at a time.
// A failure does not stop independent changes; changes that depend on a failed one are
// skipped. A create or delete whose request failed is confirmed against the live state first,
// because a retried request may already have gone through (a connection lost after the write).
import { ApiError, DescopeMgmtError } from './errors.ts'
import { diffDeclared, overlay } from './diff.ts'
import type { Change } from './plan.ts'
import type { HandlerContext, Reference, ResourceHandler } from './plugin.ts'

export type OutcomeStatus = 'applied' | 'failed' | 'skipped'

export interface Outcome {
  change: Change
  status: OutcomeStatus
  /** why it failed or was skipped, or how it was confirmed */
  detail?: string
  error?: Error
}

export interface ApplyOptions {
  concurrency: number
  contextFor(type: string): HandlerContext
}

type AnyHandler = ResourceHandler<any, any>
const PAST: Record<Change['op'], string> = { create: 'created', update: 'updated', delete: 'deleted' }

export async function applyPlan(changes: Change[], handlers: AnyHandler[], options: ApplyOptions): Promise<Outcome[]> {
  const byType = new Map(handlers.map((handler) => [handler.type, handler]))
  const handlerOf = (change: Change) => byType.get(change.type)!
  const dependencies = dependencyGraph(changes, byType)
  assertAcyclic(changes, dependencies)
  const limit = semaphore(options.concurrency)
  const running = new Map<Change, Promise<Outcome>>()

  const run = (change: Change): Promise<Outcome> => {
    let outcome = running.get(change)
    if (!outcome) {
      outcome = (async () => {
        const before = await Promise.all((dependencies.get(change) ?? []).map(run))
        const blocker = before.find((result) => result.status !== 'applied')
        if (blocker) {
          const { op, type, key } = blocker.change
          return { change, status: 'skipped' as const, detail: `${op} of ${type} "${key}" ${blocker.status}` }
        }
        return limit(() => execute(change, handlerOf(change), options.contextFor(change.type)))
      })()
      running.set(change, outcome)
    }
    return outcome
  }
  const outcomes = await Promise.all(changes.map(run))
  for (const outcome of outcomes) {
    if (outcome.status === 'skipped') {
      options.contextFor(outcome.change.type).log.warn(`skipped ${outcome.change.op} of ${outcome.change.type} "${outcome.change.key}": ${outcome.detail}`)
    }
  }
  return outcomes
}

async function execute(change: Change, handler: AnyHandler, ctx: HandlerContext): Promise<Outcome> {
  const label = `${change.type} "${change.key}"`
  try {
    if (change.op === 'create') await handler.create!(change.item, ctx)
    if (change.op === 'update') await handler.update!(change.item, ctx)
    if (change.op === 'delete') await handler.delete!(change.item, ctx)
    ctx.log.success(`${PAST[change.op]} ${label}`)
    return { change, status: 'applied' }
  } catch (error) {
    const confirmed = await confirm(change, handler, ctx, error).catch((confirmError: Error) => {
      ctx.log.debug(`could not confirm ${label} against live: ${confirmError.message}`)
      return undefined
    })
    if (confirmed) {
      ctx.log.success(`${PAST[change.op]} ${label} (${confirmed})`)
      return { change, status: 'applied', detail: confirmed }
    }
    ctx.log.error(`failed to ${change.op} ${label}: ${(error as Error).message}`)
    return { change, status: 'failed', error: error as Error, detail: (error as Error).message }
  }
}

/**
 * After a failed create or delete: does live already show the intended result? Returns a note
 * when it does (finishing a create whose item exists but differs), undefined when it does not.
 */
async function confirm(change: Change, handler: AnyHandler, ctx: HandlerContext, error: unknown): Promise<string | undefined> {
  const couldHaveLanded = error instanceof ApiError && (error.isRejected || error.status === undefined || error.status >= 500)
  if (!couldHaveLanded || change.op === 'update') return undefined
  const raw = handler.load
    ? await handler.load(change.key, ctx)
    : (await handler.list(ctx)).find((item) => handler.key(handler.normalize(item)) === change.key)
  const live = raw === undefined ? undefined : handler.normalize(raw)
  if (change.op === 'delete') return live ? undefined : 'confirmed gone after the request failed'
  if (!live) return undefined
  if (!diffDeclared(change.item, live).length) return 'confirmed: it exists as declared after the request failed'
  if (!handler.update) return undefined
  await handler.update(overlay(live, change.item), ctx)
  return 'it existed after the request failed; updated it to match'
}

/**
 * change → the changes that must succeed before it. Creates and updates wait for the items
 * they reference; a delete waits for every change of an item whose live state references it.
 * A handler without `references` is ordered by type: after every change of its `dependsOn`.
 */
function dependencyGraph(changes: Change[], byType: Map<string, AnyHandler>): Map<Change, Change[]> {
  const refsOf = (type: string, item: object): Reference[] | undefined => byType.get(type)?.references?.(item)
  const forward = new Map<string, Change>()
  for (const change of changes) if (change.op !== 'delete') forward.set(`${change.type}/${change.key}`, change)
  const graph = new Map<Change, Change[]>()
  const add = (change: Change, before: Change | undefined) => {
    if (before && before !== change) graph.set(change, [...(graph.get(change) ?? []), before])
  }
  for (const change of changes) {
    const handler = byType.get(change.type)!
    if (change.op !== 'delete') {
      const refs = refsOf(change.type, change.item)
      if (refs) refs.forEach((ref) => add(change, forward.get(`${ref.type}/${ref.key}`)))
      else changes.filter((other) => other.op !== 'delete' && handler.dependsOn?.includes(other.type)).forEach((other) => add(change, other))
      continue
    }
    for (const other of changes) {
      if (other === change || !other.live) continue
      const refs = refsOf(other.type, other.live)
      const referencesThis = refs
        ? refs.some((ref) => ref.type === change.type && ref.key === change.key)
        : byType.get(other.type)?.dependsOn?.includes(change.type)
      if (referencesThis) add(change, other)
    }
  }
  return graph
}

/** A cycle would wait forever; plugins' checks should have refused it, so this is a bug report. */
function assertAcyclic(changes: Change[], graph: Map<Change, Change[]>) {
  const state = new Map<Change, 'visiting' | 'done'>()
  const visit = (change: Change, chain: Change[]) => {
    if (state.get(change) === 'done') return
    if (state.get(change) === 'visiting') {
      const cycle = [...chain, change].map((c) => `${c.op} ${c.type} "${c.key}"`).join(' → ')
      throw new DescopeMgmtError('PLAN_CYCLE', `changes depend on each other in a cycle: ${cycle}; apply them in two steps`)
    }
    state.set(change, 'visiting')
    for (const before of graph.get(change) ?? []) visit(before, [...chain, change])
    state.set(change, 'done')
  }
  changes.forEach((change) => visit(change, []))
}

function semaphore(size: number) {
  let active = 0
  const waiting: (() => void)[] = []
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (active < size) active++
    else await new Promise<void>((resolve) => waiting.push(resolve)) // the slot is handed over
    try {
      return await task()
    } finally {
      const next = waiting.shift()
      if (next) next()
      else active--
    }
  }
}
