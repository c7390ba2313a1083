import { describe, expect, it } from 'vitest'
import { topicsOfStatements } from './lab-topics.ts'

describe('topicsOfStatements', () => {
  it('takes KAFKA_TOPIC when given, else the upper-cased or back-quoted name, plus the migrations topics', () => {
    const topics = topicsOfStatements([
      `SET 'auto.offset.reset'='earliest';
       CREATE STREAM transactions_basic (id VARCHAR) WITH (KAFKA_TOPIC='transaction_log', VALUE_FORMAT='JSON');
       CREATE STREAM large_transactions AS SELECT * FROM transactions_basic WHERE amount > 700 EMIT CHANGES;`,
      `CREATE OR REPLACE TABLE IF NOT EXISTS \`MixedCase\` AS SELECT id, COUNT(*) AS n FROM s GROUP BY id;
       CREATE SOURCE TABLE latest (id VARCHAR PRIMARY KEY) WITH (KAFKA_TOPIC='it''s', VALUE_FORMAT='JSON');`,
    ])
    expect(topics).toEqual([
      'LARGE_TRANSACTIONS',
      'MixedCase',
      'default_ksql_MIGRATION_EVENTS',
      'default_ksql_MIGRATION_SCHEMA_VERSIONS',
      "it's",
      'transaction_log',
    ])
  })
})
