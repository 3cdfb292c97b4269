// The preview() hook of the plugin contract (lib/contract.ts), on its own: what it resolves to is
// what the engine counts against --prune and the delete guard, so an answer of another shape is
// the plugin's error, naming it, and never a TypeError or a miscount further on.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import * as v from 'valibot'
import { PluginError } from '../lib/errors.ts'
import { guardHandler } from '../lib/engine/plugin-guard.ts'
import { defineHandler, definePlugin, type HandlerContext, type Preview } from '../lib/plugin.ts'

type Item = { name: string }
const test = suite('the preview() hook')

function widgets(said: unknown) {
  const handler = defineHandler<Item, Item>({
    type: 'widget',
    section: 'widgets',
    schema: v.strictObject({ name: v.string() }),
    liveSchema: v.looseObject({ name: v.string() }) as never,
    key: (item) => item.name,
    list: async () => [],
    normalize: (live) => live,
    update: async () => {},
    preview: async () => said as Preview,
  })
  return guardHandler(definePlugin({ name: 'widgets-plugin', handlers: [handler] }), handler)
}
const ctx = {} as HandlerContext

test('a preview of the contract\'s shape reaches the engine as it is', async () => {
  for (const said of [{}, { notes: ['a note'] }, { deletes: ['type doc'], of: 3, notes: [] }]) {
    assert.equal(await widgets(said).preview!(ctx, { name: 'a' }, undefined), said)
  }
})

test('a preview of another shape is the plugin\'s error, naming the plugin, the hook and the item', async () => {
  // a phrase where a list belongs (its letters would be counted as deletes), no object, a count that is none
  for (const said of [{ deletes: 'type doc' }, { notes: [1] }, undefined, [], { deletes: [], of: -1 }, { of: '3' }]) {
    try {
      await widgets(said).preview!(ctx, { name: 'a' }, undefined)
      assert.unreachable(`${JSON.stringify(said)} must be refused`)
    } catch (error) {
      assert.instance(error, PluginError, JSON.stringify(said))
      assert.match((error as Error).message, 'plugin "widgets-plugin" failed in preview() of widget "a"')
    }
  }
})

test.run()
