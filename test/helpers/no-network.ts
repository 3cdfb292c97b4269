// Preloaded into a task's process (node --import) to prove it opens no connection: every way out
// (a socket's connect, which http, https, fetch and tls all go through; a DNS lookup; a UDP
// socket; a server's listen, as the embedded emulator would) is written to $NO_NETWORK_LOG, with
// where it came from, and throws. The test reads the log: an empty one is the proof.
import dgram from 'node:dgram'
import dns from 'node:dns'
import fs from 'node:fs'
import net from 'node:net'

const log = process.env.NO_NETWORK_LOG
if (!log) throw new Error('no-network.ts needs NO_NETWORK_LOG: the file attempts are written to')

function refuse(what: string): never {
  fs.appendFileSync(log!, `${JSON.stringify({ what, stack: new Error().stack })}\n`)
  throw new Error(`no network here: ${what} was attempted`)
}

net.Socket.prototype.connect = function connect() { refuse('net.Socket.connect') }
net.Server.prototype.listen = function listen() { refuse('net.Server.listen') }
dgram.Socket.prototype.send = function send() { refuse('dgram.Socket.send') }
for (const name of ['lookup', 'lookupService', 'resolve', 'resolve4', 'resolve6', 'resolveAny', 'resolveCname', 'resolveMx', 'resolveNs', 'resolveSrv', 'resolveTxt', 'reverse'] as const) {
  ;(dns as Record<string, unknown>)[name] = () => refuse(`dns.${name}`)
  ;(dns.promises as Record<string, unknown>)[name] = () => refuse(`dns.promises.${name}`)
}
dns.Resolver.prototype.resolve = function resolve() { refuse('dns.Resolver.resolve') } as never
