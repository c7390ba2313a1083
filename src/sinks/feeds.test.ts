import { describe, expect, it } from 'vitest'
import type { SourceSchema } from '../ksql-client/source-schema.ts'
import type { KsqlClient } from '../ksql-client/index.ts'
import { warningsFor, mergeFeeds, mergeSchemas, resolveFeeds } from './feeds.ts'

function source(name: string, kind: 'stream' | 'table', topic = name): SourceSchema {
  return {
    name,
    kind,
    topic,
    keyFormat: 'KAFKA',
    valueFormat: 'JSON',
    keyColumns: [],
    valueColumns: [],
    windowType: null,
    windowSizeMs: null,
  }
}

describe('mergeFeeds', () => {
  it('takes every ksqlDB source plus the enabled config feeds, one feed per topic', () => {
    const { feeds } = mergeFeeds({
      sources: [source('S1', 'stream'), source('T1', 'table')],
      configFeeds: [
        { topic: 'transaction_log', kind: 'stream', enabled: true },
        { topic: 'old', kind: 'table', enabled: false },
        { topic: 'T1', kind: 'stream', enabled: true },
      ],
    })
    expect(feeds.map((f) => [f.topic, f.kind, f.origin])).toEqual([
      ['S1', 'stream', 'ksql'],
      ['T1', 'table', 'ksql'],
      ['transaction_log', 'stream', 'config'],
    ])
  })

  it('drops a ksqlDB source whose topic is disabled in the config', () => {
    const { feeds } = mergeFeeds({
      sources: [source('S1', 'stream')],
      configFeeds: [{ topic: 'S1', kind: 'stream', enabled: false }],
    })
    expect(feeds).toEqual([])
  })

  it('uses only --topics when given, with the ksqlDB schema where one matches', () => {
    const { feeds } = mergeFeeds({
      sources: [source('S1', 'stream'), source('T1', 'table')],
      configFeeds: [{ topic: 'raw', kind: 'table', enabled: false }],
      topics: ['T1', 'raw', 'other'],
    })
    expect(feeds.map((f) => [f.topic, f.kind, f.origin, f.schema?.name ?? null])).toEqual([
      ['T1', 'table', 'ksql', 'T1'],
      ['raw', 'table', 'flag', null],
      ['other', 'stream', 'flag', null],
    ])
  })

  it('warns when two sources read the same topic and keeps the first when neither is wider', () => {
    const { feeds, warnings } = mergeFeeds({
      sources: [source('A', 'stream', 'x'), source('B', 'table', 'x')],
      configFeeds: [],
    })
    expect(feeds.map((f) => f.schema?.name)).toEqual(['A'])
    expect(warnings[0]?.message).toMatch(/B and A both read topic x/)
  })

  it('keeps every declared column when a narrow and a full-schema stream read one topic', () => {
    const column = (name: string, type = 'STRING') => ({ name, type, schema: { type } })
    const narrow = {
      ...source('BASIC', 'stream', 'log'),
      valueColumns: [column('ID'), column('AMOUNT', 'DOUBLE')],
    }
    const full = {
      ...source('FULL', 'stream', 'log'),
      valueColumns: [column('ID'), column('PRODUCT_ID'), column('CITY')],
    }
    const { feeds, warnings } = mergeFeeds({ sources: [narrow, full], configFeeds: [] })
    expect(feeds).toHaveLength(1)
    expect(feeds[0]?.schema?.name).toBe('FULL')
    expect(feeds[0]?.schema?.valueColumns.map((c) => c.name)).toEqual(['ID', 'PRODUCT_ID', 'CITY', 'AMOUNT'])
    expect(warnings[0]?.message).toMatch(/FULL and BASIC both read topic log; its rows use FULL's schema/)
  })

  it('takes the key columns from the source that declares them', () => {
    const keyed = {
      ...source('T', 'table', 'x'),
      keyColumns: [{ name: 'K', type: 'STRING', schema: { type: 'STRING' } }],
    }
    const wide = {
      ...source('S', 'stream', 'x'),
      valueColumns: [{ name: 'V', type: 'INTEGER', schema: { type: 'INTEGER' } }],
    }
    const merged = mergeSchemas(keyed, wide)
    expect(merged.keyColumns.map((c) => c.name)).toEqual(['K'])
    expect(merged.valueColumns.map((c) => c.name)).toEqual(['V'])
  })
})

describe('resolveFeeds', () => {
  it('leaves out ksqlDB diagnostics and the migrations bookkeeping sources', async () => {
    const names = ['KSQL_PROCESSING_LOG', 'MIGRATION_EVENTS', 'MIGRATION_SCHEMA_VERSIONS', 'TOTALS']
    const described: string[] = []
    const ksql = {
      url: 'http://ksql',
      listSources: async () => names.map((name) => ({ name })),
      describe: async (name: string) => {
        described.push(name)
        return source(name, 'table')
      },
    } as unknown as KsqlClient
    const { feeds } = await resolveFeeds({ ksql, configFeeds: [] })
    expect(feeds.map((f) => f.topic)).toEqual(['TOTALS'])
    expect(described).toEqual(['TOTALS'])
  })
})

describe('warningsFor', () => {
  it("gives a sink the general warnings and those about its own topics, not the other sink's", () => {
    const { warnings } = mergeFeeds({
      sources: [
        source('TRANSACTIONS_BASIC', 'stream', 'transaction_log'),
        source('TRANSACTIONS_FULL', 'stream', 'transaction_log'),
        source('TOTALS', 'table', 'TOTALS'),
      ],
      configFeeds: [],
    })
    const all = [{ topic: null, message: 'ksqlDB is not reachable' }, ...warnings]
    expect(warningsFor(all, ['TOTALS'])).toEqual(['ksqlDB is not reachable'])
    expect(warningsFor(all, ['transaction_log', 'TOTALS'])).toEqual([
      'ksqlDB is not reachable',
      expect.stringMatching(/TRANSACTIONS_FULL and TRANSACTIONS_BASIC both read topic transaction_log/),
    ])
  })
})
