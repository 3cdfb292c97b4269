// Runs drift checks: each environment on its own connection (its own throttle), in parallel,
// reading only. The desired state is the environment's files, or another environment's live
// state (--against). A check that fails is reported as such; the others still run.
import type { ConsolaInstance } from 'consola'
import { connect, withContext, type Context } from './context.ts'
import { comparedItems, findDrift, type Difference, type DriftRules } from '../engine/drift.ts'
import { ConfigError, UsageError } from '../errors.ts'
import { liveToRead, parentType, readLive } from '../engine/live.ts'
import type { LiveState, Noted } from '../engine/change.ts'
import { notesOf } from '../engine/plan.ts'

export interface DriftResult {
  environment: string
  projectId?: string
  /** 'files', or the environment compared against */
  against: string
  differences: Difference[]
  /** the desired items, by type and key: those no difference names are in sync, unless `ignored` (drift.ignore skips their key) */
  compared: { type: string; key: string; ignored?: true }[]
  /** what the plugins say of the live items checked (an expired access key), drift or not */
  notes: Noted[]
  /** when the check could not be completed */
  error?: { code: string; message: string; usage: boolean }
}

export async function checkDrift(environments: string[], options: { against?: string; log: ConsolaInstance }): Promise<DriftResult[]> {
  let reference: { live: LiveState; close(): Promise<void> } | undefined
  if (options.against) {
    if (environments.length !== 1) throw new UsageError('--against compares one environment with another: give one --env')
    const other = await connect(options.against, { log: options.log })
    try {
      reference = { live: await readLive(other, other.handlers.map((handler) => handler.type), undefined, 'skip'), close: other.close }
    } catch (error) {
      await other.close()
      throw error
    }
  }
  try {
    return await Promise.all(environments.map((name) => checkOne(name, options, reference?.live)))
  } finally {
    await reference?.close()
  }
}

async function checkOne(name: string, options: { against?: string; log: ConsolaInstance }, reference?: LiveState): Promise<DriftResult> {
  const against = options.against ?? 'files'
  try {
    return await withContext(name, { log: options.log }, async (ctx) => ({
      environment: name,
      projectId: ctx.projectId,
      against,
      ...(reference ? await againstEnvironment(ctx, reference) : await againstFiles(ctx)),
    }))
  } catch (error) {
    const usage = error instanceof ConfigError || error instanceof UsageError
    const code = (error as { code?: string }).code ?? 'UNEXPECTED'
    return { environment: name, against, differences: [], compared: [], notes: [], error: { code, message: (error as Error).message, usage } }
  }
}

async function againstFiles(ctx: Context): Promise<Pick<DriftResult, 'differences' | 'compared' | 'notes'>> {
  // of one per parent (a tenant's settings), only the declared ones are compared: only they are read
  const perParentOnly = new Map([...liveToRead(ctx).only].filter(([type]) => parentType(ctx.handlers.get(type)) !== undefined))
  const live = await readLive(ctx, [...ctx.env.declared.keys()], perParentOnly)
  const drift = rules(ctx)
  return { differences: findDrift(ctx.handlers, ctx.env.declared, live, drift, false, ctx.env.partial), compared: comparedItems(ctx.handlers, ctx.env.declared, drift), notes: notesOf(ctx.handlers, live) }
}

async function againstEnvironment(ctx: Context, reference: LiveState): Promise<Pick<DriftResult, 'differences' | 'compared' | 'notes'>> {
  const live = await readLive(ctx, ctx.handlers.map((handler) => handler.type), undefined, 'skip')
  // a type one side's key may not read is compared on neither
  const both = new Map([...reference].filter(([type]) => live.has(type)))
  const drift = rules(ctx)
  return { differences: findDrift(ctx.handlers, both, live, drift, true), compared: comparedItems(ctx.handlers, both, drift), notes: notesOf(ctx.handlers, live) }
}

/** The config's drift rules, naming only types the configured plugins know. */
function rules(ctx: Context): DriftRules {
  const known = ctx.handlers.map((handler) => handler.type)
  const { ignore, environmentSpecific } = ctx.config.drift
  const unknown = [
    ...Object.keys(ignore).filter((type) => !known.includes(type)).map((type) => `drift.ignore.${type}`),
    ...Object.keys(environmentSpecific).filter((type) => !known.includes(type)).map((type) => `drift.environmentSpecific.${type}`),
  ]
  if (unknown.length) {
    throw new ConfigError('CONFIG_INVALID', unknown.map((path) => ({ file: 'descope.config.ts', path, message: 'names a resource type no configured plugin handles', fix: `use one of: ${known.join(', ')}` })))
  }
  return ctx.config.drift
}
