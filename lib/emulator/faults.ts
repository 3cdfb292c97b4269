// Fault decisions (drops, injected 500s) and the rate limiter. All randomness comes from one
// seeded PRNG so a faulty run can be replayed exactly.

/** mulberry32: tiny, fast and good enough to spread faults; returns floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export interface FaultRoll {
  drop: 'before' | 'after' | null
  fault: boolean
  /** this request is delayed by a latency spike */
  spike: boolean
  /** this request starts a burst of 429s */
  burst: boolean
}

export interface FaultRates {
  dropRate: number
  errorRate: number
  spikeRate: number
  burstRate: number
}

/**
 * Draws exactly five numbers per request, whatever the rates, so a request's fate depends only
 * on the seed and its arrival order, not on what earlier requests happened to hit.
 */
export function rollFaults(random: () => number, rates: FaultRates): FaultRoll {
  const dropped = random() < rates.dropRate
  const half = random() < 0.5 ? 'before' : 'after'
  const fault = random() < rates.errorRate
  const spike = random() < rates.spikeRate
  const burst = random() < rates.burstRate
  return { drop: dropped ? half : null, fault, spike, burst }
}

export interface RateLimiter {
  /** Counts one request; returns the seconds to wait when it is over the limit, else null. */
  take(now: number): number | null
}

/** A fixed window that opens at the first request after the previous window ended. */
export function createRateLimiter(requests: number, windowMs: number): RateLimiter {
  let windowStart = -Infinity
  let count = 0
  return {
    take(now) {
      if (now >= windowStart + windowMs) {
        windowStart = now
        count = 0
      }
      count += 1
      if (count <= requests) return null
      // Retry-After is whole seconds (go-sdk and python-sdk parse it with Atoi/int()); never 0, or
      // they spin.
      return Math.max(1, Math.ceil((windowStart + windowMs - now) / 1000))
    },
  }
}
