import { parse } from 'yaml'
import { describe, expect, it } from 'vitest'
import { addFeedToConfig } from './add-feed.ts'

describe('addFeedToConfig', () => {
  it('appends to an existing feeds list and keeps comments', () => {
    const text =
      '# my lab\nkafka:\n  brokers: [localhost:9092] # local\nfeeds:\n  - topic: transaction_log\n    kind: stream\n'
    const out = addFeedToConfig(text, {
      topic: 'TOTALS',
      kind: 'table',
      enabled: true,
      warehouseTable: 'totals',
    })
    expect(out).toContain('# my lab')
    expect(out).toContain('# local')
    expect((parse(out) as { feeds: unknown[] }).feeds).toEqual([
      { topic: 'transaction_log', kind: 'stream' },
      { topic: 'TOTALS', kind: 'table', warehouseTable: 'totals' },
    ])
  })

  it('creates the list, also in an empty file', () => {
    expect(parse(addFeedToConfig('', { topic: 'S1', kind: 'stream', enabled: true }))).toEqual({
      feeds: [{ topic: 'S1', kind: 'stream' }],
    })
    expect(
      parse(addFeedToConfig('stateDir: .dip\n', { topic: 'S1', kind: 'stream', enabled: true })),
    ).toEqual({
      stateDir: '.dip',
      feeds: [{ topic: 'S1', kind: 'stream' }],
    })
  })

  it('refuses a topic already configured, naming it', () => {
    const text = 'feeds:\n  - topic: S1\n    kind: stream\n'
    expect(() => addFeedToConfig(text, { topic: 'S1', kind: 'table', enabled: true })).toThrow(
      /S1 is already/,
    )
  })
})

describe('addFeedToConfig rejects names that are not Kafka topics or MySQL tables', () => {
  it.each(['../evil', 'a/b', '..', '.', 'with space', ''])('topic %j', (topic) => {
    expect(() => addFeedToConfig('', { topic, kind: 'stream', enabled: true })).toThrow(
      expect.objectContaining({ code: 'DIP_USAGE', message: expect.stringContaining('a Kafka topic name') }),
    )
  })

  it('a warehouse table with a path or quote in it', () => {
    expect(() =>
      addFeedToConfig('', { topic: 'T', kind: 'table', enabled: true, warehouseTable: '../x`; DROP' }),
    ).toThrow(/--warehouse-table .*a MySQL table name/)
  })
})
