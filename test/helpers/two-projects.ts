// Two emulated projects, `a` and `b`, each with the plugins under test, and a fixture project
// whose environments a.yaml and b.yaml point at them: how a type's tests apply to one project,
// change it out of band, and restore a backup of it into the other.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import type { Plugin } from '../../lib/contract.ts'
import { startEmulator, type Emulator } from '../../lib/emulator/index.ts'
import { configWithTestPlugins, createProject, emulatorEnvironment, runTask, type Project, type TaskResult } from './project.ts'

export interface TwoProjects {
  a: Emulator
  b: Emulator
  project: Project
}

/** A suite whose tests each get fresh projects; environment a declares `body`, b nothing. */
export function twoProjectSuite(name: string, plugin: () => Plugin, file: string, body: string) {
  const test = suite<TwoProjects>(name)
  test.before.each(async (context) => {
    context.a = await startEmulator({ plugins: [plugin()] })
    context.b = await startEmulator({ plugins: [plugin()], projectId: 'P2emulatorSecondProject00001' })
    context.project = createProject({
      'environments/a.yaml': emulatorEnvironment(context.a, body),
      'environments/b.yaml': emulatorEnvironment(context.b),
    }, configWithTestPlugins({ [file]: '' }))
  })
  test.after.each(async (context) => {
    await Promise.all([context.a.close(), context.b.close()])
    context.project.remove()
  })
  return test
}

/** `task [command] args` against environment `env` (backup takes its command first). */
export function runIn(context: TwoProjects, env: 'a' | 'b', task: string, ...args: string[]): Promise<TaskResult> {
  const [command, rest] = task === 'backup' ? [[args[0]!], args.slice(1)] : [[], args]
  return runTask(task, [...command, '--env', env, ...rest], { cwd: context.project.dir, env: { EMULATOR_KEY: (env === 'a' ? context.a : context.b).managementKey } })
}

/**
 * Applies a, backs it up, restores the backup into b, and checks that b's next plan is empty and
 * that it does not drift from a. `secretsOut`: the applies write values shown once to
 * a.secrets.json and b.secrets.json. Returns the backup and b's outputs.
 */
export async function restoreIntoSecond(context: TwoProjects, secretsOut = false): Promise<{ backup: string; outputs: TaskResult[] }> {
  const secrets = (file: string) => (secretsOut ? ['--secrets-out', file] : [])
  const step = async (env: 'a' | 'b', task: string, ...args: string[]) => {
    const result = await runIn(context, env, task, ...args)
    assert.is(result.code, 0, `${task} ${args.join(' ')}: ${result.stderr}`)
    return result
  }
  await step('a', 'sync', '--apply', ...secrets('a.secrets.json'))
  const backup = JSON.parse((await step('a', 'backup', 'create', '--json')).stdout).backup as string
  const restored = await step('b', 'backup', 'restore', backup, '--apply', ...secrets('b.secrets.json'))
  const again = await step('b', 'backup', 'restore', backup, '--json')
  assert.equal(JSON.parse(again.stdout).changes, [], 'after the restore, the next plan of b is empty')
  assert.is((await runIn(context, 'b', 'drift', '--against', 'a')).code, 0, 'b does not drift from a')
  return { backup, outputs: [restored, again] }
}
