import { describe, expect, it } from 'vitest'
import { DIP_ERROR_CODES, type DipErrorCode } from '../shared/errors.ts'
import { EXIT_FAILURE, EXIT_USAGE, exitCodeFor } from './exit-codes.ts'

/** Every code in the union, with its exit code: a code added without a row here fails typecheck. */
const EXPECTED: Readonly<Record<DipErrorCode, number>> = {
  DIP_USAGE: EXIT_USAGE,
  DIP_CONFIG: EXIT_USAGE,
  DIP_PREREQUISITE: EXIT_FAILURE,
  DIP_PORT_IN_USE: EXIT_FAILURE,
  DIP_STACK: EXIT_FAILURE,
  DIP_STACK_NOT_RUNNING: EXIT_FAILURE,
  DIP_DATA_DIR: EXIT_FAILURE,
  DIP_KAFKA: EXIT_FAILURE,
  DIP_KAFKA_CLIENT_PATCH: EXIT_FAILURE,
  DIP_MYSQL: EXIT_FAILURE,
  DIP_SQL: EXIT_FAILURE,
  DIP_KSQL: EXIT_FAILURE,
  DIP_KSQL_PARSE: EXIT_FAILURE,
  DIP_KSQL_STATEMENT: EXIT_FAILURE,
  DIP_KSQL_UNSUPPORTED: EXIT_FAILURE,
  DIP_SINK: EXIT_FAILURE,
  DIP_LOCKED: EXIT_FAILURE,
  DIP_TIMEOUT: EXIT_FAILURE,
  DIP_INTERNAL: EXIT_FAILURE,
}

describe('exitCodeFor', () => {
  it('gives every code of the one table its exit code: 2 for the input, 1 for a failure', () => {
    expect(Object.keys(DIP_ERROR_CODES).sort()).toEqual(Object.keys(EXPECTED).sort())
    for (const [code, exit] of Object.entries(EXPECTED))
      expect(exitCodeFor(code as DipErrorCode), code).toBe(exit)
  })
})
