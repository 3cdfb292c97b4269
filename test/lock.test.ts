// The apply lock: one holder at a time, a dead holder's lock taken over by exactly one process.
import { spawn, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { LockedError } from '../lib/errors.ts'
import { acquireLock } from '../lib/run/lock.ts'
import { REPO, TSX } from './helpers/project.ts'

const test = suite<{ dir: string; previous?: string }>('lock')

test.before.each((context) => {
  context.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'descope-mgmt-locks-test-'))
  context.previous = process.env.DESCOPE_LOCK_DIR
  process.env.DESCOPE_LOCK_DIR = context.dir
})
test.after.each((context) => {
  if (context.previous === undefined) delete process.env.DESCOPE_LOCK_DIR
  else process.env.DESCOPE_LOCK_DIR = context.previous
  fs.rmSync(context.dir, { recursive: true, force: true })
})

test('a held lock refuses a second apply, naming the holder; release frees it', () => {
  const release = acquireLock('dev-P2x')
  try {
    acquireLock('dev-P2x')
    assert.unreachable('the second acquire must fail')
  } catch (error) {
    assert.instance(error, LockedError)
    assert.match((error as Error).message, `pid ${process.pid}`)
  }
  release()
  acquireLock('dev-P2x')()
})

test('a lock left with our own pid (reused after a crash) but another token is stale, not "another apply"', ({ dir }) => {
  const file = path.join(dir, 'dev-P2x.lock')
  fs.writeFileSync(file, JSON.stringify({ pid: process.pid, host: os.hostname(), since: '2020-01-01T00:00:00Z', token: 'a-run-that-crashed' }))
  const release = acquireLock('dev-P2x')
  const owner = JSON.parse(fs.readFileSync(file, 'utf8'))
  assert.is(owner.pid, process.pid)
  assert.is.not(owner.token, 'a-run-that-crashed')
  // while we hold it, our own pid is a live holder: a second acquire in this process is refused
  try {
    acquireLock('dev-P2x')
    assert.unreachable('held by this very process')
  } catch (error) {
    assert.instance(error, LockedError)
  }
  release()
  assert.not.ok(fs.existsSync(file))
})

test('release removes only our own lock, and an exit releases what is held', async ({ dir }) => {
  const file = path.join(dir, 'dev-P2x.lock')
  const release = acquireLock('dev-P2x')
  fs.writeFileSync(file, JSON.stringify({ pid: 1, host: 'another-host', since: '2020-01-01T00:00:00Z', token: 'theirs' }))
  release()
  assert.ok(fs.existsSync(file), 'a lock someone else took over is left alone')
  fs.rmSync(file)
  // a process that takes the lock and exits without releasing it still leaves none behind
  const script = `import { acquireLock } from ${JSON.stringify(path.join(REPO, 'lib/run/lock.ts'))}\nacquireLock('dev-P2x')\nprocess.exit(130)`
  const child = spawnSync(process.execPath, ['--import', TSX, '--input-type=module', '-e', script], { env: { ...process.env, DESCOPE_LOCK_DIR: dir } })
  assert.is(child.status, 130, String(child.stderr))
  assert.equal(fs.readdirSync(dir), [])
})

/** A pid that is certainly not running: a child that has already exited. */
const deadPid = () => spawnSync(process.execPath, ['-e', '']).pid!

test('racing processes over a stale lock never hold it at the same time', async ({ dir }) => {
  const stale = () => fs.writeFileSync(path.join(dir, 'dev-P2x.lock'), JSON.stringify({ pid: deadPid(), host: os.hostname(), since: '2020-01-01T00:00:00Z' }))
  // every racer starts its attempt at the same instant, once all of them have booted
  const script = (at: number) => `
    import { acquireLock } from ${JSON.stringify(path.join(REPO, 'lib/run/lock.ts'))}
    while (Date.now() < ${at}) {}
    try {
      acquireLock('dev-P2x')
      const start = Date.now()
      // hold it, then die without releasing: a later racer must see a stale lock
      setTimeout(() => console.log('held ' + start + ' ' + Date.now()), 300)
    } catch { console.log('lost') }`
  for (let round = 0; round < 3; round++) {
    stale()
    const at = Date.now() + 2000
    const racers = Array.from({ length: 4 }, () => new Promise<string>((resolve) => {
      const child = spawn(process.execPath, ['--import', TSX, '--input-type=module', '-e', script(at)], { env: { ...process.env, DESCOPE_LOCK_DIR: dir } })
      let out = ''
      child.stdout.on('data', (chunk) => (out += chunk))
      child.on('close', () => resolve(out.trim()))
    }))
    const results = await Promise.all(racers)
    const held = results.filter((result) => result.startsWith('held')).map((result) => result.split(' ').slice(1).map(Number) as [number, number]).sort((a, b) => a[0] - b[0])
    assert.ok(held.length >= 1, `round ${round}: ${results.join(', ')}`)
    for (let i = 1; i < held.length; i++) {
      assert.ok(held[i]![0] >= held[i - 1]![1], `round ${round}: two holders at once: ${results.join(" | ")}`)
    }
  }
})

test.run()
