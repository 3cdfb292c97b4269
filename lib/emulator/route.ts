import type { ResolvedOptions } from './options.ts'
import type { EmulatorState } from './state.ts'

/** What a handler gets: the live state and the already-parsed request. */
export interface RouteContext {
  state: EmulatorState
  /** Parsed JSON body of a POST; null when there was none. */
  body: unknown
  query: URLSearchParams
  /** The emulator's own origin (http://127.0.0.1:PORT), for links it hands out. */
  origin: string
  /** which of the real API's possible answers to give (EmulatorOptions.variants) */
  variants: ResolvedOptions['variants']
}

/** Returns the JSON object to send with 200, or throws an ReplyError. Must validate before mutating. */
export type Handler = (ctx: RouteContext) => object

export interface Route {
  handle: Handler
  /** True when a success changed the state, so it must be persisted. */
  mutates: boolean
}

/** Keyed by "METHOD /path", e.g. "POST /v1/mgmt/tenant/create". */
export type RouteTable = Record<string, Route>

export const query = (handle: Handler): Route => ({ handle, mutates: false })
export const mutation = (handle: Handler): Route => ({ handle, mutates: true })
