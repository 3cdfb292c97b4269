// Progress of long work, told as events (a change decided, an item read, a wait begun) by the
// apply, the live reads and the client, which know nothing of terminals; drawn here on stderr.
// On a terminal: one status line, redrawn at most every redrawMs, that log lines pass above
// (aside). Off one (CI): plain lines, at most one per activity every everyMs, and its last.
// A task's runner makes one unless --quiet or --json; a script has none unless it asks.
import { redact } from './secrets.ts'
import { escapeControls, quoted } from './quote.ts'

export type ProgressEvent =
  /** a change of an apply has its outcome: `done` of `total` so far, `elapsedMs` since the apply began */
  | { kind: 'change'; done: number; total: number; elapsedMs: number; op: 'create' | 'update' | 'delete'; type: string; key: string; status: 'applied' | 'failed' | 'skipped' }
  /** `done` of `total` items of `what` (a section: `flows`) read; 0 when the reading begins */
  | { kind: 'read'; what: string; done: number; total: number }
  /** every request is held back `ms`: by the API's Retry-After, a 429 without one, or our own throttle */
  | { kind: 'wait'; ms: number; cause: 'retry-after' | 'rate-limited' }
  | { kind: 'wait'; ms: number; cause: 'throttle'; limit: number; intervalMs: number }

/** What the engine and the client are given: tell it, and go on. */
export type OnProgress = (event: ProgressEvent) => void

export interface Progress {
  readonly emit: OnProgress
  /** runs `write` (a log line) with the status line out of its way, and draws it again after */
  aside(write: () => void): void
  /** clears the status line; further events draw nothing */
  end(): void
}

/** What progress writes to: process.stderr, or a test's stand-in. */
export interface ProgressStream {
  write(text: string): unknown
  isTTY?: boolean
  columns?: number
}

export interface ProgressOptions {
  stream?: ProgressStream
  /** off a terminal: at most one line per activity this often (its last line comes whenever it does) */
  everyMs?: number
  /** on a terminal: the status line is drawn at most this often */
  redrawMs?: number
  /** a read that ends sooner than this says nothing: only a long one is worth a line */
  quietReadMs?: number
  now?: () => number
}

/** A wait shorter than this is not said: the client tells only longer ones. */
export const SAY_WAIT_MS = 1000

const PAST = { create: 'created', update: 'updated', delete: 'deleted' } as const
const CLEAR = '\r\u001b[2K'

/** `3.1s`, `2m05s` */
export function seconds(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`
  const whole = Math.round(ms / 1000)
  return `${Math.floor(whole / 60)}m${String(whole % 60).padStart(2, '0')}s`
}

/** One formatter per kind: `[12/50] 3.1s  created tenant "acme"`, `read 120/300 flows`, `waiting 12.0s for …`. */
export function formatProgress(event: ProgressEvent): string {
  switch (event.kind) {
    case 'change': {
      const what = `${event.type} ${quoted(event.key)}`
      const outcome = event.status === 'applied' ? `${PAST[event.op]} ${what}` : event.status === 'failed' ? `failed to ${event.op} ${what}` : `skipped ${event.op} of ${what}`
      return `[${event.done}/${event.total}] ${seconds(event.elapsedMs)}  ${outcome}`
    }
    case 'read':
      return `read ${event.done}/${event.total} ${event.what}`
    case 'wait': {
      const why = event.cause === 'throttle' ? `the throttle: ${event.limit} requests per ${seconds(event.intervalMs)}`
        : event.cause === 'retry-after' ? 'Retry-After from the API' : 'the API answered 429 without a Retry-After'
      return `waiting ${seconds(event.ms)} for the rate limit (${why})`
    }
  }
}

interface Activity {
  started: number
  /** when its last line was written (off a terminal), undefined before its first */
  printed?: number
  /** the newest event, drawn on the status line (on a terminal) */
  latest?: ProgressEvent
}

/** The status line drawn on this process's terminal, if any: what goes to stdout shares that screen. */
let onTerminal: Progress | undefined

/** Writes with the status line cleared first and drawn again after, when one is on the terminal. */
export function besideStatusLine(write: () => void): void {
  if (onTerminal) onTerminal.aside(write)
  else write()
}

export function createProgress(options: ProgressOptions = {}): Progress {
  const stream = options.stream ?? process.stderr
  const terminal = stream.isTTY === true
  const everyMs = options.everyMs ?? 5000
  const redrawMs = options.redrawMs ?? 100
  const quietReadMs = options.quietReadMs ?? 1000
  const now = options.now ?? Date.now
  const activities = new Map<string, Activity>()
  // no secret, and no raw control character a hostile key could rewrite the terminal with
  const line = (event: ProgressEvent) => escapeControls(redact(formatProgress(event)))
  let ended = false
  /** what the status line shows now, or undefined when it is clear */
  let drawn: string | undefined
  let lastDraw = -Infinity
  let timer: ReturnType<typeof setTimeout> | undefined

  const clear = () => {
    if (drawn !== undefined) stream.write(CLEAR)
    drawn = undefined
  }
  const draw = () => {
    if (timer) clearTimeout(timer)
    timer = undefined
    if (ended) return
    lastDraw = now()
    const shown = [...activities.values()].flatMap((activity) => (activity.latest ? [line(activity.latest)] : []))
    if (!shown.length) return clear()
    // wider than the terminal it would wrap, and \r would redraw only its last row
    const width = Math.max(20, (stream.columns || 80) - 1)
    const joined = shown.join('  ·  ')
    const text = joined.length > width ? `${joined.slice(0, width - 1)}…` : joined
    if (text !== drawn) stream.write(`${CLEAR}${text}`)
    drawn = text
  }
  const aside = (write: () => void) => {
    if (!terminal) return write()
    const redraw = drawn !== undefined
    clear()
    write()
    if (redraw) draw()
  }

  const emit: OnProgress = (event) => {
    if (ended) return
    if (event.kind === 'wait') return aside(() => stream.write(`${line(event)}\n`))
    const key = event.kind === 'change' ? 'apply' : `read ${event.what}`
    const at = now()
    let activity = activities.get(key)
    if (!activity || event.done === 0) activities.set(key, (activity = { started: at }))
    if (event.done === 0) return
    const last = event.done >= event.total
    if (last) activities.delete(key)
    // a read that is over within a second, or not yet a second old, is not worth a line
    if (event.kind === 'read' && activity.printed === undefined && !activity.latest && at - activity.started < quietReadMs) return
    if (!terminal) {
      if (last || activity.printed === undefined || at - activity.printed >= everyMs) {
        activity.printed = at
        stream.write(`${line(event)}\n`)
      }
      return
    }
    activity.latest = event
    if (last) {
      // its last line stays above the status line
      aside(() => stream.write(`${line(event)}\n`))
    } else if (at - lastDraw >= redrawMs) {
      draw()
    } else {
      // drawn a little later, so the line is never left behind the work
      timer ??= setTimeout(draw, redrawMs - (at - lastDraw))
      timer.unref?.()
    }
  }

  const display: Progress = {
    emit,
    aside,
    end() {
      if (ended) return
      ended = true
      if (timer) clearTimeout(timer)
      clear()
      activities.clear()
      if (onTerminal === display) onTerminal = undefined
    },
  }
  if (terminal && stream === process.stderr) onTerminal = display
  return display
}
