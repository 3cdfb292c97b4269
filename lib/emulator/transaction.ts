import type { EmulatorState } from './state.ts'

/**
 * Runs a change of many steps (a batch, one request's cascades) on a copy of the state and
 * commits it only when every step succeeded, so a failing item leaves nothing half done. Batches
 * being all-or-nothing is ASSUMED of the real API. The top-level object stays the same one (the
 * server and tests hold it); only its keys are replaced.
 */
export function allOrNothing<T>(state: EmulatorState, change: (draft: EmulatorState) => T): T {
  const draft = structuredClone(state)
  const result = change(draft)
  Object.assign(state, draft)
  return result
}
