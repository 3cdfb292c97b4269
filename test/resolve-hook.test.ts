// The resolve() hook of the plugin contract (lib/contract.ts), on its own: run once on a
// section's valid items, after check(), its items what everything past the file sees; not run
// when check() found a problem; and a resolve() that drops, adds or re-keys an item is the
// plugin's error, naming it.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import * as v from 'valibot'
import type { ConfigIssue } from '../lib/errors.ts'
import { PluginError } from '../lib/errors.ts'
import { validateSection } from '../lib/config/sections.ts'
import { guardHandler } from '../lib/engine/plugin-guard.ts'
import { defineHandler, definePlugin, type ItemIssue, type ResourceHandler } from '../lib/plugin.ts'

type Item = { name: string; like?: string; size?: number }
const test = suite('the resolve() hook')

function widgets(resolve: ResourceHandler<Item>['resolve'], check?: (items: Item[]) => ItemIssue[]) {
  const handler = defineHandler<Item, Item>({
    type: 'widget',
    section: 'widgets',
    schema: v.strictObject({ name: v.string(), like: v.optional(v.string()), size: v.optional(v.number()) }),
    liveSchema: v.looseObject({ name: v.string() }) as never,
    key: (item) => item.name,
    list: async () => [],
    normalize: (live) => live,
    check,
    resolve,
  })
  return guardHandler(definePlugin({ name: 'widgets-plugin', handlers: [handler] }), handler)
}
const load = (handler: ResourceHandler<any, any>, raw: unknown) => {
  const issues: ConfigIssue[] = []
  const section = validateSection(handler, raw, () => 'environments/dev.yaml', issues, { dir: '/', readJson: () => ({}) }, {})
  return { items: section?.items, issues }
}

/** `like: other` takes the other's size: what the plugin of tenant SSO settings does with `follows` */
const takeSize = (items: Item[]) => items.map(({ like, ...item }) => ({ ...item, size: item.size ?? items.find((other) => other.name === like)?.size }))

test('the items of the section are the resolved ones, in order, the file-only field gone', () => {
  let calls = 0
  const handler = widgets((items) => {
    calls++
    return takeSize(items)
  })
  const { items, issues } = load(handler, [{ name: 'a', size: 3 }, { name: 'b', like: 'a' }])
  assert.equal(issues, [])
  assert.equal(items, [{ name: 'a', size: 3 }, { name: 'b', size: 3 }])
  assert.is(calls, 1)
})

test('not run when an item is invalid or check() reports a problem', () => {
  let calls = 0
  const count = (items: Item[]) => {
    calls++
    return items
  }
  assert.is(load(widgets(count), [{ name: 'a', size: 'big' }]).items, undefined)
  const checked = load(widgets(count, (items) => items.flatMap((item, index) => (item.like === item.name ? [{ index, field: 'like', message: 'is itself', fix: 'name another' }] : []))), [{ name: 'a', like: 'a' }])
  assert.equal(checked.issues.map((issue) => issue.path), ['widgets[0].like'])
  assert.is(calls, 0)
})

test('a resolve() that drops, adds or re-keys an item is the plugin\'s error, naming the plugin and the hook', () => {
  for (const broken of [(items: Item[]) => items.slice(1), (items: Item[]) => [...items, { name: 'extra' }], (items: Item[]) => items.map((item) => ({ ...item, name: `${item.name}!` })), () => 'nothing' as never]) {
    try {
      load(widgets(broken), [{ name: 'a' }, { name: 'b' }])
      assert.unreachable('a broken resolve() must throw')
    } catch (error) {
      assert.instance(error, PluginError)
      assert.match((error as Error).message, 'plugin "widgets-plugin" failed in resolve() of widget')
      assert.match((error as Error).message, 'one item for each declared item')
    }
  }
})

test.run()
