/**
 * The join scenario of `npm run bench -- engine` and `engine-kafka`: the lab's transactions
 * enriched with a users table by a stream-table LEFT JOIN (ksqlDB's most common join). The users
 * are written before the timed events: every other distinct user of the events gets a row, so
 * half of the lookups match and half come out with NULL user columns.
 */
export const JOIN_SCENARIO_NAME = 'stream-table-join'
export const JOIN_SCENARIO_LABEL = 'stream-table LEFT JOIN enrichment (users table)'

/** After ksql/V000004 (transactions_full): the users table over `usersTopic` and the enrichment. */
export function enrichmentStatements(usersTopic: string): string {
  return (
    "SET 'auto.offset.reset'='earliest';" +
    `CREATE TABLE bench_users (user_id VARCHAR PRIMARY KEY, name VARCHAR, tier INT) WITH (KAFKA_TOPIC='${usersTopic}', VALUE_FORMAT='JSON');` +
    'CREATE STREAM bench_enriched AS SELECT t.user_id, t.transaction_id, t.amount, u.name, u.tier ' +
    'FROM transactions_full t LEFT JOIN bench_users u ON t.user_id = u.user_id EMIT CHANGES;'
  )
}

/** One users-table record (key: user_id) for every other distinct user_id of the events. */
export function userRecords(values: readonly Buffer[]): { key: string; value: string }[] {
  const ids = new Set<string>()
  for (const value of values) {
    const userId = (JSON.parse(value.toString('utf8')) as { user_id?: unknown }).user_id
    if (typeof userId === 'string') ids.add(userId)
  }
  return [...ids]
    .sort()
    .filter((_, i) => i % 2 === 0)
    .map((id, i) => ({ key: id, value: JSON.stringify({ name: `name-${id}`, tier: i % 3 }) }))
}
