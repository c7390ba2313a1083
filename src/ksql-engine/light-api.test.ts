import { readFileSync } from 'node:fs'
import { dirname, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const ROOT = resolve(import.meta.dirname, '../..')

/** The project files a module loads when imported: its static value imports, followed transitively. */
function staticClosure(entry: string): ReadonlySet<string> {
  const seen = new Set<string>()
  const visit = (file: string): void => {
    if (seen.has(file)) return
    seen.add(file)
    const source = readFileSync(resolve(ROOT, file), 'utf8')
    // `import type` and `export type` are erased; `import ... from` and `export ... from` load the module.
    for (const match of source.matchAll(
      /^(?:import|export)\s+(?!type\s)[\w\s{},*$]*?\sfrom\s+'(\.[^']+)'/gm,
    )) {
      visit(relative(ROOT, resolve(ROOT, dirname(file), match[1] ?? '')))
    }
  }
  visit(entry)
  return seen
}

const engineFiles = (files: ReadonlySet<string>): string[] =>
  [...files].filter((file) => file.startsWith('src/ksql-engine/')).sort()

describe('light-api.ts, the light entry into the engine', () => {
  it('loads only the SQL types and the command-topic naming, not the engine', () => {
    expect(engineFiles(staticClosure('src/ksql-engine/light-api.ts'))).toEqual([
      'src/ksql-engine/kafka-bridge/command-log.ts',
      'src/ksql-engine/light-api.ts',
      'src/ksql-engine/types/sql-type.ts',
    ])
  })

  it('is what the warehouse sink loads of the engine (index.ts would load the parser, runtime and server)', () => {
    const loaded = engineFiles(staticClosure('src/commands/consume-warehouse.ts'))
    expect(loaded).not.toContain('src/ksql-engine/index.ts')
    expect(loaded.every((file) => staticClosure('src/ksql-engine/light-api.ts').has(file))).toBe(true)
  })

  it('sees a module index.ts loads (the walk itself works)', () => {
    expect(staticClosure('src/ksql-engine/index.ts')).toContain('src/ksql-engine/engine.ts')
    expect(staticClosure('src/ksql-engine/index.ts').size).toBeGreaterThan(50)
  })
})
