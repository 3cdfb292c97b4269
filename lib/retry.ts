// The retry policy as pure functions, so it can be tested without a network. got applies them
// (lib/client.ts): it decides *whether* to retry from these lists, we decide *how long* to wait.
import type { Config } from './config.ts'

export type RetryPolicy = Config['retry']

/**
 * 429 (rate limited), 500 and the gateway/edge errors. Every official Descope SDK retries
 * 503, 520, 521, 522, 524 and 530 (descope-api.md §4.3); we add 429, 500, 502 and 504.
 */
export const RETRY_STATUS_CODES = [429, 500, 502, 503, 504, 520, 521, 522, 524, 530]

/**
 * Milliseconds to wait before attempt `attempt + 1` (attempt counts from 1).
 * A Retry-After is honoured in full, plus a little jitter so parallel requests do not return
 * at the same instant; otherwise exponential backoff from `baseDelayMs`, capped at
 * `maxDelayMs`, with "equal jitter" (half fixed, half random).
 */
export function retryDelay(
  attempt: number,
  retryAfterMs: number | undefined,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number {
  if (retryAfterMs !== undefined && retryAfterMs > 0) {
    return retryAfterMs + Math.round(random() * Math.min(policy.baseDelayMs, 1000))
  }
  const backoff = Math.min(policy.baseDelayMs * 2 ** (attempt - 1), policy.maxDelayMs)
  // got reads 0 as "do not retry", so wait at least 1 ms
  return Math.max(1, Math.round(backoff / 2 + (random() * backoff) / 2))
}
