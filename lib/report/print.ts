// stdout holds what a task reports (plans, tables, JSON documents); logs go to stderr (log.ts).
// Both are redacted: no registered secret reaches either. On a terminal they share the screen
// with the progress status line, which is cleared first so a report never lands on its end.
import { redact } from './secrets.ts'
import { besideStatusLine } from './progress.ts'

/** One block of a task's report on stdout, every registered secret cut out; `end` follows it (a CSV ends its own lines). */
export function print(text: string, end = '\n'): void {
  besideStatusLine(() => process.stdout.write(`${redact(text)}${end}`))
}

/**
 * The one way a secret reaches stdout in clear: a value the API shows once (an access key's
 * cleartext), printed to a terminal the user watches. Nothing else may call it.
 */
export function printSecretOnce(text: string): void {
  besideStatusLine(() => process.stdout.write(`${text}\n`))
}
