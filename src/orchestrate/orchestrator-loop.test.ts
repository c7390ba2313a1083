import { describe, expect, it } from 'vitest'
import { runOrchestratorLoop, type LoopDeps } from './orchestrator-loop.ts'
import { parseEvery } from './schedule.ts'
import { decideTick } from './tick.ts'

/**
 * A fake clock: sleep() advances time at once; a cycle takes `cycleMs` of fake time, during which
 * ticks can fall due. The loop is stopped after `ticks` sleeps.
 */
function harness(cycleMs: number, ticks: number) {
  let clock = Date.parse('2026-01-01T00:00:00Z')
  const stop = new AbortController()
  const logs: string[] = []
  const cycleStarts: number[] = []
  let cycleEnds: { at: number; resolve: () => void }[] = []
  let sleeps = 0
  const settle = () => {
    const done = cycleEnds.filter((c) => c.at <= clock)
    cycleEnds = cycleEnds.filter((c) => c.at > clock)
    for (const c of done) c.resolve()
  }
  const deps: LoopDeps = {
    now: () => clock,
    sleep: async (ms) => {
      sleeps++
      clock += ms
      settle()
      await new Promise((r) => setImmediate(r))
      if (sleeps >= ticks) stop.abort()
    },
    log: (m) => logs.push(m),
    cycle: () => {
      cycleStarts.push(clock)
      return new Promise<void>((resolve) => {
        cycleEnds.push({ at: clock + cycleMs, resolve })
        if (stop.signal.aborted || cycleMs === 0) resolve()
      })
    },
    stopping: stop.signal,
  }
  stop.signal.addEventListener('abort', () => {
    clock += cycleMs
    settle()
  })
  return { deps, logs, cycleStarts }
}

describe('runOrchestratorLoop', () => {
  it('runs at start, then at every due time', async () => {
    const { deps, cycleStarts } = harness(60_000, 3)
    const summary = await runOrchestratorLoop({ schedule: parseEvery('10m')!, once: false }, deps)
    const minutes = cycleStarts.map((t) => (t - cycleStarts[0]!) / 60_000)
    expect(minutes).toEqual([0, 10, 20])
    expect(summary).toEqual({ cycles: 3, skipped: 0 })
  })

  it('skips and logs a tick while the previous cycle still runs', async () => {
    // each cycle takes 15 minutes: the 10-minute tick falls inside the first one
    const { deps, cycleStarts, logs } = harness(15 * 60_000, 3)
    const summary = await runOrchestratorLoop({ schedule: parseEvery('10m')!, once: false }, deps)
    const minutes = cycleStarts.map((t) => (t - cycleStarts[0]!) / 60_000)
    expect(minutes).toEqual([0, 20])
    expect(summary.skipped).toBe(1)
    expect(logs.some((l) => /skipped: the cycle started at .* is still running/.test(l))).toBe(true)
  })

  it('--once runs one cycle and returns', async () => {
    const { deps, cycleStarts } = harness(0, 100)
    const summary = await runOrchestratorLoop({ schedule: parseEvery('10m')!, once: true }, deps)
    expect(cycleStarts).toHaveLength(1)
    expect(summary.cycles).toBe(1)
  })
})

describe('stopping', () => {
  it('starts no new cycle and returns only after the running one finished', async () => {
    const stop = new AbortController()
    const events: string[] = []
    let finish: () => void = () => undefined
    const summary = runOrchestratorLoop(
      { schedule: parseEvery('10m')!, once: false },
      {
        now: () => 0,
        sleep: async () => {
          // the stop signal arrives while the first cycle still runs
          stop.abort()
          await new Promise((r) => setImmediate(r))
        },
        log: (m) => events.push(m),
        cycle: () =>
          new Promise<void>((resolve) => {
            events.push('cycle started')
            finish = () => {
              events.push('cycle finished')
              resolve()
            }
          }),
        stopping: stop.signal,
      },
    ).then((result) => {
      events.push('loop returned')
      return result
    })
    await new Promise((r) => setImmediate(r))
    await new Promise((r) => setImmediate(r))
    expect(events).toEqual(['cycle started', 'stopping: waiting for the running job to finish'])
    finish()
    expect(await summary).toEqual({ cycles: 1, skipped: 0 })
    expect(events.slice(-2)).toEqual(['cycle finished', 'loop returned'])
  })
})

describe('decideTick', () => {
  it('runs when idle, skips when a cycle is running', () => {
    expect(decideTick({ dueAt: 5, runningSince: null })).toEqual({ kind: 'run', dueAt: 5 })
    expect(decideTick({ dueAt: 5, runningSince: 0 }).kind).toBe('skip')
  })
})
