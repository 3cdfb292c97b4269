// Carries out a plan: each change after the changes it depends on, a bounded number at a time,
// and the changes of one group (items stored on one tenant) one at a time, or in one call. A
// failure does not stop independent changes; changes that depend on a failed one are skipped,
// and so is every change not yet started once a stop comes (Ctrl-C, a dead API). A create or
// delete whose request failed is verified against the live state first, because a retried
// request may already have gone through (a connection lost after the write).
import { dependencyGraph } from './dependencies.ts'
import { ApiError } from '../errors.ts'
import { compareItem } from './diff.ts'
import type { Change } from './change.ts'
import { currentOf, KeyHeldTwice, liveByKey, liveItems } from './live.ts'
import type { Registry } from './registry.ts'
import type { HandlerContext, ResourceHandler } from '../contract.ts'
import { registerSecret } from '../report/secrets.ts'
import { quoted } from '../report/quote.ts'

export type OutcomeStatus = 'applied' | 'failed' | 'skipped'

export interface Outcome {
  change: Change
  status: OutcomeStatus
  /** why it failed or was skipped, or how it was verified */
  detail?: string
  error?: Error
  /** skipped because the apply stopped (Ctrl-C, a dead API, the deadline) before it started */
  stopped?: true
  /** values the API showed once for a created item (handler.shownOnce), by name: for the secrets channel only */
  secrets?: Record<string, string>
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

export async function applyPlan(changes: Change[], handlers: Registry, options: ApplyOptions): Promise<Outcome[]> {
  const dependencies = dependencyGraph(changes, handlers)
  const limit = semaphore(options.concurrency)
  const running = new Map<Change, Promise<Outcome>>()
  const groups = new Map<string, ReturnType<typeof semaphore>>()
  /** a group's changes, one at a time; the group is waited for before a slot, so no slot idles */
  const inGroup = <T>(group: string | undefined, task: () => Promise<T>): Promise<T> => {
    if (group === undefined) return task()
    if (!groups.has(group)) groups.set(group, semaphore(1))
    return groups.get(group)!(task)
  }
  const batches = collector(limit, options, (entries) => executeBatch(entries.map((entry) => entry.change), entries[0]!.handler, options.contextFor(entries[0]!.change.type), options.stopReason))
  const groupCalls = collector(limit, options, (entries, group) => executeGroup(entries.map((entry) => entry.change), entries[0]!.handler, options.contextFor(entries[0]!.change.type), group!), inGroup)

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
          return { change, status: 'skipped' as const, detail: `${op} of ${type} ${quoted(key)} ${blocker.status}` }
        }
        const handler = handlers.get(change.type)
        // a plugin's group() that throws fails this change, never the whole apply
        let group: string | undefined
        try {
          group = handler.group?.(change.item)
        } catch (error) {
          return failed(change, error as Error)
        }
        if (group !== undefined && handler.applyGroup) return groupCalls.join(`${change.type}\0${group}`, change, handler, group)
        if (!handler[change.op]) return failed(change, new Error(`the ${handler.type} plugin has no ${change.op}() and gave no group for ${quoted(change.key)} (its applyGroup() takes only grouped changes)`))
        if (group === undefined && change.op === 'create' && handler.createBatch) return batches.join(change.type, change, handler)
        return inGroup(group, () => limit(async () => {
          // checked again once the change has its slot: a stop may have come while it waited
          const late = options.stopReason?.()
          if (late) return notAttempted(change, late)
          return execute(change, handler, options.contextFor(change.type), options.stopReason)
        }))
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
      options.contextFor(outcome.change.type).log.warn(`skipped ${outcome.change.op} of ${outcome.change.type} ${quoted(outcome.change.key)}: ${outcome.detail}`)
    }
  }
  return outcomes
}

async function execute(change: Change, handler: AnyHandler, ctx: HandlerContext, stopReason?: () => string | undefined): Promise<Outcome> {
  const label = `${change.type} ${quoted(change.key)}`
  try {
    if (change.op === 'create') {
      const created = await handler.create!(ctx, change.item)
      const secrets = shownOnce(handler, created?.secrets, ctx)
      ctx.log.success(`created ${label}${secrets ? ` (with its ${Object.keys(secrets).join(', ')}, shown this once)` : ''}`)
      return { change, status: 'applied', ...(secrets ? { secrets } : {}) }
    }
    if (change.op === 'update') await handler.update!(ctx, change.item, change.current)
    if (change.op === 'delete') await handler.delete!(ctx, change.current ?? currentOf(change.item))
    ctx.log.success(`${PAST[change.op]} ${label}`)
    return { change, status: 'applied' }
  } catch (error) {
    // a retried write that made a second item (a type whose API has no unique key) is never taken as done
    let twice: string | undefined
    const verified = await verifyAgainstLive(change, handler, ctx, error, stopReason).catch((verifyError: Error) => {
      if (verifyError instanceof KeyHeldTwice) twice = `${verifyError.count} live ${handler.section} now have the key ${quoted(change.key)}: the request landed more than once; remove the extra ones in the Descope console`
      else ctx.log.debug(`could not check ${label} against live: ${verifyError.message}`)
      return undefined
    })
    if (twice) {
      ctx.log.error(`failed to ${change.op} ${label}: ${(error as Error).message}; ${twice}`)
      return failed(change, error as Error, `${(error as Error).message}; ${twice}`)
    }
    if (verified) {
      // a value shown once went with the lost answer: only a new one can be had now
      const lost = change.op === 'create' && handler.shownOnce?.length ? `; its ${handler.shownOnce.join(', ')} was lost with the answer: make a new one in the Descope console` : ''
      ctx.log[lost ? 'warn' : 'success'](`${PAST[change.op]} ${label} (${verified}${lost})`)
      return { change, status: 'applied', detail: `${verified}${lost}` }
    }
    // a create whose answer never came may still have made the item, and its value shown once went with it
    const unknown = change.op === 'create' && handler.shownOnce?.length && !(error instanceof ApiError && error.status !== undefined && error.status < 500)
      ? `; it may have been made before the answer was lost: if live shows ${label}, its ${handler.shownOnce.join(', ')} is lost, so replace it in the Descope console`
      : ''
    ctx.log.error(`failed to ${change.op} ${label}: ${(error as Error).message}${unknown}`)
    return failed(change, error as Error, `${(error as Error).message}${unknown}`)
  }
}

/** At most this many items in one batch request (the real API's own bound is not published). */
const BATCH_MAX = 50

/**
 * The values a create handed back, registered as secrets at once (no log line may show them).
 * One the handler did not declare in shownOnce is kept all the same (it may be the only copy),
 * and the plugin's omission is said.
 */
function shownOnce(handler: AnyHandler, secrets: Record<string, unknown> | undefined, ctx: HandlerContext): Record<string, string> | undefined {
  if (!secrets || typeof secrets !== 'object' || !Object.keys(secrets).length) return undefined
  const values = Object.fromEntries(Object.entries(secrets).map(([name, value]) => [name, typeof value === 'string' ? value : JSON.stringify(value)]))
  Object.values(values).forEach(registerSecret)
  const undeclared = Object.keys(values).filter((name) => !handler.shownOnce?.includes(name))
  if (undeclared.length) ctx.log.warn(`the ${handler.type} plugin returned ${undeclared.join(', ')} without declaring it in shownOnce: a run without --secrets-out would not have been stopped for it`)
  return values
}

interface Waiting {
  change: Change
  handler: AnyHandler
  done(outcome: Outcome): void
}

/**
 * Changes that are ready at the same moment and share a key (creates of one type for a batch,
 * the changes of one group) go out together, at most BATCH_MAX at a time, under one slot (and,
 * for a group, while no other change of the group runs); each change still gets its own outcome.
 */
function collector(
  limit: ReturnType<typeof semaphore>,
  options: ApplyOptions,
  /** the group is the one join() was given (undefined for a batch) */
  send: (entries: Waiting[], group: string | undefined) => Promise<Outcome[]>,
  serially: (group: string | undefined, task: () => Promise<void>) => Promise<void> = (_group, task) => task(),
) {
  const pending = new Map<string, { group?: string; entries: Waiting[] }>()
  const flush = (key: string) => {
    const { group, entries } = pending.get(key)!
    pending.delete(key)
    for (let start = 0; start < entries.length; start += BATCH_MAX) {
      const part = entries.slice(start, start + BATCH_MAX)
      void serially(group, () => limit(async () => {
        const stop = options.stopReason?.()
        const outcomes: Outcome[] = stop
          ? part.map(({ change }) => notAttempted(change, stop))
          : await send(part, group).catch((error: Error) => part.map(({ change }) => failed(change, error)))
        part.forEach((entry, index) => entry.done(outcomes[index]!))
      }))
    }
  }
  return {
    join(key: string, change: Change, handler: AnyHandler, group?: string): Promise<Outcome> {
      return new Promise((done) => {
        const waiting = pending.get(key)
        if (waiting) waiting.entries.push({ change, handler, done })
        else {
          pending.set(key, { group, entries: [{ change, handler, done }] })
          // the others that become ready in this same turn join before it goes
          setImmediate(() => flush(key))
        }
      })
    },
  }
}

/** One call for the ready changes of a group: all applied, or all failed with its error. */
async function executeGroup(changes: Change[], handler: AnyHandler, ctx: HandlerContext, group: string): Promise<Outcome[]> {
  try {
    await handler.applyGroup!(ctx, group, changes.map((change) => ({
      op: change.op,
      key: change.key,
      item: change.item,
      ...(change.current ? { current: change.current } : {}),
    })))
  } catch (error) {
    for (const change of changes) ctx.log.error(`failed to ${change.op} ${change.type} ${quoted(change.key)} (with the rest of ${group}): ${(error as Error).message}`)
    return changes.map((change) => failed(change, error as Error))
  }
  for (const change of changes) ctx.log.success(`${PAST[change.op]} ${change.type} ${quoted(change.key)}${changes.length > 1 ? ` (in one call for ${group}, with ${changes.length - 1} more)` : ''}`)
  return changes.map((change) => ({ change, status: 'applied' as const }))
}

/**
 * One batch create; when it fails, each item is checked against live: one that exists as
 * declared was created, the others are created one by one (each with its own outcome).
 */
async function executeBatch(changes: Change[], handler: AnyHandler, ctx: HandlerContext, stopReason?: () => string | undefined): Promise<Outcome[]> {
  if (changes.length === 1) return [await execute(changes[0]!, handler, ctx, stopReason)]
  try {
    await handler.createBatch!(ctx, changes.map((change) => change.item))
    for (const change of changes) ctx.log.success(`created ${change.type} ${quoted(change.key)} (in a batch of ${changes.length})`)
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
      if (current && !compareItem(handler, change.item, current).fields.length) {
        ctx.log.success(`created ${change.type} ${quoted(change.key)} (verified after the batch failed)`)
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
  const live = await liveByKey(handler, ctx, change.key)
  if (change.op === 'delete') return live ? undefined : 'verified gone after the request failed'
  if (!live) return undefined
  const { fields, state } = compareItem(handler, change.item, live)
  if (!fields.length) return 'verified: it exists as declared after the request failed'
  // an item that exists with a different immutable field (another parent) is not ours to finish
  if (!handler.update || fields.some((field) => handler.immutable?.includes(field.path.split('.')[0]!))) return undefined
  // finishing it is a new write: not once the apply has stopped (the next run finishes it)
  if (stopReason?.()) return undefined
  await handler.update(ctx, state, currentOf(live))
  return 'it existed after the request failed; updated it to match'
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
