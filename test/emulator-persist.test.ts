// The persisted emulator's saver: a save that fails is reported by the next change and tried
// again, so closing writes every change that was answered, once the disk takes it.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { setTimeout as sleep } from 'node:timers/promises'
import { createSaver, saveState } from '../lib/emulator/persist.ts'
import { emptyState } from '../lib/emulator/state.ts'

test('a failed save is reported, kept pending, and written on close', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'descope-mgmt-persist-'))
  const file = path.join(dir, 'state.json')
  const state = emptyState()
  saveState(file, state)
  const saver = createSaver(file, state, 50)
  state.permissions.a = { id: 'a', name: 'a', description: '' } as never
  saver.changed() // saved at once
  // the path becomes unwritable: a directory where the file was
  fs.rmSync(file); fs.mkdirSync(file); fs.writeFileSync(path.join(file, 'x'), '')
  state.permissions.b = { id: 'b', name: 'b', description: '' } as never
  saver.changed() // within the interval: timer, which fails
  await sleep(80)
  state.permissions.c = { id: 'c', name: 'c', description: '' } as never
  assert.throws(() => saver.changed(), /could not save/) // the request that changed c is answered 500, but c is in memory
  // the disk is fine again
  fs.rmSync(file, { recursive: true }); saveState(file, emptyState())
  saver.flush() // what emulator.close() does
  const saved = Object.keys(JSON.parse(fs.readFileSync(file, 'utf8')).permissions)
  assert.equal(saved, ['a', 'b', 'c'], `close() resolved, but the file holds ${JSON.stringify(saved)}`)
  fs.rmSync(dir, { recursive: true, force: true })
})
test.run()
