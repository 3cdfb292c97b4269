import * as v from 'valibot'
import { ReplyError } from '../errors.ts'
import { mutation, query, type RouteContext, type RouteTable } from '../route.ts'
import { objectWith, parseBody, PlainObject } from '../validate.ts'
import { fromV1, toV1 } from './flow-convert.ts'
import { findFlow, storeFlow } from './flow-store.ts'

// The v1 flow export/import node-sdk 2.13 calls (lib/management/flow.ts; Flow, Screen in types.ts).
// The flow is stored in the v2 shape either way; flow-convert.ts maps between the two.

const ExportBody = v.object({ flowId: v.string() })
// What "looks like a v1 flow": the fields the mapping reads must have their types.
const V1Flow = objectWith({
  id: v.nullish(v.string()),
  name: v.nullish(v.string()),
  description: v.nullish(v.string()),
  dsl: PlainObject,
  disabled: v.nullish(v.boolean()),
})
const V1Screen = objectWith({
  id: v.string(),
  htmlTemplate: v.nullish(PlainObject),
  interactions: v.nullish(v.array(v.unknown())),
})
const ImportBody = v.object({ flowId: v.nullish(v.string()), flow: V1Flow, screens: v.nullish(v.array(V1Screen)) })

function exportV1({ state, body }: RouteContext) {
  const { flowId } = parseBody(ExportBody, body, ['flowId'])
  return toV1(findFlow(state, flowId))
}

/**
 * node sends `{flowId, flow, screens?}`; flowId falls back to flow.id. Answers `{flow, screens}`
 * as stored (the NODE FlowResponse type). Omitted screens mean none: an import replaces the flow.
 */
function importV1({ state, body }: RouteContext) {
  const request = parseBody(ImportBody, body, ['flow'])
  const flowId = request.flowId || request.flow.id
  if (!flowId) throw new ReplyError('missingArguments', 'missing required field(s): flowId')
  const references = state.flows[flowId]?.references ?? {}
  const document = fromV1(flowId, request.flow, request.screens ?? [], references)
  return toV1(storeFlow(state, document))
}

export const flowV1Routes: RouteTable = {
  'POST /v1/mgmt/flow/export': query(exportV1),
  'POST /v1/mgmt/flow/import': mutation(importV1),
}
