import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http'
import { setTimeout as sleep } from 'node:timers/promises'
import { ReplyError } from './errors.ts'
import { rollFaults, type FaultRoll, type RateLimiter } from './faults.ts'
import { parseJson, readBody, sendJson, type ParsedBody, type Reply } from './http.ts'
import type { ResolvedOptions } from './options.ts'
import type { StateSaver } from './persist.ts'
import { findRoute, type RouteTable } from './route.ts'
import type { EmulatorState } from './state.ts'
import { MAX_LOG_ENTRIES, type RequestLogEntry } from './request-log.ts'

export interface PipelineContext {
  options: ResolvedOptions
  state: EmulatorState
  log: RequestLogEntry[]
  /** where a persisted state is saved after a change (persist.ts) */
  saver?: StateSaver
  onRequest?: (entry: RequestLogEntry) => void
  routes: RouteTable
  random: () => number
  limiter: RateLimiter | null
  /** until when every request is answered 429 (a burst, see rateLimitBursts) */
  burstUntil: number
  /** Known once the server listens. */
  origin: string
}

/**
 * Per request: latency (and maybe a spike) → maybe drop → rate limit (or a burst of 429s) →
 * Authorization → maybe injected 500 → route handler (persisting a successful mutation) →
 * maybe drop → send.
 */
export function createRequestListener(ctx: PipelineContext): RequestListener {
  return (req, res) => {
    // Rolled on arrival, before any await, so the fault sequence follows request order and the seed.
    const { dropRate, errorRate, latencySpikes, rateLimitBursts } = ctx.options
    const roll = rollFaults(ctx.random, { dropRate, errorRate, spikeRate: latencySpikes?.rate ?? 0, burstRate: rateLimitBursts?.rate ?? 0 })
    serve(ctx, req, res, roll).catch((error: unknown) => {
      sendJson(res, errorReply(new ReplyError('internal', String(error))))
    })
  }
}

async function serve(
  ctx: PipelineContext,
  req: IncomingMessage,
  res: ServerResponse,
  roll: FaultRoll,
): Promise<void> {
  const at = Date.now()
  const method = req.method ?? 'GET'
  const url = new URL(req.url ?? '/', 'http://emulator.invalid')
  const parsed = parseJson(await readBody(req))
  const record = (outcome: RequestLogEntry['outcome'], status: number | null) => {
    const entry: RequestLogEntry = { method, path: url.pathname, status, outcome, at }
    if (parsed.ok && parsed.value !== null) entry.body = parsed.value
    const sdk = req.headers['x-descope-sdk-name']
    if (typeof sdk === 'string') entry.sdk = sdk
    ctx.log.push(entry)
    if (ctx.log.length > MAX_LOG_ENTRIES) ctx.log.splice(0, ctx.log.length - MAX_LOG_ENTRIES)
    try {
      ctx.onRequest?.(entry)
    } catch {
      // an observer's failure must not change what a client is answered
    }
  }

  const latency = ctx.options.latencyMs + (roll.spike ? ctx.options.latencySpikes?.ms ?? 0 : 0)
  if (latency > 0) await sleep(latency)
  if (roll.drop === 'before') {
    record('dropped-before', null)
    req.socket.destroy()
    return
  }

  let outcome: RequestLogEntry['outcome'] = 'handled'
  let reply: Reply
  if (roll.burst && ctx.options.rateLimitBursts) ctx.burstUntil = Math.max(ctx.burstUntil, Date.now() + ctx.options.rateLimitBursts.ms)
  const inBurst = ctx.burstUntil - Date.now()
  const retryAfter = inBurst > 0 ? Math.max(1, Math.ceil(inBurst / 1000)) : ctx.limiter?.take(Date.now()) ?? null
  if (retryAfter !== null) {
    outcome = 'rate-limited'
    reply = errorReply(new ReplyError('rateLimited'), { 'retry-after': String(retryAfter) })
  } else if (!isAuthorized(ctx, req)) {
    outcome = 'unauthorized'
    const message = req.headers.authorization
      ? 'the project id or management key is wrong'
      : 'missing Authorization header: expected "Bearer <projectId>:<managementKey>"'
    reply = errorReply(new ReplyError('unauthorized', message))
  } else if (roll.fault) {
    outcome = 'fault'
    reply = errorReply(new ReplyError('fault', 'injected by the emulator (errorRate); nothing was changed'))
  } else {
    reply = dispatch(ctx, method, url, parsed)
  }

  if (roll.drop === 'after') {
    record('dropped-after', reply.status)
    req.socket.destroy()
    return
  }
  record(outcome, reply.status)
  sendJson(res, reply)
}

function isAuthorized(ctx: PipelineContext, req: IncomingMessage): boolean {
  return req.headers.authorization === `Bearer ${ctx.options.projectId}:${ctx.options.managementKey}`
}

function dispatch(ctx: PipelineContext, method: string, url: URL, parsed: ParsedBody): Reply {
  try {
    const found = findRoute(ctx.routes, method, url.pathname)
    if (!found) throw new ReplyError('noRoute', `no management API route for ${method} ${url.pathname}`)
    const { route, params } = found
    // Only POST bodies matter; a GET's body is ignored like any HTTP server would.
    if (method === 'POST' && !parsed.ok) throw new ReplyError('malformed', `the body is not valid JSON: ${parsed.reason}`)
    const body = method === 'POST' && parsed.ok ? parsed.value : null
    const result = route.handle({ state: ctx.state, projectId: ctx.options.projectId, body, query: url.searchParams, origin: ctx.origin, variants: ctx.options.variants, params })
    if (route.mutates) ctx.saver?.changed()
    return { status: 200, body: result }
  } catch (error) {
    if (!(error instanceof ReplyError)) return errorReply(new ReplyError('internal', error instanceof Error ? error.message : String(error)))
    // a missing resource answered as the real API might (its status is unconfirmed)
    if (error.kind === 'notFound' && ctx.options.variants.notFoundStatus === 400) return { status: 400, body: error.body }
    return errorReply(error)
  }
}

function errorReply(error: ReplyError, headers?: Record<string, string>): Reply {
  return { status: error.status, body: error.body, headers }
}
