// The project's own name and tags: one per project, read and replaced, never created or deleted
// (section `project`; node-sdk lib/management/project.ts).
//
// Confirmed by node-sdk 892af50 (lib/management/project.ts, paths.ts) and go-sdk 1eb70cb
// (internal/mgmt/project.go, types.go Project): POST /v1/mgmt/project/update/name takes
// `{ name }`, POST /v1/mgmt/project/update/tags takes `{ tags }` and replaces them all ("Set will
// override all fields as is", node-sdk README); POST /v1/mgmt/projects/list answers
// `{ projects: [{ id, name, environment, tags }] }`. Reading is the catch: no SDK, the CLI nor TF
// reads one project's name or tags with the project's own management key. projects/list "with a
// company management key" (node-sdk README) is the only read, and the CLI (descopecli
// project/crud.go) expects it to fail with a project key. So, when the answer is a refusal:
// a plan of an environment that declares `project:` fails, saying to use a company key or to
// leave `project:` out (a blind write would make every plan a change and hide real drift); a
// backup, or drift --against, leaves the type out with a warning, so environments with project
// keys (the usual kind) keep working. TF: tags are 1..50 characters each, a set.
// ASSUMED: the refusal is a 4xx (its status and code are unpublished; any 4xx but 429 is taken
// as one); a name is at most 100 characters. Name and tags are environment-specific: never
// compared between two environments. Not managed: `environment` (set when a project is cloned;
// no endpoint changes it), and every project setting (snapshot endpoints only, paid plans).
import * as v from 'valibot'
import { ApiError, LiveDataError, UnreadableError } from '../lib/errors.ts'
import { displayName, kindOf, NAME_MAX, plainText } from '../lib/config/schemas.ts'
import { sortedUnique } from '../lib/engine/normalize.ts'
import { defineEmulator, defineHandler, definePlugin, type EmulatorRequest, type HandlerContext } from '../lib/plugin.ts'

const Tag = v.pipe(v.string(), v.minLength(1, 'must not be empty'), v.maxLength(50, 'must be at most 50 characters'), plainText())

export const ProjectSchema = v.strictObject({
  name: v.optional(displayName(NAME_MAX)),
  /** a set: order and repeats do not count */
  tags: v.optional(v.pipe(v.array(Tag), v.transform(sortedUnique))),
})
export type Project = v.InferOutput<typeof ProjectSchema>

export const LiveProjectSchema = v.looseObject({
  id: v.pipe(v.string(), v.minLength(1, 'is empty')),
  name: v.string(),
  environment: v.nullish(v.string()),
  tags: v.nullish(v.array(v.string())),
})
export type LiveProject = v.InferOutput<typeof LiveProjectSchema>

// typed operations for scripts: ctx.ops('project')
declare module '../lib/contract.ts' {
  interface ResourceTypes { project: Project }
}

export const normalizeProject = (live: LiveProject): Project => ({ name: live.name, tags: sortedUnique(live.tags ?? []) })

const LIST = '/v1/mgmt/projects/list'

/** Typed project operations for one-off scripts and the handler below. */
export function projectApi(ctx: Pick<HandlerContext, 'client' | 'projectId' | 'env'>) {
  const { client } = ctx
  return {
    /** this project as projects/list answers it, or an UnreadableError saying what to do */
    async load(): Promise<unknown> {
      const answer = await client.post<{ projects?: unknown }>(LIST, {}).catch((error: unknown) => {
        if (!(error instanceof ApiError) || error.status === undefined || error.status < 400 || error.status >= 500 || error.status === 429) throw error
        throw new UnreadableError(`the project's name and tags cannot be read with environment "${ctx.env}"'s management key: ${LIST} answered ${error.status}${error.errorCode ? ` ${error.errorCode}` : ''} (it answers a company management key only). ` +
          'Give the environment a company management key (Company → Management Keys in the console)', { cause: error, orLeaveOut: 'leave `project:` out of its file and set the name and tags in the console' })
      })
      // a malformed answer is live data to refuse, not a key that may not read (a backup would skip it)
      if (answer?.projects != null && !Array.isArray(answer.projects)) throw new LiveDataError(`${LIST} answered projects is not a list (it is ${kindOf(answer.projects)}); nothing was changed`)
      const projects = Array.isArray(answer?.projects) ? answer.projects : []
      const own = projects.find((project) => (project as { id?: unknown } | null)?.id === ctx.projectId)
      if (own === undefined) {
        throw new UnreadableError(`${LIST} does not list project ${ctx.projectId} of environment "${ctx.env}" (it lists ${projects.length}): the management key belongs to another company's projects, or the project id is wrong. ` +
          'Check the environment\'s projectId and key', { orLeaveOut: 'leave `project:` out of its file' })
      }
      return own
    },
    updateName: (name: string) => client.post('/v1/mgmt/project/update/name', { name }),
    updateTags: (tags: string[]) => client.post('/v1/mgmt/project/update/tags', { tags }),
  }
}

const PROJECT = 'project'

export default function project() {
  return definePlugin({
    name: 'project',
    handlers: [defineHandler<Project, LiveProject>({
      type: 'project',
      section: 'project',
      schema: ProjectSchema,
      liveSchema: LiveProjectSchema,
      singleton: 'project',
      key: () => PROJECT,
      serverOwned: ['id'],
      environmentSpecific: ['name', 'tags'],
      list: async (ctx) => [await projectApi(ctx).load()],
      normalize: normalizeProject,
      // two endpoints: only what differs is sent (a singleton is always live, so current is there)
      update: async (ctx, wanted, current) => {
        const api = projectApi(ctx)
        if (wanted.name !== undefined && wanted.name !== current?.item.name) await api.updateName(wanted.name)
        if (wanted.tags !== undefined && JSON.stringify(wanted.tags) !== JSON.stringify(current?.item.tags)) await api.updateTags(wanted.tags)
      },
    })],
    emulator: projectEmulator(),
  })
}

/**
 * The emulated project: its name and tags, and what kind of key the emulator's is. `company`
 * (the default) answers projects/list with this one project, as a company key of a company
 * with one project would; `project` refuses it, as the CLI expects Descope to (status assumed).
 */
type State = { name: string; tags: string[]; environment: string; keyKind: 'company' | 'project' }

const Name = v.object({ name: v.pipe(v.string(), v.minLength(1, 'is required')) })
const Tags = v.object({ tags: v.array(v.string()) })

function projectEmulator() {
  return defineEmulator<State>({
    state: () => ({ name: 'Emulated project', tags: [], environment: '', keyKind: 'company' }),
    schema: v.object({ name: v.string(), tags: v.array(v.string()), environment: v.string(), keyKind: v.picklist(['company', 'project']) }) as never,
    routes: {
      [`POST ${LIST}`]: {
        mutates: false,
        handle: (request) => {
          if (request.state.keyKind === 'project') return request.fail(400, 'listing projects needs a company management key')
          const { name, tags, environment } = request.state
          return { projects: [{ id: request.project.id, name, environment, tags }] }
        },
      },
      'POST /v1/mgmt/project/update/name': {
        mutates: true,
        handle: (request) => {
          request.state.name = request.parse(Name, 'request').name
          return {}
        },
      },
      'POST /v1/mgmt/project/update/tags': {
        mutates: true,
        handle: (request) => {
          request.state.tags = request.parse(Tags, 'request').tags
          return {}
        },
      },
    },
  })
}
