import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { randomInt } from 'node:crypto'
import { createRateLimiter, mulberry32 } from './faults.ts'
import { resolveOptions, type EmulatorOptions } from './options.ts'
import { addPluginState, withPluginRoutes } from './extensions.ts'
import { createSaver, loadState } from './persist.ts'
import { createRequestListener, type PipelineContext } from './pipeline.ts'
import type { RequestLogEntry } from './request-log.ts'
import { routes } from './routes/index.ts'
import { seededState } from './seed.ts'
import { emptyState, type EmulatorState } from './state.ts'

export interface Emulator {
  /** http://127.0.0.1:PORT, no trailing slash: pass it as node-sdk's `baseUrl`. */
  url: string
  projectId: string
  managementKey: string
  /** Every request, in the order their fate was decided (the latest MAX_LOG_ENTRIES only). */
  log: RequestLogEntry[]
  /** The live in-memory state; tests may read it (and seed it) directly. */
  state: EmulatorState
  /** Stops listening and closes every connection, keep-alive ones included. */
  close(): Promise<void>
}

/** Starts a local Descope management API. Rejects with an EmulatorError on bad options or a corrupt state file. */
export async function startEmulator(options?: EmulatorOptions): Promise<Emulator> {
  const { plugins = [], onRequest, ...rest } = options ?? {}
  const resolved = resolveOptions(rest)
  const served = withPluginRoutes(routes, plugins)
  // a new project is seeded as a real one is, unless the caller asks for an empty one
  const fresh = resolved.blank ? emptyState : seededState
  const ctx: PipelineContext = {
    options: resolved,
    state: resolved.persistPath ? loadState(resolved.persistPath, fresh) : fresh(),
    log: [],
    onRequest,
    routes: served,
    random: mulberry32(resolved.seed ?? randomInt(2 ** 31)),
    limiter: resolved.rateLimit ? createRateLimiter(resolved.rateLimit.requests, resolved.rateLimit.windowMs) : null,
    burstUntil: 0,
    origin: '',
  }
  if (resolved.tenantAttributes) ctx.state.tenantAttributes = resolved.tenantAttributes
  const pluginStateAdded = addPluginState(ctx.state, plugins, { blank: resolved.blank, file: resolved.persistPath })
  // however the process ends (a second Ctrl-C exits at once), what was answered is written
  const flushOnExit = () => {
    try {
      ctx.saver?.flush()
    } catch {
      // nothing is left to tell
    }
  }
  if (resolved.persistPath) {
    ctx.saver = createSaver(resolved.persistPath, ctx.state)
    if (pluginStateAdded) ctx.saver.changed()
    process.on('exit', flushOnExit)
  }
  const server = createServer(createRequestListener(ctx))
  const { port } = await listen(server, resolved.port, resolved.host)
  const host = resolved.host.includes(':') ? `[${resolved.host}]` : resolved.host
  ctx.origin = `http://${host}:${port}`

  return {
    url: ctx.origin,
    projectId: resolved.projectId,
    managementKey: resolved.managementKey,
    log: ctx.log,
    state: ctx.state,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close(() => {
          // what a burst left pending is written before the emulator is said to be closed
          process.off('exit', flushOnExit)
          try {
            ctx.saver?.flush()
            resolve()
          } catch (error) {
            reject(error)
          }
        }) // also called (with an error we ignore) when already closed
        server.closeAllConnections()
      }),
  }
}

function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve(server.address() as AddressInfo)
    })
  })
}
