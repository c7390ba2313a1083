/** Process exit codes: 0 ok, 1 it failed, 2 the user's input (flags, config) is wrong. */
export const EXIT_OK = 0
export const EXIT_FAILURE = 1
export const EXIT_USAGE = 2

/**
 * Every error dip raises on purpose is a DipError with a stable code. This is the one table of the
 * codes: what each means and the process exit code the CLI ends with (src/cli/exit-codes.ts reads
 * it). The engine's coded errors name their code here too: src/ksql-engine/engine-errors.ts maps
 * each of its REST answers (HTTP status, ksqlDB error_code) to one of these codes, so a statement
 * error has one meaning whether it reaches a REST client or a shell.
 */
export const DIP_ERROR_CODES = {
  DIP_USAGE: { exitCode: EXIT_USAGE, means: 'a bad flag or argument' },
  DIP_CONFIG: { exitCode: EXIT_USAGE, means: 'an invalid configuration file or environment' },
  DIP_PREREQUISITE: { exitCode: EXIT_FAILURE, means: 'a tool (java, mvn, mariadbd...) is missing' },
  DIP_PORT_IN_USE: { exitCode: EXIT_FAILURE, means: 'a port the stack needs is taken' },
  DIP_STACK: { exitCode: EXIT_FAILURE, means: 'a service failed to start, stop or answer' },
  DIP_STACK_NOT_RUNNING: { exitCode: EXIT_FAILURE, means: 'the stack is not running' },
  DIP_DATA_DIR: { exitCode: EXIT_FAILURE, means: 'a corrupt or unusable data dir' },
  DIP_KAFKA: { exitCode: EXIT_FAILURE, means: 'Kafka failed' },
  DIP_KAFKA_CLIENT_PATCH: {
    exitCode: EXIT_FAILURE,
    means: 'the kafkajs fixes could not be installed (kafkajs/version mismatch)',
  },
  DIP_MYSQL: { exitCode: EXIT_FAILURE, means: 'MySQL failed' },
  DIP_SQL: { exitCode: EXIT_FAILURE, means: "a statement in a user's SQL file failed" },
  DIP_KSQL: { exitCode: EXIT_FAILURE, means: 'the ksqlDB server answered with an error' },
  DIP_KSQL_PARSE: { exitCode: EXIT_FAILURE, means: 'a ksqlDB statement does not parse' },
  DIP_KSQL_STATEMENT: { exitCode: EXIT_FAILURE, means: 'a ksqlDB statement is refused' },
  DIP_KSQL_UNSUPPORTED: { exitCode: EXIT_FAILURE, means: 'a ksqlDB statement the engine does not support' },
  DIP_SINK: { exitCode: EXIT_FAILURE, means: 'a sink failed' },
  DIP_LOCKED: { exitCode: EXIT_FAILURE, means: 'another run holds the lock' },
  DIP_TIMEOUT: { exitCode: EXIT_FAILURE, means: 'a wait ran out of time' },
  DIP_INTERNAL: { exitCode: EXIT_FAILURE, means: 'an uncoded failure' },
} as const satisfies Readonly<
  Record<string, { readonly exitCode: typeof EXIT_FAILURE | typeof EXIT_USAGE; readonly means: string }>
>

export type DipErrorCode = keyof typeof DIP_ERROR_CODES

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
