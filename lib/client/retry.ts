// The retry policy as pure functions, so it can be tested without a network; lib/client.ts
// feeds got's calculateDelay from them.
//
// A 429 is not a failure: the server says when to come back. So rate-limited retries do not
// use up the retry budget (`limit`, for 5xx and network errors); they are bounded by time
// instead: no single Retry-After above `maxRetryAfterMs`, no more than `maxRateLimitWaitMs`
// in all for one request.
import type { RetryPolicy } from './options.ts'


/**
 * Gateway and edge errors every official Descope SDK retries (go-sdk api/client.go
 * retryableStatusCodes; python-sdk _http_client_base.py; core-js-sdk fetchWithRetries), and
 * 500/502/504.
 */
export const RETRY_STATUS_CODES = [500, 502, 503, 504, 520, 521, 522, 524, 530]

/** Connection failures worth another try (got's defaults). */
export const RETRY_ERROR_CODES = ['ETIMEDOUT', 'ECONNRESET', 'EADDRINUSE', 'ECONNREFUSED', 'EPIPE', 'ENOTFOUND', 'ENETUNREACH', 'EAI_AGAIN']

/** What one request has been through so far. */
export interface RetryState {
  /** 5xx and network failures */
  failures: number
  /** milliseconds already waited for 429s */
  rateLimitedMs: number
}

export interface Failure {
  status?: number
  code?: string
  retryAfterMs?: number
}

/**
 * Milliseconds to wait before trying again, or 0 to give up. Updates `state`.
 * Backoff is exponential from `baseDelayMs`, capped at `maxDelayMs`, with "equal jitter"
 * (half fixed, half random); a Retry-After is waited in full, and no longer.
 */
export function retryDelay(failure: Failure, state: RetryState, policy: RetryPolicy, random: () => number = Math.random): number {
  if (failure.status === 429) {
    // a Retry-After is waited exactly: the pause holds every request back, so jitter would only
    // lengthen it, and the throttle spaces the restart
    const wait = failure.retryAfterMs && failure.retryAfterMs > 0
      ? failure.retryAfterMs
      : backoff(state.rateLimitedMs ? 2 : 1, policy, random)
    if ((failure.retryAfterMs ?? 0) > policy.maxRetryAfterMs) return 0
    if (state.rateLimitedMs + wait > policy.maxRateLimitWaitMs) return 0
    state.rateLimitedMs += wait
    return wait
  }
  const retryable = failure.status === undefined
    ? RETRY_ERROR_CODES.includes(failure.code ?? '')
    : RETRY_STATUS_CODES.includes(failure.status)
  if (!retryable || state.failures >= policy.limit) return 0
  state.failures++
  return backoff(state.failures, policy, random)
}

function backoff(attempt: number, policy: RetryPolicy, random: () => number): number {
  const step = Math.min(policy.baseDelayMs * 2 ** (attempt - 1), policy.maxDelayMs)
  // got reads 0 as "do not retry", so wait at least 1 ms
  return Math.max(1, Math.round(step / 2 + (random() * step) / 2))
}
