// When the client gives up on the API for the rest of the run, rather than retry into the void:
// `retry.circuitBreakAfter` attempts in a row that got no answer at all (refused, reset, timed
// out), or no answer of any kind for `timeouts.unresponsiveMs` of time spent on the wire (our
// own throttle, backoff and 429 pauses do not count), or the run's deadline. A dead or silent
// API also cuts the requests in flight; the deadline lets them finish.
import { setMaxListeners } from 'node:events'
import type { ConsolaInstance } from 'consola'

export interface CircuitOptions {
  /** for messages: the API's base URL */
  api: string
  circuitBreakAfter: number
  unresponsiveMs: number
  runMs: number
  log?: ConsolaInstance
}

export interface Circuit {
  /** aborted when the requests in flight are cut */
  readonly signal: AbortSignal
  /** why nothing more is sent, once that is so */
  readonly stopped: string | undefined
  /** stops: nothing new is sent; `cut` also aborts what is in flight (a later stop may still cut) */
  stop(reason: string, cut?: boolean): void
  /** an attempt went on the wire */
  sent(): void
  /** an attempt ended with an answer (any status) */
  answered(): void
  /** an attempt ended with no answer at all */
  unanswered(reason: string): void
  close(): void
}

/** 2.5 s, 25 s, 60 min */
export const duration = (ms: number) => (ms >= 120_000 ? `${Math.round(ms / 60_000)} min` : ms < 10_000 ? `${Math.round(ms / 100) / 10} s` : `${Math.round(ms / 1000)} s`)

export function createCircuit(options: CircuitOptions): Circuit {
  const controller = new AbortController()
  // every request in flight or waiting for the rate window listens for the cut, and stops
  // listening when it ends: more than Node's 10 at once is a busy run, not a leak
  setMaxListeners(0, controller.signal)
  let stopped: string | undefined
  let unansweredInARow = 0
  /** every one of those attempts was refused (ECONNREFUSED) */
  let refusedInARow = false
  // silence is time with an attempt on the wire and no answer since
  let onWire = 0
  let silentBefore = 0
  let since = 0
  let watchdog: NodeJS.Timeout | undefined
  const silence = () => silentBefore + (onWire > 0 ? Date.now() - since : 0)
  const offWire = () => {
    if (onWire === 0) return
    if (--onWire > 0) return
    silentBefore += Date.now() - since
    clearInterval(watchdog)
    watchdog = undefined
  }
  const stop = (reason: string, cut = true) => {
    if (!stopped) {
      stopped = reason
      options.log?.warn(`${reason}: sending no more requests`)
      clearTimeout(deadline)
      clearInterval(watchdog)
    }
    if (cut && !controller.signal.aborted) controller.abort(new Error(stopped))
  }
  const deadline = setTimeout(() => stop(`the run's deadline of ${duration(options.runMs)} (timeouts.runMs) passed`, false), options.runMs)
  deadline.unref()
  return {
    signal: controller.signal,
    get stopped() { return stopped },
    stop,
    sent() {
      if (onWire++ > 0) return
      since = Date.now()
      watchdog = setInterval(() => {
        if (silence() > options.unresponsiveMs) stop(`the API at ${options.api} gave no answer for ${duration(options.unresponsiveMs)} (timeouts.unresponsiveMs)`)
      }, Math.min(1000, options.unresponsiveMs / 4))
      watchdog.unref()
    },
    answered() {
      offWire()
      silentBefore = 0
      since = Date.now()
      unansweredInARow = 0
    },
    unanswered(reason) {
      offWire()
      refusedInARow = reason === 'ECONNREFUSED' && (unansweredInARow === 0 || refusedInARow)
      if (++unansweredInARow >= options.circuitBreakAfter) {
        // every attempt refused: nothing listens there, which is more often a wrong baseUrl than an outage
        stop(refusedInARow
          ? `nothing accepts connections at ${options.api} (${unansweredInARow} attempts in a row were refused: ECONNREFUSED); check the environment's baseUrl, or that the API is up`
          : `the API at ${options.api} stopped answering (${unansweredInARow} attempts in a row got no answer: ${reason})`)
      }
    },
    close() {
      clearInterval(watchdog)
      clearTimeout(deadline)
    },
  }
}
