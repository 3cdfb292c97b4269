// What the engine does once for every plugin: check at load that each handler keeps the
// contract (so a broken plugin is exit 3 before any request), and wrap each of its functions
// so that whatever its own code throws names the plugin, the type, the operation and the item.
import { ConfigError, DescopeMgmtError, PluginError, type ConfigIssue } from '../errors.ts'
import type { Plugin, Preview, ResourceHandler } from '../contract.ts'

type AnyHandler = ResourceHandler<any, any>

const REQUIRED_FUNCTIONS = ['key', 'list', 'normalize'] as const
const OPTIONAL_FUNCTIONS = ['serverId', 'references', 'ownedBy', 'group', 'applyGroup', 'claims', 'renamedFrom', 'builtIn', 'asDeclared', 'unset', 'notes', 'preview', 'check', 'resolve', 'load', 'create', 'createBatch', 'update', 'delete'] as const
/** facts whose first argument is an item; the verbs take the context first, then the item */
const ITEM_FIRST = new Set(['references', 'ownedBy', 'group', 'claims', 'renamedFrom', 'builtIn', 'asDeclared', 'unset', 'notes', 'normalize'])
const ITEM_SECOND = new Set(['create', 'update', 'preview'])
const FIELD_LISTS = ['serverOwned', 'writeOnly', 'shownOnce', 'immutable', 'environmentSpecific', 'builtInKeys'] as const

const isSchema = (value: unknown) =>
  typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'schema' &&
  typeof (value as Record<string, unknown>)['~run'] === 'function'

const isPhrases = (value: unknown) => value === undefined || (Array.isArray(value) && value.every((phrase) => typeof phrase === 'string'))

/** What a preview() may resolve to (Preview in lib/contract.ts). */
function isPreview(said: unknown): said is Preview {
  if (typeof said !== 'object' || said === null || Array.isArray(said)) return false
  const { notes, deletes, of } = said as Record<string, unknown>
  return isPhrases(notes) && isPhrases(deletes) && (of === undefined || (Number.isInteger(of) && (of as number) >= 0))
}

/** Every way `handler` breaks the contract of lib/plugin.ts. */
export function contractIssues(plugin: Plugin, handler: AnyHandler, index: number): ConfigIssue[] {
  const where = `plugin "${plugin.name}", handler ${typeof handler?.type === 'string' ? `"${handler.type}"` : `#${index + 1}`}`
  const issue = (message: string): ConfigIssue => ({ file: 'descope.config.ts', path: 'plugins', message: `${where}: ${message}`, fix: 'see "Writing a plugin" in the README; lib/plugin.ts has the contract' })
  if (typeof handler !== 'object' || handler === null) return [issue('is not a handler object')]
  const issues: ConfigIssue[] = []
  for (const field of ['type', 'section'] as const) {
    if (typeof handler[field] !== 'string' || !/^[a-z][A-Za-z0-9-]*$/.test(handler[field])) issues.push(issue(`${field} must be a name such as "widget" (letters, digits and -)`))
  }
  if (!isSchema(handler.schema)) issues.push(issue('schema must be a valibot schema: what an environment file may declare'))
  if (!isSchema(handler.liveSchema)) issues.push(issue('liveSchema must be a valibot schema: what the API returns for one item'))
  for (const name of REQUIRED_FUNCTIONS) if (typeof handler[name] !== 'function') issues.push(issue(`has no ${name}() function`))
  for (const name of OPTIONAL_FUNCTIONS) if (handler[name] !== undefined && typeof handler[name] !== 'function') issues.push(issue(`${name} must be a function`))
  if (handler.dependsOn !== undefined && !(Array.isArray(handler.dependsOn) && handler.dependsOn.every((type) => typeof type === 'string'))) issues.push(issue('dependsOn must be a list of type names'))
  if (handler.createBatch && !handler.create) issues.push(issue('has createBatch() without create(): a batch that fails is finished one item at a time'))
  for (const name of FIELD_LISTS) {
    const fields = handler[name] as unknown
    if (fields !== undefined && !(Array.isArray(fields) && fields.every((field) => typeof field === 'string'))) issues.push(issue(`${name} must be a list of field names`))
  }
  if (handler.shownOnce?.length && (handler.createBatch || handler.applyGroup)) issues.push(issue('has shownOnce values and createBatch() or applyGroup(): those hand back no value shown once; create such items one by one with create()'))
  if (handler.applyGroup && !handler.group) issues.push(issue('has applyGroup() without group(): say which group each item\'s changes belong to'))
  const singleton = handler.singleton as unknown
  if (singleton !== undefined && singleton !== 'project' && !(typeof singleton === 'object' && singleton !== null && typeof (singleton as { per?: unknown }).per === 'string' && typeof (singleton as { field?: unknown }).field === 'string')) {
    issues.push(issue('singleton must be \'project\' or { per: <type>, field: <the field holding its key> }'))
  }
  if (singleton !== undefined && (handler.create || handler.delete || handler.createBatch)) issues.push(issue('is a singleton and has create() or delete(): one per project or per parent is only ever read and updated'))
  const changeable = handler.builtInChangeable as unknown
  if (handler.noUpdateFix !== undefined && typeof handler.noUpdateFix !== 'string') issues.push(issue('noUpdateFix must be a sentence'))
  if (handler.inheritsFrom !== undefined && (typeof handler.inheritsFrom !== 'string' || !handler.inheritsFrom)) issues.push(issue('inheritsFrom must be a type name'))
  if (changeable !== undefined && changeable !== 'all' && !(Array.isArray(changeable) && changeable.every((field) => typeof field === 'string'))) issues.push(issue('builtInChangeable must be \'all\' or a list of field names'))
  const settings = handler.settings as unknown
  if (settings !== undefined && !(typeof settings === 'object' && settings !== null && Object.values(settings).every(isSchema))) issues.push(issue('settings must map each key to a valibot schema'))
  const files = handler.files as ResourceHandler['files'] | null
  if (files !== undefined && !(typeof files === 'object' && files !== null && isSchema(files.section) && typeof files.expand === 'function' && typeof files.export?.fileOf === 'function')) issues.push(issue('files needs a section schema, an expand() function and export.fileOf()'))
  return issues
}

const ROUTE = /^(GET|POST|PUT|PATCH|DELETE) \/\S*$/

/** Every way a plugin's emulator part breaks the contract (EmulatorExtension in lib/contract.ts). */
export function emulatorIssues(plugin: Plugin): ConfigIssue[] {
  const extension = plugin.emulator as unknown
  if (extension === undefined) return []
  const issue = (message: string): ConfigIssue => ({ file: 'descope.config.ts', path: 'plugins', message: `plugin "${plugin.name}", emulator: ${message}`, fix: 'see "Writing a plugin" in the README; lib/contract.ts has the contract' })
  if (typeof extension !== 'object' || extension === null) return [issue('must be an object { state, routes }')]
  const { state, routes, schema } = extension as Record<string, unknown>
  const issues: ConfigIssue[] = []
  if (typeof state !== 'function') issues.push(issue('state must be a function returning a new project\'s state'))
  if (schema !== undefined && !isSchema(schema)) issues.push(issue('schema must be a valibot schema of its state'))
  if (typeof routes !== 'object' || routes === null) return [...issues, issue('routes must map "METHOD /path" to { mutates, handle }')]
  for (const [route, served] of Object.entries(routes)) {
    if (!ROUTE.test(route)) issues.push(issue(`route "${route}" must look like "POST /v1/mgmt/widget/create" (an upper-case method, a space, a path)`))
    const { mutates, handle } = (served ?? {}) as Record<string, unknown>
    if (typeof mutates !== 'boolean' || typeof handle !== 'function') issues.push(issue(`route "${route}" must be { mutates: boolean, handle(request) }`))
  }
  return issues
}

/** Throws a ConfigError listing every contract problem of every plugin. */
export function assertContracts(plugins: Plugin[]): void {
  const issues = plugins.flatMap((plugin) => [
    ...(Array.isArray(plugin.handlers) ? plugin.handlers : []).flatMap((handler, index) => contractIssues(plugin, handler, index)),
    ...emulatorIssues(plugin),
  ])
  if (issues.length) throw new ConfigError('PLUGIN_INVALID', issues)
}

/** The handler with each function wrapped: an error of the plugin's own becomes one PluginError. */
export function guardHandler(plugin: Plugin, handler: AnyHandler): AnyHandler {
  const keyOf = (item: unknown): string | undefined => {
    try {
      const key = handler.key(item)
      return typeof key === 'string' ? key : undefined
    } catch {
      return undefined
    }
  }
  const fail = (operation: string, args: any[], cause: unknown): never => {
    // the library's own errors (an API answer, a file problem) already say what and where
    if (cause instanceof DescopeMgmtError) throw cause
    const key = operation === 'load' ? String(args[1])
      : operation === 'delete' ? keyOf(args[1]?.item)
        : ITEM_SECOND.has(operation) ? keyOf(args[1])
          : ITEM_FIRST.has(operation) ? keyOf(args[0]) : undefined
    throw new PluginError({ plugin: plugin.name, type: handler.type, operation, key, cause })
  }
  // called for every item of every plan: no closure made per call unless it fails
  const wrap = (operation: string, fn: (...args: any[]) => any) => (...args: any[]) => {
    try {
      const result = fn.apply(handler, args)
      return result instanceof Promise ? result.catch((cause: unknown) => fail(operation, args, cause)) : result
    } catch (error) {
      return fail(operation, args, error)
    }
  }
  const guarded: AnyHandler = { ...handler }
  for (const name of [...REQUIRED_FUNCTIONS, ...OPTIONAL_FUNCTIONS]) {
    if (typeof handler[name] === 'function') (guarded as any)[name] = wrap(name, handler[name] as never)
  }
  if (handler.resolve) {
    // the engine locates each resolved item by its declared one: one each, in order, same key
    const resolve = guarded.resolve!
    guarded.resolve = (items, settings) => {
      const resolved = resolve(items, settings) as unknown
      const kept = Array.isArray(resolved) && resolved.length === items.length && resolved.every((item, index) => keyOf(item) !== undefined && keyOf(item) === keyOf(items[index]))
      return kept ? resolved : fail('resolve', [], new Error('must return one item for each declared item, in the same order and with the same key'))
    }
  }
  if (handler.preview) {
    // the engine counts what a preview deletes against the delete guard: a shape it can trust
    const preview = guarded.preview!
    guarded.preview = async (ctx, item, current) => {
      const said = await preview(ctx, item, current) as unknown
      return isPreview(said) ? said : fail('preview', [ctx, item], new Error('must resolve to { notes?: string[], deletes?: string[], of?: number }: phrases, and how many things of that kind are live'))
    }
  }
  if (handler.files) {
    const { export: exporter } = handler.files
    guarded.files = {
      ...handler.files,
      expand: wrap('files.expand', handler.files.expand) as never,
      ...(handler.files.exhaustive ? { exhaustive: wrap('files.exhaustive', handler.files.exhaustive) as never } : {}),
      export: { ...exporter, fileOf: wrap('files.export.fileOf', exporter.fileOf) as never, ...(exporter.check ? { check: wrap('files.export.check', exporter.check) as never } : {}) },
    }
  }
  return guarded
}
