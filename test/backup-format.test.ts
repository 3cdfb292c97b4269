// The backup document, without I/O: stable order whatever the locale, secrets refused, damage named.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { parseBackup } from '../lib/backup/format.ts'
import { snapshot } from '../lib/backup/snapshot.ts'
import { writeBackup } from '../lib/backup/store.ts'
import { ConfigError, DescopeMgmtError } from '../lib/errors.ts'
import { registerSecret } from '../lib/report/secrets.ts'
import tenants from '../plugins/tenants.ts'
import { registryOf } from '../lib/engine/registry.ts'

const handlers = registryOf(tenants().handlers)
const context = { handlers, env: { name: 'dev' } as never, projectId: 'P2test' }
const live = (names: string[]) => new Map([['tenant', names.map((id) => ({ id, name: id }))]])

test('items are sorted by code unit, so every machine writes the same order and hash', () => {
  const backup = snapshot(context, live(['zeta', 'äpple', 'Beta']), 'manual', null)
  assert.equal(backup.items.tenant!.map((item) => item.id), ['Beta', 'zeta', 'äpple'])
  const again = snapshot(context, live(['äpple', 'Beta', 'zeta']), 'manual', null)
  assert.is(again.metadata.contentHash, backup.metadata.contentHash)
})

test('a backup that would hold a registered secret is refused, and nothing is written', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'descope-mgmt-backup-'))
  try {
    registerSecret('K-very-secret-value-123')
    const backup = snapshot(context, new Map([['tenant', [{ id: 'acme', name: 'K-very-secret-value-123' }]]]), 'manual', null)
    try {
      writeBackup(root, backup)
      assert.unreachable('must refuse')
    } catch (error) {
      assert.instance(error, DescopeMgmtError)
      assert.is((error as DescopeMgmtError).code, 'BACKUP_SECRET')
    }
    assert.equal(fs.readdirSync(root), [])
  } finally {
    fs.rmSync(root, { recursive: true, force: true })
  }
})

test('an edited item no longer matches the content hash', () => {
  const backup = snapshot(context, live(['acme']), 'manual', null)
  backup.items.tenant![0]!.name = 'tampered'
  try {
    parseBackup(JSON.stringify(backup), 'b.json')
    assert.unreachable('must refuse')
  } catch (error) {
    assert.instance(error, ConfigError)
    assert.match((error as ConfigError).issues[0]!.message, 'does not match its content hash')
  }
})

test('a format version no descope-mgmt wrote is named as such', () => {
  const backup = snapshot(context, live(['acme']), 'manual', null) as unknown as { metadata: { version: unknown } }
  for (const version of [0, '2']) {
    backup.metadata.version = version
    try {
      parseBackup(JSON.stringify(backup), 'b.json')
      assert.unreachable('must refuse')
    } catch (error) {
      assert.match((error as ConfigError).issues[0]!.message, 'has a format version no descope-mgmt wrote')
    }
  }
})

test.run()
