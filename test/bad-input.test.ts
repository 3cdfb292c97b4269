// The bad-input corpus: one fixture folder per hostile or careless input (test/fixtures/bad-input/
// <case>/), each a small project with the command to run and what must come of it: the exit
// code, the error code, what stderr says, what must never be printed, and how many requests
// (or writes) the emulator may see. Cases run a few at a time, each against its own emulator.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { contentHash } from '../lib/backup/format.ts'
import { startEmulator, type Emulator } from '../lib/emulator/index.ts'
import { stableJson } from '../lib/io/json-file.ts'
import { configWithTestPlugins, defaultConfig, pluginFile, runTask, type TaskResult } from './helpers/project.ts'
import { apiClient, isWrite } from './helpers/emulator-http.ts'

const CORPUS = path.join(path.dirname(new URL(import.meta.url).pathname), 'fixtures', 'bad-input')

interface Case {
  about: string
  task: string
  args: string[]
  exit: number
  /** the `error.code` of the --json error document */
  code?: string
  /** substrings stderr must contain */
  stderr?: string[]
  /** substrings stdout must contain */
  stdout?: string[]
  /** substrings that must appear in no output */
  absent?: string[]
  /** at most this many requests reach the emulator */
  requests?: number
  /** at most this many of them write */
  writes?: number
  /** files made at run time: `head`, then `repeat` until the file has `bytes`, then `tail` repeated as often, then `end` */
  generate?: { file: string; head?: string; repeat: string; bytes: number; tail?: string; end?: string }[]
  /** false: run without --json (the text output is what is checked) */
  json?: boolean
  /** more of the task's process environment; $PROJECT stands for the project's directory */
  env?: Record<string, string>
  /** links made at run time, relative to the project: link → target */
  symlinks?: Record<string, string>
  /** backups whose counts and content hash are recomputed after a hand edit, as a hostile user would */
  rehash?: string[]
  /** requests sent to the emulator before the task runs, to give it live items: [method, path, body] */
  seed?: [string, string, unknown][]
  /** spliced into the fixture's defineConfig({...}) */
  config?: string
  /** test plugins (test/plugins/<name>.ts) registered too, each with its factory's arguments */
  plugins?: Record<string, string>
  /** files (relative to the project) that must be byte-identical after the run */
  unchanged?: string[]
}

interface Outcome { spec: Case; result: TaskResult; emulator: Emulator; dir: string; changed: string[] }

const cases = fs.readdirSync(CORPUS).filter((name) => fs.existsSync(path.join(CORPUS, name, 'case.json'))).sort()

async function runCase(name: string): Promise<Outcome> {
  const spec = JSON.parse(fs.readFileSync(path.join(CORPUS, name, 'case.json'), 'utf8')) as Case
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `descope-mgmt-bad-${name}-`))
  const project = path.join(dir, 'project')
  fs.cpSync(path.join(CORPUS, name), dir, { recursive: true, verbatimSymlinks: true })
  fs.rmSync(path.join(dir, 'case.json'))
  fs.mkdirSync(project, { recursive: true })
  fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'fixture', type: 'module', private: true }))
  fs.writeFileSync(path.join(project, 'descope.config.ts'), spec.plugins ? configWithTestPlugins(spec.plugins, spec.config) : defaultConfig(spec.config))
  for (const { file, head = '', repeat, bytes, tail = '', end = '' } of spec.generate ?? []) {
    const times = Math.ceil(Math.max(0, bytes - head.length) / repeat.length)
    fs.mkdirSync(path.dirname(path.join(project, file)), { recursive: true })
    fs.writeFileSync(path.join(project, file), head + repeat.repeat(times) + tail.repeat(times) + end)
  }
  for (const [link, target] of Object.entries(spec.symlinks ?? {})) fs.symlinkSync(target, path.join(project, link))
  for (const file of spec.rehash ?? []) {
    const backup = JSON.parse(fs.readFileSync(path.join(project, file), 'utf8'))
    backup.metadata.counts = Object.fromEntries(Object.entries(backup.items as Record<string, unknown[]>).map(([type, items]) => [type, items.length]))
    backup.metadata.contentHash = contentHash(backup.items)
    fs.writeFileSync(path.join(project, file), stableJson(backup))
  }
  // the test plugins' routes too: a case about one of their types needs its live side
  const plugins = await Promise.all(Object.keys(spec.plugins ?? {}).map(async (file) => (await import(pluginFile(file))).default()))
  const emulator = await startEmulator({ plugins })
  const call = apiClient(emulator)
  for (const [method, at, body] of spec.seed ?? []) assert.is((await call(method, at, body)).status, 200, `seed ${method} ${at}`)
  emulator.log.length = 0
  const before = new Map((spec.unchanged ?? []).map((file) => [file, fs.readFileSync(path.join(project, file))]))
  const result = await runTask(spec.task, [...spec.args, ...(spec.json === false ? [] : ['--json'])], {
    cwd: project,
    env: { EMULATOR_URL: emulator.url, EMULATOR_PROJECT_ID: emulator.projectId, EMULATOR_KEY: emulator.managementKey, SHORT_KEY: 'K-1', ...Object.fromEntries(Object.entries(spec.env ?? {}).map(([name, value]) => [name, value.replaceAll('$PROJECT', () => project)])) },
  })
  const changed = [...before].filter(([file, bytes]) => !fs.existsSync(path.join(project, file)) || !fs.readFileSync(path.join(project, file)).equals(bytes)).map(([file]) => file)
  return { spec, result, emulator, dir, changed }
}

/** Runs the cases `width` at a time; each test awaits its own. */
function pool(names: string[], width: number): Map<string, Promise<Outcome>> {
  const started = new Map<string, Promise<Outcome>>()
  let queue = Promise.resolve()
  const lanes = Array.from({ length: width }, () => queue)
  names.forEach((name, index) => {
    const lane = index % width
    const run = lanes[lane]!.then(() => runCase(name))
    lanes[lane] = run.then(() => undefined, () => undefined)
    started.set(name, run)
  })
  return started
}

const test = suite('bad input')
const outcomes = pool(cases, 3)

for (const name of cases) {
  test(name, async () => {
    const { spec, result, emulator, dir, changed } = await outcomes.get(name)!
    try {
      const all = `${result.stdout}\n${result.stderr}`
      assert.is(result.code, spec.exit, `${spec.about}: exit code (stderr: ${result.stderr})`)
      if (spec.code) assert.is(JSON.parse(result.stdout).error?.code, spec.code, `${spec.about}: error code (stdout: ${result.stdout.slice(0, 2000)})`)
      for (const text of spec.stderr ?? []) assert.ok(result.stderr.includes(text), `${spec.about}: stderr says ${JSON.stringify(text)}:\n${result.stderr}`)
      for (const text of spec.stdout ?? []) assert.ok(result.stdout.includes(text), `${spec.about}: stdout says ${JSON.stringify(text)}:\n${result.stdout}`)
      for (const text of spec.absent ?? []) assert.not.ok(all.includes(text), `${spec.about}: ${JSON.stringify(text)} must not be printed`)
      if (spec.requests !== undefined) assert.ok(emulator.log.length <= spec.requests, `${spec.about}: ${emulator.log.length} requests, at most ${spec.requests} allowed`)
      assert.equal(changed, [], `${spec.about}: files that must not change`)
      if (spec.writes !== undefined) assert.is(emulator.log.filter(isWrite).length, spec.writes, `${spec.about}: writes`)
    } finally {
      await emulator.close()
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
}

test.run()
