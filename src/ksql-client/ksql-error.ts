import { DipError } from '../shared/errors.ts'

/**
 * An error from talking to a ksqlDB server. `errorCode` is ksqlDB's own code (40001 bad statement,
 * 50302 not ready, ...) when the server answered; `unreachable` is set when nothing answered.
 */
export class KsqlRequestError extends DipError {
  readonly errorCode: number | null
  readonly statementText: string | null
  readonly unreachable: boolean

  constructor(
    message: string,
    options: {
      readonly errorCode?: number | null
      readonly statementText?: string | null
      readonly unreachable?: boolean
      readonly hint?: string
      readonly cause?: unknown
    } = {},
  ) {
    const errorCode = options.errorCode ?? null
    const statementText = options.statementText ?? null
    super('DIP_KSQL', message, {
      ...(options.hint === undefined ? {} : { hint: options.hint }),
      ...(options.cause === undefined ? {} : { cause: options.cause }),
      details: { ksqlErrorCode: errorCode, statementText, unreachable: options.unreachable ?? false },
    })
    this.name = 'KsqlRequestError'
    this.errorCode = errorCode
    this.statementText = statementText
    this.unreachable = options.unreachable ?? false
  }
}

export function isKsqlUnreachable(error: unknown): boolean {
  return error instanceof KsqlRequestError && error.unreachable
}
