// How every plan that may write is carried out (sync, restore). With --apply it holds the
// environment's lock from before live is read until the last write, so two applies never act
// on one stale plan; it shows the plan, has a protected environment confirmed, backs the
// environment up (every type; of one item per parent, what the apply may change) and opens the audit log before the first write (no backup, no
// apply), then applies, recording each outcome. Ctrl-C stops the scheduling of new writes;
// so do a dead API and the run's deadline (the client's circuit): the rest is reported skipped.
import fs from 'node:fs'
import { applyPlan, type Outcome } from '../engine/apply.ts'
import { openAuditLog, outcomeEntry, type AuditLog } from './audit.ts'
import { takeBackup } from '../backup/snapshot.ts'
import type { Operation } from '../backup/format.ts'
import { backupStore } from '../backup/store.ts'
import { confirmProtected, type Confirmation } from './confirm.ts'
import type { Context } from './context.ts'
import type { Environment } from '../config/environment.ts'
import { DescopeMgmtError, displayPath, InterruptedError } from '../errors.ts'
import { quoted } from '../report/quote.ts'
import { jsonDocument } from '../report/json-document.ts'
import type { Signal } from '../errors.ts'
import { describeWait, trapInterrupts } from './interrupt.ts'
import { parentType, readLive, type LiveSelection } from '../engine/live.ts'
import { acquireLock } from './lock.ts'
import type { LiveState, Plan } from '../engine/change.ts'
import { configCommit } from './provenance.ts'
import { fingerprints, type Fingerprints } from './saved-plan.ts'
import { assertSecretsHavePlace, createsShownOnce, openSecretsFile, receiveSecrets, unkept, type SecretsChannel } from './secrets-channel.ts'

/** Where a value shown once went, as the log says it. */
const WHERE: Record<SecretsChannel['kind'], (channel: SecretsChannel) => string> = {
  file: (channel) => `is written to ${displayPath((channel as { file: string }).file)}`,
  terminal: () => 'is shown on the terminal',
  json: () => 'is in the --json document\'s secrets',
  caller: () => 'is handed to the script',
}

export interface RunPlanOptions {
  apply: boolean
  /** what the backup and the audit log say took them: sync, restore, or a script's label (lib/run/edit.ts) */
  operation: Exclude<Operation, 'manual'>
  /** what the plan compares (lib/live.ts liveToRead): all that is read when only planning */
  read: LiveSelection
  /**
   * what the plan needs besides, known only once `read` is read (the types an edit's new items
   * reference): read next, and the plan sees both
   */
  readAlso?(live: LiveState): LiveSelection | Promise<LiveSelection>
  /** the plan for this live state (previewed: it may ask the API); throws a ConfigError to refuse it */
  plan(live: LiveState): Plan | Promise<Plan>
  /** what the plan brings live in line with, for its fingerprint (default: the environment's files) */
  desired?: Pick<Environment, 'declared' | 'partial'>
  /** called before live is read (a saved plan made for another environment): throws to refuse */
  precheck?(): void
  /** called with the plan's fingerprints before anything is written (a saved plan's): throws to refuse */
  verify?(prints: Fingerprints): void
  /**
   * how an apply to a protected environment is confirmed: 'ask' types its name on a terminal,
   * 'yes' is the caller's own confirmation. Without one, a protected environment is refused.
   */
  confirm?: Confirmation
  /** sees the plan before it is confirmed or carried out: to show it */
  onPlan?(plan: Plan): void
  /** overrides where the automatic backup (and the audit log) go */
  backupDir?: string
  /** where values shown once go (lib/run/secrets-channel.ts); an apply creating one without it is refused */
  secrets?: SecretsChannel
}

export interface RunPlanResult {
  plan: Plan
  /** of the live state and files the plan was computed from, and of the plan itself */
  fingerprints: Fingerprints
  /** the backup written before the first write */
  backup?: string
  /** present when changes were applied */
  outcomes?: Outcome[]
  /** why changes were left unstarted: a signal, a dead API, the deadline */
  stopped?: string
  /** the signal that stopped the apply */
  interrupted?: Signal
  /** values shown once that this run could not keep (an unwritable --secrets-out): the run fails */
  secretsLost?: SecretLost[]
}

export interface SecretLost {
  type: string
  key: string
  name: string
}

export async function runPlan(ctx: Context, options: RunPlanOptions): Promise<RunPlanResult> {
  const planned = async (live: LiveState) => {
    const plan = await options.plan(live)
    const prints = fingerprints(options.desired ?? ctx.env, live, plan, new Set(ctx.handlers.filter((handler) => handler.writeOnly?.length).map((handler) => handler.type)))
    options.verify?.(prints)
    options.onPlan?.(plan)
    return { plan, prints }
  }
  const { types } = options.read
  /** of which types only some items were read: the backup reads the rest */
  const only = new Map(options.read.only)
  const readPlanned = async () => {
    const live = await readLive(ctx, types, options.read.only)
    if (!options.readAlso) return live
    const also = await options.readAlso(live)
    const more = also.types.filter((type) => !live.has(type))
    for (const type of more) if (also.only.has(type)) only.set(type, also.only.get(type)!)
    return new Map([...live, ...await readLive(ctx, more, also.only)])
  }
  if (!options.apply) {
    options.precheck?.()
    const { plan, prints } = await planned(await readPlanned())
    return { plan, fingerprints: prints }
  }
  const gitCommit = await configCommit(ctx.config.root)
  const store = backupStore(ctx.config, options.backupDir)
  let audit: AuditLog | undefined
  let writing = false
  const auditRefusal = (error: unknown) => {
    const code = error instanceof DescopeMgmtError ? error.code : 'UNEXPECTED'
    try {
      audit ??= openAuditLog(store, { environment: ctx.env.name, projectId: ctx.projectId, operation: options.operation, gitCommit })
      audit.record({ op: 'apply', outcome: writing ? 'failed' : 'refused', errorCode: code, detail: (error as Error).message })
    } catch {
      // an unwritable log must not hide the error that stopped the apply
    }
  }
  let release: () => void
  try {
    // one apply per project, whichever environment file names it
    release = acquireLock(ctx.projectId)
  } catch (error) {
    auditRefusal(error)
    throw error
  }
  // before the first write there is nothing to finish: stop reading (or asking) at once
  const beforeWriting = new AbortController()
  const interruption = trapInterrupts({
    log: ctx.log,
    graceMs: ctx.env.timeouts.graceMs,
    onFirst: (signal) => {
      if (writing) return
      beforeWriting.abort()
      ctx.client.abort(`interrupted (${signal}) before anything was written`)
    },
    // values shown once that only the --json document would have held are printed now, or never
    beforeExit: (signal) => {
      if (options.secrets?.kind !== 'json' || !options.secrets.received.length) return
      fs.writeSync(1, `${JSON.stringify(jsonDocument('interrupted', { environment: ctx.env.name, projectId: ctx.projectId, interrupted: signal, secrets: options.secrets.received }), null, 2)}\n`)
    },
    onGraceOver: (signal) => ctx.client.abort(`interrupted (${signal}); the requests still in flight after ${describeWait(ctx.env.timeouts.graceMs)} were cut`),
  })
  let auditFailure: string | undefined
  let secretsFailure: string | undefined
  /** values shown once that had no place at all (a plugin that did not declare them) */
  const lost: SecretLost[] = []
  const stopReason = () => auditFailure ?? secretsFailure ?? (interruption.signal ? `interrupted (${interruption.signal})` : ctx.client.stopped)
  try {
    const stoppedBefore = () => {
      if (interruption.signal) throw new InterruptedError(interruption.signal, `interrupted (${interruption.signal}) before anything was written`)
    }
    options.precheck?.()
    const live = await readPlanned().catch((error: unknown) => {
      stoppedBefore()
      throw error
    })
    // a plan may ask the API too (a dry run: handler.preview)
    const { plan, prints } = await planned(live).catch((error: unknown) => {
      stoppedBefore()
      throw error
    })
    if (!plan.changes.length) return { plan, fingerprints: prints }
    assertSecretsHavePlace(plan, ctx.handlers, options.secrets)
    await confirmProtected(ctx.env, plan.changes.length, options.confirm, beforeWriting.signal).catch((error: unknown) => {
      stoppedBefore()
      throw error
    })
    stoppedBefore()
    // the backup holds what the apply may change: what the plan did not read (see restToBackUp), then write it
    const [rest, some] = restToBackUp(ctx, live, only, plan)
    const backup = await readLive(ctx, rest, some, 'skip')
      .then((more) => takeBackup(ctx, options.operation, { live: withMore(ctx, live, more), dir: options.backupDir, gitCommit }))
      .catch((error: Error) => {
        stoppedBefore()
        if (error instanceof DescopeMgmtError && error.code.startsWith('BACKUP_')) throw error
        throw new DescopeMgmtError('BACKUP_READ', `could not back up environment "${ctx.env.name}" before applying: ${error.message}; nothing was applied`, { cause: error })
      })
    audit = openAuditLog(store, { environment: ctx.env.name, projectId: ctx.projectId, operation: options.operation, gitCommit, planFingerprint: prints.plan })
    if (createsShownOnce(plan, ctx.handlers).length) {
      openSecretsFile(options.secrets, { environment: ctx.env.name, projectId: ctx.projectId })
    }
    stoppedBefore()
    writing = true
    const started = Date.now()
    let decided = 0
    const outcomes = await applyPlan(plan.changes, ctx.handlers, {
      concurrency: ctx.config.concurrency,
      contextFor: ctx.handlerContext,
      stopReason,
      onOutcome: (outcome) => {
        const { op, type, key } = outcome.change
        ctx.progress?.({ kind: 'change', done: ++decided, total: plan.changes.length, elapsedMs: Date.now() - started, op, type, key, status: outcome.status })
        if (outcome.secrets) {
          const what = `the ${Object.keys(outcome.secrets).join(', ')} of ${outcome.change.type} ${quoted(outcome.change.key)}`
          try {
            // a plugin that did not declare its values shown once got past the check for a place
            if (!options.secrets) throw new Error('this run has no place for values shown once')
            receiveSecrets(options.secrets, outcome, { environment: ctx.env.name, projectId: ctx.projectId })
            ctx.log.info(`${what} ${WHERE[options.secrets.kind](options.secrets)}`)
          } catch (error) {
            // kept in memory, retried with the next value; said, and no more are made
            secretsFailure ??= `the values shown once could not be kept (${(error as Error).message})`
            if (!options.secrets) lost.push(...Object.keys(outcome.secrets).map((name) => ({ type: outcome.change.type, key: outcome.change.key, name })))
            ctx.log.error(`${secretsFailure}: ${what} is not kept; if this run ends without keeping it, replace it in the Descope console`)
          }
        }
        try {
          audit!.record(outcomeEntry(outcome))
        } catch (error) {
          // an apply that cannot record what it does stops starting new writes
          auditFailure ??= `the audit log could not be written (${(error as Error).message})`
          ctx.log.error(auditFailure)
        }
      },
    })
    // a stop that came after the last change started stopped nothing
    const stopped = outcomes.some((outcome) => outcome.stopped) ? stopReason() : undefined
    const secretsLost = [...lost, ...unkept(options.secrets).map(({ type, key, name }) => ({ type, key, name }))]
    return { plan, fingerprints: prints, backup, outcomes, ...(stopped ? { stopped } : {}), ...(interruption.signal ? { interrupted: interruption.signal } : {}), ...(secretsLost.length ? { secretsLost } : {}) }
  } catch (error) {
    auditRefusal(error)
    throw error
  } finally {
    interruption.dispose()
    release()
  }
}

/**
 * What the backup before an apply reads beyond the plan's live state. Every item, of every type
 * (those the plan did not need, and the rest of a type it read only some of), except of types
 * of one item per parent (a tenant's settings): of those only what the apply may change, the
 * items declared (read already) and those of a parent it deletes. `backup create` reads them all.
 */
function restToBackUp(ctx: Pick<Context, 'handlers'>, live: LiveState, only: ReadonlyMap<string, string[]>, plan: Plan): [string[], Map<string, string[]>] {
  const types: string[] = []
  const some = new Map<string, string[]>()
  for (const handler of ctx.handlers) {
    const per = parentType(handler)
    if (!per) {
      if (!live.has(handler.type) || only.has(handler.type)) types.push(handler.type)
      continue
    }
    const read = new Set((live.get(handler.type) ?? []).map((item) => handler.key(item)))
    const goneWithParent = plan.changes.filter((change) => change.op === 'delete' && change.type === per && !read.has(change.key)).map((change) => change.key)
    if (!goneWithParent.length) continue
    types.push(handler.type)
    some.set(handler.type, goneWithParent)
  }
  return [types, some]
}

/** The plan's live state with the backup's further reads: an item read twice is kept once. */
function withMore(ctx: Pick<Context, 'handlers'>, live: LiveState, more: LiveState): LiveState {
  const merged = new Map(live)
  for (const [type, items] of more) {
    const handler = ctx.handlers.get(type)
    const known = new Set((live.get(type) ?? []).map((item) => handler.key(item)))
    merged.set(type, [...(live.get(type) ?? []), ...items.filter((item) => !known.has(handler.key(item)))])
  }
  return merged
}
