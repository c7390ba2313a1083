/** The "core" files of the corpus: the rows of INDEX.md's file table whose core column holds `x`. */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

export function parseCoreFiles(indexMarkdown: string): string[] {
  const core: string[] = []
  for (const line of indexMarkdown.split('\n')) {
    // | `qtt/filter.json` | 5 | 0 | 0 | x | WHERE filters ... |
    const cells = line.split('|').map((c) => c.trim())
    const file = /^`([^`]+\.json)`$/.exec(cells[1] ?? '')?.[1]
    if (file !== undefined && cells[5]?.toLowerCase() === 'x') core.push(file)
  }
  return core
}

export function loadCoreFiles(suiteDir: string): string[] {
  return parseCoreFiles(readFileSync(join(suiteDir, 'INDEX.md'), 'utf8'))
}
