import { DIP_ERROR_CODES, type DipErrorCode } from '../shared/errors.ts'

export { EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from '../shared/errors.ts'

/** A coded error's exit code, as the one table of codes (src/shared/errors.ts) gives it. */
export function exitCodeFor(code: DipErrorCode): number {
  return DIP_ERROR_CODES[code].exitCode
}
