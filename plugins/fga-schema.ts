// The project's authorization (FGA) schema: one document per project, written in Descope's FGA
// schema language, read and replaced, never created or deleted. The plan compares it by what it
// says (plugins/fga-dsl.ts), so layout is never drift, and asks the API's dry-run what saving the
// new schema would delete (adding what the two models show it drops, should the answer leave any
// out): types and relations go with every relation stored under them (which user may do what on
// which resource), so such a change is refused unless --prune says it is meant.
//
// Confirmed by node-sdk 2.13.0 (lib/management/fga.ts, paths.ts, types.ts FGASchema,
// FGASchemaDryRunResponse, FGARelation, CheckResponseRelation) and go-sdk mgmt/fga.go: GET
// /v1/mgmt/fga/schema answers `{dsl}` (go-sdk reads `schema.conditions` and `version` beside it);
// POST /v1/mgmt/fga/schema saves `{dsl}`; POST /v1/mgmt/fga/schema/dryrun takes `{dsl}`, saves
// nothing, and answers `{deletesPreview: {hasDeletes, relations?, types?}}`, relations as
// `type#relation` (go-sdk fga_test.go); descope-java FGALiveTest (run against the real API)
// shows that dropping a type reports deletes, an unchanged schema none, and that a dry run does
// not save. Relations: POST /v1/mgmt/fga/relations and /relations/delete take `{tuples}`, POST
// /v1/mgmt/fga/check answers `{tuples: [{allowed, tuple}]}` (descope-dotnet CheckResponseTuple),
// DELETE /v1/mgmt/fga/relations deletes them all, and fga.deleteSchema posts to
// /v1/mgmt/authz/schema/delete. terraform-provider-descope (authorization.go) keeps the schema
// text it was given because Descope may answer it reformatted: hence the comparison by meaning.
// ASSUMED: a project without a schema answers `{dsl: ""}` (or 404, or no dsl: all read as "none
// yet", and the dry run is asked all the same, so a misread cannot hide what a save drops); a dry run lists the relations of types that stay, the dropped types apart; saving
// deletes the relations stored under what it drops.
// Not managed: the relations themselves (data, not configuration), resource details, mappable
// schemas, and legacy ReBAC (`authz.*` namespaces and relation definitions). The schema is
// never cleared by this tool (an empty `dsl` is refused): delete it in the console.
import * as v from 'valibot'
import { unlessNotFound } from '../lib/client/client.ts'
import { dataRecord, plainLines } from '../lib/config/schemas.ts'
import { LiveDataError } from '../lib/errors.ts'
import { defineEmulator, defineHandler, definePlugin, type EmulatorRequest } from '../lib/plugin.ts'
import { fgaDeletes, fgaProblems, FgaSyntaxError, NAME, parseFga, renderFga, type FgaModel } from './fga-dsl.ts'
import { sortKeys } from '../lib/io/json-file.ts'

// every name kept: a type or relation may be called `constructor` or `__proto__` (v.record drops
// them); each a name, and each expression one line, so that a backup's model renders into the
// very statements it states, none smuggled in (the model as a whole must read back as itself)
const Name = v.pipe(v.string(), v.regex(NAME, 'is not a name (letters, digits, "_" and "-")'))
const Expression = v.pipe(v.string(), v.regex(/^[^\r\n]*$/, 'holds a line break'))
const record = <T extends v.GenericSchema>(value: T) => dataRecord(value, Name)
const FgaTypeSchema = v.strictObject({ relations: record(Expression), permissions: record(Expression) })
/** A schema as plans, drift and backups hold it: by name (see plugins/fga-dsl.ts). */
const FgaModelSchema = v.pipe(
  v.strictObject({ model: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_.]+$/, 'is not a version (1.0)')), conditions: record(Expression), types: record(FgaTypeSchema) }),
  v.check((model) => readsBackAsItself(model), 'does not read back as itself once written in the schema language (a comment, or a statement cut short, in an expression)'),
)

function readsBackAsItself(model: FgaModel): boolean {
  try {
    return JSON.stringify(sortKeys(parseFga(renderFga(model)))) === JSON.stringify(sortKeys(model))
  } catch (error) {
    if (error instanceof FgaSyntaxError) return false
    throw error
  }
}

/** The schema's text read as a model, or an issue naming the line and what to do. */
const dslOf = (problems: (model: FgaModel) => string[]) => v.rawTransform<string, FgaModel>(({ dataset, addIssue, NEVER }) => {
  try {
    const model = parseFga(dataset.value)
    const found = problems(model)
    if (!found.length) return model
    for (const problem of found) addIssue({ message: `${problem}: define it, or correct the name` })
  } catch (error) {
    if (!(error instanceof FgaSyntaxError)) throw error
    addIssue({ message: `${error.message}; the schema is Descope's FGA language, as the console's code view shows it` })
  }
  return NEVER
})

/** No line of the text holds an invisible or direction-changing character ("Trojan Source"): each named by its line. */
const LineText = v.pipe(v.string(), plainLines())
const readsAsWritten = v.rawCheck<string>(({ dataset, addIssue }) => {
  if (!dataset.typed) return
  dataset.value.split(/\r\n?|\n/).forEach((line, index) => {
    const checked = v.safeParse(LineText, line)
    if (!checked.success) addIssue({ message: `line ${index + 1}: ${checked.issues[0].message}` })
  })
})

/** What a file declares: the schema's text, best as a YAML block (`dsl: |`). */
export const FgaSchemaSchema = v.pipe(
  v.strictObject({ dsl: v.pipe(v.string(), v.minLength(1, 'is empty: write the schema, starting with "model AuthZ 1.0" (this tool does not clear a schema)'), readsAsWritten, dslOf(fgaProblems)) }),
  v.transform(({ dsl }) => dsl),
)
export type FgaSchema = FgaModel

/** The API's answer, or an item of a backup (already a model). */
const DslAnswer = v.looseObject({ dsl: v.string() })
const LiveFgaSchemaSchema = v.lazy((input) => (typeof input === 'object' && input !== null && !Object.hasOwn(input, 'model') ? DslAnswer : FgaModelSchema)) as v.GenericSchema<unknown, v.InferOutput<typeof DslAnswer> | FgaModel>
type LiveFgaSchema = v.InferOutput<typeof LiveFgaSchemaSchema>

// typed operations for scripts: ctx.ops('authorizationSchema')
declare module '../lib/contract.ts' {
  interface ResourceTypes { authorizationSchema: FgaSchema }
}

export function normalizeFgaSchema(live: LiveFgaSchema): FgaSchema {
  if (!('dsl' in live)) return live as FgaModel
  try {
    return parseFga(live.dsl)
  } catch (error) {
    if (!(error instanceof FgaSyntaxError)) throw error
    throw new LiveDataError(`the project's FGA schema, as the API answers it, is not one this plugin can read (${error.message}); nothing was changed`)
  }
}

/** An object, not a list (v.looseObject lets a list through) */
const answerObject = <T extends v.GenericSchema>(schema: T) => v.pipe(v.custom<unknown>((input) => !Array.isArray(input), 'is a list, not an object'), schema)
/** The dry run's answer: what is read of it is checked, like any live data. */
const DryRunSchema = answerObject(v.looseObject({
  deletesPreview: v.nullish(answerObject(v.looseObject({ hasDeletes: v.nullish(v.boolean()), relations: v.nullish(v.array(v.string())), types: v.nullish(v.array(v.string())) }))),
}))

const PROJECT = 'project'
const SCHEMA_PATH = '/v1/mgmt/fga/schema'

export default function fgaSchema() {
  return definePlugin({
    name: 'fga-schema',
    handlers: [defineHandler<FgaSchema, LiveFgaSchema>({
      type: 'authorizationSchema',
      section: 'authorizationSchema',
      schema: FgaSchemaSchema,
      liveSchema: LiveFgaSchemaSchema,
      singleton: 'project',
      key: () => PROJECT,
      list: async (ctx) => {
        const answer = await unlessNotFound(ctx.client.get<{ dsl?: unknown }>(SCHEMA_PATH))
        // no schema yet: nothing live, and the first sync sets it
        return answer === undefined || answer?.dsl === '' || answer?.dsl == null ? [] : [answer]
      },
      normalize: normalizeFgaSchema,
      // a file holds the schema's text; the canonical layout reads back as the same model
      asDeclared: (model) => ({ dsl: renderFga(model) }),
      update: async (ctx, schema) => { await ctx.client.post(SCHEMA_PATH, { dsl: renderFga(schema) }) },
      // Descope says what saving would delete; asked even when the read found no schema (an
      // answer of another shape may be read as none yet): its word then decides alone
      preview: async (ctx, schema, current) => {
        const answer = v.safeParse(DryRunSchema, await ctx.client.post(`${SCHEMA_PATH}/dryrun`, { dsl: renderFga(schema) }))
        if (!answer.success) throw new LiveDataError(`the FGA schema dry run answered in an unexpected shape (${v.getDotPath(answer.issues[0]) ?? 'the answer'}: ${answer.issues[0].message}); nothing was changed`)
        const preview = answer.output.deletesPreview
        // what the two models say is dropped counts too: an answer that leaves something out
        // (its fields omitted, a changed shape) never lets a delete through unrefused
        const known = current ? fgaDeletes(current.item, schema) : { types: [], relations: [] }
        const types = [...new Set([...(preview?.types ?? []), ...known.types])]
        // a dropped type takes its relations: each is named and counted, so the delete guard
        // weighs a drop in the same units as `of` (types and relations), not a type as one
        const live = current?.item.types ?? {}
        const underDropped = types.filter((type) => Object.hasOwn(live, type)).flatMap((type) => Object.keys(live[type]!.relations).sort().map((relation) => `${type}#${relation}`))
        const relations = [...new Set([...(preview?.relations ?? []), ...known.relations, ...underDropped])]
        const deletes = [...types.map((type) => `type ${type}`), ...relations.map((relation) => `relation ${relation}`)]
        // a dry run that says it deletes without saying what still deletes
        if (preview?.hasDeletes && !deletes.length) deletes.push('relations the dry run does not name')
        if (!deletes.length) return {}
        const notes = ['saving it deletes every relation stored under what it drops', ...(current ? [] : ['the schema read from Descope was empty, yet its dry run names these'])]
        if (!current) return { deletes, notes }
        const of = Object.keys(live).length + Object.values(live).reduce((sum, type) => sum + Object.keys(type.relations).length, 0)
        return { deletes, of, notes }
      },
    })],
    emulator: defineEmulator<State>({
      state: () => ({ dsl: '', version: '', relations: [] }),
      // a state file's text must read (every route reads it): else each call would answer 500
      schema: v.object({ dsl: v.pipe(v.string(), v.rawCheck(({ dataset, addIssue }) => { if (dataset.typed && dataset.value) syntaxProblem(dataset.value, addIssue) })), version: v.string(), relations: v.array(TupleSchema) }),
      routes: {
        'GET /v1/mgmt/fga/schema': { mutates: false, handle: ({ state }) => ({ dsl: state.dsl, ...(state.version ? { version: state.version } : {}) }) },
        'POST /v1/mgmt/fga/schema': {
          mutates: true,
          handle: (request) => {
            const { dsl, model } = schemaIn(request)
            const { types, relations } = fgaDeletes(modelOf(request.state), model)
            // what the new schema drops goes, with every relation stored under it
            request.state.relations = request.state.relations.filter((tuple) => !types.includes(tuple.resourceType) && !relations.includes(`${tuple.resourceType}#${tuple.relation}`)
              && !types.includes(tuple.targetType.split('#')[0]!) && Object.hasOwn(model.types, tuple.resourceType))
            request.state.dsl = dsl
            request.state.version = request.newId('V')
            return {}
          },
        },
        'POST /v1/mgmt/fga/schema/dryrun': {
          mutates: false,
          handle: (request) => {
            const { types, relations } = fgaDeletes(modelOf(request.state), schemaIn(request).model)
            return { deletesPreview: { hasDeletes: types.length + relations.length > 0, ...(relations.length ? { relations } : {}), ...(types.length ? { types } : {}) } }
          },
        },
        'POST /v1/mgmt/authz/schema/delete': { mutates: true, handle: ({ state }) => { Object.assign(state, { dsl: '', version: '', relations: [] }); return {} } },
        'POST /v1/mgmt/fga/relations': {
          mutates: true,
          handle: (request) => {
            const tuples = tuplesIn(request, true)
            for (const tuple of tuples) if (!request.state.relations.some((held) => sameTuple(held, tuple))) request.state.relations.push(tuple)
            return {}
          },
        },
        'POST /v1/mgmt/fga/relations/delete': {
          mutates: true,
          handle: (request) => {
            const tuples = tuplesIn(request, false)
            request.state.relations = request.state.relations.filter((held) => !tuples.some((tuple) => sameTuple(held, tuple)))
            return {}
          },
        },
        'DELETE /v1/mgmt/fga/relations': { mutates: true, handle: ({ state }) => { state.relations = []; return {} } },
        'POST /v1/mgmt/fga/check': {
          mutates: false,
          handle: (request) => {
            const model = modelOf(request.state)
            return { tuples: tuplesIn(request, false).map((tuple) => ({ allowed: allows(model, request.state.relations, tuple, 0), tuple })) }
          },
        },
      },
    }),
  })
}

// The emulator's part: the schema's text as it was sent (echoed by GET) and the relations.
const TupleSchema = v.strictObject({ resource: v.pipe(v.string(), v.minLength(1)), resourceType: v.pipe(v.string(), v.minLength(1)), relation: v.pipe(v.string(), v.minLength(1)), target: v.pipe(v.string(), v.minLength(1)), targetType: v.pipe(v.string(), v.minLength(1)) })
type Tuple = v.InferOutput<typeof TupleSchema>
type State = { dsl: string; version: string; relations: Tuple[] }

function syntaxProblem(dsl: string, addIssue: (issue: { message: string }) => void): void {
  try {
    parseFga(dsl)
  } catch (error) {
    if (!(error instanceof FgaSyntaxError)) throw error
    addIssue({ message: `${error.message}; set it to "" for no schema` })
  }
}
const modelOf = (state: State): FgaModel => (state.dsl ? parseFga(state.dsl) : { model: '1.0', conditions: {}, types: {} })
const sameTuple = (a: Tuple, b: Tuple) => a.resource === b.resource && a.resourceType === b.resourceType && a.relation === b.relation && a.target === b.target && a.targetType === b.targetType

/** The `{dsl}` of a save or a dry run, read and checked as Descope would: a 400 for garbage. */
function schemaIn(request: EmulatorRequest<State>): { dsl: string; model: FgaModel } {
  const { dsl } = request.parse(v.object({ dsl: v.pipe(v.string(), v.minLength(1, 'the schema is empty')) }), 'schema')
  return { dsl, model: request.parse(v.pipe(v.string(), dslOf(fgaProblems)), 'schema', dsl) }
}

/** The `{tuples}` of a relations request; to be created, each must fit the schema. */
function tuplesIn(request: EmulatorRequest<State>, creating: boolean): Tuple[] {
  const { tuples } = request.parse(v.object({ tuples: v.pipe(v.array(TupleSchema), v.minLength(1, 'no relations given')) }), 'relations')
  if (creating) {
    const { types } = modelOf(request.state)
    for (const tuple of tuples) {
      const type = Object.hasOwn(types, tuple.resourceType) ? types[tuple.resourceType]! : undefined
      if (!type) return request.fail(400, `invalid relation: type "${tuple.resourceType}" is not in the schema`)
      if (!Object.hasOwn(type.relations, tuple.relation)) return request.fail(400, `invalid relation: type "${tuple.resourceType}" has no relation "${tuple.relation}"`)
      if (!Object.hasOwn(types, tuple.targetType.split('#')[0]!)) return request.fail(400, `invalid relation: target type "${tuple.targetType}" is not in the schema`)
    }
  }
  return tuples
}

/**
 * Does the target hold the relation or permission on the resource: a stored relation, or a
 * permission's union (`a | b`) of them, or an arrow (`parent.owner`). Intersections, exclusions,
 * usersets and conditions are not evaluated (the emulator answers false for those).
 */
function allows(model: FgaModel, held: Tuple[], query: Tuple, depth: number): boolean {
  if (depth > 8 || !Object.hasOwn(model.types, query.resourceType)) return false
  if (held.some((tuple) => sameTuple(tuple, query))) return true
  const type = model.types[query.resourceType]!
  const expression = Object.hasOwn(type.permissions, query.relation) ? type.permissions[query.relation]! : undefined
  if (expression === undefined || /[&()]| - |\bwith\b/.test(expression)) return false
  return expression.split('|').map((part) => part.trim()).some((part) => {
    const [via, relation] = part.split('.')
    if (relation === undefined) return allows(model, held, { ...query, relation: via! }, depth + 1)
    return held.filter((tuple) => tuple.resource === query.resource && tuple.resourceType === query.resourceType && tuple.relation === via)
      .some((tuple) => allows(model, held, { ...query, resource: tuple.target, resourceType: tuple.targetType, relation }, depth + 1))
  })
}
