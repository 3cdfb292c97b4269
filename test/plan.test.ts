import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { ConfigError } from '../lib/errors.ts'
import { planChanges as planWith } from '../lib/engine/plan.ts'
import { registryOf } from '../lib/engine/registry.ts'
import type { ResourceHandler } from '../lib/contract.ts'

/** the plan of these handlers, as connect() would register them */
const planChanges = (handlers: ResourceHandler<any, any>[], ...rest: Parameters<typeof planWith> extends [unknown, ...infer Rest] ? Rest : never) => planWith(registryOf(handlers), ...rest)
import type { LiveState } from '../lib/engine/change.ts'
import { thingStore } from './helpers/handlers.ts'
import { formatPlan } from '../lib/report/plan-report.ts'

const env = (declared: Record<string, object[]>) => ({
  name: 'test',
  declared: new Map(Object.entries(declared)),
  locate: (type: string, index: number, field?: string) => ({ file: 'environments/test.yaml', path: `${type}s[${index}]${field ? `.${field}` : ''}` }),
})
const live = (items: Record<string, object[]>): LiveState => new Map(Object.entries(items))
const thing = thingStore('thing').handler

test('declared items missing live are created, with every declared field', () => {
  const plan = planChanges([thing], env({ thing: [{ name: 'a', colour: 'red' }] }), live({ thing: [] }), { prune: false })
  assert.equal(plan.changes.map(({ op, key }) => ({ op, key })), [{ op: 'create', key: 'a' }])
  assert.equal(plan.changes[0]!.fields, [{ path: 'name', live: undefined, desired: 'a' }, { path: 'colour', live: undefined, desired: 'red' }])
})

test('an update names only the declared fields that differ, and carries undeclared live fields', () => {
  const plan = planChanges([thing], env({ thing: [{ name: 'a', colour: 'blue' }] }), live({ thing: [{ name: 'a', colour: 'red', size: 3 }] }), { prune: false })
  assert.is(plan.changes.length, 1)
  const [change] = plan.changes
  assert.is(change!.op, 'update')
  assert.equal(change!.fields, [{ path: 'colour', live: 'red', desired: 'blue' }])
  assert.equal(change!.item, { name: 'a', colour: 'blue', size: 3 }, 'size is not declared, so it keeps its live value')
})

test('nested objects differ field by field', () => {
  const plan = planChanges([thing], env({ thing: [{ name: 'a', meta: { plan: 'pro', seats: 5 } }] }),
    live({ thing: [{ name: 'a', meta: { plan: 'free', seats: 5, old: true } }] }), { prune: false })
  assert.equal(plan.changes[0]!.fields, [
    { path: 'meta.old', live: true, desired: undefined },
    { path: 'meta.plan', live: 'free', desired: 'pro' },
  ])
})

test('equal items give no changes', () => {
  const plan = planChanges([thing], env({ thing: [{ name: 'a', colour: 'red' }] }), live({ thing: [{ name: 'a', colour: 'red', size: 1 }] }), { prune: false })
  assert.equal(plan.changes, [])
})

test('live items no file declares are unmanaged, and deleted only with prune', () => {
  const state = live({ thing: [{ name: 'a' }, { name: 'stray' }] })
  const kept = planChanges([thing], env({ thing: [{ name: 'a' }] }), state, { prune: false })
  assert.equal(kept.changes, [])
  assert.equal(kept.unmanaged, [{ type: 'thing', key: 'stray' }])
  const pruned = planChanges([thing], env({ thing: [{ name: 'a' }] }), state, { prune: true })
  assert.equal(pruned.changes.map(({ op, key }) => `${op}:${key}`), ['delete:stray'])
  assert.equal(pruned.unmanaged, [])
})

test('a type the environment does not declare is not managed: not compared, never pruned', () => {
  const plan = planChanges([thing], env({}), live({ thing: [{ name: 'x' }] }), { prune: true })
  assert.equal(plan.changes, [])
  assert.equal(plan.unmanaged, [])
  assert.equal(plan.types, [])
})

test('a change to an immutable field is refused with the file, the item and the fix', () => {
  const handler = { ...thing, immutable: ['colour'] }
  try {
    planChanges([handler], env({ thing: [{ name: 'a', colour: 'blue' }] }), live({ thing: [{ name: 'a', colour: 'red' }] }), { prune: false })
    assert.unreachable('should refuse')
  } catch (error) {
    assert.instance(error, ConfigError)
    const [issue] = (error as ConfigError).issues
    assert.is(issue!.path, 'things[0].colour')
    assert.match(issue!.message, 'cannot be changed')
    assert.ok(issue!.fix)
  }
})

test('a reference to an item neither declared nor live is refused; one that is live is fine', () => {
  const parts = thingStore('part').handler
  const machines = thingStore('machine', { dependsOn: ['part'], references: true }).handler
  const declared = env({ machine: [{ name: 'm', needs: ['bolt'] }] })
  try {
    planChanges([parts, machines], declared, live({ part: [], machine: [] }), { prune: false })
    assert.unreachable('should refuse')
  } catch (error) {
    assert.instance(error, ConfigError)
    assert.match((error as ConfigError).issues[0]!.message, 'references part "bolt", which is neither declared nor live')
  }
  const plan = planChanges([parts, machines], declared, live({ part: [{ name: 'bolt' }], machine: [] }), { prune: false })
  assert.is(plan.changes.length, 1)
})

test('pruning an item a declared item references is refused', () => {
  const parts = thingStore('part').handler
  const machines = thingStore('machine', { dependsOn: ['part'], references: true }).handler
  try {
    planChanges([parts, machines], env({ part: [], machine: [{ name: 'm', needs: ['bolt'] }] }),
      live({ part: [{ name: 'bolt' }], machine: [{ name: 'm', needs: ['bolt'] }] }), { prune: true })
    assert.unreachable('should refuse')
  } catch (error) {
    assert.instance(error, ConfigError)
    assert.match((error as ConfigError).issues[0]!.message, '--prune would delete part "bolt"')
  }
})

test('creates come in dependency order, deletes in reverse', () => {
  const parts = thingStore('part').handler
  const machines = thingStore('machine', { dependsOn: ['part'] }).handler
  const plan = planChanges([parts, machines],
    env({ part: [{ name: 'new-part' }], machine: [{ name: 'new-machine' }] }),
    live({ part: [{ name: 'old-part' }], machine: [{ name: 'old-machine' }] }), { prune: true })
  assert.equal(plan.changes.map(({ op, type }) => `${op}:${type}`), ['create:part', 'create:machine', 'delete:machine', 'delete:part'])
})

test('taking a claim from a live item that keeps it is refused; from one that gives it up is fine', () => {
  const claiming = thingStore('thing', { claimsColour: true }).handler
  const state = live({ thing: [{ name: 'a', colour: 'red', size: 1 }] })
  try {
    // "a" is not declared: it keeps red
    planChanges([claiming], env({ thing: [{ name: 'b', colour: 'red' }] }), state, { prune: false })
    assert.unreachable('should refuse')
  } catch (error) {
    assert.instance(error, ConfigError)
    assert.match((error as ConfigError).issues[0]!.message, 'claims colour red, which live thing "a" holds and will keep')
  }
  try {
    // "a" is declared, but not its colour: its update keeps red
    planChanges([claiming], env({ thing: [{ name: 'a', size: 2 }, { name: 'b', colour: 'red' }] }), state, { prune: false })
    assert.unreachable('should refuse')
  } catch (error) {
    assert.instance(error, ConfigError)
  }
  const released = planChanges([claiming], env({ thing: [{ name: 'a', colour: 'green' }, { name: 'b', colour: 'red' }] }), state, { prune: false })
  assert.is(released.changes.length, 2)
  const pruned = planChanges([claiming], env({ thing: [{ name: 'b', colour: 'red' }] }), state, { prune: true })
  assert.equal(pruned.changes.map(({ op, key }) => `${op}:${key}`), ['delete:a', 'create:b'], 'in apply order: given up, then taken')
})

test('a long value changed near its end shows the difference on both sides, not the same cut text', () => {
  const before = `Default Descope Sign In flow; ${'passkeys, '.repeat(30)}and Biometrics`
  const after = `${before.slice(0, -10)}and Magic Links`
  const plan = planChanges([thing], env({ thing: [{ name: 'a', colour: after }] }), live({ thing: [{ name: 'a', colour: before }] }), { prune: false })
  const line = formatPlan(plan, 'dev').split('\n').find((text) => text.includes('colour:'))!
  const [from, to] = line.split(' → ')
  assert.ok(from!.includes('Biometrics') && to!.includes('Magic Links'), line)
  assert.ok(from!.length < 120 && to!.length < 120, 'still cut to a readable width')
})

test.run()
