// The plugin contract. A plugin is a plain object (from a factory function) that contributes
// resource handlers. A handler states facts about one resource type and does its I/O; matching,
// diffing, ordering, dry-run, delete gating, retry and logging live once in lib/.
import type * as v from 'valibot'
import type { ConsolaInstance } from 'consola'
import type { ApiClient } from './client.ts'
import { ConfigError, type ConfigIssue } from './errors.ts'
import { assertContracts, guardHandler } from './plugin-guard.ts'

export interface HandlerContext {
  /** the environment's name (`dev`) */
  env: string
  /** the environment's throttled, retrying client: the only way to the API */
  client: ApiClient
  /** tagged with the handler's type */
  log: ConsolaInstance
  /** the environment's values of the handler's `settings`, validated (a key left out is absent) */
  settings: Readonly<Record<string, unknown>>
}

/** An item of some type that another item needs to exist first (a role's permission, a tenant's parent). */
export interface Reference {
  type: string
  key: string
}

/** Where a section that names files finds them, and the one way to read them (size limit, inside the project). */
export interface FileSource {
  /** the environment's export directory (absolute) */
  dir: string
  /** parses a JSON file, or throws a ConfigError naming it */
  readJson(file: string): unknown
}

/** A problem across declared items (duplicate keys, a domain claimed twice), found before any request. */
export interface ItemIssue {
  /** index of the offending item in the section's list */
  index: number
  /** field inside that item, '' for the item as a whole */
  field: string
  message: string
  fix: string
}

export interface ResourceHandler<Item extends object = object, Live = unknown> {
  /** singular type name: log tag, key in plans, JSON output and backups (`tenant`) */
  type: string
  /** key of the list in environment files (`tenants`) */
  section: string
  /** validates one declared item; may canonicalize (lower-case, sort) so declared and live compare */
  schema: v.GenericSchema<unknown, Item>
  /**
   * validates one item as the API returns it, before normalize() sees it: an answer of an
   * unexpected shape (a tenant without an id) is an error naming the item, never a TypeError
   */
  liveSchema: v.GenericSchema<unknown, Live>
  /**
   * types whose items this type's items may reference; creates run after them, deletes before.
   * A type no configured plugin provides is simply not there to wait for.
   */
  dependsOn?: string[]
  /** portable identity, the same in every environment (an id or a name, never a server id) */
  key(item: Item): string
  /** the items this item needs to exist first; without it, every item of `dependsOn` types is assumed */
  references?(item: Item): Reference[]
  /**
   * the item this one belongs to, which Descope deletes it with (a tenant's own role goes with
   * its tenant): deleting that item does not break this one's reference to it
   */
  ownedBy?(item: Item): Reference | undefined
  /**
   * values only one item of this type may hold at a time (`domain:acme.com`): a change that
   * takes one over runs after the change that gives it up, and the plan refuses to take one
   * from a live item that keeps it
   */
  claims?(item: Item): string[]
  /**
   * the file states the whole item (an exported flow): every field is compared, and an update
   * sends the file's item as it is, instead of the live item overlaid with the declared fields
   */
  ownedWhole?: boolean
  /** fields that hold per-project values (ids of users or apps): not compared between environments */
  environmentSpecific?: string[]
  /**
   * the old key of an item the file renames (`renamedFrom: Editors` on a role): the live item
   * under that key is updated into this one, keeping what hangs on it (users' roles), instead of
   * being deleted and created anew. The item's `renamedFrom` field is never compared or sent.
   */
  renamedFrom?(item: Item): string | undefined
  /** fields an update cannot change on the server: the plan refuses such a change */
  immutable?: string[]
  /** live items that every project has (built-ins): never listed as unmanaged, never pruned */
  builtIn?(item: Item): boolean
  /**
   * the top-level fields Descope lets you change on a built-in item ('all': any); a file may
   * declare a built-in to manage those, and the plan refuses a change to any other (default: none)
   */
  builtInChangeable?: readonly string[] | 'all'
  /**
   * top-level keys of an environment file that this handler owns, each with its schema: facts
   * about the project that are not items to sync (the tenant attributes a project defines).
   * Their validated values reach check() and every HandlerContext.
   */
  settings?: Record<string, v.GenericSchema>
  /** cross-item checks on the declared list, before any request; `settings` as in HandlerContext */
  check?(items: Item[], settings: Readonly<Record<string, unknown>>): ItemIssue[]

  /**
   * For types declared by reference to files rather than inline (`flows: all`): validates the
   * section's value and returns the raw items with the file each came from. Each item is then
   * validated with `schema`, and its problems are reported against its own file.
   */
  files?: {
    section: v.GenericSchema
    expand(value: any, where: FileSource): { item: unknown; file: string }[]
    /** false when the value names some items only (`flows: [a, b]`): other live items are never pruned */
    exhaustive?(value: any): boolean
    /** how live items are written back to files (tasks/export-flows.ts): where each goes */
    export: {
      /** the file an item is written to, relative to the export directory (its own key's file) */
      fileOf(item: any): string
      /**
       * the directory (relative) holding one file per item: an export of all of them removes the
       * files of items no longer live; none for a type of one file
       */
      directory?: string
      /** items that cannot be written safely (an id that would escape the directory): refused before any write; `dir` as shown */
      check?(items: any[], dir: string): ConfigIssue[]
    }
  }

  /**
   * every live item, as the API answers (the engine checks each with liveSchema); `only`, when
   * given, names the keys a plan needs (the section names some items only, `flows: [a, b]`), and
   * a handler may read just those
   */
  list(ctx: HandlerContext, only?: string[]): Promise<unknown>
  /** one live item as the API answers, or undefined when it does not exist; used to confirm a failed create or delete */
  load?(key: string, ctx: HandlerContext): Promise<unknown>
  /**
   * live (checked by liveSchema) → the declared shape: drop server-managed fields, sort, make portable. It must keep
   * every field an update would otherwise reset (Descope updates replace every field), since an
   * update sends this shape overlaid with what the file declares.
   */
  normalize(live: Live): Item
  /** a missing verb makes the type read-only for that verb; the plan refuses such changes */
  create?(item: Item, ctx: HandlerContext): Promise<void>
  /**
   * creates several items in one request (a batch endpoint), to spend less of the rate limit.
   * When it throws, any of them may or may not exist: the engine checks each against live and
   * creates the missing ones one by one with create(), so each still has its own outcome and is
   * created exactly once. Needs create() too.
   */
  createBatch?(items: Item[], ctx: HandlerContext): Promise<void>
  /**
   * `item` is the full desired state: live values of fields the file does not declare,
   * overlaid by the declared ones; `live` is what it replaces (to skip calls that change nothing).
   */
  update?(item: Item, ctx: HandlerContext, live: Item): Promise<void>
  delete?(item: Item, ctx: HandlerContext): Promise<void>
}

export interface Plugin {
  /** shown in logs and errors */
  name: string
  handlers: ResourceHandler<any, any>[]
}

/** Identity helpers that only add typing. */
export const definePlugin = (plugin: Plugin): Plugin => plugin
export const defineHandler = <Item extends object, Live>(handler: ResourceHandler<Item, Live>) =>
  handler as ResourceHandler<Item, Live> as ResourceHandler<any, any>

/**
 * The handlers of all plugins, in dependency order (a type after the types it depends on),
 * each guarded (lib/plugin-guard.ts). Throws on a broken contract, duplicate types or
 * sections and dependency cycles: a broken plugin set is a configuration error, found before
 * anything runs.
 */
export function resolveHandlers(plugins: Plugin[]): ResourceHandler<any, any>[] {
  assertContracts(plugins)
  const byType = new Map<string, ResourceHandler<any, any>>()
  const sections = new Set<string>()
  for (const plugin of plugins) {
    for (const handler of plugin.handlers) {
      const keys = [handler.section, ...Object.keys(handler.settings ?? {})]
      if (byType.has(handler.type) || keys.some((key) => sections.has(key))) {
        throw pluginError('PLUGIN_CONFLICT', `plugin "${plugin.name}": resource type "${handler.type}" or a key it owns (${keys.join(', ')}) is already provided by another plugin`, 'register each plugin once')
      }
      byType.set(handler.type, guardHandler(plugin, handler))
      for (const key of keys) sections.add(key)
    }
  }
  const ordered: ResourceHandler<any, any>[] = []
  const state = new Map<string, 'visiting' | 'done'>()
  const visit = (handler: ResourceHandler<any, any>, chain: string[]) => {
    if (state.get(handler.type) === 'done') return
    if (state.get(handler.type) === 'visiting') {
      throw pluginError('PLUGIN_CYCLE', `resource types depend on each other in a cycle: ${[...chain, handler.type].join(' → ')}`, 'fix the plugins\' dependsOn')
    }
    state.set(handler.type, 'visiting')
    for (const dependency of handler.dependsOn ?? []) {
      const target = byType.get(dependency)
      if (target) visit(target, [...chain, handler.type])
    }
    state.set(handler.type, 'done')
    ordered.push(handler)
  }
  for (const handler of byType.values()) visit(handler, [])
  return ordered
}

const pluginError = (code: string, message: string, fix: string) =>
  new ConfigError(code, [{ file: 'descope.config.ts', path: 'plugins', message, fix }])
