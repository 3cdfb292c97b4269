// stdout holds what a task reports (plans, tables, JSON documents); logs go to stderr (log.ts).
// Both are redacted: no registered secret reaches either.
import { redact } from './secrets.ts'

/** One block of a task's report on stdout, every registered secret cut out; `end` follows it (a CSV ends its own lines). */
export function print(text: string, end = '\n'): void {
  process.stdout.write(`${redact(text)}${end}`)
}

/**
 * The one way a secret reaches stdout in clear: a value the API shows once (an access key's
 * cleartext), printed to a terminal the user watches. Nothing else may call it.
 */
export function printSecretOnce(text: string): void {
  process.stdout.write(`${text}\n`)
}
