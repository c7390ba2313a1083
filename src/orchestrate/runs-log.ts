import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { parseRunRecords, type RunRecord } from './run-record.ts'

export const RUNS_FILE = 'runs.jsonl'
const NEXT_DUE_FILE = 'orchestrate.next'

export async function appendRun(stateDir: string, run: RunRecord): Promise<void> {
  await mkdir(stateDir, { recursive: true })
  await appendFile(join(stateDir, RUNS_FILE), `${JSON.stringify(run)}\n`)
}

/** Every recorded run, oldest first; none when the orchestrator never ran. */
export async function readRuns(stateDir: string): Promise<RunRecord[]> {
  const text = await readFile(join(stateDir, RUNS_FILE), 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return ''
    throw error
  })
  return parseRunRecords(text)
}

/** The running orchestrator's next due time, so `dip status` can show it. */
export async function writeNextDue(stateDir: string, dueAt: number): Promise<void> {
  await mkdir(stateDir, { recursive: true })
  await writeFile(join(stateDir, NEXT_DUE_FILE), `${new Date(dueAt).toISOString()}\n`)
}

export async function readNextDue(stateDir: string): Promise<string | null> {
  const text = await readFile(join(stateDir, NEXT_DUE_FILE), 'utf8').catch(() => null)
  return text === null ? null : text.trim() || null
}
