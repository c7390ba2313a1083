import type { AppliedVersion } from './plan-migrations.ts'

export const EVENTS_STREAM = 'MIGRATION_EVENTS'
export const VERSIONS_TABLE = 'MIGRATION_SCHEMA_VERSIONS'

const FIELDS = [
  'version',
  'name',
  'state',
  'checksum',
  'started_on',
  'completed_on',
  'previous',
  'error_reason',
]

/** The metadata stream and table, named and shaped as ksql-migrations creates them. */
export function metadataStatements(serviceId: string): string[] {
  return [
    `CREATE STREAM IF NOT EXISTS ${EVENTS_STREAM} (version_key STRING KEY, ${FIELDS.map((f) => `${f} STRING`).join(', ')}) ` +
      `WITH (KAFKA_TOPIC='${serviceId}ksql_${EVENTS_STREAM}', VALUE_FORMAT='JSON', PARTITIONS=1, REPLICAS=1);`,
    `CREATE TABLE IF NOT EXISTS ${VERSIONS_TABLE} WITH (KAFKA_TOPIC='${serviceId}ksql_${VERSIONS_TABLE}') AS ` +
      `SELECT version_key, ${FIELDS.map((f) => `LATEST_BY_OFFSET(${f}) AS ${f}`).join(', ')} ` +
      `FROM ${EVENTS_STREAM} GROUP BY version_key EMIT CHANGES;`,
  ]
}

export interface MigrationEvent {
  readonly version: number
  readonly name: string
  readonly state: 'RUNNING' | 'MIGRATED' | 'ERROR'
  readonly checksum: string
  readonly startedOn: number
  readonly completedOn: number | null
  readonly previous: number | null
  readonly errorReason: string | null
}

function quote(value: string): string {
  return `'${value.replace(/'/g, "''")}'`
}

/** Each state change is written twice: under key CURRENT and under the version (as ksql-migrations). */
export function eventInserts(event: MigrationEvent): string {
  const values = [
    String(event.version),
    event.name,
    event.state,
    event.checksum,
    String(event.startedOn),
    event.completedOn === null ? '' : String(event.completedOn),
    event.previous === null ? '<none>' : String(event.previous),
    event.errorReason ?? 'N/A',
  ].map(quote)
  const row = (key: string): string =>
    `INSERT INTO ${EVENTS_STREAM} (version_key, ${FIELDS.join(', ')}) VALUES (${[quote(key), ...values].join(', ')});`
  return [row('CURRENT'), row(String(event.version))].join('\n')
}

/** Rows of `SELECT * FROM MIGRATION_SCHEMA_VERSIONS;` (column names upper-case) → applied versions. */
export function appliedVersionsFrom(
  columns: readonly string[],
  rows: readonly (readonly unknown[])[],
): AppliedVersion[] {
  const at = (row: readonly unknown[], name: string): string => {
    const index = columns.findIndex((c) => c.toUpperCase() === name)
    const value = index < 0 ? null : row[index]
    return value === null || value === undefined ? '' : String(value)
  }
  return rows
    .filter((row) => at(row, 'VERSION_KEY') !== 'CURRENT')
    .map((row) => ({
      version: Number(at(row, 'VERSION')),
      name: at(row, 'NAME'),
      state: at(row, 'STATE'),
      checksum: at(row, 'CHECKSUM'),
      previous: at(row, 'PREVIOUS'),
      errorReason: at(row, 'ERROR_REASON'),
    }))
    .filter((a) => Number.isInteger(a.version) && a.version > 0)
}
