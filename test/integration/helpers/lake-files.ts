import { createHash } from 'node:crypto'
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'

/** Every lake file under `root` (relative paths, sorted), temp files and the lock excluded. */
export async function lakeFiles(root: string): Promise<string[]> {
  let entries: string[]
  try {
    entries = await readdir(root, { recursive: true })
  } catch {
    return []
  }
  return entries.filter((p) => /\.(jsonl|parquet)$/.test(p) && !p.split('/').at(-1)?.startsWith('.')).sort()
}

/** Rows of the JSON Lines data files (not dead letters) under `root`, with the file they came from. */
export async function lakeRows(
  root: string,
  area?: 'streams' | 'tables' | '_errors',
): Promise<Record<string, unknown>[]> {
  const rows: Record<string, unknown>[] = []
  for (const file of await lakeFiles(root)) {
    if (!file.endsWith('.jsonl')) continue
    if (area === undefined ? file.startsWith('_errors/') : !file.startsWith(`${area}/`)) continue
    const text = await readFile(join(root, file), 'utf8')
    for (const line of text.split('\n'))
      if (line !== '') rows.push({ ...(JSON.parse(line) as object), __file: file })
  }
  return rows
}

/** file → sha256 of its bytes: two equal trees give equal maps. */
export async function lakeDigest(root: string): Promise<Record<string, string>> {
  const digest: Record<string, string> = {}
  for (const file of await lakeFiles(root))
    digest[file] = createHash('sha256')
      .update(await readFile(join(root, file)))
      .digest('hex')
  return digest
}

/** Every (partition, offset) in the lake: data rows and dead letters together. */
export async function lakeOffsets(root: string): Promise<string[]> {
  const rows = await lakeRows(root, 'streams')
  const errors = await lakeRows(root, '_errors')
  return [
    ...rows.map((r) => `${String(r['_partition'])}:${String(r['_offset'])}`),
    ...errors.map((e) => `${String(e['partition'])}:${String(e['offset'])}`),
  ]
}

/** The values seen before (each repeat listed once per extra occurrence): empty when all differ. */
export function duplicates(values: readonly string[]): string[] {
  const seen = new Set<string>()
  return values.filter((v) => (seen.has(v) ? true : (seen.add(v), false)))
}
