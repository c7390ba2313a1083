import { assertNever } from '../shared/assert-never.ts'
import type { DipErrorCode } from '../shared/errors.ts'

export const EXIT_OK = 0
export const EXIT_FAILURE = 1
export const EXIT_USAGE = 2

/** The one table from error codes to process exit codes: 2 = the user's input is wrong, 1 = it failed. */
export function exitCodeFor(code: DipErrorCode): number {
  switch (code) {
    case 'DIP_USAGE':
    case 'DIP_CONFIG':
      return EXIT_USAGE
    case 'DIP_PREREQUISITE':
    case 'DIP_PORT_IN_USE':
    case 'DIP_STACK':
    case 'DIP_STACK_NOT_RUNNING':
    case 'DIP_DATA_DIR':
    case 'DIP_KAFKA':
    case 'DIP_KAFKA_CLIENT_PATCH':
    case 'DIP_MYSQL':
    case 'DIP_SQL':
    case 'DIP_KSQL':
    case 'DIP_KSQL_PARSE':
    case 'DIP_KSQL_STATEMENT':
    case 'DIP_KSQL_UNSUPPORTED':
    case 'DIP_SINK':
    case 'DIP_LOCKED':
    case 'DIP_TIMEOUT':
    case 'DIP_INTERNAL':
      return EXIT_FAILURE
    default:
      return assertNever(code, 'error code')
  }
}
