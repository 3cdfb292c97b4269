// Authentication flows, deployed from files: `<exportDir>/flows/<flowId>.json`, in Descope's
// v2 export format, as tasks/export-flows.ts writes them. An environment lists the flows it
// wants (`flows: all`, or `flows: [sign-up-or-in, ...]`); sync imports those whose portable
// content differs from live. The role names a flow references must exist first. Paths and
// fields: go-sdk descope/api/client.go and descope/internal/mgmt/flow.go (v2 export/import),
// node-sdk lib/management/flow.ts (list, delete) and the OpenAPI document (ImportFlowRequest,
// ExportedFlow, ListFlowsResponse).
import fs from 'node:fs'
import path from 'node:path'
import * as v from 'valibot'
import { unlessNotFound, type ApiClient } from '../lib/client/client.ts'
import { ConfigError, displayPath, LiveDataError, type ConfigIssue } from '../lib/errors.ts'
import { portableReferences, referencedRoles, withoutEmpty, withoutServerFields } from './descope-export.ts'
import { defineHandler, definePlugin, readEach, type FileSource, type HandlerContext } from '../lib/plugin.ts'
import { jsonObject } from '../lib/config/schemas.ts'

/** Flow ids become file names: letters, digits, `.`, `_` and `-`, not starting with a dot. */
export const SAFE_FLOW_ID = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$/

export const FlowIdSchema = v.pipe(v.string(), v.regex(SAFE_FLOW_ID, 'must be a safe file name: letters, digits, ".", "_" and "-", not starting with "."'))

/**
 * The flows a new Descope project comes with (`sign-up-or-in` confirmed by descope-java's
 * FlowServiceImplTest, the others by public exports of their default content in
 * descope-cx/descope-terraform-demo): they are edited like any flow, never pruned.
 */
export const DEFAULT_FLOWS: readonly string[] = ['sign-up-or-in', 'sign-in', 'sign-up']


/** A flow in Descope's v2 export format, made portable (see normalizeFlow). */
export const FlowSchema = v.pipe(
  v.looseObject({
    flowId: FlowIdSchema,
    metadata: jsonObject,
    contents: jsonObject,
    screens: v.array(jsonObject),
    references: v.optional(jsonObject),
  }),
  v.transform((flow) => normalizeFlow(flow)),
)
export type Flow = { flowId: string; metadata: Record<string, unknown>; contents: Record<string, unknown>; screens: Record<string, unknown>[]; references?: Record<string, unknown> }

// typed operations for scripts: ctx.ops('flow')
declare module '../lib/contract.ts' {
  interface ResourceTypes { flow: Flow }
}

/**
 * Drops what the server rewrites on its own, and empty values where the console and the CLI
 * omit them (metadata, references, screens' interactions), and blanks per-project reference ids.
 */
export function normalizeFlow(flow: Record<string, unknown>): Flow {
  const { references, metadata, screens, ...rest } = withoutServerFields(flow)
  const portable = portableReferences(references)
  return {
    ...rest,
    metadata: withoutEmpty(withoutServerFields((metadata ?? {}) as Record<string, unknown>)),
    screens: ((screens ?? []) as Record<string, unknown>[]).map(({ interactions, ...screen }) =>
      (interactions === undefined ? screen : { ...screen, interactions: withoutEmpty(interactions) })),
    ...(portable ? { references: portable } : {}),
  } as Flow
}

export const flowFile = (dir: string, flowId: string) => path.join(dir, 'flows', `${flowId}.json`)

/** The flow files an environment's `flows:` asks for, each parsed, with its file. */
export function readFlowFiles(selection: 'all' | string[], { dir, readJson }: FileSource): { item: unknown; file: string }[] {
  const flowsDir = path.join(dir, 'flows')
  if (selection === 'all' && !fs.existsSync(flowsDir)) {
    throw flowError(flowsDir, `does not exist, so "flows: all" has nothing to deploy`, 'run tasks/export-flows.ts first, or list the flows by id')
  }
  const ids = selection === 'all'
    ? fs.readdirSync(flowsDir).filter((name) => name.endsWith('.json')).map((name) => name.slice(0, -'.json'.length)).sort()
    : selection
  const issues: ConfigIssue[] = []
  const found = ids.flatMap((id) => {
    const file = flowFile(dir, id)
    if (!fs.existsSync(file)) {
      issues.push(flowIssue(file, `flow "${id}" is listed but has no file`, `run tasks/export-flows.ts --flow ${id} against the environment that has it, or remove it from the list`))
      return []
    }
    try {
      const item = readJson(file)
      const declared = (item as { flowId?: unknown } | null)?.flowId
      if (declared !== undefined && declared !== id) {
        issues.push(flowIssue(file, `says flowId "${String(declared)}" but is named after "${id}"`, `rename the file to ${String(declared)}.json or correct its flowId`))
      }
      return [{ item, file }]
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error
      issues.push(...error.issues)
      return []
    }
  })
  if (issues.length) throw new ConfigError('FLOW_FILE', issues)
  return found
}

const flowIssue = (file: string, message: string, fix: string): ConfigIssue => ({ file: displayPath(file), path: '', message, fix })
const flowError = (file: string, message: string, fix: string) => new ConfigError('FLOW_FILE', [flowIssue(file, message, fix)])

/** A flow as the v2 export returns it, with its id: what normalizeFlow relies on is checked. */
export const LiveFlowSchema = v.looseObject({
  flowId: v.pipe(v.string(), v.minLength(1, 'is empty')),
  metadata: v.nullish(jsonObject),
  contents: v.nullish(jsonObject),
  screens: v.nullish(v.array(jsonObject)),
  references: v.nullish(jsonObject),
})

/** Typed flow operations (v2 export/import, as the Go SDK and CLI use) for scripts and the handler. */
export function flowApi(client: ApiClient) {
  const exportFlow = async (flowId: string) => ({ flowId, ...(await client.post<{ flow?: object }>('/v2/mgmt/flow/export', { flowId })).flow })
  return {
    /** the flows' list as the API answers it (checked by loadFlows) */
    list: async () => (await client.post<{ flows?: unknown }>('/v1/mgmt/flow/list', {})).flows ?? [],
    /** one flow as the API exports it, with its flowId */
    export: exportFlow,
    /** the same, or undefined when there is no flow with this id */
    load: (flowId: string) => unlessNotFound(exportFlow(flowId)),
    import: (flow: Flow) => client.post('/v2/mgmt/flow/import', { flow }),
    delete: (flowIds: string[]) => client.post('/v1/mgmt/flow/delete', { ids: flowIds }),
  }
}

/** The flow list's answer: what is read of it (the ids) is checked, like any live data. */
const FlowListSchema = v.array(v.looseObject({ id: v.pipe(v.string(), v.minLength(1, 'is empty')) }))

/** Every live flow (or only these) as exported: one list call, then one export per flow. */
export async function loadFlows(ctx: Pick<HandlerContext, 'client' | 'progress'>, only?: string[]): Promise<object[]> {
  const api = flowApi(ctx.client)
  const listed = v.safeParse(FlowListSchema, await api.list())
  if (!listed.success) {
    const issue = listed.issues[0]!
    throw new LiveDataError(`the API's list of flows is not of the shape it should answer: ${v.getDotPath(issue) ?? 'the list'}: ${issue.message}; nothing was changed`)
  }
  const ids = listed.output.map((flow) => flow.id).filter((id) => !only || only.includes(id)).sort()
  return readEach(ctx, ids, api.export)
}

/** Flows that cannot become files: an id that is no safe file name, or two ids one case apart. */
function exportIssues(flows: Flow[], dir: string): ConfigIssue[] {
  const issues: ConfigIssue[] = []
  const lowerCased = new Map<string, string>()
  for (const flow of flows) {
    if (!SAFE_FLOW_ID.test(flow.flowId)) issues.push({ file: dir, path: flow.flowId, message: `flow id ${JSON.stringify(flow.flowId)} is not a safe file name (or would escape the directory); refusing to write it`, fix: 'rename the flow in Descope, or export the others with --flow' })
    // on a case-insensitive file system (macOS, Windows) two such flows would share one file
    const twin = lowerCased.get(flow.flowId.toLowerCase())
    if (twin) issues.push({ file: dir, path: flow.flowId, message: `flow ids "${twin}" and "${flow.flowId}" differ only in case and would share one file on some systems`, fix: 'rename one of them in Descope' })
    lowerCased.set(flow.flowId.toLowerCase(), flow.flowId)
  }
  return issues
}

export default function flows() {
  return definePlugin({
    name: 'flows',
    handlers: [defineHandler<Flow, v.InferOutput<typeof LiveFlowSchema>>({
      type: 'flow',
      section: 'flows',
      schema: FlowSchema,
      liveSchema: LiveFlowSchema,
      dependsOn: ['role'],
      ownedWhole: true,
      key: (flow) => flow.flowId,
      builtIn: (flow) => DEFAULT_FLOWS.includes(flow.flowId),
      builtInChangeable: 'all',
      references: (flow) => referencedRoles(flow.references).map((name) => ({ type: 'role', key: name })),
      files: {
        section: v.union([v.literal('all'), v.array(FlowIdSchema)], 'must be "all" or a list of flow ids'),
        expand: (selection: 'all' | string[], where) => readFlowFiles(selection, where),
        // a list deploys those flows; only `all` says there are no others
        exhaustive: (selection: 'all' | string[]) => selection === 'all',
        export: { fileOf: (flow: Flow) => path.join('flows', `${flow.flowId}.json`), directory: 'flows', check: exportIssues, command: 'tasks/export-flows.ts' },
      },
      list: (ctx, only) => loadFlows(ctx, only),
      load: (ctx, flowId) => flowApi(ctx.client).load(flowId),
      normalize: normalizeFlow,
      create: async (ctx, flow) => { await flowApi(ctx.client).import(flow) },
      update: async (ctx, flow) => { await flowApi(ctx.client).import(flow) },
      delete: async (ctx, { item: flow }) => { await flowApi(ctx.client).delete([flow.flowId]) },
    })],
  })
}
