// Protected environments (prod by default) apply only after the user types the environment's
// name, or with an explicit --yes. Without a terminal to ask on, they refuse.
import readline from 'node:readline/promises'
import type { Environment } from './environment.ts'
import { DescopeMgmtError, UsageError } from './errors.ts'

export async function confirmProtected(env: Environment, changes: number, yes: boolean): Promise<void> {
  if (!env.protected || yes) return
  if (!process.stdin.isTTY) {
    throw new UsageError(`environment "${env.name}" is protected: applying ${changes} change(s) needs --yes, or a terminal to confirm in`)
  }
  const prompt = readline.createInterface({ input: process.stdin, output: process.stderr })
  try {
    const answer = await prompt.question(`Environment "${env.name}" is protected. Type its name to apply ${changes} change(s): `)
    if (answer.trim() !== env.name) throw new DescopeMgmtError('ABORTED', `apply cancelled: "${answer.trim()}" is not "${env.name}"; nothing was written`)
  } finally {
    prompt.close()
  }
}
