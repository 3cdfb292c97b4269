// The client's rate limit: at most `limit` requests in any `intervalMs`, counted the way the
// server counts them. A request holds a slot from the moment it goes out until `intervalMs`
// after its answer (or its failure), so however the server's window is placed, it never sees
// more than `limit` arrivals in one. (p-throttle frees a slot one interval after it was taken,
// on our clock: the next batch then lands a few milliseconds inside the server's window, and
// gets 429s.) The limit can be lowered once the server shows, with a 429, that it takes fewer.
import { setTimeout as sleep } from 'node:timers/promises'

export interface RateWindow {
  /** waits for a free slot and takes it; the returned function gives it back (once) */
  acquire(signal?: AbortSignal): Promise<() => void>
  /** records an answer the server accepted (anything but a 429), for lowerToAccepted() */
  accepted(): void
  /**
   * the server refused with a 429 after accepting what it answered since `since` (the interval
   * before the pause began, and the answers still on their way then): take that as its limit from now on (never below one request, never above the configured limit). Only
   * when at least half the limit got through: sending much slower than the limit (held back by
   * latency, or by how many changes run at once), a 429 tells little of the server's rate (a
   * burst of them, another client on the same project), and lowering to what got through would
   * only slow the run; the pause handles it.
   */
  lowerToAccepted(since: number): number
  /** the current limit */
  readonly limit: number
}

export interface RateWindowOptions {
  limit: number
  intervalMs: number
  /** told once per wait for a slot of at least `sayMs` (the next slot frees that much later): progress says it */
  onWait?(ms: number): void
  sayMs?: number
}

export function createRateWindow(options: RateWindowOptions): RateWindow {
  let limit = options.limit
  let inUse = 0
  const waiting: (() => void)[] = []
  const answers: number[] = []
  /** when each slot counting down its interval frees, earliest first (the intervals are all one length) */
  const freesAt: number[] = []
  /** the end of the last wait told of: the requests queued behind it are in the same wait */
  let toldUntil = 0
  const tell = () => {
    const next = freesAt[0]
    if (!options.onWait || next === undefined || next <= toldUntil) return
    const ms = next - Date.now()
    if (ms < (options.sayMs ?? 0)) return
    toldUntil = next
    options.onWait(ms)
  }

  const wake = () => {
    while (inUse < limit && waiting.length) {
      inUse++
      waiting.shift()!()
    }
  }
  const free = () => {
    inUse--
    wake()
  }

  return {
    get limit() { return limit },
    async acquire(signal) {
      if (inUse < limit && !waiting.length) inUse++
      else {
        await new Promise<void>((resolve, reject) => {
          // the slots' own timers do not hold the process open; a request waiting for one does
          const hold = setInterval(() => {}, 2 ** 30)
          const take = () => {
            clearInterval(hold)
            signal?.removeEventListener('abort', abandon)
            resolve()
          }
          const abandon = () => {
            clearInterval(hold)
            const index = waiting.indexOf(take)
            if (index !== -1) waiting.splice(index, 1)
            reject(signal!.reason)
          }
          waiting.push(take)
          signal?.addEventListener('abort', abandon, { once: true })
          tell()
        })
      }
      let given = false
      return () => {
        if (given) return
        given = true
        // the slot stays taken for one interval after the answer
        freesAt.push(Date.now() + options.intervalMs)
        sleep(options.intervalMs, undefined, { ref: false }).then(() => {
          freesAt.shift()
          free()
        })
        if (waiting.length) tell()
      }
    },
    accepted() {
      const now = Date.now()
      answers.push(now)
      // kept two intervals: the count is made when a pause ends, of the interval before it began
      while (answers.length && answers[0]! <= now - 2 * options.intervalMs) answers.shift()
    },
    lowerToAccepted(since) {
      const taken = answers.filter((time) => time > since).length
      if (taken >= limit / 2) limit = Math.max(1, Math.min(limit, taken))
      return limit
    },
  }
}
