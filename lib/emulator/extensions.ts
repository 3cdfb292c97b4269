// What plugins add to the emulator (EmulatorExtension in lib/contract.ts): their routes, served
// beside the built-in ones, and their part of the state, kept under the plugin's name in
// `state.plugins` and in the persisted file, so a new type is tested end to end like the
// built-in ones. A route of the emulator's own cannot be replaced. A plugin's state is its own
// plain JSON, changed in place by its routes (which validate before they change anything, as the
// built-in ones do), and checked with the plugin's schema when a state file is read back.
import * as v from 'valibot'
import type { EmulatorRequest, Plugin } from '../contract.ts'
import { EmulatorError, ReplyError, type ReplyErrorKind } from './errors.ts'
import { randomId } from './ids.ts'
import type { Route, RouteTable } from './route.ts'
import type { EmulatorState } from './state.ts'

/** A plugin as the emulator sees it: its name (where its state is kept) and what it adds. */
type PluginEmulator = Pick<Plugin, 'name' | 'emulator'>

const FAILURES: Record<400 | 404 | 409, ReplyErrorKind> = { 400: 'invalid', 404: 'notFound', 409: 'alreadyExists' }

/** The built-in routes and every plugin's, or an EmulatorError for a route claimed twice. */
export function withPluginRoutes(builtIn: RouteTable, plugins: PluginEmulator[]): RouteTable {
  const table: RouteTable = { ...builtIn }
  const owner = new Map<string, string>()
  for (const { name, emulator } of plugins) {
    for (const [route, served] of Object.entries(emulator?.routes ?? {})) {
      if (Object.hasOwn(table, route)) {
        const by = owner.get(route)
        throw new EmulatorError('EMULATOR_ROUTE_TAKEN', `plugin "${name}" adds the emulator route "${route}", which ${by ? `plugin "${by}" adds too` : 'the emulator serves itself'}`)
      }
      owner.set(route, name)
      table[route] = pluginRoute(name, served)
    }
  }
  // what a plugin keeps of a tenant (its settings) goes with the tenant, whichever route deleted it
  const forgetting = plugins.filter(({ emulator }) => emulator?.onTenantDeleted)
  if (!forgetting.length) return table
  return Object.fromEntries(Object.entries(table).map(([route, served]) => [route, served.mutates ? forgettingTenants(served, forgetting) : served]))
}

function forgettingTenants(served: Route, plugins: PluginEmulator[]): Route {
  return {
    mutates: true,
    handle: (ctx) => {
      const before = Object.keys(ctx.state.tenants)
      const answer = served.handle(ctx)
      for (const id of before.filter((tenantId) => !Object.hasOwn(ctx.state.tenants, tenantId))) {
        for (const { name, emulator } of plugins) emulator!.onTenantDeleted!(ctx.state.plugins[name], id)
      }
      return answer
    },
  }
}

/**
 * Gives every plugin with an emulator part its state: what the persisted file holds, or a new
 * project's (`blank`: an empty one, without built-ins). True when it added one (the file is then
 * saved with it).
 */
export function addPluginState(state: EmulatorState, plugins: PluginEmulator[], start: { blank: boolean; file?: string }): boolean {
  const { blank, file } = start
  let added = false
  for (const { name, emulator } of plugins) {
    if (!emulator) continue
    if (Object.hasOwn(state.plugins, name)) {
      // a hand-edited or older file: checked as the plugin says, before any route reads it
      const checked = emulator.schema ? v.safeParse(emulator.schema, state.plugins[name]) : undefined
      if (checked && !checked.success) {
        const issue = checked.issues[0]!
        throw new EmulatorError('EMULATOR_STATE_CORRUPT', `the emulator state file ${file ?? ''} is corrupt: plugin "${name}"'s part, ${v.getDotPath(issue) ?? 'as a whole'}: ${issue.message}; fix it, or delete plugins["${name}"] in it to start that part anew`)
      }
      continue
    }
    state.plugins[name] = emulator.state({ blank }) as Record<string, unknown>
    added = true
  }
  return added
}

/** A plugin's request parsed with its schema, or a 400 that names what and where (EmulatorRequest.parse). */
function parseRequest<T>(schema: v.GenericSchema<unknown, T>, what: string, value: unknown): T {
  const parsed = v.safeParse(schema, value)
  if (parsed.success) return parsed.output
  const issue = parsed.issues[0]!
  const where = v.getDotPath(issue)
  throw new ReplyError('invalid', `invalid ${what}: ${where ? `${where}: ` : ''}${issue.message}`)
}

function pluginRoute(name: string, served: { mutates: boolean; handle(request: EmulatorRequest<any>): object }): Route {
  return {
    mutates: served.mutates,
    handle: (ctx) => served.handle({
      state: ctx.state.plugins[name]!,
      project: { id: ctx.projectId, tenants: ctx.state.tenants, roles: ctx.state.roles },
      body: ctx.body,
      query: ctx.query,
      params: ctx.params,
      fail: (status, message) => { throw new ReplyError(FAILURES[status], message) },
      parse: (schema, what, value = ctx.body) => parseRequest(schema, what, value),
      newId: (prefix) => randomId(prefix, 27, () => false),
    }),
  }
}
