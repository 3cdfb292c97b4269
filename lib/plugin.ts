// What a plugin imports: the contract's types (lib/contract.ts) and two helpers that only add
// typing. The README's "Writing a plugin" walks through one.
import type { EmulatorExtension, Plugin, ResourceHandler } from './contract.ts'

export type * from './contract.ts'

export const definePlugin = (plugin: Plugin): Plugin => plugin
export const defineHandler = <Item extends object, Live>(handler: ResourceHandler<Item, Live>) =>
  handler as ResourceHandler<Item, Live> as ResourceHandler<any, any>
export const defineEmulator = <State extends object>(extension: EmulatorExtension<State>) =>
  extension as EmulatorExtension<State> as EmulatorExtension<any>
