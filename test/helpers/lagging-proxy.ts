// An HTTP proxy in front of an emulator whose reads lag its writes, as a real project's may
// (descope-api.md §9, "Read after write"): for `lagMs` after a write, a read is answered with
// what the same read was answered before that write, when it was made before. A test that reads
// back what it just wrote must wait for it; one that reads once fails here as it would there.
import http from 'node:http'
import type { AddressInfo } from 'node:net'

export interface LaggingProxy {
  url: string
  /** "METHOD path" of each read answered from before the last write */
  stale: string[]
  close(): Promise<void>
}

/** The management API's reads: GET, and the POSTs that search, list, export or load. */
const isRead = (method: string, path: string) => method === 'GET' || /\/(search|list|export|load|all)$/.test(path)

export async function laggingProxy(upstream: string, lagMs: number): Promise<LaggingProxy> {
  const answers = new Map<string, { status: number; headers: http.IncomingHttpHeaders; body: Buffer }>()
  const stale: string[] = []
  let lastWrite = 0
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const method = req.method ?? 'GET'
      const path = new URL(req.url ?? '/', 'http://proxy.invalid').pathname
      const body = Buffer.concat(chunks)
      const read = isRead(method, path)
      const key = `${method} ${req.url} ${body.toString()}`
      const old = read && Date.now() - lastWrite < lagMs ? answers.get(key) : undefined
      if (old) {
        stale.push(`${method} ${path}`)
        res.writeHead(old.status, old.headers)
        res.end(old.body)
        return
      }
      if (!read) lastWrite = Date.now()
      const forward = http.request(`${upstream}${req.url}`, { method, headers: req.headers }, (answer) => {
        const parts: Buffer[] = []
        answer.on('data', (chunk: Buffer) => parts.push(chunk))
        answer.on('end', () => {
          const reply = { status: answer.statusCode ?? 502, headers: answer.headers, body: Buffer.concat(parts) }
          if (read && reply.status === 200) answers.set(key, reply)
          // a write is seen late from the moment it is answered, too
          if (!read) lastWrite = Date.now()
          res.writeHead(reply.status, reply.headers)
          res.end(reply.body)
        })
      })
      forward.on('error', () => res.destroy())
      forward.end(body)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stale,
    close: () => new Promise((resolve) => {
      server.close(() => resolve())
      server.closeAllConnections()
    }),
  }
}
