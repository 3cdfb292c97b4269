// What a plugin imports: the contract's types (lib/contract.ts), helpers that only add typing,
// and readEach, for a list() that reads item by item. The README's "Writing a plugin" walks through one.
import type { EmulatorExtension, HandlerContext, Plugin, ResourceHandler } from './contract.ts'

export type * from './contract.ts'

export const definePlugin = (plugin: Plugin): Plugin => plugin
export const defineHandler = <Item extends object, Live>(handler: ResourceHandler<Item, Live>) =>
  handler as ResourceHandler<Item, Live> as ResourceHandler<any, any>
export const defineEmulator = <State extends object>(extension: EmulatorExtension<State>) =>
  extension as EmulatorExtension<State> as EmulatorExtension<any>

/**
 * `read` of each key, all at once (the client paces them), in the order of `keys`, counted for
 * progress as each answer comes (`read 120/300 flows`): a list() that needs a request per item.
 */
export async function readEach<T>(ctx: Pick<HandlerContext, 'progress'>, keys: readonly string[], read: (key: string) => Promise<T>): Promise<T[]> {
  const { progress } = ctx
  if (!progress) return Promise.all(keys.map((key) => read(key)))
  let done = 0
  progress(0, keys.length)
  return Promise.all(keys.map(async (key) => {
    try {
      return await read(key)
    } finally {
      // a read that failed is over too: the count reaches its total, and no status line is left behind
      progress(++done, keys.length)
    }
  }))
}
