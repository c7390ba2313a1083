import { buildUpsert, type SqlStatement } from '../mysql/build-upsert.ts'
import type { TopicPartitionOffset } from '../kafka/ports.ts'
import type { Reject } from './warehouse-record.ts'
import type { WarehouseConnection } from './warehouse-connection.ts'

/**
 * dip_offsets holds, per consumer and partition, the next offset to read; it is written in the
 * same transaction as the rows, so after a crash MySQL itself says where to resume (exactly-once).
 * dip_rejects holds records that could not be written, with the reason. Both are created here
 * when missing (database/schema.sql creates the same tables).
 */
export const BOOKKEEPING_DDL: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS dip_offsets (
  consumer VARCHAR(191) NOT NULL,
  topic VARCHAR(249) NOT NULL,
  \`partition\` INT NOT NULL,
  next_offset BIGINT NOT NULL,
  updated_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  PRIMARY KEY (consumer, topic, \`partition\`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
  `CREATE TABLE IF NOT EXISTS dip_rejects (
  id BIGINT NOT NULL AUTO_INCREMENT,
  consumer VARCHAR(191) NOT NULL,
  topic VARCHAR(249) NOT NULL,
  \`partition\` INT NOT NULL,
  \`offset\` BIGINT NOT NULL,
  table_name VARCHAR(64) NOT NULL,
  record_key MEDIUMBLOB NULL,
  record_value MEDIUMBLOB NULL,
  reason TEXT NOT NULL,
  rejected_at TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  PRIMARY KEY (id),
  UNIQUE KEY dip_rejects_record (consumer, topic, \`partition\`, \`offset\`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
]

export async function ensureBookkeepingTables(connection: WarehouseConnection): Promise<void> {
  for (const ddl of BOOKKEEPING_DDL) await connection.query(ddl)
}

/** The stored next offsets of `consumer` for `topics`. */
export async function loadPositions(
  connection: WarehouseConnection,
  consumer: string,
  topics: readonly string[],
): Promise<TopicPartitionOffset[]> {
  if (topics.length === 0) return []
  const { rows } = await connection.query(
    `SELECT topic, \`partition\`, next_offset FROM dip_offsets WHERE consumer = ? AND topic IN (${topics.map(() => '?').join(', ')})`,
    [consumer, ...topics],
  )
  return rows.map((row) => ({
    topic: String(row['topic']),
    partition: Number(row['partition']),
    offset: BigInt(String(row['next_offset'])),
  }))
}

export function savePositionsStatement(
  consumer: string,
  positions: readonly TopicPartitionOffset[],
): SqlStatement {
  return buildUpsert(
    'dip_offsets',
    ['consumer', 'topic', 'partition', 'next_offset'],
    positions.map((position) => [consumer, position.topic, position.partition, position.offset.toString()]),
    { keyColumns: ['consumer', 'topic', 'partition'] },
  )
}

/** Re-applying a batch after an in-doubt COMMIT rewrites the same reject rows instead of adding copies. */
export function saveRejectsStatement(consumer: string, rejects: readonly Reject[]): SqlStatement {
  return buildUpsert(
    'dip_rejects',
    ['consumer', 'topic', 'partition', 'offset', 'table_name', 'record_key', 'record_value', 'reason'],
    rejects.map((reject) => [
      consumer,
      reject.ref.topic,
      reject.ref.partition,
      reject.ref.offset.toString(),
      reject.table,
      reject.ref.key,
      reject.ref.value,
      reject.reason.slice(0, 60_000),
    ]),
    { keyColumns: ['consumer', 'topic', 'partition', 'offset'] },
  )
}
