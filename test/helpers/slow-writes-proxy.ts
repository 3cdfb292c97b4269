// An HTTP proxy in front of an emulator that holds each write for `delayMs` before forwarding
// it, as the emulator's latencyMs would, and forwards reads at once: an apply slow enough to be
// interrupted in its middle, without the same wait on every read before it. `delayMs` may be
// changed between runs (0 for a re-run that only has to converge).
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { isWrite } from './emulator-http.ts'

export interface SlowWritesProxy {
  url: string
  delayMs: number
  /** when the last write held now is due to be forwarded (0: none is held): a request in flight until then */
  readonly heldUntil: number
  close(): Promise<void>
}

export async function slowWritesProxy(upstream: string, delayMs: number): Promise<SlowWritesProxy> {
  /** when each write held now is due */
  const held: number[] = []
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://proxy.invalid').pathname
      // forwarded even if the client has gone meanwhile: the emulator's own latency, too, is
      // waited before the handler runs, whoever is still listening
      const forward = () => {
        const request = http.request(`${upstream}${req.url}`, { method: req.method, headers: req.headers }, (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers)
          answer.pipe(res)
        })
        request.on('error', () => res.destroy())
        request.end(Buffer.concat(chunks))
      }
      const delay = isWrite({ method: req.method ?? 'GET', path }) ? proxy.delayMs : 0
      if (delay === 0) return forward()
      const due = Date.now() + delay
      held.push(due)
      setTimeout(() => {
        held.splice(held.indexOf(due), 1)
        forward()
      }, delay)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const proxy: SlowWritesProxy = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    delayMs,
    get heldUntil() { return Math.max(0, ...held) },
    close: () => new Promise((resolve) => {
      server.close(() => resolve())
      server.closeAllConnections()
    }),
  }
  return proxy
}
