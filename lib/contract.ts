// The plugin contract, as types only: what a plugin gives the engine, and what the engine gives
// a plugin's functions. A handler states facts about one resource type and does its I/O;
// matching, diffing, ordering, dry-run, delete gating, retry and logging live once in lib/.
// Plugins import it through lib/plugin.ts, which adds definePlugin() and defineHandler().
import type * as v from 'valibot'
import type { ConsolaInstance } from 'consola'
import type { ApiClient } from './client/client.ts'
import type { ConfigIssue } from './errors.ts'

export interface HandlerContext {
  /** the environment's name (`dev`) */
  env: string
  /** the environment's project id: to pick this project out of an answer about several */
  projectId: string
  /** the environment's throttled, retrying client: the only way to the API */
  client: ApiClient
  /** tagged with the handler's type */
  log: ConsolaInstance
  /** the environment's values of the handler's `settings`, validated (a key left out is absent) */
  settings: Readonly<Record<string, unknown>>
  /** told how far a list() that reads item by item has come (readEach in lib/plugin.ts does it); absent when no one shows progress */
  progress?(done: number, total: number): void
}

/** An item of some type that another item needs to exist first (a role's permission, a tenant's parent). */
export interface Reference {
  type: string
  key: string
  /** another key that meets the same need when `key` does not exist (a tenant's role by name: its own, or the project's) */
  orKey?: string
}

/**
 * A live item as update() and delete() get it: normalized (what plans compare), as the API
 * answered (fields the plugin does not model), and its server id when the type has one.
 */
export interface Current<Item extends object = object, Live = unknown> {
  item: Item
  raw: Live
  /** what the API addresses the item by (handler.serverId), in this environment only */
  id?: string
}

/** A change of a group that a handler applies in one call (applyGroup). */
export interface GroupChange<Item extends object = object, Live = unknown> {
  op: 'create' | 'update' | 'delete'
  key: string
  /** create/update: the full desired state; delete: the live item */
  item: Item
  current?: Current<Item, Live>
}

/**
 * What a change does beyond its fields, as its handler's preview() hears it from the API (a dry
 * run): a schema change that drops a type deletes every relation stored under it.
 */
export interface Preview {
  /** phrases shown beside the change */
  notes?: string[]
  /**
   * what applying the change deletes on the server, one phrase each (`type doc`): treated like
   * deletes of items, so the plan refuses them without --prune, and the delete guard counts them
   */
  deletes?: string[]
  /** how many things of that kind are live, for deleteGuard.maxShare (left out: maxCount alone) */
  of?: number
}

/** What a create may hand back: values the API shows once (an access key's cleartext), by name. */
export interface Created {
  secrets?: Record<string, string>
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

/**
 * Exactly one item per project (a password policy), whose section is an object; or one per
 * item of another type (a tenant's session settings), whose section is a map by that item's key,
 * which the engine writes into `field`. Such items are read and updated, never created or deleted.
 */
export type Singleton = 'project' | { per: string; field: string }

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
  /** portable identity, the same in every environment (an id the user chose, or a name; never a server id) */
  key(item: Item): string
  /**
   * the id the API gives an item and addresses it by (an access key's, an SSO application's),
   * read from the live item: it reaches update() and delete() as `current.id`, and nothing else
   */
  serverId?(live: Live): string
  /**
   * fields the server owns (its id, timestamps, who created it): a file may not declare them, and
   * the engine drops them from normalize()'s output, so they are never compared, backed up,
   * exported or sent from one environment to another
   */
  serverOwned?: string[]
  /**
   * fields Descope accepts but never returns (a client secret, a certificate's private part):
   * written only as `${VAR}` (its value is redacted everywhere), sent with every create and
   * update, never compared, shown as `(secret)` in plans
   */
  writeOnly?: string[]
  /** values create() hands back once (an access key's cleartext), by name: the run needs a place for them first */
  shownOnce?: string[]
  /** one per project or per parent item, instead of a list (see Singleton) */
  singleton?: Singleton
  /** the items this item needs to exist first; without it, every item of `dependsOn` types is assumed */
  references?(item: Item): Reference[]
  /**
   * the item this one belongs to, which Descope deletes it with (a tenant's own role goes with
   * its tenant): deleting that item does not break this one's reference to it
   */
  ownedBy?(item: Item): Reference | undefined
  /**
   * what the item's writes share (`tenant:acme`, for values stored on one tenant): changes of
   * one group, of any type, run one at a time, so a write never overwrites another's
   */
  group?(item: Item): string | undefined
  /**
   * applies the changes of one group that are ready together in one call (one request for a
   * tenant's attribute values); with it, the type's changes of a group never go one by one
   */
  applyGroup?(ctx: HandlerContext, group: string, changes: GroupChange<Item, Live>[]): Promise<void>
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
  /**
   * the type whose values this type's items show until they are set (a tenant's password policy
   * shows the project's until the tenant has its own): when a plan changes that type, it also
   * writes the declared items of this type that match live, so they keep their values instead
   * of following the change (one apply, not two)
   */
  inheritsFrom?: string
  /**
   * for a type without update(): the way out that the plan's refusal of a changed item gives,
   * instead of the generic advice (where else it can be changed, and what re-creating it costs)
   */
  noUpdateFix?: string
  /**
   * what a plan and a drift report should say of an item beside its changes (an access key
   * that has expired): short phrases, shown after its name
   */
  notes?(item: Item): string[]
  /**
   * asks the API what a create or update would do beyond its fields (a dry run), after live is
   * read and before the plan is shown; `current` is the live item (none for a create, or a
   * singleton not yet live). It must not change anything. An ApiError of status 400 from it is
   * the API refusing the item: the plan is refused (exit 3), naming where the item is declared.
   */
  preview?(ctx: HandlerContext, item: Item, current: Current<Item, Live> | undefined): Promise<Preview>
  /**
   * the item holds nothing of its own: what a parent with nothing set shows (a tenant without SSO
   * settings, or one following the project's session settings). tasks/import.ts leaves it out,
   * since a file that does not declare it plans the same
   */
  unset?(item: Item): boolean
  /** live items that every project has (built-ins): never listed as unmanaged, never pruned */
  builtIn?(item: Item): boolean
  /**
   * the keys of the built-ins every project has, where they are known by name (the system
   * permissions): what `tasks/validate.ts` takes as there without reading the project
   */
  builtInKeys?: readonly string[]
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
   * the declared items as everything past the environment file sees them (plans, drift, backups,
   * saved plans): run once, after the schema and check() found nothing wrong, and given the
   * section's items. It returns one item per declared one, in the same order and with the same
   * key (a tenant's SSO settings that follow another tenant's, merged with them), so messages
   * still point at the file. A field only a file holds (`follows`) is dropped here, and so is
   * never compared or sent. Pure: the same files give the same items in every environment.
   */
  resolve?(items: Item[], settings: Readonly<Record<string, unknown>>): Item[]

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
      /** the command that writes these files, for the advice after a rename (`tasks/export-flows.ts`) */
      command: string
    }
  }

  // The verbs: the context first, then what the verb acts on.
  /**
   * every live item, as the API answers (the engine checks each with liveSchema); `only`, when
   * given, names the keys a plan needs, and a handler may read just those (items of other keys
   * may come along; an absent key is simply not live). The engine gives it when the section names
   * some items only (`flows: [a, b]`), and always for a type of one item per parent (`singleton:
   * { per }`): its plans, drift checks and the backup before an apply read the declared parents'
   * items only (and those of parents the apply deletes), so such a list should read one parent at a
   * time when given `only`, and every parent's only without it (`backup create`, `--against`)
   */
  list(ctx: HandlerContext, only?: string[]): Promise<unknown>
  /** one live item as the API answers, or undefined when it does not exist; used to confirm a failed create or delete */
  load?(ctx: HandlerContext, key: string): Promise<unknown>
  /**
   * live (checked by liveSchema) → the declared shape: drop server-managed fields, sort, make portable. It must keep
   * every field an update would otherwise reset (Descope updates replace every field), since an
   * update sends this shape overlaid with what the file declares.
   */
  normalize(live: Live): Item
  /**
   * a normalized item as an environment file declares it, where the two forms differ (the FGA
   * schema's model, written as its `dsl` text): what tasks/import.ts and sectionOf() write, which
   * the schema must read back as the same item. Without it, the item is its own file form.
   */
  asDeclared?(item: Item): object
  /** a missing verb makes the type read-only for that verb; the plan refuses such changes */
  create?(ctx: HandlerContext, item: Item): Promise<Created | void>
  /**
   * creates several items in one request (a batch endpoint), to spend less of the rate limit.
   * When it throws, any of them may or may not exist: the engine checks each against live and
   * creates the missing ones one by one with create(), so each still has its own outcome and is
   * created exactly once. Needs create() too.
   */
  createBatch?(ctx: HandlerContext, items: Item[]): Promise<void>
  /**
   * `item` is the full desired state: live values of fields the file does not declare,
   * overlaid by the declared ones; `current` is what it replaces (to skip calls that change
   * nothing, and for its server id). A singleton not yet live (a new tenant's settings) has none.
   */
  update?(ctx: HandlerContext, item: Item, current: Current<Item, Live> | undefined): Promise<void>
  delete?(ctx: HandlerContext, current: Current<Item, Live>): Promise<void>
}

/** One request the emulator serves for a plugin: its part of the state, and the parsed request. */
export interface EmulatorRequest<State extends object = Record<string, unknown>> {
  /**
   * the plugin's own part of the emulated project (EmulatorExtension.state): plain JSON, changed
   * in place (validate first: a route that throws halfway keeps what it changed). A key that
   * comes from a request is data (a tenant may be called `__proto__`): read it with Object.hasOwn,
   * write it with Object.defineProperty
   */
  state: State
  /** the built-in part, read-only: to check that a tenant or a role exists, say */
  project: {
    /** the emulated project's id */
    id: string
    /** `createdTime` (epoch seconds) tells a tenant deleted and made again under its id from the one before */
    tenants: Readonly<Record<string, { id: string; name: string; createdTime: number; domains: readonly string[]; selfProvisioningDomains: readonly string[]; authType: string }>>
    /** by id; a tenant's role has its tenantId, a project role '' */
    roles: Readonly<Record<string, { name: string; tenantId: string }>>
  }
  /** the parsed JSON body of a POST (null when none) */
  body: unknown
  query: URLSearchParams
  /** the `:name` segments of the route's path (`GET /v1/mgmt/list/:id`), decoded */
  params: Readonly<Record<string, string>>
  /** answers with an error as Descope does (400 with E011003, 404, 409), changing nothing */
  fail(status: 400 | 404 | 409, message: string): never
  /**
   * `value` (default: the body) checked with `schema`, or a 400 naming `what` and the first
   * issue's path (`invalid list: data.0: ...`), changing nothing
   */
  parse<T>(schema: v.GenericSchema<unknown, T>, what: string, value?: unknown): T
  /** a new id of the real shape: a prefix and random letters and digits */
  newId(prefix: string): string
}

/** A route: `mutates` saves a persisted state after it succeeded. Validate before changing the state. */
export interface EmulatorRoute<State extends object = Record<string, unknown>> {
  mutates: boolean
  handle(request: EmulatorRequest<State>): object
}

/** What a plugin adds to the emulator, so its type is tested end to end like the built-in ones. */
export interface EmulatorExtension<State extends object = Record<string, unknown>> {
  /**
   * the plugin's part of a new project's state (JSON): kept in the persisted state file under the
   * plugin's name. `blank`: the emulator was asked for an empty project, so leave out what a real
   * new project holds (a built-in item)
   */
  state(start: { blank: boolean }): State
  /** what that part must look like: a state file read back is checked with it (a damaged one is refused, naming the field) */
  schema?: v.GenericSchema<unknown, State>
  /** by "METHOD /path" (`POST /v1/mgmt/accesskey/create`); a path the emulator serves itself is refused */
  routes: Record<string, EmulatorRoute<State>>
  /**
   * drops what the state keeps of a tenant the emulator just deleted (its settings), so a tenant
   * created again under the same id starts anew, as in Descope
   */
  onTenantDeleted?(state: State, tenantId: string): void
}

export interface Plugin {
  /** shown in logs and errors; names its part of the emulator's state */
  name: string
  handlers: ResourceHandler<any, any>[]
  emulator?: EmulatorExtension<any>
}

/**
 * The item type of each resource type, for typed operations in scripts (`ctx.ops('tenant')`).
 * A plugin adds its own: `declare module '../lib/contract.ts' { interface ResourceTypes { tenant: Tenant } }`.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface ResourceTypes {}
