// A full run with --verbose and --json, its backups, its audit log and its saved plan hold no
// secret in any encoding: the management key (with quotes, backslashes and the rest) is
// searched for as is, JSON-escaped and URL-encoded in every output and every file written.
import fs from 'node:fs'
import path from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { startEmulator } from '../lib/emulator/index.ts'
import { encodings } from '../lib/report/secrets.ts'
import { createProject, emulatorEnvironment, REPO, runTask, tasksSecrets, type TaskResult } from './helpers/project.ts'

const KEY = `K-"quoted"\\back\\slash'single'|pipe%25 & +plus-0123456789`

/** In this process, and yet with no secret registered by an earlier run (see RunOptions.freshSecrets). */
const freshRun = (task: string, args: string[], cwd: string) => runTask(task, args, { cwd, env: { EMULATOR_KEY: KEY }, freshSecrets: true })

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
    const result = await freshRun(task, args, project.dir)
    outputs.push(result)
    return result
  }
  try {
    assert.is((await run('sync', '--env', 'dev', '--out', 'dev.plan.json', '--verbose')).code, 0)
    assert.ok((await tasksSecrets()).holdsSecret(KEY), 'the runs register their secrets where freshSecrets forgets them')
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

test('a key someone pasted into live data: never half-printed where long values are cut, never exported or backed up, and the apply that removes it goes ahead', async () => {
  const emulator = await startEmulator({ managementKey: KEY })
  const project = createProject({ 'environments/dev.yaml': emulatorEnvironment(emulator, 'tenants:\n  - { id: leak, name: Leak, customAttributes: { note: fixed } }\n') })
  const run = (task: string, ...args: string[]) => freshRun(task, args, project.dir)
  const call = (at: string, body: object) => fetch(`${emulator.url}${at}`, { method: 'POST', headers: { authorization: `Bearer ${emulator.projectId}:${KEY}`, 'content-type': 'application/json' }, body: JSON.stringify(body) })
  try {
    // the key straddles the point where a plan cuts a long value
    assert.is((await call('/v1/mgmt/tenant/create', { id: 'leak', name: 'Leak', customAttributes: { note: `pasted by mistake, a note long enough to reach the cut: ${KEY}` } })).status, 200)
    const theme = ((await (await call('/v2/mgmt/theme/export', {})).json()) as { theme: { styles: object } }).theme
    assert.is((await call('/v2/mgmt/theme/import', { theme: { ...theme, styles: { ...theme.styles, note: KEY } } })).status, 200)
    const outputs = [await run('sync', '--env', 'dev'), await run('drift', '--env', 'dev'), await run('drift', '--env', 'dev', '--markdown')]
    const backup = await run('backup', 'create', '--env', 'dev', '--json')
    assert.is(backup.code, 0, backup.stderr)
    assert.match(backup.stderr, 'live tenant "leak" holds a secret (the management key, or a secret variable\'s value) in a field: the backup holds [redacted] in its place')
    const written = fs.readFileSync(JSON.parse(backup.stdout).backup, 'utf8')
    assert.match(written, '[redacted]')
    const exported = await run('export-flows', '--env', 'dev', '--theme', '--out', 'out')
    assert.is(exported.code, 1)
    assert.match(exported.stderr, 'live theme.json holds a secret')
    assert.not.ok(fs.existsSync(path.join(project.dir, 'out/theme.json')), 'nothing written')
    // the apply that puts the file's value back is what removes the key: it is not blocked
    const applied = await run('sync', '--env', 'dev', '--apply')
    assert.is(applied.code, 0, applied.stderr)
    assert.equal(emulator.state.tenants.leak!.customAttributes, { note: 'fixed' })
    for (const output of [...outputs, backup, exported, applied, { stdout: written, stderr: '' }]) {
      const text = `${output.stdout}\n${output.stderr}`
      for (let length = 12; length <= KEY.length; length += 6) assert.not.ok(text.includes(KEY.slice(0, length)), `a ${length}-character start of the key is printed`)
    }
  } finally {
    await emulator.close()
    project.remove()
  }
})

test.run()
