import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { LOCK_FILE, pidAlive } from './orchestrator-lock.ts'
import type { RunRecord } from './run-record.ts'
import { readNextDue, readRuns } from './runs-log.ts'

export interface OrchestratorState {
  /** pid of the running orchestrator, or null when none runs. */
  readonly pid: number | null
  readonly lastRun: RunRecord | null
  /** ISO time of the next cycle; only while an orchestrator runs. */
  readonly nextDue: string | null
}

/** What `dip status` says about the orchestrator, from the state dir alone. */
export async function readOrchestratorState(
  stateDir: string,
  isAlive: (pid: number) => boolean = pidAlive,
): Promise<OrchestratorState> {
  const holder = Number.parseInt(await readFile(join(stateDir, LOCK_FILE), 'utf8').catch(() => ''), 10)
  const pid = Number.isInteger(holder) && holder > 0 && isAlive(holder) ? holder : null
  const runs = await readRuns(stateDir)
  return {
    pid,
    lastRun: runs[runs.length - 1] ?? null,
    nextDue: pid === null ? null : await readNextDue(stateDir),
  }
}

/** One line for humans, e.g. `orchestrator: pid 4242, last run warehouse ok at …, next due …`. */
export function describeOrchestratorState(state: OrchestratorState): string {
  const last =
    state.lastRun === null
      ? 'no runs yet'
      : `last run ${state.lastRun.job} ${state.lastRun.status} at ${state.lastRun.end}`
  const running = state.pid === null ? 'not running' : `pid ${state.pid}`
  const next = state.nextDue === null ? '' : `, next due ${state.nextDue}`
  return `orchestrator: ${running}, ${last}${next}`
}
