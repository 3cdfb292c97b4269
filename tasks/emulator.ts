// Runs the local Descope management API emulator on its own, for trying the tool or the official
// SDKs without a Descope account. `npx tsx tasks/emulator.ts --help` lists the flags.
import type { FlagSpecs, ParsedFlags, WithCommonFlags } from '../lib/run/flags.ts'
import { defineTask, runAsScript } from '../lib/run/runner.ts'

/** Declared once: the flags the task parses, and the type its options are read from. */
const flags = {
  port: { type: 'integer', min: 0, value: '<n>', description: 'port to listen on (default 4700; 0 picks a free one)' },
  persist: { type: 'string', value: '<file>', description: 'load state from the file if present, save it after changes (a burst at most every 100 ms) and when stopped' },
  blank: { type: 'boolean', description: 'start an empty project, not one seeded like a real new project (default flows, theme, Tenant Admin, system permissions)' },
  'rate-limit': { type: 'string', value: '<n>/<window>', description: 'at most n requests per window (ms, s or m), then 429: 100/60s' },
  latency: { type: 'integer', min: 0, value: '<ms>', description: 'delay every response by this many milliseconds' },
  'error-rate': { type: 'string', value: '<ratio>', description: 'answer a share (0..1) of requests with a 500' },
  'drop-rate': { type: 'string', value: '<ratio>', description: 'drop the connection for a share (0..1) of requests' },
  'latency-spikes': { type: 'string', value: '<ratio>/<ms>', description: 'delay a share of requests by that many milliseconds more: 0.05/400' },
  'rate-limit-bursts': { type: 'string', value: '<ratio>/<ms>', description: 'a share of requests start a burst of 429s that long: 0.01/1000' },
  seed: { type: 'integer', min: 0, value: '<n>', description: 'seed the fault decisions so a run can be replayed' },
  verbose: { type: 'boolean', description: 'log each request served: method, path, status and any fault' },
} as const satisfies FlagSpecs
export type EmulatorArgs = ParsedFlags<WithCommonFlags<typeof flags>>

export const task = defineTask({
  name: 'emulator',
  summary: 'Serves the Descope management API on 127.0.0.1 until Ctrl-C, for trying the tool or the\nofficial SDKs without a Descope account.',
  usage: '[flags]',
  flags,
  examples: [
    'npx tsx tasks/emulator.ts --port 4701 --persist .descope-emulator/state.json',
    'npx tsx tasks/emulator.ts --rate-limit 100/60s --latency 150 --error-rate 0.2 --seed 42',
  ],
  // the emulator, and what it needs, is loaded only now: --help does without it
  run: async (args, log) => (await import('./run/emulator.ts')).run(args, log),
})

await runAsScript(import.meta.url, task)
