// What the emulator remembers of each request it served: tests and --verbose read it.

export interface RequestLogEntry {
  method: string
  path: string
  /** the status sent; for dropped-after, the one the client never received; null when dropped before handling */
  status: number | null
  outcome: 'handled' | 'rate-limited' | 'unauthorized' | 'fault' | 'dropped-before' | 'dropped-after'
  /** The parsed JSON request body, when there was one. */
  body?: unknown
  /** the SDK that sent it, by its x-descope-sdk-name header (`nodejs`): which calls an official SDK made */
  sdk?: string
  /** when the request arrived (epoch ms): how a client spaced its requests, as the server saw it */
  at: number
}

/** The log keeps the most recent entries only, so a long-running emulator does not grow forever. */
export const MAX_LOG_ENTRIES = 10_000
