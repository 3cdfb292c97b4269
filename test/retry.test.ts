import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { RETRY_STATUS_CODES, retryDelay } from '../lib/retry.ts'

const policy = { limit: 6, baseDelayMs: 500, maxDelayMs: 4000, maxRetryAfterMs: 60_000 }

test('backoff doubles per attempt, between half and all of the step', () => {
  for (const [attempt, step] of [[1, 500], [2, 1000], [3, 2000]] as const) {
    assert.is(retryDelay(attempt, undefined, policy, () => 0), step / 2)
    assert.is(retryDelay(attempt, undefined, policy, () => 1), step)
  }
})

test('backoff is capped at maxDelayMs', () => {
  assert.is(retryDelay(10, undefined, policy, () => 1), 4000)
  assert.is(retryDelay(10, undefined, policy, () => 0), 2000)
})

test('a Retry-After is waited in full, plus bounded jitter', () => {
  assert.is(retryDelay(1, 3000, policy, () => 0), 3000)
  assert.is(retryDelay(1, 3000, policy, () => 1), 3500)
  // longer than the backoff cap: still honoured
  assert.is(retryDelay(1, 30_000, policy, () => 0), 30_000)
})

test('never 0, which got reads as "do not retry"', () => {
  assert.ok(retryDelay(1, undefined, { ...policy, baseDelayMs: 0 }, () => 0) >= 1)
})

test('429 and 5xx are retried; other 4xx are not', () => {
  for (const status of [429, 500, 502, 503, 504]) assert.ok(RETRY_STATUS_CODES.includes(status), String(status))
  for (const status of [400, 401, 403, 404, 409]) assert.not.ok(RETRY_STATUS_CODES.includes(status), String(status))
})

test.run()
