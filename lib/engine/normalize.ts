// Small helpers plugins use to put live and declared values in one canonical form.

/** A set of strings in one order, so that ['b', 'a', 'a'] and ['a', 'b'] compare equal. */
export const sortedUnique = (values: string[]): string[] => [...new Set(values)].sort()

/** Order by UTF-16 code unit: the same on every machine, whatever its locale. */
export const byCodeUnit = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

/** The item without these top-level fields (the item itself when it has none of them). */
export const withoutFields = <T extends object>(item: T, fields: readonly string[]): T =>
  (fields.some((field) => Object.hasOwn(item, field)) ? Object.fromEntries(Object.entries(item).filter(([field]) => !fields.includes(field))) as T : item)
