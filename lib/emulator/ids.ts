import { randomBytes } from 'node:crypto'

// Generated ids. Real Descope ids are a prefix plus base62-looking characters, 28-30 long in total
// (`P…` projects, `ROL…` roles in terraform-provider-descope test data); the exact alphabet and
// length per kind are UNCONFIRMED.

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

/** `prefix` followed by `length` random characters, drawn again until `taken` says it is free. */
export function randomId(prefix: string, length: number, taken: (id: string) => boolean): string {
  for (;;) {
    const id = prefix + Array.from(randomBytes(length), (byte) => ALPHABET[byte % ALPHABET.length]).join('')
    if (!taken(id)) return id
  }
}

/** An opaque version tag, new on every import (flow etags). */
export function randomTag(): string {
  return randomBytes(12).toString('hex')
}
