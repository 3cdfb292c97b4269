// A full run with --verbose and --json, its backups, its audit log and its saved plan hold no
// secret in any encoding: the management key (with quotes, backslashes and the rest) is
// searched for as is, JSON-escaped and URL-encoded in every output and every file written.
import fs from 'node:fs'
import path from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { startEmulator } from '../lib/emulator/index.ts'
import { encodings } from '../lib/secrets.ts'
import { createProject, emulatorEnvironment, REPO, runTask, type TaskResult } from './helpers/project.ts'

const KEY = `K-"quoted"\\back\\slash'single'|pipe%25 & +plus-0123456789`

test('no output and no file holds the management key, in any encoding', async () => {
  // faults, so that retries and their log lines happen too
  const emulator = await startEmulator({ managementKey: KEY, errorRate: 0.2, seed: 3 })
  const project = createProject({
    'environments/dev.yaml': emulatorEnvironment(emulator, 'permissions:\n  - { name: p1 }\nroles:\n  - { name: Editor, permissionNames: [p1] }\ntenants:\n  - { id: acme, name: Acme }\nflows: all\ntheme: true\n'),
    'environments/other.yaml': emulatorEnvironment(emulator, 'tenants: []\n'),
  })
  fs.cpSync(path.join(REPO, 'environments/exported'), path.join(project.dir, 'environments/exported'), { recursive: true })
  const outputs: TaskResult[] = []
  const run = async (task: string, ...args: string[]) => {
    const result = await runTask(task, args, { cwd: project.dir, env: { EMULATOR_KEY: KEY } })
    outputs.push(result)
    return result
  }
  try {
    assert.is((await run('sync', '--env', 'dev', '--out', 'dev.plan.json', '--verbose')).code, 0)
    assert.is((await run('sync', '--env', 'dev', '--plan', 'dev.plan.json', '--apply', '--verbose', '--json')).code, 0)
    await run('sync', '--env', 'dev', '--verbose', '--json')
    await run('backup', 'create', '--env', 'dev', '--verbose', '--json')
    await run('backup', 'list', '--json')
    await run('backup', 'restore', 'latest', '--env', 'dev', '--verbose', '--json')
    await run('drift', '--env', 'dev', '--verbose', '--json')
    await run('drift', '--env', 'dev', '--against', 'other', '--markdown')
    await run('export-flows', '--env', 'dev', '--check', '--json', '--verbose')
    // an apply that is refused, and one that fails: error paths print too
    await run('sync', '--env', 'dev', '--apply', '--prune', '--yes=no', '--json')
    project.write('environments/dev.yaml', emulatorEnvironment(emulator, 'tenants:\n  - { id: acme, name: Acme, parent: nowhere }\n'))
    await run('sync', '--env', 'dev', '--apply', '--verbose', '--json')

    const written = fs.readdirSync(project.dir, { recursive: true }).map(String)
      .filter((file) => /^\.backups\/|\.plan\.json$/.test(file))
      .map((file) => path.join(project.dir, file))
      .filter((file) => fs.statSync(file).isFile())
    assert.ok(written.some((file) => file.endsWith('.audit.jsonl')), 'the audit log is searched')
    assert.ok(written.some((file) => file.endsWith('-sync.json')), 'a backup is searched')
    assert.ok(written.some((file) => file.endsWith('dev.plan.json')), 'the saved plan is searched')
    const texts = [...outputs.map((output) => `${output.stdout}\n${output.stderr}`), ...written.map((file) => fs.readFileSync(file, 'utf8'))]
    const forms = [KEY, JSON.stringify(KEY).slice(1, -1), encodeURIComponent(KEY), ...encodings(KEY)]
    for (const [index, text] of texts.entries()) {
      for (const form of forms) assert.not.ok(text.includes(form), `${index < outputs.length ? `output ${index}` : written[index - outputs.length]} holds the key as ${JSON.stringify(form)}`)
    }
    assert.ok(outputs.every((output) => output.code !== null), 'every run finished')
  } finally {
    await emulator.close()
    project.remove()
  }
})

test.run()
