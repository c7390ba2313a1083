import { existsSync, readFileSync } from 'node:fs'

/** The last `count` lines of a log file ('' when it does not exist): for error messages and `dip logs`. */
export function tailFile(path: string, count: number): string[] {
  if (!existsSync(path)) return []
  const lines = readFileSync(path, 'utf8').split('\n')
  if (lines[lines.length - 1] === '') lines.pop()
  return lines.slice(-count)
}

export function tailForError(path: string, count = 15): string {
  const lines = tailFile(path, count)
  return lines.length === 0 ? `(${path} is empty)` : `last lines of ${path}:\n    ${lines.join('\n    ')}`
}
