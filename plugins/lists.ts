// Lists: named lists of IP addresses or texts that flows check against (node-sdk `list.*`;
// go-sdk internal/mgmt/lists.go). Keyed by name; Descope addresses each by an id of its own.
//
// Confirmed by node-sdk 2.13.0 (lib/management/list.ts, paths.ts): POST /v1/mgmt/list creates
// ({ name, description, type, data } → { list }), POST /v1/mgmt/list/update takes the id and
// the same fields, POST /v1/mgmt/list/delete { id }, GET /v1/mgmt/list/all → { lists }, GET
// /v1/mgmt/list/<id> and /v1/mgmt/list/name/<name> → { list }, and the ip/text add, remove and
// check and clear calls. ASSUMED: `type` is "ips" or "texts" and `data` is the list of entries
// (the SDK types both loosely); an update replaces the entries. Names are taken as unique (there
// is a load by name), so a create is sent again after a lost answer only as "already exists".
import * as v from 'valibot'
import { description, DESCRIPTION_MAX, displayName, plainText, setOwn } from '../lib/config/schemas.ts'
import { sortedUnique } from '../lib/engine/normalize.ts'
import { defineEmulator, defineHandler, definePlugin, type EmulatorRequest, type HandlerContext } from '../lib/plugin.ts'

const LIST_TYPES = ['ips', 'texts'] as const
const Entry = v.pipe(v.string(), v.minLength(1, 'must not be empty'), v.maxLength(1024, 'must be at most 1024 characters'), plainText())

export const ListSchema = v.strictObject({
  name: displayName(256),
  description: v.optional(description(DESCRIPTION_MAX)),
  /** what the entries are: IP addresses (and CIDR ranges), or texts */
  type: v.picklist(LIST_TYPES, 'must be ips or texts'),
  /** the entries, in any order (kept sorted) */
  entries: v.optional(v.pipe(v.array(Entry), v.maxLength(10_000, 'must hold at most 10000 entries'), v.transform(sortedUnique))),
})
export type List = v.InferOutput<typeof ListSchema>

export const LiveListSchema = v.looseObject({
  id: v.pipe(v.string(), v.minLength(1, 'is empty')),
  name: v.string(),
  description: v.nullish(v.string()),
  type: v.string(),
  data: v.nullish(v.array(v.string())),
})
export type LiveList = v.InferOutput<typeof LiveListSchema>

// typed operations for scripts: ctx.ops('list')
declare module '../lib/contract.ts' {
  interface ResourceTypes { list: List }
}

export const normalizeList = (live: LiveList): List => ({
  name: live.name,
  description: live.description ?? '',
  type: live.type as List['type'],
  entries: sortedUnique(live.data ?? []),
})

const body = (list: List) => ({ name: list.name, description: list.description ?? '', type: list.type, data: list.entries ?? [] })

/** Typed list operations for one-off scripts and the handler below. */
export function listApi(ctx: Pick<HandlerContext, 'client'>) {
  const { client } = ctx
  return {
    loadAll: async () => (await client.get<{ lists?: unknown[] }>('/v1/mgmt/list/all')).lists ?? [],
    create: (list: List) => client.post('/v1/mgmt/list', body(list)),
    update: (id: string, list: List) => client.post('/v1/mgmt/list/update', { id, ...body(list) }),
    delete: (id: string) => client.post('/v1/mgmt/list/delete', { id }),
  }
}

export default function lists() {
  return definePlugin({
    name: 'lists',
    handlers: [defineHandler<List, LiveList>({
      type: 'list',
      section: 'lists',
      schema: ListSchema,
      liveSchema: LiveListSchema,
      key: (list) => list.name,
      serverId: (live) => live.id,
      serverOwned: ['id'],
      list: (ctx) => listApi(ctx).loadAll(),
      normalize: normalizeList,
      create: async (ctx, list) => { await listApi(ctx).create(list) },
      update: async (ctx, list, current) => { await listApi(ctx).update(current!.id!, list) },
      delete: async (ctx, current) => { await listApi(ctx).delete(current.id!) },
    })],
    emulator: listEmulator(),
  })
}

interface StoredList { id: string; name: string; description: string; type: string; data: string[] }
type State = { lists: Record<string, StoredList> }

const RequestSchema = v.object({
  name: v.pipe(v.string(), v.minLength(1, 'is required')),
  description: v.nullish(v.string()),
  type: v.picklist(LIST_TYPES, 'must be ips or texts'),
  data: v.nullish(v.array(v.pipe(v.string(), v.minLength(1, 'an entry must not be empty')))),
})

function fieldsOf(request: EmulatorRequest<State>, body: unknown = request.body) {
  const { name, description, type, data } = request.parse(RequestSchema, 'list', body)
  return { name, description: description ?? '', type, data: [...new Set(data ?? [])] }
}

const byId = (request: EmulatorRequest<State>, id: unknown): StoredList => {
  if (typeof id !== 'string' || !Object.hasOwn(request.state.lists, id)) return request.fail(404, `list "${String(id)}" does not exist`)
  return request.state.lists[id]!
}
const named = (request: EmulatorRequest<State>, name: string) => Object.values(request.state.lists).find((list) => list.name === name)

/** ip/add, text/remove...: the list's entries changed in place, for a list of that type */
const entries = (type: 'ips' | 'texts', change: (list: StoredList, values: string[]) => void) => ({
  mutates: true,
  handle: (request: EmulatorRequest<State>) => {
    const { id, ips, texts } = (request.body ?? {}) as { id?: unknown; ips?: unknown; texts?: unknown }
    const list = byId(request, id)
    const values = type === 'ips' ? ips : texts
    if (list.type !== type) return request.fail(400, `list "${list.name}" holds ${list.type}, not ${type}`)
    if (!Array.isArray(values) || !values.every((value) => typeof value === 'string' && value !== '')) return request.fail(400, `${type} must be a list of entries (non-empty strings)`)
    change(list, values)
    return {}
  },
})
const check = (type: 'ips' | 'texts') => ({
  mutates: false,
  handle: (request: EmulatorRequest<State>) => {
    const { id, ip, text } = (request.body ?? {}) as { id?: unknown; ip?: unknown; text?: unknown }
    const list = byId(request, id)
    const value = type === 'ips' ? ip : text
    if (typeof value !== 'string') return request.fail(400, `${type === 'ips' ? 'ip' : 'text'} is required`)
    return { exists: list.data.includes(value) }
  },
})

function listEmulator() {
  return defineEmulator<State>({
    state: () => ({ lists: {} }),
    schema: v.object({ lists: v.record(v.string(), v.object({ id: v.string(), name: v.string(), description: v.string(), type: v.string(), data: v.array(v.string()) })) }) as never,
    routes: {
      'POST /v1/mgmt/list': {
        mutates: true,
        handle: (request) => {
          const fields = fieldsOf(request)
          if (named(request, fields.name)) return request.fail(409, `a list named "${fields.name}" already exists`)
          const list = { id: request.newId('L'), ...fields }
          setOwn(request.state.lists, list.id, list)
          return { list }
        },
      },
      'POST /v1/mgmt/list/update': {
        mutates: true,
        handle: (request) => {
          const list = byId(request, (request.body as { id?: unknown } | null)?.id)
          const fields = fieldsOf(request)
          const other = named(request, fields.name)
          if (other && other.id !== list.id) return request.fail(409, `a list named "${fields.name}" already exists`)
          Object.assign(list, fields)
          return { list }
        },
      },
      'POST /v1/mgmt/list/delete': {
        mutates: true,
        handle: (request) => {
          delete request.state.lists[byId(request, (request.body as { id?: unknown } | null)?.id).id]
          return {}
        },
      },
      'GET /v1/mgmt/list/all': { mutates: false, handle: (request) => ({ lists: Object.values(request.state.lists) }) },
      'GET /v1/mgmt/list/name/:name': {
        mutates: false,
        handle: (request) => ({ list: named(request, request.params.name!) ?? request.fail(404, `no list named "${request.params.name}"`) }),
      },
      'GET /v1/mgmt/list/:id': { mutates: false, handle: (request) => ({ list: byId(request, request.params.id) }) },
      'POST /v1/mgmt/list/import': {
        mutates: true,
        handle: (request) => {
          const given = (request.body as { lists?: unknown } | null)?.lists
          if (!Array.isArray(given)) return request.fail(400, 'lists must be a list')
          // every list checked, and its id settled, before any is kept: an import is all or nothing
          const checked = given.map((list) => {
            const fields = fieldsOf(request, list)
            const wanted = (list as { id?: unknown }).id
            const existing = named(request, fields.name)
            if (existing) return { ...fields, id: existing.id }
            if (typeof wanted === 'string' && Object.hasOwn(request.state.lists, wanted)) return request.fail(409, `list id "${wanted}" belongs to list "${request.state.lists[wanted]!.name}", not "${fields.name}"`)
            return { ...fields, id: typeof wanted === 'string' && wanted ? wanted : request.newId('L') }
          })
          for (const list of checked) setOwn(request.state.lists, list.id, list)
          return {}
        },
      },
      'POST /v1/mgmt/list/ip/add': entries('ips', (list, values) => { list.data = [...new Set([...list.data, ...values])] }),
      'POST /v1/mgmt/list/ip/remove': entries('ips', (list, values) => { list.data = list.data.filter((value) => !values.includes(value)) }),
      'POST /v1/mgmt/list/ip/check': check('ips'),
      'POST /v1/mgmt/list/text/add': entries('texts', (list, values) => { list.data = [...new Set([...list.data, ...values])] }),
      'POST /v1/mgmt/list/text/remove': entries('texts', (list, values) => { list.data = list.data.filter((value) => !values.includes(value)) }),
      'POST /v1/mgmt/list/text/check': check('texts'),
      'POST /v1/mgmt/list/clear': {
        mutates: true,
        handle: (request) => {
          byId(request, (request.body as { id?: unknown } | null)?.id).data = []
          return {}
        },
      },
    },
  })
}
