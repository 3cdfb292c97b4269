// Progress on stderr: an apply's [n/total] with its time, counts of item-by-item reads, waits
// for the rate limit said once with their length; plain lines at a bounded rate off a terminal,
// one redrawn line on one; nothing with --quiet or --json, and never a line on stdout.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createClient } from '../lib/client/client.ts'
import { startEmulator, type Emulator } from '../lib/emulator/index.ts'
import { createLogger } from '../lib/report/log.ts'
import { createProgress, type Progress, type ProgressEvent, type ProgressStream } from '../lib/report/progress.ts'
import { registerSecret } from '../lib/report/secrets.ts'
import { print, printSecretOnce } from '../lib/report/print.ts'
import { configWithTestPlugins, createProject, defaultConfig, emulatorEnvironment, runTask, type Project } from './helpers/project.ts'
import { seedTenants } from './helpers/seed.ts'
import tenantSettings from '../plugins/tenant-settings.ts'
import { readEach } from '../lib/plugin.ts'

const APPLY_LINE = /^\[(\d+)\/(\d+)\] \d+\.\ds  (created|updated|deleted|failed to|skipped) /
const PROGRESS_LINE = /^(\[\d+\/\d+\] |read \d+\/\d+ |waiting [\d.m]+s for the rate limit)/

const lines = (text: string) => text.split('\n').filter(Boolean)
const progressLines = (text: string) => lines(text).filter((line) => PROGRESS_LINE.test(line))
const tenants = (count: number, name = 'Tenant') => `tenants:\n${Array.from({ length: count }, (_, i) => `  - { id: t${i}, name: ${name} ${i} }`).join('\n')}\n`

/** A fixture project against its own emulator; `config` as defaultConfig gives it. */
async function withProject(emulatorOptions: Parameters<typeof startEmulator>[0], files: (emulator: Emulator) => Record<string, string>, work: (run: (...args: string[]) => ReturnType<typeof runTask>, emulator: Emulator, project: Project) => Promise<void>, config = defaultConfig()) {
  const emulator = await startEmulator({ blank: true, ...emulatorOptions })
  const project = createProject(files(emulator), config)
  try {
    await work((...args) => runTask(args[0]!, args.slice(1), { cwd: project.dir, env: { EMULATOR_KEY: emulator.managementKey }, timeoutMs: 60_000 }), emulator, project)
  } finally {
    await emulator.close()
    project.remove()
  }
}

test('an apply of 50 tenants off a terminal prints [n/50] lines: the first, [50/50] last, a few in all, none on stdout', () => withProject({}, (emulator) => ({
  'environments/big.yaml': emulatorEnvironment(emulator, tenants(50)),
}), async (run) => {
  const started = Date.now()
  const applied = await run('sync', '--env', 'big', '--apply')
  const elapsed = Date.now() - started
  assert.is(applied.code, 0, applied.stderr)
  const shown = lines(applied.stderr).filter((line) => APPLY_LINE.test(line))
  assert.ok(shown.length >= 2, applied.stderr)
  assert.match(shown[0]!, /^\[1\/50\] \d+\.\ds  created tenant "t\d+"$/)
  assert.match(shown.at(-1)!, /^\[50\/50\] \d+\.\ds  created tenant "t\d+"$/)
  // off a terminal: at most one line every 5 s, and the last
  assert.ok(shown.length <= 2 + Math.ceil(elapsed / 5000), shown.join('\n'))
  const counts = shown.map((line) => Number(APPLY_LINE.exec(line)![1]))
  assert.equal(counts, [...counts].sort((a, b) => a - b), 'counts only go up')
  assert.equal(progressLines(applied.stdout), [])
}))

test('with --json stdout is one JSON document, and no progress line reaches stdout or stderr; --quiet prints none either', () => withProject({}, (emulator) => ({
  'environments/big.yaml': emulatorEnvironment(emulator, tenants(50)),
  'environments/renamed.yaml': emulatorEnvironment(emulator, tenants(50, 'Renamed')),
}), async (run) => {
  const json = await run('sync', '--env', 'big', '--apply', '--json')
  assert.is(json.code, 0, json.stderr)
  const document = JSON.parse(json.stdout)
  assert.is(document.summary.applied, 50)
  assert.equal(progressLines(json.stderr), [])
  assert.equal(progressLines(json.stdout), [])

  // 50 updates: work enough to show, and nothing shown
  const quiet = await run('sync', '--env', 'renamed', '--apply', '--quiet')
  assert.is(quiet.code, 0, quiet.stderr)
  assert.match(quiet.stdout, 'Apply: 50 applied')
  assert.equal(progressLines(quiet.stderr), [])
  assert.equal(progressLines(quiet.stdout), [])
}))

test('a Retry-After is said with its length, once per wait rather than once per request held back', () => withProject({ rateLimit: { requests: 8, windowMs: 1000 } }, (emulator) => ({
  'environments/limited.yaml': emulatorEnvironment(emulator, tenants(10)),
}), async (run, emulator) => {
  const applied = await run('sync', '--env', 'limited', '--apply')
  assert.is(applied.code, 0, applied.stderr)
  const waits = lines(applied.stderr).filter((line) => line.startsWith('waiting'))
  assert.ok(waits.some((line) => /^waiting [1-9]\.\ds for the rate limit \(Retry-After from the API\)$/.test(line)), applied.stderr)
  // once fitted to the server's rate, the client may wait for its own throttle instead: said the same way
  for (const line of waits) assert.match(line, /^waiting [1-9]\.\ds for the rate limit \((Retry-After from the API|the throttle: \d+ requests per 1\.0s)\)$/)
  const refused = emulator.log.filter((entry) => entry.outcome === 'rate-limited').length
  assert.ok(waits.length < refused, `${waits.length} waits said for ${refused} answers of 429`)
}))

test('a wait for our own throttle is said with its length and the limit', () => withProject({}, (emulator) => ({
  'environments/slow.yaml': emulatorEnvironment(emulator, tenants(3)),
}), async (run) => {
  const applied = await run('sync', '--env', 'slow', '--apply')
  assert.is(applied.code, 0, applied.stderr)
  const waits = lines(applied.stderr).filter((line) => line.startsWith('waiting'))
  assert.ok(waits.length >= 1, applied.stderr)
  for (const line of waits) assert.match(line, /^waiting 1\.\ds for the rate limit \(the throttle: 6 requests per 1\.2s\)$/)
}, defaultConfig().replace(/throttle: .*\n/, 'throttle: { limit: 6, intervalMs: 1200 },\n')))

test('reading a type item by item shows counts: a backup of 40 tenants\' settings through a 20/s throttle', () => withProject({ plugins: [tenantSettings()] }, (emulator) => {
  seedTenants(emulator, Array.from({ length: 40 }, (_, i) => `t${i}`))
  return { 'environments/many.yaml': emulatorEnvironment(emulator, tenants(1)) }
}, async (run) => {
  const created = await run('backup', 'create', '--env', 'many')
  assert.is(created.code, 0, created.stderr)
  const reads = lines(created.stderr).filter((line) => line.startsWith('read '))
  assert.ok(reads.length >= 1, created.stderr)
  for (const line of reads) assert.match(line, /^read \d+\/40 tenantSettings$/)
  assert.is(reads.at(-1), 'read 40/40 tenantSettings')
}, configWithTestPlugins({ 'tenant-settings': '' }).replace(/throttle: .*\n/, 'throttle: { limit: 20, intervalMs: 1000 },\n')))

test('the client says each wait once: a burst of 429s is one wait, a full throttle window one per window', async () => {
  const emulator = await startEmulator({ blank: true, rateLimit: { requests: 5, windowMs: 1000 } })
  try {
    const events: ProgressEvent[] = []
    const client = createClient({
      baseUrl: emulator.url, projectId: emulator.projectId, managementKey: emulator.managementKey,
      throttle: { limit: 100, intervalMs: 1000 },
      retry: { limit: 6, baseDelayMs: 10, maxDelayMs: 50, maxRetryAfterMs: 5000, maxRateLimitWaitMs: 10_000, circuitBreakAfter: 100 },
      timeouts: { connectMs: 2000, requestMs: 5000, unresponsiveMs: 10_000, runMs: 60_000, graceMs: 1000 },
      progress: (event) => events.push(event),
    })
    // ten at once: five are refused together, and wait together
    await Promise.all(Array.from({ length: 10 }, (_, i) => client.post('/v1/mgmt/tenant/create', { id: `t${i}`, name: `T${i}` })))
    client.close()
    const refused = emulator.log.filter((entry) => entry.outcome === 'rate-limited').length
    assert.ok(refused >= 5, `${refused} refused`)
    assert.ok(events.length >= 1 && events.length < refused / 2, JSON.stringify(events))
    for (const event of events) {
      assert.is(event.kind, 'wait')
      assert.ok((event as { ms: number }).ms >= 1000)
    }
  } finally {
    await emulator.close()
  }
})

/** A stand-in for stderr that records what is written. */
function fakeStream(isTTY: boolean, columns = 80): ProgressStream & { text: string } {
  return { isTTY, columns, text: '', write(chunk: string) { this.text += chunk } }
}

const change = (done: number, total: number, elapsedMs: number, key = `t${done}`): ProgressEvent =>
  ({ kind: 'change', done, total, elapsedMs, op: 'create', type: 'tenant', key, status: 'applied' })

test('off a terminal 10,000 changes over a minute print a line per 5 s and the last, not 10,000', () => {
  let clock = 0
  const stream = fakeStream(false)
  const progress = createProgress({ stream, now: () => clock })
  for (let done = 1; done <= 10_000; done++) {
    clock = done * 6
    progress.emit(change(done, 10_000, clock))
  }
  progress.end()
  const shown = lines(stream.text)
  assert.ok(shown.length <= 60 / 5 + 2, `${shown.length} lines`)
  assert.ok(shown.length >= 60 / 5, `${shown.length} lines`)
  assert.is(shown[0], '[1/10000] 0.0s  created tenant "t1"')
  assert.is(shown.at(-1), '[10000/10000] 1m00s  created tenant "t10000"')
})

test('a read over within a second says nothing; a longer one says its count from then on, and its last', () => {
  let clock = 0
  const stream = fakeStream(false)
  const progress = createProgress({ stream, now: () => clock })
  const read = (what: string, done: number, total: number): ProgressEvent => ({ kind: 'read', what, done, total })
  progress.emit(read('flows', 0, 3))
  for (let done = 1; done <= 3; done++, clock += 100) progress.emit(read('flows', done, 3))
  assert.is(stream.text, '')
  clock = 10_000
  progress.emit(read('tenantSettings', 0, 300))
  for (let done = 1; done <= 300; done++, clock += 20) progress.emit(read('tenantSettings', done, 300))
  assert.equal(lines(stream.text), ['read 51/300 tenantSettings', 'read 300/300 tenantSettings'])
})

test('waits are lines of their own, said as they come; hostile keys are escaped and secrets cut out', () => {
  const stream = fakeStream(false)
  const progress = createProgress({ stream, now: () => 0 })
  registerSecret('s3cr3t-value-for-progress')
  progress.emit({ kind: 'wait', ms: 12_000, cause: 'retry-after' })
  progress.emit({ kind: 'wait', ms: 2500, cause: 'throttle', limit: 100, intervalMs: 60_000 })
  progress.emit(change(1, 2, 0, 'evil\u001b[2K\rs3cr3t-value-for-progress'))
  assert.equal(lines(stream.text), [
    'waiting 12.0s for the rate limit (Retry-After from the API)',
    'waiting 2.5s for the rate limit (the throttle: 100 requests per 1m00s)',
    '[1/2] 0.0s  created tenant "evil\\u001b[2K\\r[redacted]"',
  ])
})

test('on a terminal one status line is redrawn, log lines pass above it, an activity\'s last line stays, and end() clears it', () => {
  let clock = 0
  const stream = fakeStream(true, 40)
  const progress = createProgress({ stream, now: () => clock, redrawMs: 100 })
  progress.emit(change(1, 3, 0))
  assert.is(stream.text, '\r\u001b[2K[1/3] 0.0s  created tenant "t1"')
  clock = 50
  progress.emit(change(2, 3, 100, 'a-key-long-enough-to-be-cut-at-the-edge'))
  assert.is(stream.text.endsWith('"t1"'), true, 'not redrawn within redrawMs')
  clock = 200
  progress.aside(() => stream.write('a log line\n'))
  assert.ok(stream.text.endsWith('\r\u001b[2Ka log line\n\r\u001b[2K[2/3] 0.1s  created tenant "a-key-long…'), JSON.stringify(stream.text))
  progress.emit(change(3, 3, 240))
  assert.ok(stream.text.endsWith('\r\u001b[2K[3/3] 0.2s  created tenant "t3"\n'), JSON.stringify(stream.text))
  progress.emit({ kind: 'read', what: 'flows', done: 0, total: 9 })
  clock = 2000
  progress.emit({ kind: 'read', what: 'flows', done: 4, total: 9 })
  assert.ok(stream.text.endsWith('\r\u001b[2Kread 4/9 flows'))
  progress.end()
  assert.ok(stream.text.endsWith('read 4/9 flows\r\u001b[2K'))
  progress.emit(change(1, 1, 0))
  assert.ok(stream.text.endsWith('\r\u001b[2K'), 'nothing after end()')
})

test('a logger made with a progress display writes its lines through aside(), so they never land on the status line', () => {
  const calls: string[] = []
  const progress: Progress = { emit: () => {}, aside: (write) => { calls.push('clear'); write(); calls.push('redraw') }, end: () => {} }
  const log = createLogger({ progress })
  const write = process.stderr.write
  process.stderr.write = ((chunk: string) => { calls.push(`write ${String(chunk).trim()}`); return true }) as typeof process.stderr.write
  try {
    log.withTag('tenant').info('created tenant "acme"')
  } finally {
    process.stderr.write = write
  }
  assert.is(calls[0], 'clear')
  assert.match(calls[1]!, 'created tenant "acme"')
  assert.is(calls.at(-1), 'redraw')
})

test('what a task prints on stdout clears the status line first and has it drawn after: a report or a secret shown once never lands on its end', () => {
  const screen: string[] = []
  const saved = { isTTY: process.stderr.isTTY, err: process.stderr.write, out: process.stdout.write }
  const capture = (name: string) => ((chunk: string) => { screen.push(`${name}:${String(chunk)}`); return true }) as typeof process.stdout.write
  process.stderr.isTTY = true
  process.stderr.write = capture('err')
  process.stdout.write = capture('out')
  try {
    const progress = createProgress({ now: () => 0 })
    progress.emit(change(1, 3, 0))
    print('Plan: 3 to create')
    printSecretOnce('  accessKey "ci" cleartext: K1:abc')
    progress.end()
    print('after the end')
  } finally {
    Object.assign(process.stderr, { isTTY: saved.isTTY, write: saved.err })
    process.stdout.write = saved.out
  }
  assert.equal(screen, [
    'err:\r\u001b[2K[1/3] 0.0s  created tenant "t1"',
    'err:\r\u001b[2K', 'out:Plan: 3 to create\n', 'err:\r\u001b[2K[1/3] 0.0s  created tenant "t1"',
    'err:\r\u001b[2K', 'out:  accessKey "ci" cleartext: K1:abc\n', 'err:\r\u001b[2K[1/3] 0.0s  created tenant "t1"',
    'err:\r\u001b[2K',
    'out:after the end\n',
  ])
})

test('an item-by-item read that fails still reaches its total: no status line is left behind it', async () => {
  const counts: Array<[number, number]> = []
  const read = (key: string) => (key === 'b' ? Promise.reject(new Error('refused')) : new Promise<string>((resolve) => setTimeout(() => resolve(key), 10)))
  const failed = await readEach({ progress: (done, total) => counts.push([done, total]) }, ['a', 'b', 'c'], read).then(() => undefined, (error: Error) => error)
  assert.is(failed?.message, 'refused')
  await new Promise((resolve) => setTimeout(resolve, 30))
  assert.equal(counts.at(-1), [3, 3])
})

test.run()
