// The project's theme, deployed from `<exportDir>/theme.json` (Descope's v2 export format, as
// tasks/export-flows.ts writes it) when an environment says `theme: true`. A project always has
// exactly one theme, so it is only ever updated, never created or deleted. Paths and fields:
// go-sdk descope/api/client.go and descope/internal/mgmt/flow.go (v2 theme export/import) and
// the OpenAPI document (ImportThemeRequest, ExportedTheme).
import fs from 'node:fs'
import path from 'node:path'
import * as v from 'valibot'
import type { ApiClient } from '../lib/client/client.ts'
import { ConfigError, displayPath } from '../lib/errors.ts'
import { portableReferences, referencedRoles, withoutServerFields } from './descope-export.ts'
import { defineHandler, definePlugin } from '../lib/plugin.ts'
import { jsonObject } from '../lib/config/schemas.ts'

export const THEME_KEY = 'theme'

export const ThemeSchema = v.pipe(
  v.looseObject({
    styles: jsonObject,
    componentsVersion: v.optional(v.string()),
    references: v.optional(jsonObject),
  }),
  v.transform((theme) => normalizeTheme(theme)),
)
export type Theme = { styles: Record<string, unknown>; componentsVersion?: string; references?: Record<string, unknown> }

// typed operations for scripts: ctx.ops('theme')
declare module '../lib/contract.ts' {
  interface ResourceTypes { theme: Theme }
}

export function normalizeTheme(theme: Record<string, unknown>): Theme {
  const { references, ...rest } = withoutServerFields(theme)
  const portable = portableReferences(references)
  return { ...rest, ...(portable ? { references: portable } : {}) } as Theme
}

export const themeFile = (dir: string) => path.join(dir, 'theme.json')

/** The theme as the v2 export returns it: what normalizeTheme relies on is checked. */
export const LiveThemeSchema = v.looseObject({
  styles: v.nullish(jsonObject),
  componentsVersion: v.nullish(v.string()),
  references: v.nullish(jsonObject),
})

/** Typed theme operations (v2 export/import) for scripts and the handler below. */
export function themeApi(client: ApiClient) {
  return {
    /** the theme as the API exports it */
    export: async () => (await client.post<{ theme?: unknown }>('/v2/mgmt/theme/export')).theme,
    import: (theme: Theme) => client.post('/v2/mgmt/theme/import', { theme }),
  }
}

export default function theme() {
  return definePlugin({
    name: 'theme',
    handlers: [defineHandler<Theme, v.InferOutput<typeof LiveThemeSchema>>({
      type: 'theme',
      section: 'theme',
      schema: ThemeSchema,
      liveSchema: LiveThemeSchema,
      dependsOn: ['role'],
      ownedWhole: true,
      // a project has exactly one theme: it is replaced, never created or deleted
      singleton: 'project',
      key: () => THEME_KEY,
      references: (item) => referencedRoles(item.references).map((name) => ({ type: 'role', key: name })),
      files: {
        section: v.boolean('must be true (deploy theme.json) or false (do not manage the theme)'),
        expand: (_on: boolean, { dir, readJson }) => {
          const file = themeFile(dir)
          if (!fs.existsSync(file)) {
            throw new ConfigError('THEME_FILE', [{ file: displayPath(file), path: '', message: 'does not exist, so "theme: true" has nothing to deploy', fix: 'run tasks/export-flows.ts first' }])
          }
          return [{ item: readJson(file), file }]
        },
        export: { fileOf: () => 'theme.json', command: 'tasks/export-flows.ts' },
      },
      list: async (ctx) => [await themeApi(ctx.client).export()],
      normalize: (theme) => normalizeTheme(theme),
      update: async (ctx, item) => { await themeApi(ctx.client).import(item) },
    })],
  })
}
