// The one registry of handlers: every configured plugin's handlers, checked (plugin-guard.ts),
// in dependency order, and found by type. Built once per run by connect(); everything that
// needs a handler by type asks it.
import { ConfigError, type ErrorCode } from '../errors.ts'
import type { Plugin, ResourceHandler } from '../contract.ts'
import { findCycle, inDependencyOrder } from './graph.ts'
import { assertContracts, guardHandler } from './plugin-guard.ts'

type AnyHandler = ResourceHandler<any, any>

/** The handlers in dependency order (a type after the types it depends on), with lookups by type. */
export interface Registry extends ReadonlyArray<AnyHandler> {
  /** the handler of `type`, or an error naming the known types */
  get(type: string): AnyHandler
  has(type: string): boolean
}

/**
 * The handlers of all plugins, each guarded. Throws on a broken contract, duplicate types or
 * sections and dependency cycles: a broken plugin set is a configuration error, found before
 * anything runs.
 */
export function resolveHandlers(plugins: Plugin[]): Registry {
  assertContracts(plugins)
  assertDistinct(plugins)
  const handlers: AnyHandler[] = []
  const owner = new Map<string, string>()
  for (const plugin of plugins) {
    for (const handler of plugin.handlers) {
      const keys = [`type ${handler.type}`, handler.section, ...Object.keys(handler.settings ?? {})]
      const taken = keys.find((key) => owner.has(key))
      if (taken) {
        throw pluginError('PLUGIN_CONFLICT', `plugin "${plugin.name}": resource type "${handler.type}" or a key it owns (${keys.join(', ')}) is already provided by plugin "${owner.get(taken)}"`, 'register each plugin once')
      }
      keys.forEach((key) => owner.set(key, plugin.name))
      handlers.push(guardHandler(plugin, handler))
    }
  }
  return registryOf(handlers)
}

/**
 * Two plugins of one name would share their emulator state, and two adding one emulator route
 * would each lose half their requests: both are refused when the config loads.
 */
function assertDistinct(plugins: Plugin[]): void {
  const names = new Set<string>()
  const routes = new Map<string, string>()
  for (const plugin of plugins) {
    if (names.has(plugin.name)) throw pluginError('PLUGIN_CONFLICT', `two plugins are named "${plugin.name}"`, 'give each plugin its own name (it names its part of the emulator\'s state), or register it once')
    names.add(plugin.name)
    for (const route of Object.keys(plugin.emulator?.routes ?? {})) {
      const other = routes.get(route)
      if (other) throw pluginError('PLUGIN_CONFLICT', `plugins "${other}" and "${plugin.name}" both add the emulator route "${route}"`, 'a plugin adds the routes of its own type only')
      routes.set(route, plugin.name)
    }
  }
}

/** A registry of handlers as they are (engine tests build one from plain handlers). */
export function registryOf(handlers: readonly AnyHandler[]): Registry {
  const byType = new Map(handlers.map((handler) => [handler.type, handler]))
  const dependencies = (handler: AnyHandler) => (handler.dependsOn ?? []).flatMap((type) => byType.get(type) ?? [])
  const cycle = findCycle(handlers, dependencies)
  if (cycle) throw pluginError('PLUGIN_CYCLE', `resource types depend on each other in a cycle: ${cycle.map((handler) => handler.type).join(' → ')}`, 'fix the plugins\' dependsOn')
  const ordered = inDependencyOrder(handlers, dependencies)
  return Object.assign(ordered, {
    get(type: string) {
      const handler = byType.get(type)
      if (!handler) throw new Error(`no configured plugin handles "${type}"; known types: ${[...byType.keys()].join(', ')}`)
      return handler
    },
    has: (type: string) => byType.has(type),
  })
}

const pluginError = (code: ErrorCode, message: string, fix: string) =>
  new ConfigError(code, [{ file: 'descope.config.ts', path: 'plugins', message, fix }])
