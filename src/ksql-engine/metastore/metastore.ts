import type { DataSource } from './source.ts'

/** Catalog of streams and tables. Copy-on-write: `copy()` gives the validation sandbox its own view. */
export class Metastore {
  private readonly sources: Map<string, DataSource>

  constructor(sources: ReadonlyMap<string, DataSource> = new Map()) {
    this.sources = new Map(sources)
  }

  copy(): Metastore {
    return new Metastore(this.sources)
  }

  get(name: string): DataSource | undefined {
    return this.sources.get(name)
  }

  /** A case-insensitive match, for "Did you mean ..." hints. */
  findIgnoringCase(name: string): DataSource | undefined {
    const upper = name.toUpperCase()
    for (const source of this.sources.values()) if (source.name.toUpperCase() === upper) return source
    return undefined
  }

  put(source: DataSource): void {
    this.sources.set(source.name, source)
  }

  delete(name: string): void {
    this.sources.delete(name)
  }

  all(): DataSource[] {
    return [...this.sources.values()]
  }
}
