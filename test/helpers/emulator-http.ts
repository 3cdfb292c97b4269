import * as assert from 'uvu/assert'
import { emptyState, type Emulator } from '../../lib/emulator/index.ts'

// Real-HTTP helpers for the emulator suites: one call shape, one way to assert a Descope error.

export interface ApiResponse {
  status: number
  headers: Headers
  // Parsed JSON body; every emulator response is a JSON object, which call() itself asserts.
  body: any
}

export interface CallOptions {
  /** Authorization header to send instead of the right one; null sends none. */
  authorization?: string | null
  /** Raw request body, sent as is (for malformed or empty bodies). */
  raw?: string
  headers?: Record<string, string>
}

export type ApiCall = (method: string, path: string, body?: unknown, options?: CallOptions) => Promise<ApiResponse>

export function apiClient(emulator: Emulator): ApiCall {
  return async (method, path, body, options = {}) => {
    const headers: Record<string, string> = { ...options.headers }
    const authorization =
      options.authorization === undefined ? `Bearer ${emulator.projectId}:${emulator.managementKey}` : options.authorization
    if (authorization !== null) headers.authorization = authorization
    let payload = options.raw
    if (payload === undefined && body !== undefined) {
      payload = JSON.stringify(body)
      headers['content-type'] = 'application/json'
    }
    const response = await fetch(`${emulator.url}${path}`, { method, headers, body: payload })
    assert.is(response.headers.get('content-type'), 'application/json', `${method} ${path}: content-type`)
    const json: unknown = await response.json()
    assert.type(json, 'object', `${method} ${path}: body is a JSON object`)
    assert.not.ok(Array.isArray(json), `${method} ${path}: body is not an array`)
    return { status: response.status, headers: response.headers, body: json }
  }
}

/** Asserts a Descope-shaped error: status, code, and the three string fields. */
export function assertApiError(response: ApiResponse, status: number, errorCode: string, messagePart?: string): void {
  assert.is(response.status, status, `status (body: ${JSON.stringify(response.body)})`)
  assert.is(response.body.errorCode, errorCode)
  assert.type(response.body.errorDescription, 'string')
  assert.type(response.body.errorMessage, 'string')
  if (messagePart !== undefined) assert.match(response.body.errorMessage, messagePart)
}

/** Empties the state in place (the emulator holds a reference to the same top-level object). */
export function resetState(emulator: Emulator): void {
  Object.assign(emulator.state, emptyState())
  emulator.log.length = 0
}

/** Polls until `check` holds, for things that happen in the background (node-sdk's license handshake). */
export async function waitFor(check: () => boolean, what: string, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) assert.unreachable(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

/** A request that changes something (flow list and exports, and searches, are POSTs that only read). */
export const isWrite = (entry: { method: string; path: string }) =>
  entry.method === 'POST' && !/\/(search|list|export|load)$/.test(entry.path) && entry.path !== '/v1/mgmt/fga/schema/dryrun'
