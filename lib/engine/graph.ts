// The one cycle detector: plugin dependencies, apply order and tenant parents all ask it.

/**
 * The first cycle among `nodes` following `edges` (node → the nodes it waits on), as the path
 * that closes it (`a → b → a`), or undefined when there is none.
 */
export function findCycle<T>(nodes: Iterable<T>, edges: (node: T) => Iterable<T>): T[] | undefined {
  const state = new Map<T, 'visiting' | 'done'>()
  const chain: T[] = []
  const visit = (node: T): T[] | undefined => {
    if (state.get(node) === 'done') return undefined
    if (state.get(node) === 'visiting') return [...chain.slice(chain.indexOf(node)), node]
    state.set(node, 'visiting')
    chain.push(node)
    for (const next of edges(node)) {
      const cycle = visit(next)
      if (cycle) return cycle
    }
    chain.pop()
    state.set(node, 'done')
    return undefined
  }
  for (const node of nodes) {
    const cycle = visit(node)
    if (cycle) return cycle
  }
  return undefined
}

/** `nodes` with each after the nodes it waits on (`edges`); call findCycle first. */
export function inDependencyOrder<T>(nodes: Iterable<T>, edges: (node: T) => Iterable<T>): T[] {
  const ordered: T[] = []
  const placed = new Set<T>()
  const place = (node: T) => {
    if (placed.has(node)) return
    placed.add(node)
    for (const next of edges(node)) place(next)
    ordered.push(node)
  }
  for (const node of nodes) place(node)
  return ordered
}
