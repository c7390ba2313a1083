import { mkdir, mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** Builds a small lake tree in a temp folder: `files` maps relative paths to their content. */
export async function buildLake(files: Readonly<Record<string, string>>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'dip-lake-tools-'))
  for (const [path, content] of Object.entries(files)) {
    const full = join(root, path)
    await mkdir(join(full, '..'), { recursive: true })
    await writeFile(full, content)
  }
  return root
}

export const row = (value: Record<string, unknown>) => `${JSON.stringify(value)}\n`
export const fileName = (topic: string, first: number, last: number) =>
  `${topic}-p00000-${String(first).padStart(20, '0')}-${String(last).padStart(20, '0')}.jsonl`
