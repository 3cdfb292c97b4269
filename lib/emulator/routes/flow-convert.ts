import type { JsonObject, StoredFlow } from '../state.ts'
import type { FlowDocument } from './flow-store.ts'

// v1 ↔ v2 flow shapes (node-sdk Flow, Screen; OpenAPI ExportedFlow), following the mapping the
// public descopecli `flow/convert.go` applies to a console export (v1) → an exported flow (v2):
//   flow.id ↔ flowId                      flow.dsl ↔ contents
//   flow.name/description/disabled/fingerprint/widget/sharedInteractions ↔ metadata.<same>
//   flow.translate/translateConnectorID/translateSourceLang/translateTargetLangs ↔ metadata.translation
//   screen.id ↔ screenId   screen.htmlTemplate ↔ screen contents   screen.interactions ↔ interactions
//   screen.componentsVersion → metadata.componentsVersion (the last non-empty one, as convert.go does)
// Beyond convert.go (GUESSES, so that v2 → v1 → v2 loses nothing meaningful):
// - metadata keys v1 has no field for (componentsVersion, management, managementConfig, …) ride
//   along as extra keys of the v1 flow, and extra v1 flow keys come back into metadata;
//   metadata.componentsVersion is taken from that extra key first, then from the screens;
// - extra screen keys pass through both ways; `interactions` is emitted only when the v2 screen
//   has it (real exports sometimes omit it);
// - v1 `inputs` are dropped and served as []: v2 has no place for them (convert.go drops them
//   too); presumably the server derives them from the screen's template;
// - v1 carries no references: a v1 import keeps the flow's previous references (none if new).
// v1 → v2 leaves the mapped fields' zero values out of metadata, like convert.go's omitempty.

const V1_FLOW_KEYS = [
  'id', 'name', 'description', 'dsl', 'disabled', 'etag', 'version', 'modifiedTime', 'translate',
  'translateConnectorID', 'translateSourceLang', 'translateTargetLangs', 'fingerprint', 'widget',
  'sharedInteractions',
]
const V2_MAPPED_METADATA = ['name', 'description', 'disabled', 'fingerprint', 'widget', 'translation', 'sharedInteractions']

const text = (value: unknown) => (typeof value === 'string' ? value : '')
const flag = (value: unknown) => value === true
const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
const isEmpty = (value: unknown) =>
  value === undefined || value === null || value === '' || value === false ||
  (Array.isArray(value) && value.length === 0)

function pick(object: JsonObject, keys: readonly string[]): [JsonObject, JsonObject] {
  const picked: JsonObject = {}
  const rest: JsonObject = {}
  for (const [key, value] of Object.entries(object)) (keys.includes(key) ? picked : rest)[key] = value
  return [picked, rest]
}

/** The v1 export body `{flow, screens}` of a stored flow. */
export function toV1(flow: StoredFlow): { flow: JsonObject; screens: JsonObject[] } {
  const [mapped, extra] = pick(flow.metadata, V2_MAPPED_METADATA)
  const translation = isObject(mapped.translation) ? mapped.translation : undefined
  const v1Flow: JsonObject = {
    id: flow.flowId,
    name: text(mapped.name),
    description: text(mapped.description),
    dsl: flow.contents,
    disabled: flag(mapped.disabled),
    etag: flow.etag,
    version: flow.version,
    modifiedTime: flow.modifiedTime,
    translate: flag(translation?.enabled),
    ...(translation && {
      translateConnectorID: text(translation.connectorId),
      translateSourceLang: text(translation.sourceLanguage),
      translateTargetLangs: Array.isArray(translation.targetLanguages) ? translation.targetLanguages : [],
    }),
    fingerprint: flag(mapped.fingerprint),
    widget: flag(mapped.widget),
    ...(mapped.sharedInteractions !== undefined && { sharedInteractions: mapped.sharedInteractions }),
    ...pick(extra, V1_FLOW_KEYS)[1], // a metadata key named like a v1 field cannot override it
  }
  const componentsVersion = text(flow.metadata.componentsVersion)
  const screens = flow.screens.map(({ screenId, interactions, contents, ...rest }) => ({
    ...rest,
    id: screenId,
    flowId: flow.flowId,
    inputs: [],
    ...(interactions !== undefined && { interactions }),
    htmlTemplate: contents ?? {},
    version: flow.version,
    componentsVersion,
  }))
  return { flow: v1Flow, screens }
}

/** A v1 import `{flow, screens}` as a v2 document; `references` come from the previous version. */
export function fromV1(
  flowId: string,
  v1Flow: JsonObject & { dsl: JsonObject },
  v1Screens: JsonObject[],
  references: JsonObject,
): FlowDocument {
  const [mapped, extra] = pick(v1Flow, V1_FLOW_KEYS)
  const screenVersions = v1Screens.map((screen) => text(screen.componentsVersion)).filter(Boolean)
  const translation = {
    enabled: mapped.translate,
    connectorId: mapped.translateConnectorID,
    sourceLanguage: mapped.translateSourceLang,
    targetLanguages: mapped.translateTargetLangs,
  }
  // extra keys are kept as sent; the mapped fields drop their zero values
  const metadata: JsonObject = {
    ...extra,
    ...withoutEmpty({
      name: mapped.name,
      description: mapped.description,
      componentsVersion: extra.componentsVersion ?? screenVersions.at(-1),
      disabled: mapped.disabled,
      fingerprint: mapped.fingerprint,
      widget: mapped.widget,
      translation: Object.values(translation).every(isEmpty) ? undefined : withoutEmpty(translation),
      sharedInteractions: mapped.sharedInteractions,
    }),
  }
  const screens = v1Screens.map((screen) => {
    const { id, flowId: _flowId, inputs: _inputs, interactions, htmlTemplate, version: _version, componentsVersion: _cv, ...rest } = screen
    return { ...rest, screenId: text(id), ...(interactions !== undefined && { interactions }), contents: htmlTemplate ?? {} }
  })
  return { flowId, metadata, contents: v1Flow.dsl, screens, references }
}

function withoutEmpty(object: JsonObject): JsonObject {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => !isEmpty(value)))
}
