// Which live item each desired item is: by key, or by the old key a `renamedFrom` names. One
// matching for sync, restore and drift, so they never disagree about what is the same item.
import type { ResourceHandler } from '../contract.ts'

type AnyHandler = ResourceHandler<any, any>

export interface Match {
  /** position in the desired list */
  index: number
  key: string
  /** the desired item, without its `renamedFrom` marker (never compared or sent) */
  item: object
  /** the live item it is, if any */
  live?: object
}

export interface Matching {
  matches: Match[]
  /** live items no desired item is: [key, item], built-ins left out */
  leftovers: [string, object][]
  /**
   * keys that more than one live item holds: which of them a declared item means cannot be
   * told, so none of them is matched, changed or pruned until one is removed
   */
  duplicates: { key: string; items: object[] }[]
}

export function matchItems(handler: AnyHandler, desired: object[], live: object[], skip: (key: string) => boolean = () => false): Matching {
  const byKey = new Map<string, object[]>()
  for (const item of live) {
    const key = handler.key(item)
    const same = byKey.get(key)
    if (same) same.push(item)
    else byKey.set(key, [item])
  }
  const duplicates = [...byKey].filter(([key, items]) => items.length > 1 && !skip(key)).map(([key, items]) => ({ key, items }))
  const ambiguous = new Set(duplicates.map((duplicate) => duplicate.key))
  const liveByKey = new Map([...byKey].filter(([key]) => !ambiguous.has(key)).map(([key, items]) => [key, items[0]!]))
  const desiredKeys = new Set(desired.map((item) => handler.key(item)))
  const taken = new Set<string>()
  const matches: Match[] = []
  desired.forEach((declared, index) => {
    const key = handler.key(declared)
    if (skip(key) || ambiguous.has(key)) return
    const { item, from } = renameOf(handler, declared)
    let current = liveByKey.get(key)
    // the live item under its old key becomes this one: an update, not a delete and a create
    if (!current && from !== undefined && !desiredKeys.has(from) && liveByKey.has(from)) {
      current = liveByKey.get(from)
      taken.add(from)
    }
    matches.push({ index, key, item, ...(current ? { live: current } : {}) })
  })
  const leftovers = [...liveByKey].filter(([key, item]) =>
    !desiredKeys.has(key) && !taken.has(key) && !skip(key) && !handler.builtIn?.(item))
  return { matches, leftovers, duplicates }
}

function renameOf(handler: AnyHandler, item: object): { item: object; from?: string } {
  const from = handler.renamedFrom?.(item)
  if (from === undefined) return { item }
  const { renamedFrom: _marker, ...rest } = item as Record<string, unknown>
  return { item: rest, from }
}
