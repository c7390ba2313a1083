import { DipError, errorMessage } from '../shared/errors.ts'
import { classifyMysqlError } from './classify-mysql-error.ts'
import type { ConnectWarehouse, WarehouseConnection } from './warehouse-connection.ts'
import { sleep } from '../shared/sleep.ts'

export interface RetryPolicy {
  readonly initialDelayMs: number
  readonly maxDelayMs: number
  /** Give up when MySQL stays unreachable this long (one outage, not the whole run). */
  readonly giveUpAfterMs: number
}

export const DEFAULT_RETRY: RetryPolicy = { initialDelayMs: 250, maxDelayMs: 5000, giveUpAfterMs: 300_000 }

export interface RetryEvent {
  readonly attempt: number
  readonly delayMs: number
  readonly error: unknown
}

export interface ReconnectingSession {
  /**
   * Runs `work` on the session's connection. On a connection error (server down, restarting,
   * deadlock) the connection is dropped and `work` runs again from the start on a new one, after
   * a growing delay; `work` must therefore be a whole transaction. Other errors propagate.
   */
  run<T>(work: (connection: WarehouseConnection) => Promise<T>): Promise<T>
  close(): Promise<void>
}

export interface ReconnectingSessionOptions {
  readonly retry?: RetryPolicy
  readonly signal?: AbortSignal
  readonly onRetry?: (event: RetryEvent) => void
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>
  readonly now?: () => number
}

export function createReconnectingSession(
  connect: ConnectWarehouse,
  options: ReconnectingSessionOptions = {},
): ReconnectingSession {
  const retry = options.retry ?? DEFAULT_RETRY
  const pause = options.sleep ?? sleep
  const now = options.now ?? Date.now
  let current: WarehouseConnection | undefined

  const drop = async () => {
    const connection = current
    current = undefined
    await connection?.close().catch(() => undefined)
  }

  return {
    async run(work) {
      let attempt = 0
      let outageStartedAt: number | undefined
      for (;;) {
        try {
          current ??= await connect()
          return await work(current)
        } catch (error) {
          if (classifyMysqlError(error) !== 'connection') throw error
          await drop()
          attempt += 1
          outageStartedAt ??= now()
          if (now() - outageStartedAt >= retry.giveUpAfterMs) {
            throw new DipError(
              'DIP_MYSQL',
              `MySQL stayed unreachable for ${Math.round((now() - outageStartedAt) / 1000)} s: ${errorMessage(error)}`,
              {
                hint: 'Check that the database is up (`dip status`) and run the command again: it resumes from the stored position.',
                cause: error,
              },
            )
          }
          if (options.signal?.aborted === true) {
            throw new DipError(
              'DIP_MYSQL',
              `Stopped while MySQL was unreachable (${errorMessage(error)}); nothing past the stored position was written.`,
              { cause: error },
            )
          }
          const delayMs = Math.min(retry.maxDelayMs, retry.initialDelayMs * 2 ** Math.min(attempt - 1, 20))
          options.onRetry?.({ attempt, delayMs, error })
          await pause(delayMs, options.signal)
        }
      }
    },
    close: drop,
  }
}
