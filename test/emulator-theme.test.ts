import * as assert from 'uvu/assert'
import { assertApiError } from './helpers/emulator-http.ts'
import { sample } from './helpers/emulator-samples.ts'
import { emulatorSuite } from './helpers/emulator-suite.ts'

// Real HTTP against the emulator: the project theme, v2 and v1 (node-sdk theme.ts, go-sdk
// mgmt/flow.go, OpenAPI), with the real export samples/theme-v2/basicstyle.json.

const Theme = emulatorSuite('theme')

const BASIC = 'theme-v2/basicstyle.json'

Theme('a project that never imported a theme exports an empty one, version 0', async ({ call }) => {
  const v2 = await call('POST', '/v2/mgmt/theme/export') // Go sends no body
  assert.is(v2.status, 200)
  assert.equal(v2.body, { theme: { styles: {}, componentsVersion: '', references: {}, version: 0 } })
  const v1 = await call('POST', '/v1/mgmt/theme/export', {})
  assert.equal(v1.body, { theme: { id: 'theme', cssTemplate: {}, version: 0, componentsVersion: '', codeMode: false } })
})

Theme('v2 import answers {}; v2 export serves the sample back plus version', async ({ call, emulator }) => {
  const imported = await call('POST', '/v2/mgmt/theme/import', { theme: sample(BASIC) })
  assert.is(imported.status, 200)
  assert.equal(imported.body, {})
  const exported = await call('POST', '/v2/mgmt/theme/export')
  assert.equal(exported.body, { theme: { ...sample(BASIC), version: 1 } })
  assert.is(emulator.state.theme?.componentsVersion, '2.0.291')

  // an unstripped export imports cleanly; version is the server's
  await call('POST', '/v2/mgmt/theme/import', { theme: { ...exported.body.theme, version: 42 } })
  assert.is((await call('POST', '/v2/mgmt/theme/export')).body.theme.version, 2)
})

Theme('v1 export maps styles → cssTemplate', async ({ call }) => {
  await call('POST', '/v2/mgmt/theme/import', { theme: sample(BASIC) })
  const v1 = await call('POST', '/v1/mgmt/theme/export', {})
  assert.is(v1.status, 200)
  assert.equal(v1.body, {
    theme: { id: 'theme', cssTemplate: sample(BASIC).styles, version: 1, componentsVersion: '2.0.291', codeMode: false },
  })
})

Theme('v1 import answers the v1 theme; keeps references and componentsVersion unless sent', async ({ call }) => {
  await call('POST', '/v2/mgmt/theme/import', { theme: { ...sample(BASIC), references: { fonts: { a: 'b' } } } })
  const styles = { light: { globals: { color: 'red' } } }
  const imported = await call('POST', '/v1/mgmt/theme/import', { theme: { id: 'whatever', cssTemplate: styles, codeMode: true } })
  assert.is(imported.status, 200)
  assert.equal(imported.body, { theme: { id: 'theme', cssTemplate: styles, version: 2, componentsVersion: '2.0.291', codeMode: false } })
  assert.equal((await call('POST', '/v2/mgmt/theme/export')).body.theme, {
    styles, componentsVersion: '2.0.291', references: { fonts: { a: 'b' } }, version: 2,
  })
  await call('POST', '/v1/mgmt/theme/import', { theme: { cssTemplate: {}, componentsVersion: '2.1.0' } })
  assert.is((await call('POST', '/v2/mgmt/theme/export')).body.theme.componentsVersion, '2.1.0')
})

Theme('v2 → v1 → v1 import → v2 round-trips the sample', async ({ call }) => {
  await call('POST', '/v2/mgmt/theme/import', { theme: sample(BASIC) })
  const v1 = (await call('POST', '/v1/mgmt/theme/export', {})).body
  await call('POST', '/v1/mgmt/theme/import', v1)
  assert.equal((await call('POST', '/v2/mgmt/theme/export')).body, { theme: { ...sample(BASIC), version: 2 } })
})

Theme('import errors change nothing', async ({ call, emulator }) => {
  const refuse = async (path: string, body: unknown, code: string, part: string) =>
    assertApiError(await call('POST', path, body), 400, code, part)
  await refuse('/v2/mgmt/theme/import', {}, 'E011002', 'theme')
  await refuse('/v2/mgmt/theme/import', { theme: [] }, 'E011003', 'theme')
  await refuse('/v2/mgmt/theme/import', { theme: { componentsVersion: '1' } }, 'E011003', 'theme.styles')
  await refuse('/v2/mgmt/theme/import', { theme: { styles: [] } }, 'E011003', 'theme.styles')
  await refuse('/v2/mgmt/theme/import', { theme: { styles: {}, references: 'x' } }, 'E011003', 'theme.references')
  await refuse('/v1/mgmt/theme/import', {}, 'E011002', 'theme')
  await refuse('/v1/mgmt/theme/import', { theme: { id: 'x' } }, 'E011003', 'theme.cssTemplate')
  await refuse('/v1/mgmt/theme/import', { theme: { cssTemplate: 'css' } }, 'E011003', 'theme.cssTemplate')
  assert.is(emulator.state.theme, null)
})

Theme.run()
