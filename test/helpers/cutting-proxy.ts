// An HTTP proxy in front of an emulator that forwards every request and, for the requests `cut`
// picks, lets the upstream answer land and then destroys the client's connection: a write that
// went through but whose answer was lost, the case a verification against live exists for. It
// can also refuse a request itself, unforwarded (`refuse`): an answer the real API may give
// where the emulator would not (a batch refused whole).
import http from 'node:http'
import type { AddressInfo } from 'node:net'

export interface CuttingProxy {
  url: string
  /** "METHOD path" of each request whose answer was cut */
  cut: string[]
  close(): Promise<void>
}

export interface Refusal { status: number; body: object; headers?: Record<string, string> }

export async function cuttingProxy(
  upstream: string,
  cut: (method: string, path: string, count: number) => boolean,
  refuse?: (method: string, path: string, count: number) => Refusal | undefined,
  /** requests never answered nor forwarded: an API gone silent on one call */
  silent?: (method: string, path: string) => boolean,
): Promise<CuttingProxy> {
  const seen = new Map<string, number>()
  const cuts: string[] = []
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const name = `${req.method} ${new URL(req.url ?? '/', 'http://proxy.invalid').pathname}`
      const count = (seen.get(name) ?? 0) + 1
      seen.set(name, count)
      if (silent?.(req.method ?? 'GET', name.split(' ')[1]!)) return
      const refusal = refuse?.(req.method ?? 'GET', name.split(' ')[1]!, count)
      if (refusal) {
        res.writeHead(refusal.status, { 'content-type': 'application/json', ...refusal.headers })
        res.end(JSON.stringify(refusal.body))
        return
      }
      const forward = http.request(`${upstream}${req.url}`, { method: req.method, headers: req.headers }, (answer) => {
        const body: Buffer[] = []
        answer.on('data', (chunk: Buffer) => body.push(chunk))
        answer.on('end', () => {
          if (cut(req.method ?? 'GET', name.split(' ')[1]!, count)) {
            cuts.push(name)
            req.socket.destroy()
            return
          }
          res.writeHead(answer.statusCode ?? 502, answer.headers)
          res.end(Buffer.concat(body))
        })
      })
      forward.end(Buffer.concat(chunks))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    cut: cuts,
    close: () => new Promise((resolve) => {
      server.close(() => resolve())
      server.closeAllConnections()
    }),
  }
}
