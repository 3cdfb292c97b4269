// Every way an attempt can end gives its throttle slot back: with a limit of 1, a slot kept by a
// redirect, an answer cut for its size, one that is not JSON, a 400, a timeout or a reset would
// make the next request wait forever.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createClient } from '../lib/client/client.ts'
import { ApiError } from '../lib/errors.ts'

const TIMEOUTS = { connectMs: 2000, requestMs: 300, unresponsiveMs: 10_000, runMs: 60_000, graceMs: 1000 }
const retry = { limit: 1, baseDelayMs: 10, maxDelayMs: 20, maxRetryAfterMs: 5000, maxRateLimitWaitMs: 10_000, circuitBreakAfter: 100 }

const server = http.createServer((req, res) => {
  const url = req.url ?? ''
  if (url.startsWith('/redirect')) { res.writeHead(307, { location: '/ok' }); res.end(); return }
  if (url.startsWith('/big')) { res.writeHead(200, { 'content-type': 'application/json' }); res.end(JSON.stringify({ x: 'y'.repeat(5000) })); return }
  if (url.startsWith('/notjson')) { res.writeHead(200, { 'content-type': 'application/json' }); res.end('nope'); return }
  if (url.startsWith('/bad')) { res.writeHead(400, { 'content-type': 'application/json' }); res.end('{"errorCode":"E1"}'); return }
  if (url.startsWith('/slow')) { setTimeout(() => { res.writeHead(200); res.end('{}') }, 1000); return }
  if (url.startsWith('/reset')) { req.socket.destroy(); return }
  res.writeHead(200, { 'content-type': 'application/json' }); res.end('{}')
})

const within = <T>(promise: Promise<T>, ms: number, what: string) => Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what}: still waiting after ${ms} ms (a slot was kept)`)), ms).unref())])

for (const path of ['redirect', 'big', 'notjson', 'bad', 'slow', 'reset']) {
  test(`after /${path}, the slot comes back`, async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const { port } = server.address() as AddressInfo
    const client = createClient({ baseUrl: `http://127.0.0.1:${port}`, projectId: 'P1', managementKey: 'K'.repeat(40), throttle: { limit: 1, intervalMs: 30 }, retry, timeouts: TIMEOUTS, maxResponseBytes: 1000 })
    try {
      // each of these ends in an error the client reports, not an answer
      const outcome = await within(client.get(`/${path}`).then(() => 'answered', (error: Error) => error), 3000, `/${path}`)
      assert.instance(outcome, ApiError, `/${path} fails as an ApiError`)
      await within(client.get('/ok'), 1000, `/ok after /${path}`)
      await within(client.get('/ok'), 1000, `second /ok after /${path}`)
    } finally {
      client.close()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      server.closeAllConnections()
    }
  })
}
test.run()
