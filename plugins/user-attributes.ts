// User custom attribute definitions: the attributes every user of the project may hold (console:
// Users → Custom Attributes). Keyed by the machine name; section `userAttributes`. Not to be
// confused with `tenantAttributes` (plugins/tenant-attributes.ts), the tenant attribute
// definitions, which no API reads or writes: those are only stated, to check tenants' values.
//
// Confirmed by node-sdk 892af50 (lib/management/user.ts getCustomAttributes/createCustomAttributes/
// deleteCustomAttributes, lib/management/types.ts CustomAttribute) and go-sdk 1eb70cb
// (internal/mgmt/user.go, types.go CustomAttribute): GET /v1/mgmt/user/customattributes answers
// `{ data: [...] }` (go-sdk's test adds `total`); POST /v1/mgmt/user/customattribute/create takes
// `{ attributes: [...] }` and .../delete takes `{ names: [...] }`, both answering `{ data }`; a
// definition is name, type (a number), options [{ value, label }], displayName, defaultValue,
// viewPermissions and editPermissions. The Java SDK's test against the real API
// (UserCustomAttributesServiceImplTest) creates a 20-character name, creates it a second time
// without error, and reads the whole list back (`total`, and the deleted one gone) from create
// and delete; its client refuses types outside 1..6, options on a type other than 4 and 5, and
// a select type without options. The type codes: go-sdk types.go (SSOApplicationCustomAttribute,
// "match the other entity custom attributes"): 1 text, 2 number, 3 boolean, 4 singleSelect,
// 5 multiSelect, 6 date, 7 monthDay; the names as files spell them are TF's
// (attributes/shared.go: string, number, boolean, singleselect, multiselect, date) plus monthday.
//
// There is NO update: a changed definition could only be deleted and created again, which drops
// every user's value of it. So a change is refused by the plan (noUpdateFix), never carried out.
// ASSUMED: permissions are named as the permission type names them (TF's widget_authorization
// sets); a second create of a live name changes nothing (the Java test shows it succeeds, not
// what it does), so the plugin never sends one; the machine name's rule is TF's (1..20 of
// A-Za-z0-9_-). Not managed: users' values (users are not managed), tenant attribute definitions.
import * as v from 'valibot'
import { displayText, name as permissionName, NAME_MAX, setOwn } from '../lib/config/schemas.ts'
import { sortedUnique } from '../lib/engine/normalize.ts'
import { defineEmulator, defineHandler, definePlugin, type EmulatorRequest, type HandlerContext } from '../lib/plugin.ts'
import { DisplayName, isSelect, MachineName, optionsMatchType, valueProblem } from './tenant-attributes.ts'

/** The types by the names files use, and the numbers the API sends (see the header). */
export const USER_ATTRIBUTE_TYPES = { string: 1, number: 2, boolean: 3, singleselect: 4, multiselect: 5, date: 6, monthday: 7 } as const
export type UserAttributeType = keyof typeof USER_ATTRIBUTE_TYPES
const TYPE_NAMES = Object.keys(USER_ATTRIBUTE_TYPES) as UserAttributeType[]
const nameOfCode = (code: number) => TYPE_NAMES.find((name) => USER_ATTRIBUTE_TYPES[name] === code)

const OptionText = v.pipe(v.string(), v.minLength(1, 'must not be empty'), v.maxLength(100, 'must be at most 100 characters'), displayText())
/** `gold`, or `{ value: gold, label: Gold }` where what users see differs from what is stored */
const Option = v.union([OptionText, v.strictObject({ value: OptionText, label: OptionText })], 'must be text, or { value, label }')
type Option = v.InferOutput<typeof Option>
const valueOf = (option: Option) => (typeof option === 'string' ? option : option.value)
const Permissions = v.pipe(v.array(permissionName(NAME_MAX)), v.transform(sortedUnique))

export const UserAttributeSchema = v.pipe(
  v.strictObject({
    /** the console's "Machine Name": a user's customAttributes key */
    name: MachineName,
    /** the console's "Display Name" */
    displayName: v.optional(DisplayName),
    type: v.picklist(TYPE_NAMES, `must be one of ${TYPE_NAMES.join(', ')}`),
    /** the choices of a singleselect or multiselect attribute, in the order users see them */
    options: v.optional(v.pipe(v.array(Option), v.minLength(1, 'must list at least one option'))),
    /** the value a user has until one is set */
    defaultValue: v.optional(v.unknown()),
    /** the permissions a user needs to see, or to edit, this attribute in the user management widget */
    viewPermissions: v.optional(Permissions),
    editPermissions: v.optional(Permissions),
  }),
  optionsMatchType(),
  v.check((attribute) => new Set((attribute.options ?? []).map(valueOf)).size === (attribute.options ?? []).length, 'options: an option is listed twice'),
  v.rawCheck(({ dataset, addIssue }) => {
    if (!dataset.typed || dataset.value.defaultValue === undefined) return
    const { type, options, defaultValue } = dataset.value
    // monthday's form is not published: its default is passed as it is, if JSON can carry it
    const problem = defaultValue === null ? 'is null; leave it out for no default'
      : type === 'monthday' ? (typeof defaultValue === 'number' && !Number.isFinite(defaultValue) ? 'must be text or a finite number' : undefined)
        : valueProblem({ id: dataset.value.name, type, options: options?.map(valueOf) }, defaultValue)
    if (problem) addIssue({ message: `${problem} (it is a ${type} attribute)`, path: [{ type: 'object', origin: 'value', input: dataset.value, key: 'defaultValue', value: defaultValue }] })
  }),
)
export type UserAttribute = v.InferOutput<typeof UserAttributeSchema>

/** an option as the API answers it, or as a backup holds it (normalized: text where label and value agree) */
const LiveOption = v.union([v.string(), v.looseObject({ value: v.nullish(v.string()), label: v.nullish(v.string()) })])
const KNOWN_CODES = TYPE_NAMES.map((name) => `${USER_ATTRIBUTE_TYPES[name]} ${name}`).join(', ')
/** The API's definition; a backup's (normalized) passes too, its type by name and options as text. */
export const LiveUserAttributeSchema = v.looseObject({
  name: v.pipe(v.string(), v.minLength(1, 'is empty')),
  type: v.union([
    v.pipe(v.number(), v.check((code) => nameOfCode(code) !== undefined, (issue) => `is ${String(issue.input)}, not a type code this plugin knows (${KNOWN_CODES})`)),
    v.picklist(TYPE_NAMES),
  ], (issue) => `is ${JSON.stringify(issue.input)}, not a type this plugin knows (${KNOWN_CODES})`),
  displayName: v.nullish(v.string()),
  options: v.nullish(v.array(LiveOption)),
  defaultValue: v.optional(v.unknown()),
  viewPermissions: v.nullish(v.array(v.string())),
  editPermissions: v.nullish(v.array(v.string())),
})
export type LiveUserAttribute = v.InferOutput<typeof LiveUserAttributeSchema>

// typed operations for scripts: ctx.ops('userAttribute')
declare module '../lib/contract.ts' {
  interface ResourceTypes { userAttribute: UserAttribute }
}

export function normalizeUserAttribute(live: LiveUserAttribute): UserAttribute {
  const type = typeof live.type === 'number' ? nameOfCode(live.type)! : live.type
  const options = (live.options ?? []).map((option) => {
    if (typeof option === 'string') return option
    const { value, label } = option
    return !label || label === value ? value ?? '' : { value: value ?? '', label }
  })
  return {
    name: live.name,
    displayName: live.displayName ?? '',
    type,
    ...(isSelect(type) || options.length ? { options } : {}),
    ...(live.defaultValue === undefined || live.defaultValue === null ? {} : { defaultValue: live.defaultValue }),
    viewPermissions: sortedUnique(live.viewPermissions ?? []),
    editPermissions: sortedUnique(live.editPermissions ?? []),
  }
}

/** The definition as the API takes it: the type as its number, each option as { value, label }. */
export function toWire(attribute: UserAttribute): Record<string, unknown> {
  const { type, options, ...rest } = attribute
  return {
    type: USER_ATTRIBUTE_TYPES[type],
    ...(options ? { options: options.map((option) => (typeof option === 'string' ? { value: option, label: option } : option)) } : {}),
    ...rest,
  }
}

/** Typed user attribute operations for one-off scripts and the handler below. */
export function userAttributeApi(ctx: Pick<HandlerContext, 'client'>) {
  const { client } = ctx
  return {
    list: async () => (await client.get<{ data?: unknown[] }>('/v1/mgmt/user/customattributes')).data ?? [],
    create: (attributes: UserAttribute[]) => client.post('/v1/mgmt/user/customattribute/create', { attributes: attributes.map(toWire) }),
    delete: (names: string[]) => client.post('/v1/mgmt/user/customattribute/delete', { names }),
  }
}

const NO_UPDATE_FIX = 'Descope has no update for a user attribute: change it in the console (Users → Custom Attributes) and then in the file, or set the file back to live. ' +
  'Re-creating it drops every user\'s value of it; if that is meant, remove it from the file, apply with --prune, then add it back and apply again'

export default function userAttributes() {
  return definePlugin({
    name: 'user-attributes',
    handlers: [defineHandler<UserAttribute, LiveUserAttribute>({
      type: 'userAttribute',
      section: 'userAttributes',
      schema: UserAttributeSchema,
      liveSchema: LiveUserAttributeSchema,
      dependsOn: ['permission'],
      references: (attribute) => sortedUnique([...(attribute.viewPermissions ?? []), ...(attribute.editPermissions ?? [])]).map((key) => ({ type: 'permission', key })),
      key: (attribute) => attribute.name,
      list: (ctx) => userAttributeApi(ctx).list(),
      normalize: normalizeUserAttribute,
      noUpdateFix: NO_UPDATE_FIX,
      create: async (ctx, attribute) => { await userAttributeApi(ctx).create([attribute]) },
      createBatch: async (ctx, attributes) => { await userAttributeApi(ctx).create(attributes) },
      delete: async (ctx, current) => { await userAttributeApi(ctx).delete([current.item.name]) },
    })],
    emulator: userAttributeEmulator(),
  })
}

type Stored = Record<string, unknown> & { name: string; type: number }
type State = { attributes: Record<string, Stored> }

/** One definition of a create request, as the Java SDK's client checks it (and as the server likely does). */
const WireAttribute = v.pipe(
  v.object({
    name: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{1,20}$/, 'must be 1 to 20 letters, digits, _ or -')),
    type: v.pipe(v.number(), v.integer(), v.minValue(1, 'is not a type'), v.maxValue(7, 'is not a type')),
    displayName: v.nullish(v.string()),
    options: v.nullish(v.array(v.object({ value: v.string(), label: v.nullish(v.string()) }))),
    defaultValue: v.optional(v.unknown()),
    viewPermissions: v.nullish(v.array(v.string())),
    editPermissions: v.nullish(v.array(v.string())),
  }),
  v.check((attribute) => (attribute.type === 4 || attribute.type === 5) === Boolean(attribute.options?.length), 'options: only a select type (4, 5) has options, and it must have some'),
)
const CreateRequest = v.object({ attributes: v.pipe(v.array(WireAttribute), v.minLength(1, 'is empty')) })
const DeleteRequest = v.object({ names: v.pipe(v.array(v.string()), v.minLength(1, 'is empty')) })

const answer = (request: EmulatorRequest<State>) => {
  const data = Object.values(request.state.attributes)
  return { data, total: data.length }
}

function userAttributeEmulator() {
  return defineEmulator<State>({
    state: () => ({ attributes: {} }),
    schema: v.object({ attributes: v.record(v.string(), v.looseObject({ name: v.string(), type: v.number() })) }) as never,
    routes: {
      'GET /v1/mgmt/user/customattributes': { mutates: false, handle: answer },
      'POST /v1/mgmt/user/customattribute/create': {
        mutates: true,
        handle: (request) => {
          const { attributes } = request.parse(CreateRequest, 'request')
          if (new Set(attributes.map((attribute) => attribute.name)).size !== attributes.length) return request.fail(400, 'invalid request: attributes: a name is given twice')
          // ASSUMED: creating a name that exists succeeds and leaves it as it is (the Java SDK's test)
          for (const attribute of attributes) {
            if (!Object.hasOwn(request.state.attributes, attribute.name)) setOwn(request.state.attributes, attribute.name, attribute as Stored)
          }
          return answer(request)
        },
      },
      'POST /v1/mgmt/user/customattribute/delete': {
        mutates: true,
        handle: (request) => {
          const { names } = request.parse(DeleteRequest, 'request')
          const missing = names.find((name) => !Object.hasOwn(request.state.attributes, name))
          if (missing !== undefined) return request.fail(404, `user custom attribute "${missing}" does not exist`)
          for (const name of names) delete request.state.attributes[name]
          return answer(request)
        },
      },
    },
  })
}
