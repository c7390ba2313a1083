import { createContext, type GlobalOptions } from '../app/context.ts'
import type { Spinner } from '../app/reporter.ts'
import type { StackMode } from '../config/config-schema.ts'
import { createExecaRunner } from '../stack/command-runner.ts'
import { createDriver, decideMode, recordMode } from '../stack/select-driver.ts'
import type { StackProgress, UpResult } from '../stack/stack-driver.ts'
import { assertNever } from '../shared/assert-never.ts'
import { provisionRuntimes } from '../stack/provision/provision-runtimes.ts'

export interface UpOptions extends GlobalOptions {
  readonly mode?: StackMode
  /** Overrides stack.startTimeoutSeconds. */
  readonly timeoutMs?: number
}

/** `dip up`: start Kafka + MySQL (native processes or Docker) and wait until both answer. */
export async function up(options: UpOptions): Promise<UpResult> {
  const { loaded, reporter } = createContext(options)
  const runner = createExecaRunner()
  const decision = await decideMode({ requested: options.mode, loaded, runner, purpose: 'up' })
  const driver = createDriver(decision.mode, loaded, runner)
  reporter.info(`mode: ${decision.mode} (${decision.reason})`)
  const controller = new AbortController()
  const onSigint = () => controller.abort()
  process.once('SIGINT', onSigint)
  // The first native start fetches Kafka and MariaDB (resumable, checked); later ones find them cached.
  try {
    if (decision.mode === 'native') await provisionRuntimes(loaded, reporter, runner, controller.signal)
  } catch (error) {
    process.removeListener('SIGINT', onSigint)
    throw error
  }
  const spinner = reporter.spinner(`starting the ${decision.mode} stack`)
  let result: UpResult
  try {
    result = await driver.up({
      timeoutMs: options.timeoutMs ?? loaded.config.stack.startTimeoutSeconds * 1000,
      signal: controller.signal,
      onProgress: (event) => showProgress(event, spinner, reporter.warn),
    })
  } catch (error) {
    spinner.fail(`the ${decision.mode} stack did not start`)
    throw error
  } finally {
    process.removeListener('SIGINT', onSigint)
  }
  await recordMode(loaded.stateDir, decision.mode)
  if (result.alreadyRunning) spinner.succeed(`already running (${decision.mode}); nothing was restarted`)
  else spinner.succeed(`${decision.mode} stack is up`)
  reporter.table(
    result.services.map((service) => [
      service.name,
      service.endpoint,
      service.pid ?? '',
      service.started ? 'started' : 'already running',
    ]),
    { header: ['service', 'endpoint', 'pid', 'state'] },
  )
  reporter.result(result)
  return result
}

function showProgress(event: StackProgress, spinner: Spinner, warn: (message: string) => void): void {
  switch (event.kind) {
    case 'starting':
      spinner.update(`starting ${event.service}`)
      return
    case 'waiting':
      spinner.update(`waiting for ${event.service} (${Math.round(event.elapsedMs / 1000)} s)`)
      return
    case 'healthy':
      spinner.update(`${event.service} is healthy`)
      return
    case 'already-running':
      spinner.update(`${event.service} already running`)
      return
    case 'stopping':
    case 'stopped':
      return
    case 'note':
      warn(event.message)
      return
    default:
      assertNever(event, 'progress event')
  }
}
