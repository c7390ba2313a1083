import { DipError, errorMessage, isDipError } from '../shared/errors.ts'
import { classifyMysqlError } from './classify-mysql-error.ts'

/**
 * A MySQL table this run could not write. The run goes on with the other tables; this one's
 * records stay in Kafka at its stored position (dip_offsets did not move), so the next run after
 * the fix writes them, exactly once.
 */
export interface TableFailure {
  readonly topic: string
  /** The MySQL table the topic feeds (the lower-cased topic when the mapping itself failed). */
  readonly table: string
  /** `prepare`: the table could not be mapped, created or checked, nothing was read; `write`: a write failed. */
  readonly stage: 'prepare' | 'write'
  /** What went wrong, with MySQL's own message when MySQL refused. */
  readonly error: string
  /** What to do about it. */
  readonly fix: string
}

/**
 * A MySQL error about one table (no such table or column, an identifier MySQL refuses, a trigger
 * or privilege that refuses the statement): the other tables can still be written. Connection
 * errors (retried by the session), refused rows (dead-lettered) and dip's own errors are not.
 */
export function isTableError(error: unknown): boolean {
  if (isDipError(error) || typeof error !== 'object' || error === null) return false
  const { errno } = error as { errno?: unknown }
  return typeof errno === 'number' && classifyMysqlError(error) === 'fatal'
}

/** MySQL's own words: code, number and message (`ER_NO_SUCH_TABLE (1146): Table 'tp3.x' doesn't exist`). */
export function mysqlErrorText(error: unknown): string {
  const { code, errno } = (typeof error === 'object' && error !== null ? error : {}) as {
    code?: unknown
    errno?: unknown
  }
  const label = [typeof code === 'string' ? code : '', typeof errno === 'number' ? `(${errno})` : '']
    .filter((part) => part !== '')
    .join(' ')
  return label === '' ? errorMessage(error) : `${label}: ${errorMessage(error)}`
}

/** A failed write: the table's position stays where the last committed batch left it. */
export function writeFailure(topic: string, table: string, error: unknown, position: string): TableFailure {
  return {
    topic,
    table,
    stage: 'write',
    error: `MySQL refused a write to table ${table} (topic ${topic}): ${mysqlErrorText(error)}`,
    fix:
      `Fix table ${table} (its columns, triggers or privileges; compare with the DDL \`--auto-create\` would run) ` +
      `and run again: its records were kept, it resumes at ${position}.`,
  }
}

/** One line per failure for a terminal, and the whole list for an error message. */
export function describeFailures(failures: readonly TableFailure[]): string {
  return failures
    .map((failure) => `${failure.table} (topic ${failure.topic}): ${failure.error.replace(/\.$/, '')}`)
    .join('; ')
}

/** For callers that stop on any failure (`dip lab`): one error naming every failed table. */
export function tableFailuresError(failures: readonly TableFailure[]): DipError {
  return new DipError(
    'DIP_SINK',
    `${failures.length} warehouse table(s) could not be written (the others were): ${describeFailures(failures)}`,
    { hint: failures.map((failure) => failure.fix).join('\n'), details: { failed: failures } },
  )
}
