import { describe, expect, it } from 'vitest'
import { DEFAULT_RETRY_POLICY, backoffDelay, type RetryPolicy } from './retry-policy.ts'
import { runCycle, type CycleDeps } from './run-cycle.ts'
import type { JobName, JobOutcome, RunRecord } from './run-record.ts'
import { parseRunRecords } from './run-record.ts'

function fakeDeps(behaviour: Record<JobName, (() => JobOutcome)[]>, stopping = new AbortController()) {
  let clock = Date.parse('2026-01-01T00:00:00Z')
  const sleeps: number[] = []
  const records: RunRecord[] = []
  const logs: string[] = []
  const calls: JobName[] = []
  const deps: CycleDeps = {
    runJob: async (job) => {
      calls.push(job)
      clock += 1000
      const next = behaviour[job].shift()
      if (next === undefined) throw new Error(`${job}: no more behaviour`)
      return next()
    },
    now: () => clock,
    sleep: async (ms) => {
      sleeps.push(ms)
      clock += ms
    },
    record: async (run) => {
      records.push(run)
    },
    log: (message) => logs.push(message),
    stopping: stopping.signal,
    isPermanent: (error) => error instanceof Error && error.message.startsWith('permanent'),
  }
  return { deps, sleeps, records, logs, calls }
}

const ok = (records: number) => () => ({ records, files: 1, rows: records })
const fail = (message: string) => () => {
  throw new Error(message)
}
const policy: RetryPolicy = { retries: 2, initialDelayMs: 100, factor: 3, maxDelayMs: 500 }

describe('runCycle', () => {
  it('runs the jobs in order and records each with its counts', async () => {
    const { deps, records } = fakeDeps({ lake: [ok(5)], warehouse: [ok(3)] })
    await runCycle(['lake', 'warehouse'], policy, deps)
    expect(records.map((r) => [r.job, r.status, r.records, r.attempts])).toEqual([
      ['lake', 'ok', 5, 1],
      ['warehouse', 'ok', 3, 1],
    ])
    expect(Date.parse(records[0]!.end) - Date.parse(records[0]!.start)).toBe(1000)
  })

  it('records a job that failed in part as failed, with what it did, without retrying it', async () => {
    const partial = () => ({
      records: 7,
      files: 0,
      rows: 7,
      partialFailure: 'table(s) not written: t (topic T): …',
    })
    const { deps, records, sleeps, logs } = fakeDeps({ lake: [ok(1)], warehouse: [partial] })
    await runCycle(['lake', 'warehouse'], policy, deps)
    expect(records[1]).toEqual({
      job: 'warehouse',
      start: expect.any(String),
      end: expect.any(String),
      status: 'failed',
      attempts: 1,
      records: 7,
      files: 0,
      rows: 7,
      error: 'table(s) not written: t (topic T): …',
    })
    expect(sleeps).toEqual([])
    expect(logs.at(-1)).toBe('warehouse: failed after 1 attempt(s): table(s) not written: t (topic T): …')
  })

  it('retries a failing job with backoff, then succeeds', async () => {
    const { deps, records, sleeps } = fakeDeps({
      lake: [fail('broker down'), fail('broker down'), ok(2)],
      warehouse: [ok(0)],
    })
    await runCycle(['lake', 'warehouse'], policy, deps)
    expect(sleeps).toEqual([100, 300])
    expect(records[0]).toMatchObject({ job: 'lake', status: 'ok', attempts: 3, records: 2 })
  })

  it('records a job that keeps failing with its error, and the next job still runs', async () => {
    const { deps, records, calls } = fakeDeps({
      lake: [fail('broker down'), fail('broker down'), fail('broker down')],
      warehouse: [ok(4)],
    })
    await runCycle(['lake', 'warehouse'], policy, deps)
    expect(calls).toEqual(['lake', 'lake', 'lake', 'warehouse'])
    expect(records[0]).toMatchObject({ job: 'lake', status: 'failed', attempts: 3, error: 'broker down' })
    expect(records[1]).toMatchObject({ job: 'warehouse', status: 'ok' })
  })

  it('does not retry a permanent error', async () => {
    const { deps, records, sleeps } = fakeDeps({
      lake: [fail('permanent: no such topic')],
      warehouse: [ok(1)],
    })
    await runCycle(['lake', 'warehouse'], policy, deps)
    expect(sleeps).toEqual([])
    expect(records[0]).toMatchObject({ status: 'failed', attempts: 1 })
  })

  it('starts no further job once stopping', async () => {
    const stop = new AbortController()
    const { deps, calls } = fakeDeps({ lake: [() => (stop.abort(), ok(1)())], warehouse: [ok(1)] }, stop)
    await runCycle(['lake', 'warehouse'], policy, deps)
    expect(calls).toEqual(['lake'])
  })
})

describe('backoffDelay', () => {
  it('grows by the factor and is capped', () => {
    expect([1, 2, 3].map((n) => backoffDelay(policy, n))).toEqual([100, 300, 500])
    expect(backoffDelay(DEFAULT_RETRY_POLICY, 1)).toBe(DEFAULT_RETRY_POLICY.initialDelayMs)
  })
})

describe('parseRunRecords', () => {
  it('skips a half-written last line', () => {
    const line = JSON.stringify({
      job: 'lake',
      start: 'a',
      end: 'b',
      status: 'ok',
      records: 1,
      files: 1,
      rows: 0,
      attempts: 1,
    })
    expect(parseRunRecords(`${line}\n{"job":"war`)).toHaveLength(1)
  })
})
