import type { IncomingMessage, ServerResponse } from 'node:http'

// Raw HTTP plumbing: read a body, parse it, send JSON.

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

export type ParsedBody = { ok: true; value: unknown } | { ok: false; reason: string }

/** An empty body parses as null: Go sends POSTs without a body (go-sdk internal/mgmt/flow.go). */
export function parseJson(raw: string): ParsedBody {
  if (raw.trim() === '') return { ok: true, value: null }
  try {
    return { ok: true, value: JSON.parse(raw) }
  } catch (error) {
    return { ok: false, reason: (error as Error).message }
  }
}

export interface Reply {
  status: number
  body: object
  headers?: Record<string, string>
}

/** Every response is a JSON object: node-sdk parses every body, even a 2xx with nothing to say. */
export function sendJson(res: ServerResponse, reply: Reply): void {
  // the client left, close() tore the socket down during latency, or a reply already went out
  if (res.destroyed || res.headersSent) return
  const text = JSON.stringify(reply.body)
  res.writeHead(reply.status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...reply.headers,
  })
  res.end(text)
}
