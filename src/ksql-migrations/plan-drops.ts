import { DipError } from '../shared/errors.ts'

export interface DropSource {
  readonly type: 'STREAM' | 'TABLE'
  readonly name: string
}

export interface DropQuery {
  readonly id: string
  readonly queryString: string
  readonly sinks: readonly string[]
}

export interface DropStep {
  readonly type: 'STREAM' | 'TABLE'
  readonly name: string
  /** Queries writing this source, terminated before the DROP. */
  readonly terminate: readonly string[]
}

/** Source names a query reads (FROM/JOIN), as SHOW QUERIES gives only the statement text. */
export function queryInputs(queryString: string): string[] {
  return [...queryString.matchAll(/\b(?:FROM|JOIN)\s+(`(?:[^`]|``)+`|[A-Za-z_]\w*)/gi)].map((m) => {
    const raw = m[1] ?? ''
    return raw.startsWith('`') ? raw.slice(1, -1).replace(/``/g, '`') : raw.toUpperCase()
  })
}

/**
 * The DROP order for `names` plus everything derived from them (ksqlDB refuses to drop a source other
 * sources read): derived sources first, each with the queries that write it terminated first.
 */
export function planDrops(
  sources: readonly DropSource[],
  queries: readonly DropQuery[],
  names: readonly string[],
): DropStep[] {
  const byName = new Map(sources.map((s) => [s.name, s]))
  const resolve = (name: string): DropSource => {
    const found = byName.get(name) ?? byName.get(name.toUpperCase())
    if (found === undefined)
      throw new DipError('DIP_USAGE', `No stream or table named ${name}.`, {
        hint: 'see `dip ksql status` for the names',
      })
    return found
  }
  const selected = new Set(names.map((n) => resolve(n).name))
  // Close over dependents: whatever a query writes from a selected source goes too.
  for (let grew = true; grew;) {
    grew = false
    for (const query of queries)
      if (queryInputs(query.queryString).some((i) => selected.has(i)))
        for (const sink of query.sinks)
          if (byName.has(sink) && !selected.has(sink)) {
            selected.add(sink)
            grew = true
          }
  }
  const steps: DropStep[] = []
  const done = new Set<string>()
  const visit = (name: string, path: readonly string[]): void => {
    if (done.has(name) || path.includes(name)) return
    for (const query of queries)
      if (queryInputs(query.queryString).includes(name))
        for (const sink of query.sinks) if (selected.has(sink) && sink !== name) visit(sink, [...path, name])
    done.add(name)
    const source = byName.get(name) as DropSource
    steps.push({
      type: source.type,
      name,
      terminate: queries.filter((q) => q.sinks.includes(name)).map((q) => q.id),
    })
  }
  for (const name of [...selected].sort()) visit(name, [])
  return steps
}
