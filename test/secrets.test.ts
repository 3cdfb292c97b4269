// Redaction: a registered secret is cut out of every text in every encoding that text may
// carry it in, and a secret-named variable may fill only a secret field.
import { dump } from 'js-yaml'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { encodings, holdsSecret, redact, redactValue, registerSecret } from '../lib/report/secrets.ts'

const SECRET = `K-pa"ss\\word'|%& +\u00e9-123456`

const test = suite('secrets')

test('every encoding of a registered secret is redacted, wherever it sits in the text', () => {
  registerSecret(SECRET)
  const texts = [
    `key ${SECRET} end`,
    JSON.stringify({ message: `failed with ${SECRET}` }),
    JSON.stringify({ error: JSON.stringify({ message: SECRET }) }),
    dump({ key: SECRET }),
    dump({ key: `${SECRET}: with a colon` }),
    dump({ key: `'${SECRET}` }),
    `https://api.example/x?key=${encodeURIComponent(SECRET)}`,
    `https://api.example/x?${new URLSearchParams({ key: SECRET })}`,
    `| ${SECRET.replace(/\|/g, '\\|')} |`,
  ]
  for (const text of texts) {
    const redacted = redact(text)
    assert.ok(redacted.includes('[redacted]'), `redacted in ${text}`)
    for (const form of encodings(SECRET)) assert.not.ok(redacted.includes(form), `${JSON.stringify(form)} left in ${redacted}`)
    assert.not.ok(holdsSecret(redacted))
  }
})

test('base64 of a longer text holding the secret at any offset is redacted too', () => {
  registerSecret(SECRET)
  for (const prefix of ['', 'a', 'ab', '{"k":"', 'Bearer P2x:']) {
    for (const encoding of ['base64', 'base64url'] as const) {
      const encoded = Buffer.from(`${prefix}${SECRET}"} and more`).toString(encoding)
      assert.match(redact(encoded), '[redacted]', `${encoding} after ${JSON.stringify(prefix)}`)
    }
  }
  assert.match(redact(Buffer.from(`x${SECRET}y`).toString('hex')), '[redacted]')
})

test('documents are redacted before they are serialized, keys included', () => {
  registerSecret(SECRET)
  const document = redactValue({ [SECRET]: [SECRET, { deep: `a ${SECRET}` }], n: 1 })
  assert.equal(document, { '[redacted]': ['[redacted]', { deep: 'a [redacted]' }], n: 1 })
})

test('values too short to redact without mangling words are not registered (the environment refuses them)', () => {
  registerSecret('wrong')
  assert.is(redact('the wrong key'), 'the wrong key')
})

test.run()
