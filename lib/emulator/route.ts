import type { ResolvedOptions } from './options.ts'
import type { EmulatorState } from './state.ts'

/** What a handler gets: the live state and the already-parsed request. */
export interface RouteContext {
  state: EmulatorState
  /** the emulated project's id (EmulatorOptions.projectId) */
  projectId: string
  /** Parsed JSON body of a POST; null when there was none. */
  body: unknown
  query: URLSearchParams
  /** The emulator's own origin (http://127.0.0.1:PORT), for links it hands out. */
  origin: string
  /** which of the real API's possible answers to give (EmulatorOptions.variants) */
  variants: ResolvedOptions['variants']
  /** the path's `:name` segments of a route such as "GET /v1/mgmt/list/:id", decoded */
  params: Record<string, string>
}

/** Returns the JSON object to send with 200, or throws an ReplyError. Must validate before mutating. */
export type Handler = (ctx: RouteContext) => object

export interface Route {
  handle: Handler
  /** True when a success changed the state, so it must be persisted. */
  mutates: boolean
}

/** Keyed by "METHOD /path", e.g. "POST /v1/mgmt/tenant/create"; a `:name` segment matches any one segment. */
export type RouteTable = Record<string, Route>

/**
 * The route for a request: the exact one, else the one whose `:name` segments take the path's
 * (GET /v1/mgmt/list/all is exact; GET /v1/mgmt/list/L123 matches GET /v1/mgmt/list/:id).
 */
export function findRoute(routes: RouteTable, method: string, pathname: string): { route: Route; params: Record<string, string> } | undefined {
  const exact = routes[`${method} ${pathname}`]
  if (exact) return { route: exact, params: {} }
  const segments = pathname.split('/')
  for (const [key, route] of Object.entries(routes)) {
    if (!key.includes('/:')) continue
    const [routeMethod, routePath] = key.split(' ') as [string, string]
    const pattern = routePath.split('/')
    if (routeMethod !== method || pattern.length !== segments.length) continue
    const params: Record<string, string> = Object.create(null)
    let matches = true
    pattern.forEach((part, index) => {
      if (part.startsWith(':')) {
        try {
          params[part.slice(1)] = decodeURIComponent(segments[index]!)
        } catch {
          matches = false
        }
      } else if (part !== segments[index]) matches = false
    })
    if (matches) return { route, params }
  }
  return undefined
}

export const query = (handle: Handler): Route => ({ handle, mutates: false })
export const mutation = (handle: Handler): Route => ({ handle, mutates: true })
