// The portable export format: what is dropped, what is kept, and that it is stable.
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { portableReferences, withoutEmpty } from '../plugins/descope-export.ts'
import { normalizeFlow } from '../plugins/flows.ts'

test('reference ids are blanked, names kept, also when already blank', () => {
  const live = { roles: { Editor: 'ROL123', Admin: 'ROL456' }, connectors: {}, oauth: [], userAttributes: ['plan'] }
  const portable = portableReferences(live)
  assert.equal(portable, { roles: { Admin: '', Editor: '' }, userAttributes: ['plan'] })
  assert.equal(portableReferences(portable), portable, 'normalizing twice changes nothing')
  assert.is(portableReferences({ roles: {} }), undefined)
})

test('empty values go at every depth; array positions stay', () => {
  assert.equal(withoutEmpty({ a: '', b: false, c: null, d: [], e: {}, f: { g: '' }, h: [1, '', { i: '' }], j: 0 }), { h: [1, '', {}], j: 0 })
})

test('a flow loses server-managed fields and empty metadata, and is stable under normalization', () => {
  const live = {
    flowId: 'f',
    version: 3,
    metadata: { name: 'F', description: '', disabled: false, etag: 'x', modifiedTime: '1', version: 3, translation: { enabled: false } },
    contents: { startTask: '0' },
    screens: [{ screenId: 's', interactions: [{ id: 'i', label: '', icon: '' }], contents: { a: '' } }],
    references: { roles: { Editor: 'ROL1' } },
  }
  const flow = normalizeFlow(live)
  assert.equal(flow, {
    flowId: 'f',
    metadata: { name: 'F' },
    contents: { startTask: '0' },
    screens: [{ screenId: 's', interactions: [{ id: 'i' }], contents: { a: '' } }],
    references: { roles: { Editor: '' } },
  })
  assert.equal(normalizeFlow(flow as never), flow)
})

test.run()
