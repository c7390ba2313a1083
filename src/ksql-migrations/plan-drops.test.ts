import { describe, expect, it } from 'vitest'
import { planDrops, queryInputs } from './plan-drops.ts'

const sources = [
  { type: 'STREAM' as const, name: 'RAW' },
  { type: 'STREAM' as const, name: 'FLAT' },
  { type: 'TABLE' as const, name: 'TOTALS' },
  { type: 'STREAM' as const, name: 'OTHER' },
]
const queries = [
  {
    id: 'CSAS_FLAT_1',
    queryString: 'CREATE STREAM FLAT AS SELECT * FROM raw EMIT CHANGES;',
    sinks: ['FLAT'],
  },
  {
    id: 'CTAS_TOTALS_2',
    queryString: 'CREATE TABLE TOTALS AS SELECT a, COUNT(*) FROM `FLAT` GROUP BY a;',
    sinks: ['TOTALS'],
  },
]

describe('planDrops', () => {
  it('reads query inputs from the statement text', () => {
    expect(queryInputs(queries[1]?.queryString ?? '')).toEqual(['FLAT'])
    expect(queryInputs('SELECT * FROM s JOIN `t` ON s.a = t.a')).toEqual(['S', 't'])
  })

  it('drops derived sources first, terminating their writers', () => {
    expect(planDrops(sources, queries, ['raw'])).toEqual([
      { type: 'TABLE', name: 'TOTALS', terminate: ['CTAS_TOTALS_2'] },
      { type: 'STREAM', name: 'FLAT', terminate: ['CSAS_FLAT_1'] },
      { type: 'STREAM', name: 'RAW', terminate: [] },
    ])
  })

  it('names the unknown source', () => {
    expect(() => planDrops(sources, queries, ['NOPE'])).toThrow(/No stream or table named NOPE/)
  })
})
