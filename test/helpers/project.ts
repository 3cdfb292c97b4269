// A throwaway descope-mgmt project in a temp dir (its own descope.config.ts and environment
// files, importing this repository's lib/ and plugins/), and two ways to run a task in it: in
// this process (runTask: the task's own code, argv, working directory, environment and output,
// without the half second of starting node and tsx again), or as a user would, in a child
// process (startTask, and runTask with `spawn: true`: signals, locks held by another process,
// runs at the same time).
import { AsyncLocalStorage } from 'node:async_hooks'
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createRequire } from 'node:module'
import { fileURLToPath, pathToFileURL } from 'node:url'

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
/** tsx's loader, by absolute URL: a fixture project has no node_modules of its own */
export const TSX = pathToFileURL(createRequire(path.join(REPO, 'package.json')).resolve('tsx')).href

export interface Project {
  dir: string
  write(file: string, content: string): void
  remove(): void
}

export function createProject(files: Record<string, string> = {}, config = defaultConfig()): Project {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'descope-mgmt-test-'))
  const write = (file: string, content: string) => {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true })
    fs.writeFileSync(path.join(dir, file), content)
  }
  write('package.json', JSON.stringify({ name: 'fixture', type: 'module', private: true }))
  write('descope.config.ts', config)
  for (const [file, content] of Object.entries(files)) write(file, content)
  return { dir, write, remove: () => fs.rmSync(dir, { recursive: true, force: true }) }
}

/** descope.config.ts for a fixture project; `extra` is spliced into defineConfig({...}). */
export function defaultConfig(extra = ''): string {
  return `
import { defineConfig } from '${REPO}/lib/index.ts'
import flows from '${REPO}/plugins/flows.ts'
import permissions from '${REPO}/plugins/permissions.ts'
import roles from '${REPO}/plugins/roles.ts'
import tenants from '${REPO}/plugins/tenants.ts'
import theme from '${REPO}/plugins/theme.ts'
export default defineConfig({
  plugins: [permissions(), roles(), tenants(), flows(), theme()],
  throttle: { limit: 1000, intervalMs: 1000 },
  retry: { limit: 6, baseDelayMs: 20, maxDelayMs: 200, maxRetryAfterMs: 10000 },
  ${extra}
})
`
}

/** Where plugin `name` lives: plugins/ (shipped), else test/plugins/ (a test plugin of one shape). */
export const pluginFile = (name: string) =>
  path.join(REPO, fs.existsSync(path.join(REPO, 'plugins', `${name}.ts`)) ? 'plugins' : 'test/plugins', `${name}.ts`)

/**
 * descope.config.ts with more plugins registered, shipped or of test/plugins/:
 * `{ 'tenant-values': '{ oneCall: true }' }` names each by its file, with its factory's arguments.
 */
export function configWithTestPlugins(plugins: Record<string, string>, extra = ''): string {
  const entries = Object.entries(plugins)
  const factory = (file: string) => `plugin_${file.replace(/-/g, '_')}`
  const imports = entries.map(([file]) => `import ${factory(file)} from '${pluginFile(file)}'`).join('\n')
  return defaultConfig(extra)
    .replace('export default defineConfig({', `${imports}\nexport default defineConfig({`)
    .replace('theme()]', `theme(), ${entries.map(([file, args]) => `${factory(file)}(${args})`).join(', ')}]`)
}

/** An environment file pointing at a running emulator, its key taken from EMULATOR_KEY. */
export function emulatorEnvironment(emulator: { url: string; projectId: string }, body = ''): string {
  return `baseUrl: ${emulator.url}\nprojectId: ${emulator.projectId}\nmanagementKey: \${EMULATOR_KEY}\n${body}`
}

export interface TaskResult {
  code: number | null
  stdout: string
  stderr: string
}

export interface RunOptions {
  cwd: string
  /** on top of this process's environment; an undefined value unsets it */
  env?: Record<string, string | undefined>
  timeoutMs?: number
  /** run it in a child process (see startTask) */
  spawn?: boolean
  /**
   * In this process, start with no secret registered, as a child does: none registered by an
   * earlier run may hide a leak (one printed before the key is loaded, say).
   */
  freshSecrets?: boolean
}

export interface StartedTask {
  child: ChildProcess
  /** everything the task printed so far */
  output(): TaskResult
  done: Promise<TaskResult>
}

/** The file of a task: `sync` is tasks/sync.ts; a path ending in .ts (a script) is itself, from the repository. */
const taskFile = (task: string) => (task.endsWith('.ts') ? path.resolve(REPO, task) : path.join(REPO, 'tasks', `${task}.ts`))

/** Starts tasks/<task>.ts (or a script's file) with `args` in `cwd`, as `npx tsx tasks/<task>.ts` would; an undefined `env` value unsets it. */
export function startTask(task: string, args: string[], options: RunOptions): StartedTask {
  const env = taskEnvironment(options)
  const child = spawn(process.execPath, ['--import', TSX, taskFile(task), ...args], {
    cwd: options.cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout!.on('data', (chunk) => (stdout += chunk))
  child.stderr!.on('data', (chunk) => (stderr += chunk))
  const done = new Promise<TaskResult>((resolve, reject) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000)
    child.on('error', reject)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve({ code: code ?? (signal ? 128 + (os.constants.signals[signal] ?? 0) : null), stdout, stderr })
    })
  })
  return { child, output: () => ({ code: null, stdout, stderr }), done }
}

/**
 * Runs tasks/<task>.ts (or a script: `scripts/tenant-report.ts`) to its end. In this process unless `spawn`: one run at a time, in `cwd`,
 * with the environment a child would get, its output captured, its exit code returned.
 */
export function runTask(task: string, args: string[], options: RunOptions): Promise<TaskResult> {
  if (options.spawn) return startTask(task, args, options).done
  const run = inProcess.then(() => runHere(task, args, options))
  inProcess = run.catch(() => {})
  return run
}

let inProcess: Promise<unknown> = Promise.resolve()

// Output of the run in progress, by async context: what uvu or the test itself prints
// meanwhile goes to the terminal as usual.
const captured = new AsyncLocalStorage<{ stdout: string; stderr: string }>()
let writesRouted = false
const original = { stderr: process.stderr.write.bind(process.stderr) as (text: string) => boolean }

function routeWrites(): void {
  if (writesRouted) return
  writesRouted = true
  for (const name of ['stdout', 'stderr'] as const) {
    const stream = process[name]
    const write = stream.write.bind(stream)
    stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      const run = captured.getStore()
      if (!run) return (write as (...args: unknown[]) => boolean)(chunk, ...rest)
      const encoding = typeof rest[0] === 'string' ? rest[0] as BufferEncoding : undefined
      run[name] += typeof chunk === 'string' ? (encoding ? Buffer.from(chunk, encoding).toString() : chunk) : Buffer.from(chunk).toString()
      const callback = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined
      if (callback) process.nextTick(callback)
      return true
    }) as typeof stream.write
  }
}

async function runHere(task: string, args: string[], options: RunOptions): Promise<TaskResult> {
  const { task: definition } = await import(pathToFileURL(taskFile(task)).href)
  const { invoke } = await import('../../lib/run/runner.ts')
  // a child of the suite gets NO_COLOR; chalk read this process's environment when it loaded
  const { chalk } = await import('zx/core')
  if (options.freshSecrets) (await tasksSecrets()).forgetSecrets()
  routeWrites()
  const saved = { cwd: process.cwd(), env: { ...process.env }, chalk: chalk.level, stdinTTY: process.stdin.isTTY, stderrTTY: process.stderr.isTTY }
  const output = { stdout: '', stderr: '' }
  const limit = options.timeoutMs ?? 60_000
  replaceEnvironment(taskEnvironment(options))
  process.chdir(options.cwd)
  chalk.level = 0
  // a child gets no terminal on stdin: a prompt must see none here either
  process.stdin.isTTY = false as true
  // nor on stderr: its output is captured, so progress is written as lines, as in CI
  process.stderr.isTTY = false as true
  // a run cannot be stopped from outside: past its limit, this test process ends rather than
  // restore the suite's directory and environment under a task still writing
  const timer = setTimeout(() => {
    original.stderr(`${task} ${args.join(' ')} ran past ${limit} ms in this process; stopping the test file\n${output.stderr}`)
    process.exit(1)
  }, limit)
  try {
    const code = await captured.run(output, () => invoke(definition, args))
    return { code, ...output }
  } finally {
    clearTimeout(timer)
    chalk.level = saved.chalk
    process.stdin.isTTY = saved.stdinTTY
    process.stderr.isTTY = saved.stderrTTY
    process.chdir(saved.cwd)
    replaceEnvironment(saved.env)
  }
}

/** The secrets registry of the tasks run in this process: theirs is the ES module graph, not a test file's (compiled to CommonJS). */
export const tasksSecrets = () => import(pathToFileURL(path.join(REPO, 'lib/report/secrets.ts')).href) as Promise<typeof import('../../lib/report/secrets.ts')>

/** What a task run sees: backups and locks inside the fixture, never in the user's home or shared by test files running at once. */
function taskEnvironment(options: RunOptions): Record<string, string> {
  const env: Record<string, string | undefined> = {
    ...process.env,
    FORCE_COLOR: '0',
    NO_COLOR: '1',
    DESCOPE_BACKUP_DIR: path.join(options.cwd, '.backups'),
    DESCOPE_LOCK_DIR: path.join(options.cwd, '.locks'),
    ...options.env,
  }
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined))
}

function replaceEnvironment(env: Record<string, string | undefined>): void {
  for (const name of Object.keys(process.env)) if (!(name in env)) delete process.env[name]
  Object.assign(process.env, env)
}
