// One apply at a time per project on this machine: a lock file holding the owner's pid and
// a token of its own (a pid can be reused; a token cannot).
// A lock whose process is gone is stale and is taken over, under a second, short-lived
// "takeover" lock, so that two processes finding the same stale lock never both win.
// (Descope has no server-side lock, so two machines are not kept apart; CI should serialise
// applies per environment itself.)
import { randomUUID } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { DescopeMgmtError, LockedError } from '../errors.ts'
import { safeFileName } from '../io/files.ts'

interface LockOwner { pid: number; host: string; since: string; token: string }

/** The tokens of the locks this process holds: a lock file naming our pid without one of them is not ours. */
const held = new Map<string, string>()
// On any exit, a second Ctrl-C's process.exit() included, the locks this process holds go.
process.on('exit', () => {
  for (const [file, token] of held) if (readOwner(file)?.token === token) fs.rmSync(file, { force: true })
})

/** A takeover lock older than this was left by a process that died mid-takeover. */
const TAKEOVER_STALE_MS = 10_000

export function lockDir(): string {
  const user = String(process.getuid?.() ?? os.userInfo().username)
  return process.env.DESCOPE_LOCK_DIR ?? path.join(os.tmpdir(), `descope-mgmt-locks-${user}`)
}

/** Takes the lock for `name` (a project id) and returns its release function. */
export function acquireLock(name: string): () => void {
  try {
    fs.mkdirSync(lockDir(), { recursive: true, mode: 0o700 })
  } catch (error) {
    throw new DescopeMgmtError('LOCK_DIR', `could not make the lock directory ${lockDir()}: ${(error as Error).message}; point DESCOPE_LOCK_DIR at a writable directory`, { cause: error })
  }
  const file = path.join(lockDir(), `${safeFileName(name)}.lock`)
  const owner: LockOwner = { pid: process.pid, host: os.hostname(), since: new Date().toISOString(), token: randomUUID() }
  const taken = () => {
    held.set(file, owner.token)
    // release only our own lock: after a takeover the file may be someone else's
    return () => {
      held.delete(file)
      if (readOwner(file)?.token === owner.token) fs.rmSync(file, { force: true })
    }
  }
  if (tryCreate(file, owner)) return taken()
  if (!takeOverIfStale(file)) {
    const holder = readOwner(file)
    const who = holder ? `pid ${holder.pid} on ${holder.host}, since ${holder.since}` : 'another process'
    throw new LockedError('LOCKED', `another apply to this project is running (${who}); wait for it, or delete ${file} if that process is gone`)
  }
  if (tryCreate(file, owner)) return taken()
  throw new LockedError('LOCKED', `another apply took the lock ${file} at the same moment; try again`)
}

function tryCreate(file: string, owner: LockOwner): boolean {
  try {
    fs.writeFileSync(file, JSON.stringify(owner), { flag: 'wx', mode: 0o600 })
    return true
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw error
  }
}

/** Removes the lock if its owner is gone, holding the takeover lock while it looks. */
function takeOverIfStale(file: string): boolean {
  const takeover = `${file}.takeover`
  if (!tryCreate(takeover, { pid: process.pid, host: os.hostname(), since: new Date().toISOString(), token: randomUUID() })) {
    const age = Date.now() - (fs.statSync(takeover, { throwIfNoEntry: false })?.mtimeMs ?? Date.now())
    if (age > TAKEOVER_STALE_MS) fs.rmSync(takeover, { force: true })
    return false
  }
  try {
    // gone meanwhile (its owner released it): nothing to remove; creating it decides who wins
    if (!fs.existsSync(file)) return true
    const holder = readOwner(file)
    if (holder ? isAlive(holder) : isFresh(file)) return false // an unreadable fresh lock may be mid-write
    // stale: its process is gone. Nobody else can replace it meanwhile: a lock file is only
    // created where none exists, and only removed by its live owner or under the takeover lock
    fs.rmSync(file, { force: true })
    return true
  } finally {
    fs.rmSync(takeover, { force: true })
  }
}

const isFresh = (file: string) => Date.now() - (fs.statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? 0) < 2000

function readOwner(file: string): LockOwner | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as LockOwner
  } catch {
    return undefined
  }
}

function isAlive(owner: LockOwner): boolean {
  if (owner.host !== os.hostname()) return true // cannot check another machine's processes
  // our own pid, reused after a crash (pid 1 in a container): alive only if we hold that very lock
  if (owner.pid === process.pid) return [...held.values()].includes(owner.token)
  try {
    process.kill(owner.pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}
