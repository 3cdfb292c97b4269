// The client against the real emulator over HTTP: retries, Retry-After, throttling, typed errors.
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { createConsola, LogLevels } from 'consola'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createClient, defaultBaseUrl, type ApiClient } from '../lib/client/client.ts'
import { ApiError } from '../lib/errors.ts'
import { startEmulator, type Emulator, type EmulatorOptions } from '../lib/emulator/index.ts'

const TIMEOUTS = { connectMs: 2000, requestMs: 5000, unresponsiveMs: 10_000, runMs: 60_000, graceMs: 1000 }
const fastRetry = { limit: 6, baseDelayMs: 10, maxDelayMs: 50, maxRetryAfterMs: 5000, maxRateLimitWaitMs: 10_000, circuitBreakAfter: 100 }

async function withEmulator(options: EmulatorOptions, work: (emulator: Emulator, client: ApiClient) => Promise<void>, clientOptions: Partial<Parameters<typeof createClient>[0]> = {}) {
  const emulator = await startEmulator(options)
  try {
    const client = createClient({
      maxResponseBytes: 1 << 20,
      baseUrl: emulator.url,
      projectId: emulator.projectId,
      managementKey: emulator.managementKey,
      throttle: { limit: 1000, intervalMs: 1000 },
      retry: fastRetry,
      timeouts: { ...TIMEOUTS, requestMs: 5000 },
      ...clientOptions,
    })
    await work(emulator, client)
  } finally {
    await emulator.close()
  }
}

const expectApiError = async (promise: Promise<unknown>): Promise<ApiError> => {
  try {
    await promise
  } catch (error) {
    assert.instance(error, ApiError)
    return error as ApiError
  }
  assert.unreachable('expected an ApiError')
  throw new Error('unreachable')
}

test('the default base URL follows the node SDK: region from a long project id', () => {
  assert.is(defaultBaseUrl('P2aAc4T2V93bddihGEx2Ryhc8e5Z'), 'https://api.descope.com')
  assert.is(defaultBaseUrl('Puse12aAc4T2V93bddihGEx2Ryhc8e5Z'), 'https://api.use1.descope.com')
})

test('GET and POST send the bearer token and parse JSON', () => withEmulator({}, async (emulator, client) => {
  await client.post('/v1/mgmt/tenant/create', { id: 'acme', name: 'Acme' })
  const tenant = await client.get<{ id: string; name: string }>('/v1/mgmt/tenant', { id: 'acme' })
  assert.is(tenant.name, 'Acme')
  assert.is(client.stats.requests, 2)
}))

test('the same read asked for twice at once is one request; each caller gets its own copy; a read after it is sent anew', () => withEmulator({ latencyMs: 50 }, async (emulator, client) => {
  await client.post('/v1/mgmt/tenant/create', { id: 'acme', name: 'Acme' })
  emulator.log.length = 0
  const [first, second] = await Promise.all([client.get<{ tenants: { name: string }[] }>('/v1/mgmt/tenant/all'), client.get<{ tenants: { name: string }[] }>('/v1/mgmt/tenant/all')])
  assert.is(emulator.log.filter((entry) => entry.path === '/v1/mgmt/tenant/all').length, 1)
  first.tenants[0]!.name = 'changed by one caller'
  assert.is(second.tenants[0]!.name, 'Acme', 'not the same object')
  // other queries are other reads
  await Promise.all([client.get('/v1/mgmt/tenant', { id: 'acme' }), client.get('/v1/mgmt/tenant', { id: 'nope' }).catch(() => undefined)])
  assert.is(emulator.log.filter((entry) => entry.path === '/v1/mgmt/tenant').length, 2)
  await client.get('/v1/mgmt/tenant/all')
  assert.is(emulator.log.filter((entry) => entry.path === '/v1/mgmt/tenant/all').length, 2, 'once answered, a read is sent again')
}))

test('a shared read that fails fails for every caller, and the next is sent anew', () => withEmulator({}, async (emulator, client) => {
  const both = await Promise.allSettled([client.get('/v1/mgmt/tenant', { id: 'nope' }), client.get('/v1/mgmt/tenant', { id: 'nope' })])
  assert.equal(both.map((result) => result.status), ['rejected', 'rejected'])
  assert.ok(both.every((result) => result.status === 'rejected' && result.reason instanceof ApiError && result.reason.status === 404))
  await client.get('/v1/mgmt/tenant', { id: 'nope' }).catch(() => undefined)
  assert.is(emulator.log.filter((entry) => entry.path === '/v1/mgmt/tenant').length, 2)
}))

test('a wrong key is a typed 401 that names method and path and never the key', () => withEmulator({}, async (emulator) => {
  const client = createClient({ maxResponseBytes: 1 << 20, baseUrl: emulator.url, projectId: emulator.projectId, managementKey: 'K-wrong-secret-value', throttle: { limit: 100, intervalMs: 1000 }, retry: fastRetry, timeouts: { ...TIMEOUTS, requestMs: 5000 } })
  const error = await expectApiError(client.get('/v1/mgmt/tenant/all'))
  assert.is(error.status, 401)
  assert.ok(error.isUnauthorized)
  assert.is(error.method, 'GET')
  assert.is(error.path, '/v1/mgmt/tenant/all')
  assert.ok(error.errorCode)
  assert.is(client.stats.requests, 1, 'a 401 is not retried')
  const everything = JSON.stringify({ message: error.message, stack: error.stack, cause: String(error.cause), own: { ...error } })
  assert.not.match(everything, 'K-wrong-secret-value')
}))

test('Descope error bodies become ApiErrors with errorCode and description', () => withEmulator({}, async (_emulator, client) => {
  const error = await expectApiError(client.get('/v1/mgmt/tenant', { id: 'missing' }))
  assert.is(error.status, 404)
  assert.ok(error.isNotFound)
  assert.ok(error.errorCode)
  assert.match(error.message, 'GET /v1/mgmt/tenant failed (404')
}))

test('injected 500s are retried until they pass', () => withEmulator({ errorRate: 0.5, seed: 7 }, async (emulator, client) => {
  for (let i = 0; i < 10; i++) await client.post('/v1/mgmt/tenant/create', { id: `t${i}`, name: `T${i}` })
  assert.is(Object.keys(emulator.state.tenants).length, 10)
  assert.ok(client.stats.retries > 0, 'some requests were retried')
  assert.ok(emulator.log.some((entry) => entry.status === 500))
}))

test('dropped connections are retried', () => withEmulator({ dropRate: 0.3, seed: 3 }, async (emulator, client) => {
  for (let i = 0; i < 10; i++) await client.get('/v1/mgmt/tenant/all')
  assert.ok(emulator.log.some((entry) => entry.outcome.startsWith('dropped')))
  assert.ok(client.stats.retries > 0)
}))

test('a 429 waits at least Retry-After before the retry', () => withEmulator({ rateLimit: { requests: 2, windowMs: 1000 } }, async (emulator, client) => {
  const started = Date.now()
  for (let i = 0; i < 3; i++) await client.get('/v1/mgmt/tenant/all')
  const limited = emulator.log.findIndex((entry) => entry.outcome === 'rate-limited')
  assert.ok(limited >= 0, 'the third request was rate limited first')
  // Retry-After is whole seconds (at least 1), and the client waits all of it
  assert.ok(Date.now() - started >= 1000, `took ${Date.now() - started} ms`)
}))

test('a long wait is logged, so a quiet terminal is not mistaken for a hang', async () => {
  const messages: string[] = []
  const log = createConsola({ level: LogLevels.info, reporters: [{ log: (entry) => messages.push(entry.args.join(' ')) }] })
  await withEmulator({ rateLimit: { requests: 1, windowMs: 2500 } }, async (_emulator, client) => {
    await client.get('/v1/mgmt/tenant/all')
    await client.get('/v1/mgmt/tenant/all')
  }, { log })
  assert.equal(messages.length, 1, messages.join('\n'))
  assert.match(messages[0]!, /^waiting [23]\.0s for the rate limit \(Retry-After from the API\)$/)
})

test('a Retry-After beyond maxRetryAfterMs fails fast with the 429', () => withEmulator({ rateLimit: { requests: 1, windowMs: 60_000 } }, async (_emulator, client) => {
  await client.get('/v1/mgmt/tenant/all')
  const error = await expectApiError(client.get('/v1/mgmt/tenant/all'))
  assert.is(error.status, 429)
  assert.is(error.errorCode, 'E130429')
}, { retry: { ...fastRetry, maxRetryAfterMs: 2000 } }))

test('retries pass through the throttle too', () => withEmulator({ errorRate: 1 }, async (emulator, client) => {
  const started = Date.now()
  const error = await expectApiError(client.get('/v1/mgmt/tenant/all'))
  assert.is(error.status, 500)
  // 1 try + 3 retries through a gate of 2 per 300 ms: at least one full wait
  assert.is(emulator.log.length, 4)
  assert.ok(Date.now() - started >= 300, `took ${Date.now() - started} ms`)
}, { throttle: { limit: 2, intervalMs: 300 }, retry: { ...fastRetry, limit: 3, baseDelayMs: 1, maxDelayMs: 1 } }))

test('an unreachable server is a network ApiError after the retries', async () => {
  const client = createClient({ maxResponseBytes: 1 << 20, baseUrl: 'http://127.0.0.1:9', projectId: 'P2x', managementKey: 'K-x', throttle: { limit: 100, intervalMs: 1000 }, retry: { ...fastRetry, limit: 1 }, timeouts: { ...TIMEOUTS, requestMs: 2000 } })
  const error = await expectApiError(client.get('/v1/mgmt/tenant/all'))
  assert.is(error.status, undefined)
  assert.is(error.code, 'API_NETWORK')
  assert.match(error.message, 'ECONNREFUSED')
})

test('waiting on our own throttle is not silence: a slow throttle never trips the circuit', () => withEmulator({}, async (emulator, client) => {
  const answers = await Promise.all(Array.from({ length: 5 }, () => client.get<{ tenants: unknown[] }>('/v1/mgmt/tenant/all')))
  assert.is(answers.length, 5)
  assert.is(client.stopped, undefined)
}, { throttle: { limit: 2, intervalMs: 700 }, timeouts: { ...TIMEOUTS, unresponsiveMs: 300 } }))

test('circuitBreakAfter counts attempts, retries included: a dead API stops the client after that many', async () => {
  const client = createClient({ maxResponseBytes: 1 << 20, baseUrl: 'http://127.0.0.1:9', projectId: 'P2x', managementKey: 'K-xxxxxxxx', throttle: { limit: 100, intervalMs: 1000 }, retry: { ...fastRetry, limit: 10, circuitBreakAfter: 3 }, timeouts: TIMEOUTS })
  const error = await expectApiError(client.get('/v1/mgmt/tenant/all'))
  assert.is(client.stats.requests, 3, 'the third unanswered attempt stops it')
  assert.match(error.message, 'nothing accepts connections at http://127.0.0.1:9 (3 attempts in a row were refused: ECONNREFUSED); check the environment\'s baseUrl, or that the API is up')
  const next = await expectApiError(client.get('/v1/mgmt/tenant/all'))
  assert.is(client.stats.requests, 3, 'and nothing more is sent')
  assert.match(next.message, 'Nothing more is sent in this run')
  client.close()
})

test('abort() after the deadline still cuts the requests in flight', () => withEmulator({ latencyMs: 3000 }, async (_emulator, client) => {
  const started = Date.now()
  const pending = expectApiError(client.get('/v1/mgmt/tenant/all'))
  await new Promise((resolve) => setTimeout(resolve, 600))
  assert.match(String(client.stopped), "the run's deadline")
  client.abort('interrupted (SIGINT)')
  const error = await pending
  assert.ok(Date.now() - started < 2000, `cut at once (${Date.now() - started} ms)`)
  assert.match(error.message, "the run's deadline")
  client.close()
}, { timeouts: { ...TIMEOUTS, runMs: 300 } }))

test('an answer that never ends is cut at limits.responseBytes; a slow one at timeouts.requestMs, each said as such', async () => {
  const server = http.createServer((request, response) => {
    response.setHeader('content-type', 'application/json')
    if (request.url?.startsWith('/endless')) {
      response.write('{"tenants":[')
      const timer = setInterval(() => response.write('{"id":"t","name":"T"},'.repeat(1000)), 1)
      response.on('close', () => clearInterval(timer))
    } else {
      response.write('{')
      const timer = setInterval(() => response.write(' '), 200)
      response.on('close', () => clearInterval(timer))
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const clientWith = (timeouts: Partial<typeof TIMEOUTS>) => createClient({ maxResponseBytes: 1 << 20, baseUrl: url, projectId: 'P2x', managementKey: 'K-xxxxxxxx', throttle: { limit: 100, intervalMs: 1000 }, retry: { ...fastRetry, limit: 0 }, timeouts: { ...TIMEOUTS, ...timeouts } })
  const client = clientWith({ unresponsiveMs: 300 })
  const patient = clientWith({ requestMs: 1000 })
  try {
    const endless = await expectApiError(client.get('/endless'))
    assert.match(endless.message, 'the answer was larger than 1.0 MiB (limits.responseBytes), so it was cut')
    assert.match(endless.message, 'raise limits.responseBytes')
    // the cut attempt counts as answered: idling afterwards is not silence
    await new Promise((resolve) => setTimeout(resolve, 700))
    assert.is(client.stopped, undefined)
    const slow = await expectApiError(patient.get('/slow'))
    assert.match(slow.message, 'no whole answer within 1000 ms (timeouts.requestMs)')
  } finally {
    client.close()
    patient.close()
    server.closeAllConnections()
    server.close()
  }
})

test.run()
