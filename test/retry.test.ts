import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { RETRY_STATUS_CODES, retryDelay, type RetryState } from '../lib/client/retry.ts'

const policy = { limit: 3, baseDelayMs: 500, maxDelayMs: 4000, maxRetryAfterMs: 60_000, maxRateLimitWaitMs: 100_000, circuitBreakAfter: 8 }
const fresh = (): RetryState => ({ failures: 0, rateLimitedMs: 0 })
const lowest = () => 0
const highest = () => 1

test('5xx backoff doubles per retry, between half and all of the step, capped', () => {
  const low = fresh()
  const high = fresh()
  const big = { ...policy, limit: 10 }
  for (const step of [500, 1000, 2000, 4000, 4000]) {
    assert.is(retryDelay({ status: 500 }, low, big, lowest), step / 2)
    assert.is(retryDelay({ status: 500 }, high, big, highest), step)
  }
})

test('5xx and network errors give up after `limit` retries', () => {
  const state = fresh()
  for (let i = 0; i < 3; i++) assert.ok(retryDelay({ status: 503 }, state, policy) > 0)
  assert.is(retryDelay({ status: 503 }, state, policy), 0)
  const network = fresh()
  for (let i = 0; i < 3; i++) assert.ok(retryDelay({ code: 'ECONNRESET' }, network, policy) > 0)
  assert.is(retryDelay({ code: 'ECONNRESET' }, network, policy), 0)
})

test('other 4xx and unknown network errors are not retried', () => {
  for (const status of [400, 401, 403, 404, 409]) assert.is(retryDelay({ status }, fresh(), policy), 0, String(status))
  assert.is(retryDelay({ code: 'ERR_SOMETHING_ELSE' }, fresh(), policy), 0)
  for (const status of [500, 502, 503, 504]) assert.ok(RETRY_STATUS_CODES.includes(status))
})

test('a 429 waits its Retry-After in full and no longer: the pause holds every request, the throttle spaces the restart', () => {
  assert.is(retryDelay({ status: 429, retryAfterMs: 3000 }, fresh(), policy, lowest), 3000)
  assert.is(retryDelay({ status: 429, retryAfterMs: 3000 }, fresh(), policy, highest), 3000)
  // longer than the backoff cap: still honoured
  assert.is(retryDelay({ status: 429, retryAfterMs: 30_000 }, fresh(), policy, lowest), 30_000)
})

test('429s do not use up the retry limit; they are bounded by total wait', () => {
  const state = fresh()
  for (let i = 0; i < 20; i++) assert.is(retryDelay({ status: 429, retryAfterMs: 1000 }, state, policy, lowest), 1000)
  assert.is(state.failures, 0)
  assert.ok(retryDelay({ status: 500 }, state, policy) > 0, 'a 5xx still has its own budget')
  const long = fresh()
  for (let i = 0; i < 10; i++) retryDelay({ status: 429, retryAfterMs: 10_000 }, long, policy, lowest)
  assert.is(retryDelay({ status: 429, retryAfterMs: 10_000 }, long, policy, lowest), 0, '100 s waited: give up')
})

test('a Retry-After above maxRetryAfterMs fails at once', () => {
  assert.is(retryDelay({ status: 429, retryAfterMs: 61_000 }, fresh(), policy), 0)
})

test('never 0 when retrying, which got reads as "give up"', () => {
  assert.ok(retryDelay({ status: 500 }, fresh(), { ...policy, baseDelayMs: 0 }, lowest) >= 1)
})

test.run()
