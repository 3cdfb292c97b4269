// A throwaway descope-mgmt project in a temp dir (its own descope.config.ts and environment
// files, importing this repository's lib/ and plugins/), and a way to run a task in it as a
// user would: a child process, its stdout, stderr and exit code.
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

/** An environment file pointing at a running emulator, its key taken from EMULATOR_KEY. */
export function emulatorEnvironment(emulator: { url: string; projectId: string }, body = ''): string {
  return `baseUrl: ${emulator.url}\nprojectId: ${emulator.projectId}\nmanagementKey: \${EMULATOR_KEY}\n${body}`
}

export interface TaskResult {
  code: number | null
  stdout: string
  stderr: string
}

export interface StartedTask {
  child: ChildProcess
  /** everything the task printed so far */
  output(): TaskResult
  done: Promise<TaskResult>
}

/** Starts tasks/<task>.ts with `args` in `cwd`, as `npx tsx tasks/<task>.ts` would; an undefined `env` value unsets it. */
export function startTask(task: string, args: string[], options: { cwd: string; env?: Record<string, string | undefined>; timeoutMs?: number }): StartedTask {
  // backups and locks stay inside the fixture: never in the user's home, never shared by test files running at once
  const env: Record<string, string | undefined> = {
    ...process.env,
    FORCE_COLOR: '0',
    NO_COLOR: '1',
    DESCOPE_BACKUP_DIR: path.join(options.cwd, '.backups'),
    DESCOPE_LOCK_DIR: path.join(options.cwd, '.locks'),
    ...options.env,
  }
  for (const [name, value] of Object.entries(env)) if (value === undefined) delete env[name]
  const child = spawn(process.execPath, ['--import', TSX, path.join(REPO, 'tasks', `${task}.ts`), ...args], {
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

/** Runs tasks/<task>.ts to its end (see startTask). */
export function runTask(task: string, args: string[], options: { cwd: string; env?: Record<string, string | undefined>; timeoutMs?: number }): Promise<TaskResult> {
  return startTask(task, args, options).done
}
