import * as v from 'valibot'
import { ReplyError } from '../errors.ts'
import { randomTag } from '../ids.ts'
import type { EmulatorState, JsonObject, StoredFlow } from '../state.ts'
import { objectWith, PlainObject } from '../validate.ts'
import { assertProjectRolesExist, isStringMap, roleByIdentity } from './role-store.ts'

// Stored flows: the v2 document (OpenAPI ExportedFlow) the client sent, plus the fields the server
// maintains.
// Shared by the v2 routes (flows.ts) and the v1 routes (flows-v1.ts).

/** The flow as a client sends and gets it, without the server-managed fields. */
export type FlowDocument = Omit<StoredFlow, ServerField>

/**
 * Maintained by the emulator, never taken from a client. Served inside `metadata` by v2 export
 * (the emulator's choice: real v2 exports in samples/ carry none of them; v1 keeps these three
 * next to name and description, which v2 moved into metadata, and the top level stays the five
 * keys of a real export). Stripped from an imported flow's metadata, so an unstripped export
 * imports cleanly.
 */
export const SERVER_FIELDS = ['version', 'etag', 'modifiedTime'] as const
type ServerField = (typeof SERVER_FIELDS)[number]

/** What "looks like a flow" (v2). Metadata fields the list serves must have their types. */
export const FlowV2Schema = v.object({
  flowId: v.nullish(v.string()),
  metadata: objectWith({
    name: v.optional(v.string()),
    description: v.optional(v.string()),
    disabled: v.optional(v.boolean()),
  }),
  contents: PlainObject,
  screens: v.array(objectWith({ screenId: v.string() })),
  references: v.nullish(PlainObject),
})

export function findFlow(state: EmulatorState, flowId: string): StoredFlow {
  const flow = state.flows[flowId]
  if (!flow) throw new ReplyError('notFound', `flow "${flowId}" does not exist`)
  return flow
}

/** Every flow, sorted by id so listings are deterministic (the real order is unknown). */
export function allFlows(state: EmulatorState): StoredFlow[] {
  return Object.values(state.flows).sort((a, b) => (a.flowId < b.flowId ? -1 : a.flowId > b.flowId ? 1 : 0))
}

export function withoutServerFields(metadata: JsonObject): JsonObject {
  const copy = { ...metadata }
  for (const field of SERVER_FIELDS) delete copy[field]
  return copy
}

/**
 * References are per project: `references.roles` maps a role name to the SOURCE project's id.
 * Each name is looked up among THIS project's project-level roles and the local id stored, so a
 * flow moves between environments by name. Other kinds (connectors, …) are kept as given: the
 * emulator has no connectors to look up.
 */
export function localizeReferences(state: EmulatorState, flowId: string, references: JsonObject): JsonObject {
  const roles = references.roles
  if (roles === undefined || roles === null) return { ...references }
  if (!isStringMap(roles)) {
    throw new ReplyError('invalid', `flow "${flowId}": references.roles must map role names to role ids`)
  }
  const names = Object.keys(roles)
  assertProjectRolesExist(state, names, `flow "${flowId}" references.roles`)
  const local = Object.fromEntries(names.map((name) => [name, roleByIdentity(state, '', name)!.id]))
  return { ...references, roles: local }
}

/** Stores an import: version +1, a new etag, and a modifiedTime that always moves forward. */
export function storeFlow(state: EmulatorState, document: FlowDocument): StoredFlow {
  const previous = state.flows[document.flowId]
  const now = Math.max(Date.now(), Number(previous?.modifiedTime ?? 0) + 1)
  const stored: StoredFlow = {
    flowId: document.flowId,
    metadata: withoutServerFields(document.metadata),
    contents: document.contents,
    screens: document.screens,
    references: document.references,
    version: (previous?.version ?? 0) + 1,
    etag: randomTag(),
    // epoch ms as a string, as protobuf renders int64 and OAS types it (Flow). DISCREPANCY:
    // descopecli's consoleFlow reads a v1 modifiedTime as a JSON number; v1 serves this same string.
    modifiedTime: String(now),
  }
  state.flows[document.flowId] = stored
  return stored
}

/** The v2 export body's `flow`. */
export function serveFlowV2(flow: StoredFlow): JsonObject {
  const { version, etag, modifiedTime } = flow
  return {
    flowId: flow.flowId,
    metadata: { ...flow.metadata, version, etag, modifiedTime },
    contents: flow.contents,
    screens: flow.screens,
    references: flow.references,
  }
}
