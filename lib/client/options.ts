// How the client talks to the API: its pace, its retries and its timeouts. The config and each
// environment file set them (lib/config/); the client only reads them.
import * as v from 'valibot'

const positiveInteger = v.pipe(v.number(), v.integer(), v.minValue(1))
const nonNegativeInteger = v.pipe(v.number(), v.integer(), v.minValue(0))
/** setTimeout fires at once past 2^31-1 ms (about 24.8 days), which would turn a wait into none */
const ms = (min: number) => v.pipe(v.number(), v.integer(), v.minValue(min), v.maxValue(2 ** 31 - 1, 'must be at most 2147483647 (about 24 days)'))
const milliseconds = ms(1)
const anyMilliseconds = ms(0)

/** How fast the client may send: at most `limit` requests per `intervalMs`, retries included. */
export const ThrottleSchema = v.strictObject({
  limit: positiveInteger,
  intervalMs: milliseconds,
})

/** When and how long the client waits before trying a request again (see lib/retry.ts). */
export const RetrySchema = v.strictObject({
  /** retries after 5xx answers and network errors, per request */
  limit: nonNegativeInteger,
  /** first backoff; it doubles each retry, and half of it is random jitter */
  baseDelayMs: anyMilliseconds,
  /** cap on one backoff */
  maxDelayMs: anyMilliseconds,
  /** a 429 asking for a longer wait than this fails the request instead */
  maxRetryAfterMs: anyMilliseconds,
  /** 429s do not use up `limit`; this bounds the total time one request waits for them */
  maxRateLimitWaitMs: anyMilliseconds,
  /** this many requests in a row with no answer at all (refused, reset, timed out): the API is down, stop */
  circuitBreakAfter: positiveInteger,
})

export const RETRY_DEFAULTS: v.InferOutput<typeof RetrySchema> = {
  limit: 6, baseDelayMs: 500, maxDelayMs: 20_000, maxRetryAfterMs: 120_000, maxRateLimitWaitMs: 600_000, circuitBreakAfter: 8,
}

export const TimeoutsSchema = v.strictObject({
  /** to open a connection to the API */
  connectMs: milliseconds,
  /** one request attempt, from sending to the whole answer */
  requestMs: milliseconds,
  /** no answer of any kind for this long while requests are on the wire: the API is taken as down */
  unresponsiveMs: milliseconds,
  /** a whole run: past it no new request starts, and an apply starts no new change */
  runMs: milliseconds,
  /** after Ctrl-C, how long the requests in flight may take to finish before they are cut */
  graceMs: milliseconds,
})

export const TIMEOUT_DEFAULTS: v.InferOutput<typeof TimeoutsSchema> = {
  connectMs: 5_000, requestMs: 15_000, unresponsiveMs: 20_000, runMs: 3_600_000, graceMs: 15_000,
}

export type Throttle = v.InferOutput<typeof ThrottleSchema>
export type RetryPolicy = v.InferOutput<typeof RetrySchema>
export type Timeouts = v.InferOutput<typeof TimeoutsSchema>
