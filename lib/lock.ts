// One apply at a time per environment on this machine: a lock file holding the owner's pid.
// A lock whose process is gone is stale and taken over. (Descope has no server-side lock, so
// two machines are not kept apart; CI should serialise applies per environment itself.)
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { LockedError } from './errors.ts'

interface LockOwner { pid: number; host: string; since: string }

export function lockDir(): string {
  return process.env.DESCOPE_LOCK_DIR ?? path.join(os.tmpdir(), 'descope-mgmt-locks')
}

/** Takes the lock for `name` (environment and project) and returns its release function. */
export function acquireLock(name: string): () => void {
  fs.mkdirSync(lockDir(), { recursive: true, mode: 0o700 })
  const file = path.join(lockDir(), `${name.replace(/[^A-Za-z0-9_.-]/g, '_')}.lock`)
  const owner: LockOwner = { pid: process.pid, host: os.hostname(), since: new Date().toISOString() }
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, JSON.stringify(owner), { flag: 'wx', mode: 0o600 })
      return () => fs.rmSync(file, { force: true })
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      const holder = readOwner(file)
      if (holder && isAlive(holder)) {
        throw new LockedError('LOCKED', `another apply to this environment is running (pid ${holder.pid} on ${holder.host}, since ${holder.since}); wait for it, or delete ${file} if that process is gone`)
      }
      fs.rmSync(file, { force: true }) // stale: its process is gone
    }
  }
  throw new LockedError('LOCKED', `could not take the lock ${file}; another apply took it at the same moment, try again`)
}

function readOwner(file: string): LockOwner | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as LockOwner
  } catch {
    return undefined // unreadable or half-written: treat as stale
  }
}

function isAlive(owner: LockOwner): boolean {
  if (owner.host !== os.hostname()) return true // cannot check another machine's processes
  try {
    process.kill(owner.pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}
