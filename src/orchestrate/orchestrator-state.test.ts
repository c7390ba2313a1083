import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { describeOrchestratorState, readOrchestratorState } from './orchestrator-state.ts'
import { appendRun, writeNextDue } from './runs-log.ts'

const run = (job: 'lake' | 'warehouse', end: string) => ({
  job,
  start: end,
  end,
  status: 'ok' as const,
  records: 1,
  files: 1,
  rows: 0,
  attempts: 1,
})

describe('readOrchestratorState', () => {
  it('empty state dir: not running, no runs', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dip-orch-state-'))
    const state = await readOrchestratorState(dir)
    expect(state).toEqual({ pid: null, lastRun: null, nextDue: null })
    expect(describeOrchestratorState(state)).toBe('orchestrator: not running, no runs yet')
  })

  it('the last run, and the next due time only while the lock holder lives', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'dip-orch-state-'))
    await appendRun(dir, run('lake', '2026-01-01T00:00:01.000Z'))
    await appendRun(dir, run('warehouse', '2026-01-01T00:00:02.000Z'))
    await writeNextDue(dir, Date.parse('2026-01-01T00:10:00Z'))
    await writeFile(join(dir, 'orchestrate.lock'), '777\n')
    const alive = await readOrchestratorState(dir, () => true)
    expect(alive).toMatchObject({
      pid: 777,
      lastRun: { job: 'warehouse' },
      nextDue: '2026-01-01T00:10:00.000Z',
    })
    expect(describeOrchestratorState(alive)).toBe(
      'orchestrator: pid 777, last run warehouse ok at 2026-01-01T00:00:02.000Z, next due 2026-01-01T00:10:00.000Z',
    )
    expect(await readOrchestratorState(dir, () => false)).toMatchObject({ pid: null, nextDue: null })
  })
})
