/**
 * Every error dip raises on purpose is a DipError with a stable code. The CLI maps codes to exit
 * codes in one place (src/cli/exit-codes.ts); the ksqlDB REST server maps them to HTTP statuses.
 */
export type DipErrorCode =
  | 'DIP_USAGE' // bad flag or argument
  | 'DIP_CONFIG' // invalid configuration file or environment
  | 'DIP_PREREQUISITE' // a tool (java, mvn, mariadbd...) is missing
  | 'DIP_PORT_IN_USE'
  | 'DIP_STACK' // a service failed to start, stop or answer
  | 'DIP_STACK_NOT_RUNNING'
  | 'DIP_DATA_DIR' // corrupt or unusable data dir
  | 'DIP_KAFKA'
  | 'DIP_KAFKA_CLIENT_PATCH' // the kafkajs fixes could not be installed (kafkajs/version mismatch)
  | 'DIP_MYSQL'
  | 'DIP_SQL' // a statement in a user's SQL file failed
  | 'DIP_KSQL' // the ksqlDB server answered with an error
  | 'DIP_KSQL_PARSE'
  | 'DIP_KSQL_STATEMENT'
  | 'DIP_KSQL_UNSUPPORTED'
  | 'DIP_SINK'
  | 'DIP_LOCKED'
  | 'DIP_TIMEOUT'
  | 'DIP_INTERNAL'

export interface DipErrorOptions {
  /** What the user can do about it: printed on its own line. */
  readonly hint?: string
  readonly cause?: unknown
  /** Extra structured context for --json output. */
  readonly details?: Readonly<Record<string, unknown>>
}

export class DipError extends Error {
  readonly code: DipErrorCode
  readonly hint: string | undefined
  readonly details: Readonly<Record<string, unknown>> | undefined

  constructor(code: DipErrorCode, message: string, options: DipErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'DipError'
    this.code = code
    this.hint = options.hint
    this.details = options.details
  }
}

export function isDipError(error: unknown): error is DipError {
  return error instanceof DipError
}

export function usageError(message: string, hint?: string): DipError {
  return new DipError('DIP_USAGE', message, hint === undefined ? {} : { hint })
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
