import * as v from 'valibot'
import { ReplyError } from '../errors.ts'
import { mutation, query, type RouteContext, type RouteTable } from '../route.ts'
import { parseBody, StringList } from '../validate.ts'
import { allFlows, findFlow, FlowV2Schema, localizeReferences, serveFlowV2, storeFlow } from './flow-store.ts'

// Flows (node-sdk lib/management/flow.ts; go-sdk internal/mgmt/flow.go): list and delete (v1
// paths, the only ones), export and import in the v2 shape (OpenAPI ExportedFlow) that go-sdk
// and the CLI use. The v1 export/import node uses: flows-v1.ts.

const ListBody = v.object({ ids: v.nullish(StringList) })
const DeleteBody = v.object({ ids: StringList })
const ExportBody = v.object({ flowId: v.string() })
// skipRender and changelog (OAS) are accepted and ignored: the emulator renders nothing.
const ImportBody = v.object({ flowId: v.nullish(v.string()), flow: FlowV2Schema })

/** Go sends no body, node `{}`; `ids` filters, and an empty list is no filter (DOCS). */
function list({ state, body }: RouteContext) {
  const { ids } = parseBody(ListBody, body)
  const flows = allFlows(state)
    .filter((flow) => !ids || ids.length === 0 || ids.includes(flow.flowId))
    .map((flow) => ({
      id: flow.flowId,
      name: typeof flow.metadata.name === 'string' ? flow.metadata.name : '',
      description: typeof flow.metadata.description === 'string' ? flow.metadata.description : '',
      disabled: flow.metadata.disabled === true,
    }))
  // ASSUMED: total counts the flows answered (after the ids filter), as there is no paging (OpenAPI
  // SearchFlowsRequest: ids only).
  return { flows, total: flows.length }
}

/** ASSUMED: an unknown id fails the whole request with a 404 and deletes nothing. */
function remove({ state, body }: RouteContext) {
  const { ids } = parseBody(DeleteBody, body, ['ids'])
  for (const id of ids) findFlow(state, id)
  for (const id of ids) delete state.flows[id]
  return {}
}

function exportV2({ state, body }: RouteContext) {
  const { flowId } = parseBody(ExportBody, body, ['flowId'])
  return { flow: serveFlowV2(findFlow(state, flowId)) }
}

/**
 * The id is the flow's own `flowId` (Go writes it there) or a top-level `flowId`; when both are
 * sent they must agree. A missing id is E011002 like every other missing field.
 */
function importV2({ state, body }: RouteContext) {
  const request = parseBody(ImportBody, body, ['flow'])
  const inner = request.flow.flowId
  const outer = request.flowId
  if (inner && outer && inner !== outer) {
    throw new ReplyError('invalid', `flow.flowId "${inner}" and flowId "${outer}" disagree`)
  }
  const flowId = inner || outer
  if (!flowId) throw new ReplyError('missingArguments', 'missing required field(s): flow.flowId')
  const references = localizeReferences(state, flowId, request.flow.references ?? {})
  storeFlow(state, { ...request.flow, flowId, references })
  return {}
}

export const flowRoutes: RouteTable = {
  'POST /v1/mgmt/flow/list': query(list),
  'POST /v1/mgmt/flow/delete': mutation(remove),
  'POST /v2/mgmt/flow/export': query(exportV2),
  'POST /v2/mgmt/flow/import': mutation(importV2),
}
