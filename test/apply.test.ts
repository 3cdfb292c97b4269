import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { applyPlan, type Outcome } from '../lib/engine/apply.ts'
import { planChanges } from '../lib/engine/plan.ts'
import { registryOf } from '../lib/engine/registry.ts'
import { quietContext, thingStore, type Thing, type ThingStore } from './helpers/handlers.ts'

const environment = (declared: Record<string, object[]>) => ({
  name: 'test',
  declared: new Map(Object.entries(declared)),
  locate: (type: string, index: number, field?: string) => ({ file: 'environments/test.yaml', path: `${type}s[${index}]${field ? `.${field}` : ''}` }),
})

async function apply(stores: ThingStore[], declared: Record<string, Thing[]>, options: { prune?: boolean; concurrency?: number; stopReason?: () => string | undefined } = {}) {
  const handlers = registryOf(stores.map((store) => store.handler))
  const live = new Map(stores.map((store) => [store.handler.type, [...store.items.values()] as object[]]))
  const plan = planChanges(handlers, environment(declared), live, { prune: options.prune ?? false, deleteGuard: false })
  return applyPlan(plan.changes, handlers, { concurrency: options.concurrency ?? 4, contextFor: quietContext, stopReason: options.stopReason })
}

const statuses = (outcomes: Outcome[]) =>
  Object.fromEntries(outcomes.map((outcome) => [`${outcome.change.op}:${outcome.change.key}`, outcome.status]))

test('creates, updates and deletes reach the store', async () => {
  const store = thingStore('thing')
  store.items.set('keep', { name: 'keep', colour: 'red', size: 7 })
  store.items.set('gone', { name: 'gone' })
  const outcomes = await apply([store], { thing: [{ name: 'keep', colour: 'blue' }, { name: 'new' }] }, { prune: true })
  assert.equal(statuses(outcomes), { 'update:keep': 'applied', 'create:new': 'applied', 'delete:gone': 'applied' })
  assert.equal(store.items.get('keep'), { name: 'keep', colour: 'blue', size: 7 }, 'the undeclared size survives the update')
  assert.ok(store.items.has('new'))
  assert.not.ok(store.items.has('gone'))
})

test('a failure does not stop independent changes; dependants are skipped', async () => {
  const parts = thingStore('part')
  const machines = thingStore('machine', { dependsOn: ['part'], references: true })
  parts.failures.set('create:bolt', 'before')
  const outcomes = await apply([parts, machines], {
    part: [{ name: 'bolt' }, { name: 'nut' }],
    machine: [{ name: 'needs-bolt', needs: ['bolt'] }, { name: 'needs-nut', needs: ['nut'] }],
  })
  assert.equal(statuses(outcomes), {
    'create:bolt': 'failed',
    'create:nut': 'applied',
    'create:needs-bolt': 'skipped',
    'create:needs-nut': 'applied',
  })
  assert.not.ok(machines.calls.includes('create:needs-bolt'), 'a skipped change sends nothing')
  const skipped = outcomes.find((outcome) => outcome.status === 'skipped')!
  assert.match(skipped.detail!, 'create of part "bolt" failed')
})

test('a referenced item is created before the item that needs it; deletes run the other way', async () => {
  const parts = thingStore('part')
  const machines = thingStore('machine', { dependsOn: ['part'], references: true })
  const order: string[] = []
  parts.onWrite = machines.onWrite = async (call) => { order.push(call) }
  await apply([parts, machines], { part: [{ name: 'bolt' }], machine: [{ name: 'm', needs: ['bolt'] }] })
  assert.equal(order, ['create:bolt', 'create:m'])

  order.length = 0
  await apply([parts, machines], { part: [], machine: [] }, { prune: true })
  assert.equal(order, ['delete:m', 'delete:bolt'])
})

test('at most `concurrency` changes run at once', async () => {
  const store = thingStore('thing')
  let running = 0
  let peak = 0
  store.onWrite = async () => {
    peak = Math.max(peak, ++running)
    await new Promise((resolve) => setTimeout(resolve, 5))
    running--
  }
  const declared = Array.from({ length: 12 }, (_, i) => ({ name: `t${i}` }))
  const outcomes = await apply([store], { thing: declared }, { concurrency: 3 })
  assert.is(outcomes.filter((outcome) => outcome.status === 'applied').length, 12)
  assert.is(peak, 3)
})

test('a create that failed after it landed is confirmed against live, not reported failed', async () => {
  const store = thingStore('thing')
  store.failures.set('create:a', 'after')
  const [outcome] = await apply([store], { thing: [{ name: 'a', colour: 'red' }] })
  assert.is(outcome!.status, 'applied')
  assert.match(outcome!.detail!, "verified")
  assert.equal(store.calls, ['create:a'], 'nothing is sent twice')
})

test('a delete that failed after it landed is confirmed gone', async () => {
  const store = thingStore('thing')
  store.items.set('a', { name: 'a' })
  store.failures.set('delete:a', 'after')
  const [outcome] = await apply([store], { thing: [] }, { prune: true })
  assert.is(outcome!.status, 'applied')
  assert.match(outcome!.detail!, "verified gone")
})

test('a create that really failed stays failed', async () => {
  const store = thingStore('thing')
  store.failures.set('create:a', 'before')
  const [outcome] = await apply([store], { thing: [{ name: 'a' }] })
  assert.is(outcome!.status, 'failed')
  assert.ok(outcome!.error)
  assert.not.ok(store.items.has('a'))
})

test('a change that takes a claim runs after the change that gives it up', async () => {
  const store = thingStore('thing', { claimsColour: true })
  store.items.set('a', { name: 'a', colour: 'red' })
  store.items.set('b', { name: 'b', colour: 'blue' })
  const order: string[] = []
  store.onWrite = async (call) => {
    // the taker would run first if it could: it is listed first and the giver is slow
    if (call === 'update:a') await new Promise((resolve) => setTimeout(resolve, 20))
    order.push(call)
  }
  const outcomes = await apply([store], { thing: [{ name: 'b', colour: 'red' }, { name: 'a', colour: 'green' }] })
  assert.ok(outcomes.every((outcome) => outcome.status === 'applied'))
  assert.equal(order, ['update:a', 'update:b'])
})

test('two items swapping a claim is refused before anything is written', async () => {
  const store = thingStore('thing', { claimsColour: true })
  store.items.set('a', { name: 'a', colour: 'red' })
  store.items.set('b', { name: 'b', colour: 'blue' })
  try {
    await apply([store], { thing: [{ name: 'a', colour: 'blue' }, { name: 'b', colour: 'red' }] })
    assert.unreachable('a swap cannot be ordered')
  } catch (error) {
    assert.is((error as { code?: string }).code, 'PLAN_CYCLE')
  }
  assert.equal(store.calls, [])
})

test('after a stop, no change starts: the rest, dependents included, are not attempted', async () => {
  const parts = thingStore('part')
  const machines = thingStore('machine', { dependsOn: ['part'], references: true })
  let stop: string | undefined
  parts.onWrite = async () => { stop = 'interrupted (SIGINT)' }
  const outcomes = await apply([parts, machines], { part: [{ name: 'bolt' }, { name: 'nut' }], machine: [{ name: 'm', needs: ['nut'] }] }, { concurrency: 1, stopReason: () => stop })
  assert.equal(statuses(outcomes), { 'create:bolt': 'applied', 'create:nut': 'skipped', 'create:m': 'skipped' })
  for (const outcome of outcomes.filter((outcome) => outcome.status === 'skipped')) {
    assert.is(outcome.stopped, true, `${outcome.change.key} is counted as not started`)
    assert.is(outcome.detail, 'not attempted: interrupted (SIGINT)')
  }
})

test('after a stop, a create found existing but different is not finished with a new write', async () => {
  const store = thingStore('thing')
  store.failures.set('create:a', 'after')
  let stop: string | undefined
  store.onWrite = async () => { stop = 'interrupted (SIGTERM)' }
  // it lands with another colour than declared, as if someone had raced it
  const handler = store.handler
  const create = handler.create!
  handler.create = async (ctx, item) => create(ctx, { ...item, colour: 'blue' })
  const [outcome] = await apply([store], { thing: [{ name: 'a', colour: 'red' }] }, { stopReason: () => stop })
  assert.is(outcome!.status, 'failed')
  assert.equal(store.calls, ['create:a'], 'no corrective update')
})

test.run()
