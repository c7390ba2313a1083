import { existsSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { countRows, openLakeDuck, queryLake } from './lake-duck.ts'
import { summarizeLake } from './lake-summary.ts'
import { scanLake } from './lake-tree.ts'
import { planRetention, shiftDate, todayIn } from './retention-plan.ts'
import { buildLake, fileName, row } from './test-lake-tree.ts'

const roots: string[] = []
afterEach(async () => {
  for (const root of roots.splice(0)) await rm(root, { recursive: true, force: true })
})

async function lab() {
  const day = (d: string) => `year=2026/month=03/day=${d}`
  const root = await buildLake({
    [`streams/transaction_log/${day('01')}/${fileName('transaction_log', 0, 1)}`]:
      row({ TRANSACTION_ID: 't1', AMOUNT: 10 }) + row({ TRANSACTION_ID: 't2', AMOUNT: 5 }),
    [`streams/transaction_log/${day('02')}/${fileName('transaction_log', 2, 2)}`]: row({
      TRANSACTION_ID: 't3',
      AMOUNT: 7.5,
    }),
    // a temp file of a running sink and a stray note are not data
    [`streams/transaction_log/${day('02')}/${fileName('transaction_log', 3, 3)}.tmp`]: row({ X: 1 }),
    [`streams/transaction_log/${day('02')}/README.txt`]: 'notes',
    [`tables/TOTALS/${day('02')}/${fileName('TOTALS', 0, 0)}`]: row({ USER_ID: 'u1', TOTAL: 3 }),
    [`_errors/transaction_log/${day('01')}/${fileName('transaction_log', 9, 9)}`]: row({
      reason: 'bad json',
    }),
  })
  roots.push(root)
  return root
}

describe('scanLake + summarizeLake', () => {
  it('lists feeds with partitions, files, rows and bytes, ignoring temp and foreign files', async () => {
    const root = await lab()
    const entries = await scanLake(root)
    expect(entries).toHaveLength(4)
    const feeds = summarizeLake(
      entries,
      await countRows(entries, () => Promise.reject(new Error('no parquet'))),
    )
    expect(feeds.map(({ bytes, ...rest }) => ({ ...rest, hasBytes: bytes > 0 }))).toEqual([
      {
        area: '_errors',
        feed: 'transaction_log',
        partitions: 1,
        files: 1,
        rows: 1,
        oldest: '2026-03-01',
        newest: '2026-03-01',
        hasBytes: true,
      },
      {
        area: 'streams',
        feed: 'transaction_log',
        partitions: 2,
        files: 2,
        rows: 3,
        oldest: '2026-03-01',
        newest: '2026-03-02',
        hasBytes: true,
      },
      {
        area: 'tables',
        feed: 'TOTALS',
        partitions: 1,
        files: 1,
        rows: 1,
        oldest: '2026-03-02',
        newest: '2026-03-02',
        hasBytes: true,
      },
    ])
  })

  it('an empty or missing lake has no feeds', async () => {
    expect(await scanLake('/nonexistent/dip-lake')).toEqual([])
  })
})

describe('lake query (DuckDB)', () => {
  it('each feed is a view with the Hive folders as columns; JSON Lines and Parquet together', async () => {
    const root = await lab()
    let lake = await openLakeDuck(root, await scanLake(root))
    // add a Parquet file for a third day, written by DuckDB itself
    const parquetDir = join(root, 'streams/transaction_log/year=2026/month=03/day=03')
    await lake.duck.run(`CREATE OR REPLACE TABLE p AS SELECT 't4' AS TRANSACTION_ID, 2.5::DOUBLE AS AMOUNT`)
    const { mkdir } = await import('node:fs/promises')
    await mkdir(parquetDir, { recursive: true })
    await lake.duck.run(
      `COPY p TO '${parquetDir}/${fileName('transaction_log', 3, 3).replace('.jsonl', '.parquet')}' (FORMAT parquet)`,
    )
    lake.close()
    const entries = await scanLake(root)
    lake = await openLakeDuck(root, entries)
    try {
      const result = await queryLake(
        lake.duck,
        'SELECT day, count(*) AS n, sum(AMOUNT) AS total FROM transaction_log GROUP BY day ORDER BY day',
      )
      expect(result.columns).toEqual(['day', 'n', 'total'])
      expect(result.rows.map((r) => [String(r['day']), String(r['n']), Number(r['total'])])).toEqual([
        ['1', '2', 15],
        ['2', '1', 7.5],
        ['3', '1', 2.5],
      ])
      const errors = await queryLake(lake.duck, 'SELECT reason FROM _errors_transaction_log')
      expect(errors.rows).toEqual([{ reason: 'bad json' }])
      await expect(queryLake(lake.duck, 'SELECT * FROM no_such_feed')).rejects.toThrow(
        /query failed.*no_such_feed/s,
      )
      const rows = await countRows(entries, () => Promise.resolve(lake.duck))
      expect(summarizeLake(entries, rows).find((f) => f.area === 'streams')?.rows).toBe(4)
    } finally {
      lake.close()
    }
  })
})

describe('planRetention', () => {
  it('expires partitions strictly older than N days, optionally per feed', async () => {
    const root = await lab()
    const entries = await scanLake(root)
    const plan = planRetention(entries, { today: '2026-03-03', days: 1 })
    expect(plan.map((p) => [p.area, p.feed, p.date, p.files, p.kept])).toEqual([
      // offset 9 of transaction_log[0] is its newest window: the lake sink resumes after it
      ['_errors', 'transaction_log', '2026-03-01', 0, 1],
      ['streams', 'transaction_log', '2026-03-01', 1, 0],
    ])
    expect(plan[1]?.paths.map((p) => p.slice(root.length + 1))).toEqual([
      `streams/transaction_log/year=2026/month=03/day=01/${fileName('transaction_log', 0, 1)}`,
    ])
    expect(planRetention(entries, { today: '2026-03-03', days: 2 })).toEqual([])
    const totals = planRetention(entries, { today: '2026-03-10', days: 1, feeds: ['TOTALS'] })
    expect(totals.map((p) => [p.partition, p.files, p.kept])).toEqual([
      [join('tables', 'TOTALS', 'year=2026', 'month=03', 'day=02'), 0, 1],
    ])
  })

  it('keeps every part of the newest window of each Kafka partition, in any area', async () => {
    const part = (first: number, last: number, k: number) =>
      fileName('S', first, last).replace('.jsonl', `.${k}of2.jsonl`)
    const root = await buildLake({
      [`streams/S/year=2026/month=01/day=01/${fileName('S', 0, 4)}`]: row({ A: 1 }),
      [`streams/S/year=2026/month=01/day=01/${part(5, 9, 1)}`]: row({ A: 2 }),
      [`streams/S/year=2026/month=01/day=02/${part(5, 9, 2)}`]: row({ A: 3 }),
      [`streams/S/year=2026/month=01/day=01/${fileName('S', 0, 3).replace('p00000', 'p00001')}`]: row({
        A: 4,
      }),
    })
    roots.push(root)
    const plan = planRetention(await scanLake(root), { today: '2026-06-01', days: 30 })
    expect(plan.map((p) => [p.date, p.files, p.kept])).toEqual([
      ['2026-01-01', 1, 2],
      ['2026-01-02', 0, 1],
    ])
    expect(plan[0]?.paths.map((p) => basename(p))).toEqual([fileName('S', 0, 4)])
    expect(existsSync(root)).toBe(true)
  })

  it('date arithmetic crosses months and years; today follows the time zone', () => {
    expect(shiftDate('2026-03-01', -1)).toBe('2026-02-28')
    expect(shiftDate('2026-01-01', -1)).toBe('2025-12-31')
    const at = Date.parse('2026-03-01T23:30:00Z')
    expect(todayIn('UTC', at)).toBe('2026-03-01')
    expect(todayIn('Europe/Paris', at)).toBe('2026-03-02')
  })
})
