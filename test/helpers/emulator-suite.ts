import { suite, type Test } from 'uvu'
import { startEmulator, type Emulator, type EmulatorOptions } from '../../lib/emulator/index.ts'
import { apiClient, resetState, type ApiCall } from './emulator-http.ts'

// The shared fixture of the real-HTTP emulator suites: one emulator per suite, emptied before each test.

export interface Shared {
  emulator: Emulator
  call: ApiCall
}

export function emulatorSuite(name: string): Test<Shared> {
  const s = suite<Shared>(name, {} as Shared)
  s.before(async (ctx) => {
    ctx.emulator = await startEmulator()
    ctx.call = apiClient(ctx.emulator)
  })
  s.before.each((ctx) => resetState(ctx.emulator))
  s.after(async (ctx) => ctx.emulator.close())
  return s
}

/** Runs `fn` against an emulator with its own options, closing it whatever happens. */
export async function withEmulator(
  options: EmulatorOptions,
  fn: (emulator: Emulator, call: ApiCall) => Promise<void>,
): Promise<void> {
  const emulator = await startEmulator(options)
  try {
    await fn(emulator, apiClient(emulator))
  } finally {
    await emulator.close()
  }
}
