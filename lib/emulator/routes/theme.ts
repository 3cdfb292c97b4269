import * as v from 'valibot'
import { mutation, query, type RouteContext, type RouteTable } from '../route.ts'
import type { EmulatorState, StoredTheme } from '../state.ts'
import { parseBody, PlainObject } from '../validate.ts'

// The project's one theme (node-sdk lib/management/theme.ts; go-sdk internal/mgmt/flow.go; OpenAPI
// ExportedTheme, Theme): v2 for go-sdk and the CLI, v1 for node. Stored in the v2 shape plus the
// server-managed `version` (+1 per import, v1 or v2).

/**
 * The v1 theme id. One theme per project, so the emulator serves a constant; the real id's format
 * is UNCONFIRMED.
 */
export const THEME_ID = 'theme'

const V2Import = v.object({
  theme: v.object({
    styles: PlainObject,
    componentsVersion: v.nullish(v.string()),
    references: v.nullish(PlainObject),
  }),
})
// node's Theme type is {id, cssTemplate?}; a theme without its template says nothing, so
// cssTemplate is required here. id, version and codeMode are accepted and ignored.
const V1Import = v.object({
  theme: v.object({ cssTemplate: PlainObject, componentsVersion: v.nullish(v.string()) }),
})

/** What a project that never imported a theme exports: empty styles, version 0. */
function currentTheme(state: EmulatorState): StoredTheme {
  return state.theme ?? { styles: {}, componentsVersion: '', references: {}, version: 0 }
}

function store(state: EmulatorState, theme: Omit<StoredTheme, 'version'>): StoredTheme {
  state.theme = { ...theme, version: currentTheme(state).version + 1 }
  return state.theme
}

/** v2 serves `version` next to the content, where the toolkit strips it. */
function exportV2({ state }: RouteContext) {
  return { theme: currentTheme(state) }
}

function importV2({ state, body }: RouteContext) {
  const { theme } = parseBody(V2Import, body, ['theme'])
  store(state, {
    styles: theme.styles,
    componentsVersion: theme.componentsVersion ?? '',
    references: theme.references ?? {},
  })
  return {}
}

/**
 * cssTemplate ↔ styles. codeMode (a console editor preference, GUESSED) has no v2 counterpart,
 * so it is always served false.
 */
function serveV1(theme: StoredTheme) {
  return {
    theme: {
      id: THEME_ID,
      cssTemplate: theme.styles,
      version: theme.version,
      componentsVersion: theme.componentsVersion,
      codeMode: false,
    },
  }
}

function exportV1({ state }: RouteContext) {
  return serveV1(currentTheme(state))
}

/** v1 carries no references: the previous ones are kept. componentsVersion too, unless sent. */
function importV1({ state, body }: RouteContext) {
  const { theme } = parseBody(V1Import, body, ['theme'])
  const previous = currentTheme(state)
  return serveV1(
    store(state, {
      styles: theme.cssTemplate,
      componentsVersion: theme.componentsVersion ?? previous.componentsVersion,
      references: previous.references,
    }),
  )
}

export const themeRoutes: RouteTable = {
  'POST /v2/mgmt/theme/export': query(exportV2),
  'POST /v2/mgmt/theme/import': mutation(importV2),
  'POST /v1/mgmt/theme/export': query(exportV1),
  'POST /v1/mgmt/theme/import': mutation(importV1),
}
