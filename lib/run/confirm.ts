// Protected environments (prod by default) apply only after the user types the environment's
// name on a terminal, or with an explicit yes. This is the library's rule, not the task's: a
// script that leaves the confirmation out is refused, exactly like a task without a terminal.
import readline from 'node:readline'
import type { Environment } from '../config/environment.ts'
import { DescopeMgmtError, InterruptedError, UsageError } from '../errors.ts'

/** 'ask': the typed name, on a terminal (refused without one); 'yes': confirmed by the caller (--yes). */
export type Confirmation = 'ask' | 'yes'

/** `signal` ends a pending question (Ctrl-C heard by the process rather than the terminal). */
export async function confirmProtected(env: Pick<Environment, 'name' | 'protection'>, changes: number, confirmation: Confirmation | undefined, signal?: AbortSignal): Promise<void> {
  const because = env.protection()
  if (because === undefined || confirmation === 'yes') return
  const needs = `environment "${env.name}" is protected (${because}): applying ${changes} change(s) needs its name typed on a terminal, or --yes (a script: confirm: 'yes'); nothing was written`
  if (confirmation !== 'ask') throw new ProtectedError(needs)
  if (!process.stdin.isTTY) throw new ProtectedError(needs)
  const answer = await ask(`Environment "${env.name}" is protected. Type its name to apply ${changes} change(s): `, signal)
  if (answer.trim() !== env.name) throw new DescopeMgmtError('ABORTED', `apply cancelled: "${answer.trim()}" is not "${env.name}"; nothing was written`)
}

/** Refused for want of a confirmation: exit 3, like any usage the caller must correct. */
export class ProtectedError extends UsageError {
  override readonly code = 'PROTECTED'
}

/** One line from the terminal; Ctrl-C is an interruption and Ctrl-D an empty answer, never a hang. */
function ask(question: string, signal?: AbortSignal): Promise<string> {
  // a terminal's line editing even when stderr is redirected: Ctrl-C then reaches readline
  const prompt = readline.createInterface({ input: process.stdin, output: process.stderr, terminal: true })
  return new Promise<string>((resolve, reject) => {
    let answered = false
    const cancel = () => {
      answered = true
      prompt.close()
      reject(new InterruptedError('SIGINT', 'apply cancelled at the confirmation (Ctrl-C); nothing was written'))
    }
    prompt.on('SIGINT', cancel)
    prompt.on('close', () => { if (!answered) resolve('') })
    prompt.question(question, { signal }, (answer) => {
      answered = true
      prompt.close()
      resolve(answer)
    })
    signal?.addEventListener('abort', cancel, { once: true })
  })
}
