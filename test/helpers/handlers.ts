// An in-memory resource type for engine tests: items live in a Map, and a test can make a
// verb fail for chosen keys, or let a request "go through" and then fail (a lost response).
import * as v from 'valibot'
import { createConsola, LogLevels } from 'consola'
import { ApiError } from '../../lib/errors.ts'
import { defineHandler, type HandlerContext, type ResourceHandler } from '../../lib/plugin.ts'

export interface Thing { name: string; colour?: string; size?: number; needs?: string[] }

export interface ThingStore {
  handler: ResourceHandler<any, any>
  items: Map<string, Thing>
  calls: string[]
  /** `op:key` → how the call fails: before or after the write lands */
  failures: Map<string, 'before' | 'after'>
  /** called inside each write, for concurrency and ordering probes */
  onWrite?: (call: string) => Promise<void>
}

export function thingStore(type: string, options: { dependsOn?: string[]; references?: boolean; claimsColour?: boolean } = {}): ThingStore {
  const store: ThingStore = { items: new Map(), calls: [], failures: new Map(), handler: undefined! }
  const write = async (op: string, key: string, effect: () => void) => {
    const call = `${op}:${key}`
    store.calls.push(call)
    await store.onWrite?.(call)
    const failure = store.failures.get(call)
    if (failure === 'after') effect()
    if (failure) throw new ApiError({ status: failure === 'after' ? 409 : 500, method: 'POST', path: `/${type}/${op}` })
    effect()
  }
  store.handler = defineHandler<Thing, Thing>({
    type,
    section: `${type}s`,
    schema: v.strictObject({ name: v.string(), colour: v.optional(v.string()), size: v.optional(v.number()), needs: v.optional(v.array(v.string())) }),
    liveSchema: v.looseObject({ name: v.string() }),
    dependsOn: options.dependsOn,
    key: (item) => item.name,
    references: options.references ? (item) => (item.needs ?? []).map((key) => ({ type: options.dependsOn?.[0] ?? type, key })) : undefined,
    claims: options.claimsColour ? (item) => (item.colour ? [`colour ${item.colour}`] : []) : undefined,
    list: async () => [...store.items.values()],
    normalize: (item) => ({ ...item }),
    create: (_ctx, item) => write('create', item.name, () => store.items.set(item.name, { ...item })),
    update: (_ctx, item) => write('update', item.name, () => store.items.set(item.name, { ...item })),
    delete: (_ctx, { item }) => write('delete', item.name, () => store.items.delete(item.name)),
  })
  return store
}

export const quietContext = (type: string): HandlerContext => ({
  env: 'test',
  projectId: 'P2emulatorLocalProject000001',
  client: undefined as never,
  log: createConsola({ level: LogLevels.silent }).withTag(type),
  settings: {},
})
