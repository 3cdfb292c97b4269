// `npm run bench [-- <tenants>]`: every benchmark, one after the other, each printing its ratios.
await import('./faults.bench.ts')
await import('./files.bench.ts')
