// The rate window: a slot is held from a request's start until one interval after its answer,
// so no window of the server's sees more than the limit; the limit can only be lowered to what
// the server accepted, never below one, never raised past the configured one.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { setTimeout as sleep } from 'node:timers/promises'
import { createRateWindow } from '../lib/client/rate-window.ts'

test('a slot comes back one interval after its answer, not after it was taken', async () => {
  const window = createRateWindow({ limit: 2, intervalMs: 100 })
  const started = Date.now()
  const first = await window.acquire()
  const second = await window.acquire()
  let third = 0
  const waiting = window.acquire().then((release) => { third = Date.now() - started; return release })
  await sleep(50) // the first request is answered only now
  first()
  second()
  ;(await waiting)()
  assert.ok(third >= 145, `the third went out ${third} ms in: one interval after the answers, not after the start`)
})

test('lowering follows what the server accepted in the last interval, once at least half the limit got through', () => {
  const window = createRateWindow({ limit: 40, intervalMs: 1000 })
  assert.is(window.lowerToAccepted(Date.now() - 1000), 40, 'nothing accepted yet: no information, no change')
  for (let i = 0; i < 19; i++) window.accepted()
  assert.is(window.lowerToAccepted(Date.now() - 1000), 40, 'well under the limit: a 429 says little of the server\'s rate')
  window.accepted()
  assert.is(window.lowerToAccepted(Date.now() - 1000), 20, 'half the limit got through, then a 429: the server takes 20')
  for (let i = 0; i < 30; i++) window.accepted()
  assert.is(window.lowerToAccepted(Date.now() - 1000), 20, 'never raised again')
})

test('a wait for a slot can be abandoned, and the slot goes to the next in line', async () => {
  const window = createRateWindow({ limit: 1, intervalMs: 20 })
  const held = await window.acquire()
  const controller = new AbortController()
  const abandoned = window.acquire(controller.signal)
  const next = window.acquire()
  controller.abort(new Error('stopped'))
  await abandoned.catch((error: Error) => assert.is(error.message, 'stopped'))
  held()
  ;(await next)()
})

test.run()
