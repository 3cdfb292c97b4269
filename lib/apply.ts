// Carries out a plan: each change after the changes it depends on, a bounded number at a time.
// A failure does not stop independent changes; changes that depend on a failed one are
// skipped, and so is every change not yet started once a stop comes (Ctrl-C, a dead API). A
// create or delete whose request failed is verified against the live state first, because a
// retried request may already have gone through (a connection lost after the write).
import { dependencyGraph } from './dependencies.ts'
import { ApiError } from './errors.ts'
import { compareItem } from './diff.ts'
import type { Change } from './plan.ts'
import { liveItem, liveItems } from './live.ts'
import type { HandlerContext, ResourceHandler } from './plugin.ts'

export type OutcomeStatus = 'applied' | 'failed' | 'skipped'

export interface Outcome {
  change: Change
  status: OutcomeStatus
  /** why it failed or was skipped, or how it was verified */
  detail?: string
  error?: Error
  /** skipped because the apply stopped (Ctrl-C, a dead API, the deadline) before it started */
  stopped?: true
}

export interface ApplyOptions {
  concurrency: number
  contextFor(type: string): HandlerContext
  /** why no further change may start (Ctrl-C, the API stopped answering), or undefined to go on */
  stopReason?(): string | undefined
  /** told of each outcome as it is decided (the audit log) */
  onOutcome?(outcome: Outcome): void
}

type AnyHandler = ResourceHandler<any, any>

/** a change the apply stopped (Ctrl-C, a dead API, the deadline) before it started */
const notAttempted = (change: Change, stop: string): Outcome => ({ change, status: 'skipped', detail: `not attempted: ${stop}`, stopped: true })
const failed = (change: Change, error: Error, detail = error.message): Outcome => ({ change, status: 'failed', error, detail })
const PAST: Record<Change['op'], string> = { create: 'created', update: 'updated', delete: 'deleted' }

export async function applyPlan(changes: Change[], handlers: AnyHandler[], options: ApplyOptions): Promise<Outcome[]> {
  const byType = new Map(handlers.map((handler) => [handler.type, handler]))
  const handlerOf = (change: Change) => byType.get(change.type)!
  const dependencies = dependencyGraph(changes, handlers)
  const limit = semaphore(options.concurrency)
  const running = new Map<Change, Promise<Outcome>>()
  const batches = createBatches(limit, options)

  const run = (change: Change): Promise<Outcome> => {
    let outcome = running.get(change)
    if (!outcome) {
      outcome = (async () => {
        const before = await Promise.all((dependencies.get(change) ?? []).map(run))
        const stop = options.stopReason?.()
        if (stop) return notAttempted(change, stop)
        const blocker = before.find((result) => result.status !== 'applied')
        if (blocker) {
          const { op, type, key } = blocker.change
          return { change, status: 'skipped' as const, detail: `${op} of ${type} "${key}" ${blocker.status}` }
        }
        const handler = handlerOf(change)
        if (change.op === 'create' && handler.createBatch) return batches.join(change, handler)
        return limit(async () => {
          // checked again once the change has its slot: a stop may have come while it waited
          const late = options.stopReason?.()
          if (late) return notAttempted(change, late)
          return execute(change, handler, options.contextFor(change.type), options.stopReason)
        })
      })().then((outcome) => {
        options.onOutcome?.(outcome)
        return outcome
      })
      running.set(change, outcome)
    }
    return outcome
  }
  const outcomes = await Promise.all(changes.map(run))
  for (const outcome of outcomes) {
    if (outcome.status === 'skipped' && !outcome.stopped) {
      options.contextFor(outcome.change.type).log.warn(`skipped ${outcome.change.op} of ${outcome.change.type} "${outcome.change.key}": ${outcome.detail}`)
    }
  }
  return outcomes
}

async function execute(change: Change, handler: AnyHandler, ctx: HandlerContext, stopReason?: () => string | undefined): Promise<Outcome> {
  const label = `${change.type} "${change.key}"`
  try {
    if (change.op === 'create') await handler.create!(change.item, ctx)
    if (change.op === 'update') await handler.update!(change.item, ctx, change.live!)
    if (change.op === 'delete') await handler.delete!(change.item, ctx)
    ctx.log.success(`${PAST[change.op]} ${label}`)
    return { change, status: 'applied' }
  } catch (error) {
    const verified = await verifyAgainstLive(change, handler, ctx, error, stopReason).catch((verifyError: Error) => {
      ctx.log.debug(`could not check ${label} against live: ${verifyError.message}`)
      return undefined
    })
    if (verified) {
      ctx.log.success(`${PAST[change.op]} ${label} (${verified})`)
      return { change, status: 'applied', detail: verified }
    }
    ctx.log.error(`failed to ${change.op} ${label}: ${(error as Error).message}`)
    return failed(change, error as Error)
  }
}

/** At most this many items in one batch request (the real API's own bound is not published). */
const BATCH_MAX = 50

/**
 * Creates of one type that are ready at the same moment (their dependencies done) go out as one
 * batch request under one slot; each change still gets its own outcome.
 */
function createBatches(limit: ReturnType<typeof semaphore>, options: ApplyOptions) {
  const pending = new Map<string, { change: Change; handler: AnyHandler; done(outcome: Outcome): void }[]>()
  const flush = (type: string) => {
    const waiting = pending.get(type) ?? []
    pending.delete(type)
    for (let start = 0; start < waiting.length; start += BATCH_MAX) {
      const group = waiting.slice(start, start + BATCH_MAX)
      void limit(async () => {
        const stop = options.stopReason?.()
        const outcomes: Outcome[] = stop
          ? group.map(({ change }) => notAttempted(change, stop))
          : await executeBatch(group.map((entry) => entry.change), group[0]!.handler, options.contextFor(type), options.stopReason)
            .catch((error: Error) => group.map(({ change }) => failed(change, error)))
        group.forEach((entry, index) => entry.done(outcomes[index]!))
      })
    }
  }
  return {
    join(change: Change, handler: AnyHandler): Promise<Outcome> {
      return new Promise((done) => {
        const waiting = pending.get(change.type)
        if (waiting) waiting.push({ change, handler, done })
        else {
          pending.set(change.type, [{ change, handler, done }])
          // the others that become ready in this same turn join before it goes
          setImmediate(() => flush(change.type))
        }
      })
    },
  }
}

/**
 * One batch create; when it fails, each item is checked against live: one that exists as
 * declared was created, the others are created one by one (each with its own outcome).
 */
async function executeBatch(changes: Change[], handler: AnyHandler, ctx: HandlerContext, stopReason?: () => string | undefined): Promise<Outcome[]> {
  if (changes.length === 1) return [await execute(changes[0]!, handler, ctx, stopReason)]
  try {
    await handler.createBatch!(changes.map((change) => change.item), ctx)
    for (const change of changes) ctx.log.success(`created ${change.type} "${change.key}" (in a batch of ${changes.length})`)
    return changes.map((change) => ({ change, status: 'applied' }))
  } catch (error) {
    // refused for who sends it (the key), or out of rate-limit budget: one by one would only be
    // refused the same way, n times
    if (error instanceof ApiError && (error.isUnauthorized || error.status === 429)) {
      return changes.map((change) => failed(change, error as Error))
    }
    ctx.log.debug(`a batch of ${changes.length} ${handler.section} failed (${(error as Error).message}); checking each against live`)
    let live: Map<string, object>
    try {
      live = new Map(liveItems(handler, await handler.list(ctx)).map((item) => [handler.key(item), item]))
    } catch (listError) {
      return changes.map((change) => failed(change, error as Error, `${(error as Error).message}; and live could not be read to check: ${(listError as Error).message}`))
    }
    const outcomes: Outcome[] = []
    for (const change of changes) {
      const current = live.get(change.key)
      if (current && !compareItem(handler.ownedWhole, change.item, current).fields.length) {
        ctx.log.success(`created ${change.type} "${change.key}" (verified after the batch failed)`)
        outcomes.push({ change, status: 'applied', detail: 'verified: it exists as declared after the batch failed' })
        continue
      }
      const stop = stopReason?.()
      outcomes.push(stop ? notAttempted(change, stop) : await execute(change, handler, ctx, stopReason))
    }
    return outcomes
  }
}

/**
 * After a failed create or delete: does live already show the intended result? Returns a note
 * when it does (finishing a create whose item exists but differs), undefined when it does not.
 */
async function verifyAgainstLive(change: Change, handler: AnyHandler, ctx: HandlerContext, error: unknown, stopReason?: () => string | undefined): Promise<string | undefined> {
  const couldHaveLanded = error instanceof ApiError && (error.isRejected || error.status === undefined || error.status >= 500)
  if (!couldHaveLanded || change.op === 'update') return undefined
  const live = await liveNow(change.key, handler, ctx)
  if (change.op === 'delete') return live ? undefined : 'verified gone after the request failed'
  if (!live) return undefined
  const { fields, state } = compareItem(handler.ownedWhole, change.item, live)
  if (!fields.length) return 'verified: it exists as declared after the request failed'
  // an item that exists with a different immutable field (another parent) is not ours to finish
  if (!handler.update || fields.some((field) => handler.immutable?.includes(field.path.split('.')[0]!))) return undefined
  // finishing it is a new write: not once the apply has stopped (the next run finishes it)
  if (stopReason?.()) return undefined
  await handler.update(state, ctx, live)
  return 'it existed after the request failed; updated it to match'
}

/**
 * One item as live has it now, or undefined. The real status of "not found" is unconfirmed
 * (descope-api.md §9): a load answered 400 is not taken as an answer, the list decides.
 */
async function liveNow(key: string, handler: AnyHandler, ctx: HandlerContext): Promise<object | undefined> {
  if (handler.load) {
    try {
      const raw = await handler.load(key, ctx)
      return raw === undefined ? undefined : liveItem(handler, raw)
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 400)) throw error
    }
  }
  return liveItems(handler, await handler.list(ctx)).find((item) => handler.key(item) === key)
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
