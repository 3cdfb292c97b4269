// One figure of `npm run bench`: what was measured, beside its reference measured in the same
// run, as a ratio, and the target it must meet (ok false: missed).
export interface BenchRow {
  figure: string
  measured: string
  reference: string
  /** measured ÷ reference, or null where the figure is a count */
  ratio: number | null
  target?: string
  ok?: boolean
}

export interface BenchOptions {
  /** fewer items, so that the whole run stays under a minute */
  quick: boolean
}

export type Bench = (options: BenchOptions) => Promise<BenchRow[]>

export const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`
export const ratio = (measured: number, reference: number) => Number((measured / reference).toFixed(3))
