// Ctrl-C (SIGINT), SIGTERM and SIGHUP (the terminal or ssh session closed) while an apply
// runs: the first stops the scheduling of new writes and lets the requests in flight finish
// (for at most timeouts.graceMs, then they are cut), so the run can still print its summary
// and release its lock; the second exits at once (lib/lock.ts releases the lock on exit).
// One Ctrl-C can arrive twice: the terminal signals the whole process group, and `npx tsx`
// forwards it to the task as well; the same signal again within RELAYED_MS is taken as that one.
// Outside an apply, Node's default (exit) is kept.
import type { ConsolaInstance } from 'consola'

import { SIGNAL_EXIT, type Signal } from '../errors.ts'

/** A second signal this soon is the first one, forwarded by a parent process (a person cannot press twice this fast). */
export const RELAYED_MS = 100

/** "300 ms", "15 s" */
export const describeWait = (ms: number) => (ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`)

export interface Interruption {
  /** the signal received, once one was */
  readonly signal: Signal | undefined
  /** stops listening; Node's default handling returns */
  dispose(): void
}

/**
 * Listens for SIGINT, SIGTERM and SIGHUP until dispose(). On the first, `onFirst` is called (stop
 * scheduling) and, after `graceMs`, `onGraceOver` (cut what is still in flight).
 */
export function trapInterrupts(options: {
  log: ConsolaInstance
  graceMs: number
  onFirst(signal: Signal): void
  onGraceOver(signal: Signal): void
  /** the last word before a second signal ends the process at once: synchronous (what must not be lost) */
  beforeExit?(signal: Signal): void
}): Interruption {
  let received: Signal | undefined
  let receivedAt = 0
  let grace: NodeJS.Timeout | undefined
  const handle = (signal: Signal) => {
    if (received === signal && Date.now() - receivedAt < RELAYED_MS) {
      options.log.debug(`${signal} again within ${RELAYED_MS} ms: the same one, relayed (npx, tsx); still finishing`)
      return
    }
    if (received) {
      options.log.warn(`${signal === received ? `${signal} again` : `${signal} after ${received}`}: stopping now; the requests in flight may or may not have gone through (a re-run converges)`)
      try {
        options.beforeExit?.(signal)
      } finally {
        process.exit(SIGNAL_EXIT[signal])
      }
    }
    received = signal
    receivedAt = Date.now()
    // the terminal is gone: what would be printed to it must not crash the summary's way out
    if (signal === 'SIGHUP') for (const stream of [process.stdout, process.stderr]) stream.on('error', () => {})
    options.log.warn(`${signal}: starting no new changes; letting the requests in flight finish (at most ${describeWait(options.graceMs)})${signal === 'SIGHUP' ? '' : '. Press Ctrl-C again to stop at once'}`)
    options.onFirst(signal)
    grace = setTimeout(() => options.onGraceOver(signal), options.graceMs)
    grace.unref()
  }
  const listeners = (['SIGINT', 'SIGTERM', 'SIGHUP'] as const).map((signal) => [signal, () => handle(signal)] as const)
  for (const [signal, listener] of listeners) process.on(signal, listener)
  return {
    get signal() { return received },
    dispose() {
      clearTimeout(grace)
      for (const [signal, listener] of listeners) process.off(signal, listener)
    },
  }
}
