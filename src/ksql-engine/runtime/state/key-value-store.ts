/**
 * State behind every stateful operator. In memory for now; a changelog-backed implementation can
 * replace it without touching operators.
 */
export interface KeyValueStore<V> {
  get(key: string): V | undefined
  put(key: string, value: V): void
  delete(key: string): void
  entries(): IterableIterator<[string, V]>
}

export function createInMemoryStore<V>(): KeyValueStore<V> {
  const map = new Map<string, V>()
  return {
    get: (key) => map.get(key),
    put: (key, value) => {
      map.set(key, value)
    },
    delete: (key) => {
      map.delete(key)
    },
    entries: () => map.entries(),
  }
}
