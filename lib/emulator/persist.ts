import * as v from 'valibot'
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs'
import { dirname } from 'node:path'
import { writeFileAtomic } from '../io/files.ts'
import { EmulatorError } from './errors.ts'
import { EmulatorStateSchema, type EmulatorState } from './state.ts'

/**
 * Reads the persisted state, or starts empty when the file does not exist yet, and writes that
 * empty state at once: an unwritable path fails at start, not on the first change (which would
 * answer 500 with the change already made in memory).
 */
/** The state in the file; a missing file starts as `fresh()` (a new project) and is written. */
export function loadState(path: string, fresh: () => EmulatorState): EmulatorState {
  if (existsSync(path) && statSync(path).isDirectory()) {
    throw new EmulatorError('EMULATOR_OPTIONS_INVALID', `the emulator's state file ${path} is a directory; name a file (it is made if missing)`)
  }
  if (!existsSync(path)) {
    const state = fresh()
    saveState(path, state)
    return state
  }
  let json: unknown
  try {
    json = JSON.parse(readFileSync(path, 'utf8'))
  } catch (cause) {
    throw corrupt(path, 'it is not valid JSON', cause)
  }
  const result = v.safeParse(EmulatorStateSchema, json)
  if (!result.success) {
    const issue = result.issues[0]
    throw corrupt(path, `${v.getDotPath(issue) ?? 'the top level'}: ${issue.message}`)
  }
  return result.output
}

/**
 * Writes synchronously and atomically (lib/files.ts): a reader or a crash never sees half a
 * file, and requests cannot interleave their writes.
 */
export function saveState(path: string, state: EmulatorState): void {
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 })
    writeFileAtomic(path, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 })
  } catch (cause) {
    throw new EmulatorError('EMULATOR_STATE_UNSAVED', `could not save the emulator state to ${path}: ${(cause as Error).message}; choose a writable path`, { cause })
  }
}

/** Saves a changing state without rewriting the whole file for every change of a burst. */
export interface StateSaver {
  /** the state changed: saved now, or, within `intervalMs` of the last save, once that has passed */
  changed(): void
  /** saves what is pending now (the emulator is closing) */
  flush(): void
}

/**
 * A change is saved at once when the file was last written more than `intervalMs` ago; the
 * changes of a burst are written together at the end of that interval, so an apply of n items
 * costs n/`intervalMs` rewrites of the file, not n. A save that fails later is reported by the
 * next change, or by flush().
 */
export function createSaver(path: string, state: EmulatorState, intervalMs = 100): StateSaver {
  let lastSaved = Number.NEGATIVE_INFINITY
  let timer: NodeJS.Timeout | undefined
  let dirty = false
  let failure: unknown
  const save = () => {
    timer = undefined
    saveState(path, state)
    dirty = false
    lastSaved = Date.now()
  }
  const raise = () => {
    if (failure === undefined) return
    const error = failure
    failure = undefined
    throw error
  }
  return {
    changed() {
      dirty = true
      if (!timer) {
        const wait = lastSaved + intervalMs - Date.now()
        if (wait <= 0) return save()
        timer = setTimeout(() => {
          try {
            save()
          } catch (error) {
            // kept dirty: the next change, or flush(), tries again and reports it
            failure = error
          }
        }, wait)
      }
      raise()
    },
    flush() {
      if (timer) clearTimeout(timer)
      timer = undefined
      failure = undefined
      if (dirty) save()
    },
  }
}

function corrupt(path: string, detail: string, cause?: unknown): EmulatorError {
  return new EmulatorError(
    'EMULATOR_STATE_CORRUPT',
    `emulator state file ${path} is corrupt (${detail}); fix it or delete it to start empty`,
    { cause },
  )
}
