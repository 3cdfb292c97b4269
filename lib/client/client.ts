// The one way to the Descope API: a got instance per environment with the base URL, the
// management bearer token, JSON, timeouts, retries, and one rate window (lib/rate-window.ts)
// awaited in a request hook, so that retries wait their turn too. Failures become ApiErrors that carry
// the HTTP status, Descope's errorCode, the method and the path, and never the key.
import got, { CancelError, HTTPError, ParseError, RequestError, TimeoutError, type Got } from 'got'
import { setTimeout as sleep } from 'node:timers/promises'
import type { ConsolaInstance } from 'consola'
import { byCodeUnit } from '../engine/normalize.ts'

import { createCircuit } from './circuit.ts'
import { ApiError } from '../errors.ts'
import { depthOf, formatBytes, JSON_DEPTH } from '../io/files.ts'
import { createRateWindow } from './rate-window.ts'
import { RETRY_ERROR_CODES, RETRY_STATUS_CODES, retryDelay, type RetryState } from './retry.ts'
import type { RetryPolicy, Throttle, Timeouts } from './options.ts'
import { formatProgress, SAY_WAIT_MS, type OnProgress, type ProgressEvent } from '../report/progress.ts'

export interface ClientOptions {
  /** e.g. https://api.descope.com; defaults from the project id (core-js-sdk urlBuilder.ts) */
  baseUrl?: string
  projectId: string
  managementKey: string
  throttle: Throttle
  retry: RetryPolicy
  timeouts: Timeouts
  /** an answer larger than this is cut (limits.responseBytes, 64 MiB): a response that never ends must not fill memory */
  maxResponseBytes?: number
  log?: ConsolaInstance
  /** told of each wait for the rate limit (once per wait, not per request held back); without it the log says them */
  progress?: OnProgress
  /** what to check after a 401 or 403: which file and variables hold the credentials */
  unauthorizedHint?: string
}

export interface ApiClient {
  /** a read; one asked for while the same read is on its way shares its answer (each gets a copy) */
  get<T>(path: string, query?: Record<string, string>): Promise<T>
  /**
   * `once`: a write the API does not recognise when it comes again (a create of an item with no
   * unique key, such as an access key: a second one would be a second key) is not retried after
   * it may have reached the server; only a 429 or a refused connection is tried again
   */
  post<T>(path: string, body?: object, options?: { once?: boolean }): Promise<T>
  /** the few endpoints that remove with DELETE and a query (a tenant's SSO settings); retried like a GET: a second delete changes nothing */
  delete<T>(path: string, query?: Record<string, string>): Promise<T>
  readonly baseUrl: string
  /** requests sent, retries included: for summaries and benchmarks */
  readonly stats: { requests: number; retries: number }
  /**
   * why the client sends nothing more, once it has stopped: the API stopped answering (the
   * circuit, lib/circuit.ts), the run's deadline passed, or abort() was called. Every request
   * then fails at once.
   */
  readonly stopped: string | undefined
  /** stops at once: requests in flight are cut, new ones fail */
  abort(reason: string): void
  /** releases the client's timers */
  close(): void
}

/** The answer of a load, or undefined when the item does not exist (404). */
export async function unlessNotFound<T>(request: Promise<T>): Promise<T | undefined> {
  try {
    return await request
  } catch (error) {
    if (error instanceof ApiError && error.isNotFound) return undefined
    throw error
  }
}

/** The node SDK's rule: a project id longer than 28 characters carries its region after the P. */
export function defaultBaseUrl(projectId: string): string {
  const region = projectId.slice(1, -27)
  return `https://api.${region ? `${region}.` : ''}descope.com`
}

export function createClient(options: ClientOptions): ApiClient {
  const baseUrl = (options.baseUrl ?? defaultBaseUrl(options.projectId)).replace(/\/+$/, '')
  const stats = { requests: 0, retries: 0 }
  // a wait every request is held back by is said out loud once, so a quiet run is not taken for a hang
  const sayWait = (event: ProgressEvent) => (options.progress ? options.progress(event) : options.log?.info(formatProgress(event)))
  const window = createRateWindow({
    ...options.throttle,
    sayMs: SAY_WAIT_MS,
    onWait: (ms) => sayWait({ kind: 'wait', ms, cause: 'throttle', limit: window.limit, intervalMs: options.throttle.intervalMs }),
  })
  const maxResponseBytes = options.maxResponseBytes ?? 64 * 1024 * 1024
  const circuit = createCircuit({ api: baseUrl, circuitBreakAfter: options.retry.circuitBreakAfter, unresponsiveMs: options.timeouts.unresponsiveMs, runMs: options.timeouts.runMs, log: options.log })
  // A 429 means the server's window is spent for every request, not just the one that got it:
  // hold them all back until its Retry-After has passed.
  let pausedUntil = 0
  /** set by the 429 that starts a pause: the throttle is fitted to the server when it ends */
  let lowerSince: number | undefined
  /** the end of the last pause said: the 429s of one burst are one wait */
  let saidUntil = 0
  const http: Got = got.extend({
    prefixUrl: baseUrl,
    headers: {
      authorization: `Bearer ${options.projectId}:${options.managementKey}`,
      'x-descope-project-id': options.projectId,
      'user-agent': 'descope-mgmt',
    },
    responseType: 'json',
    // the management API does not redirect; following one would send the key elsewhere and run
    // the request hook (a throttle slot) twice for one attempt
    followRedirect: false,
    // an answer nested thousands deep would overflow the stack of whatever walks it next
    parseJson: (text) => {
      const value: unknown = JSON.parse(text)
      if (depthOf(value, JSON_DEPTH.answer) > JSON_DEPTH.answer) throw new Error(TOO_DEEP)
      return value
    },
    timeout: { lookup: options.timeouts.connectMs, connect: options.timeouts.connectMs, secureConnect: options.timeouts.connectMs, request: options.timeouts.requestMs },
    signal: circuit.signal,
    retry: {
      // lib/retry.ts decides, with budgets of its own; got's limit only bounds a runaway loop.
      // Nearly every Descope mutation is a POST. Retrying one is safe in sync because the apply
      // engine verifies a create or delete that failed after a retry against the live state.
      limit: 1000,
      methods: ['GET', 'POST', 'DELETE'],
      statusCodes: [429, ...RETRY_STATUS_CODES],
      errorCodes: RETRY_ERROR_CODES,
      maxRetryAfter: Number.POSITIVE_INFINITY,
      calculateDelay: ({ error, retryAfter }) => {
        if (circuit.stopped) return 0
        const state = (error.options.context.retry ??= { failures: 0, rateLimitedMs: 0 }) as RetryState
        const status = error.response?.statusCode
        // it may have landed: a second would be a second item (the engine checks live instead)
        if (error.options.context.once && status !== 429 && error.code !== 'ECONNREFUSED') return 0
        const delay = retryDelay({ status, code: error.code, retryAfterMs: retryAfter }, state, options.retry)
        if (status === 429 && delay) {
          // the 429 that starts a pause tells what the server takes: no more than it accepted in
          // its window, counted when the pause ends and the answers then on their way are in
          // (once per pause: the other 429s of the burst say nothing new)
          const now = Date.now()
          if (pausedUntil <= now) lowerSince = now - options.throttle.intervalMs
          pausedUntil = Math.max(pausedUntil, now + delay)
          // said when it begins, and again only if a later 429 makes it a second longer
          const left = pausedUntil - now
          if (left >= SAY_WAIT_MS && pausedUntil >= saidUntil + SAY_WAIT_MS) {
            saidUntil = pausedUntil
            sayWait({ kind: 'wait', ms: left, cause: retryAfter ? 'retry-after' : 'rate-limited' })
          }
        } else if (delay >= LONG_WAIT_MS) {
          // a long backoff is said out loud, so a quiet terminal is not mistaken for a hang
          options.log?.info(`waiting ${Math.round(delay / 1000)} s before retrying ${describe(error)}`)
        }
        return delay
      },
    },
    hooks: {
      beforeRequest: [async (request) => {
        // a later 429 may have pushed the pause further while this one slept
        for (let paused = pausedUntil - Date.now(); paused > 0; paused = pausedUntil - Date.now()) {
          await sleep(paused, undefined, { signal: circuit.signal })
        }
        if (lowerSince !== undefined) {
          const before = window.limit
          const after = window.lowerToAccepted(lowerSince)
          lowerSince = undefined
          if (after < before) options.log?.debug(`rate limit: the server took ${after} requests per ${options.throttle.intervalMs} ms; sending no more than that`)
        }
        // an attempt holds one slot: give back any this context still holds
        ;(request.context.release as (() => void) | undefined)?.()
        const release = await window.acquire(circuit.signal)
        // a retry waiting on the throttle or a 429 must not go out once the client has stopped
        if (circuit.stopped) {
          release()
          throw new Error(circuit.stopped)
        }
        request.context.release = release
        stats.requests++
        request.context.onWire = true
        circuit.sent()
      }],
      // an attempt ends in exactly one of these: with an answer (any status), or without one
      afterResponse: [(response) => {
        if (ended(response.request.options.context)) circuit.answered()
        if (response.statusCode !== 429) window.accepted()
        return response
      }],
      beforeRetry: [(error, retryCount) => {
        if (!error.response && ended(error.options.context)) circuit.unanswered(error.code ?? error.message)
        stats.retries++
        options.log?.debug(`retrying ${describe(error)} (retry ${retryCount})`)
      }],
      beforeError: [(error) => {
        if (!error.response && ended(error.options.context)) circuit.unanswered(error.code ?? error.message)
        return error
      }],
    },
  })

  async function send<T>(method: 'GET' | 'POST' | 'DELETE', path: string, init: object): Promise<T> {
    if (circuit.stopped) throw stoppedError(method, path, circuit.stopped)
    const pending = http(path.replace(/^\//, ''), { method, ...init })
    pending.on('downloadProgress', ({ transferred }) => { if (transferred > maxResponseBytes) pending.cancel() })
    let response
    try {
      response = await pending
    } catch (error) {
      // an attempt that ended where no hook saw it (cut for its size): it was answered, or not
      if (error instanceof RequestError && ended(error.options.context)) {
        if (error.response) circuit.answered()
        else circuit.unanswered(error.code ?? error.message)
      }
      // cut by the circuit (or aborted): say why, not "This operation was aborted"
      if (circuit.stopped && !(error instanceof HTTPError)) throw stoppedError(method, path, circuit.stopped)
      throw toApiError(error, method, path, { ...options, maxResponseBytes })
    }
    // not followed (see followRedirect), and never an answer: a write answered 307 did not happen
    if (response.statusCode >= 300) {
      const location = response.headers.location
      throw new ApiError({ method, path, status: response.statusCode, detail: `a redirect${location ? ` to ${location}` : ''}, which the management API never answers`, hint: `Check baseUrl (${baseUrl}): it should be the API itself, such as https://api.descope.com` })
    }
    return response.body as T
  }

  // A read asked for again while the first is on its way shares it: the engine lists every type
  // at once, and the per-tenant types each list the tenants as the tenants' own list does. When
  // it was shared, each caller gets its own copy of the answer, so none sees another's changes.
  const reading = new Map<string, { answer: Promise<unknown>; callers: number }>()
  function shared<T>(path: string, query?: Record<string, string>): Promise<T> {
    const key = `${path}?${new URLSearchParams(Object.entries(query ?? {}).sort(([a], [b]) => byCodeUnit(a, b)))}`
    let read = reading.get(key)
    if (!read) {
      // gone from the map before it settles: whoever asks after that sends a read of their own
      read = { answer: send('GET', path, query ? { searchParams: query } : {}).finally(() => reading.delete(key)), callers: 0 }
      reading.set(key, read)
    }
    read.callers++
    const { answer } = read
    return answer.then((body) => (read.callers > 1 ? structuredClone(body) : body) as T)
  }

  return {
    baseUrl,
    stats,
    get stopped() { return circuit.stopped },
    abort: (reason) => circuit.stop(reason),
    close: () => circuit.close(),
    get: shared,
    post: (path, body, options) => send('POST', path, { json: body ?? {}, ...(options?.once ? { context: { once: true } } : {}) }),
    delete: (path, query) => send('DELETE', path, query ? { searchParams: query } : {}),
  }
}

const LONG_WAIT_MS = 2000
const TOO_DEEP = `nested more than ${JSON_DEPTH.answer} levels deep`

/** "POST /v1/mgmt/tenant/create after HTTP 429" */
function describe(error: RequestError): string {
  const request = error.options
  const path = request.url instanceof URL ? request.url.pathname : request.url
  const reason = error.response ? `HTTP ${error.response.statusCode}` : (error.code ?? error.message)
  return `${request.method} ${path} after ${reason}`
}

/** Descope's error body → ApiError. got's own error is not kept as the cause: its options hold the key. */
/** One attempt's end, counted once: its context says it went on the wire and has not ended yet. */
function ended(context: Record<string, unknown>): boolean {
  if (!context.onWire) return false
  context.onWire = false
  // its throttle slot starts its last interval now
  ;(context.release as (() => void) | undefined)?.()
  return true
}

const stoppedError = (method: string, path: string, reason: string) =>
  new ApiError({ method, path, detail: reason, hint: 'Nothing more is sent in this run; run it again once the API answers: it converges' })

function toApiError(error: unknown, method: string, path: string, options: Pick<ClientOptions, 'unauthorizedHint' | 'timeouts'> & { maxResponseBytes: number }): ApiError {
  const unauthorizedHint = options.unauthorizedHint
  if (error instanceof HTTPError) {
    const body = (typeof error.response.body === 'object' ? error.response.body : {}) as Record<string, unknown>
    const status = error.response.statusCode
    return new ApiError({
      status,
      hint: status === 401 || status === 403 ? unauthorizedHint : undefined,
      errorCode: asString(body.errorCode),
      description: asString(body.errorDescription),
      detail: asString(body.errorMessage),
      method,
      path,
    })
  }
  if (error instanceof RequestError) {
    const cause = Object.assign(new Error(error.message), { code: error.code })
    if (error instanceof ParseError) {
      const detail = error.message.includes(TOO_DEEP) ? `HTTP ${error.response.statusCode} with an answer ${TOO_DEEP}` : `HTTP ${error.response.statusCode} with a body that is not JSON`
      return new ApiError({ method, path, status: error.response.statusCode, detail, cause })
    }
    if (error instanceof CancelError) {
      return new ApiError({ method, path, status: error.response?.statusCode, detail: `the answer was larger than ${formatBytes(options.maxResponseBytes)} (limits.responseBytes), so it was cut`, hint: 'If the project really is that large, raise limits.responseBytes in descope.config.ts', cause })
    }
    return new ApiError({ method, path, detail: networkDetail(error, options), cause })
  }
  return new ApiError({ method, path, detail: String((error as Error)?.message ?? error) })
}

/** What went wrong with no (whole) answer: said in the words of the settings that decide it. */
function networkDetail(error: RequestError, options: Pick<ClientOptions, 'timeouts'>): string {
  if (error instanceof TimeoutError) {
    const connecting = ['lookup', 'connect', 'secureConnect'].includes(error.event)
    return connecting
      ? `no connection within ${options.timeouts.connectMs} ms (timeouts.connectMs)`
      : `no whole answer within ${options.timeouts.requestMs} ms (timeouts.requestMs)`
  }
  return error.code ?? error.message
}

const asString = (value: unknown) => (typeof value === 'string' && value ? value : undefined)
