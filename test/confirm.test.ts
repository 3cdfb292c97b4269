// The typed confirmation of a protected environment, on a real terminal (a pty from
// util-linux's `script`): only the environment's name applies; a wrong name, Ctrl-D and Ctrl-C
// write nothing, and Ctrl-C exits 130.
import { spawn } from 'node:child_process'
import path from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { startEmulator, type Emulator } from '../lib/emulator/index.ts'
import { isWrite } from './helpers/emulator-http.ts'
import { createProject, emulatorEnvironment, REPO, TSX, type Project } from './helpers/project.ts'

const test = suite<{ emulator: Emulator; project: Project }>('typed confirmation')
test.before.each(async (context) => {
  context.emulator = await startEmulator()
  context.project = createProject({ 'environments/prod.yaml': emulatorEnvironment(context.emulator, 'tenants:\n  - { id: acme, name: Acme }\n') })
})
test.after.each(async (context) => {
  await context.emulator.close()
  context.project.remove()
})

const shellQuote = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`

/** Runs sync --apply on a pty and answers the prompt with `keys`; resolves with the exit code and what the terminal showed. */
function answer({ emulator, project }: { emulator: Emulator; project: Project }, keys: string): Promise<{ code: number | null; screen: string }> {
  const command = [process.execPath, '--import', TSX, path.join(REPO, 'tasks/sync.ts'), '--env', 'prod', '--apply'].map(shellQuote).join(' ')
  const child = spawn('script', ['-qfec', command, '/dev/null'], {
    cwd: project.dir,
    env: { ...process.env, EMULATOR_KEY: emulator.managementKey, DESCOPE_BACKUP_DIR: path.join(project.dir, '.backups'), DESCOPE_LOCK_DIR: path.join(project.dir, '.locks'), NO_COLOR: '1' },
  })
  let screen = ''
  let sent = false
  child.stdout.on('data', (chunk) => {
    screen += chunk
    if (!sent && screen.includes('Type its name')) {
      sent = true
      child.stdin.write(keys)
    }
  })
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000)
  return new Promise((resolve) => child.on('close', (code) => {
    clearTimeout(timer)
    resolve({ code, screen })
  }))
}

test('the name applies; a wrong name, Ctrl-D and Ctrl-C write nothing', async (context) => {
  for (const [keys, code, says] of [['staging\r', 1, 'is not "prod"'], ['\x04', 1, 'apply cancelled: "" is not "prod"'], ['\x03', 130, 'apply cancelled at the confirmation (Ctrl-C)']] as const) {
    const result = await answer(context, keys)
    assert.is(result.code, code, `${JSON.stringify(keys)}: ${result.screen}`)
    assert.match(result.screen, says)
    assert.is(context.emulator.log.filter(isWrite).length, 0, `${JSON.stringify(keys)} wrote nothing`)
  }
  const confirmed = await answer(context, 'prod\r')
  assert.is(confirmed.code, 0, confirmed.screen)
  assert.ok(context.emulator.state.tenants.acme)
})

test.run()
