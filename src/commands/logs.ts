import { createContext, type GlobalOptions } from '../app/context.ts'
import type { StackMode } from '../config/config-schema.ts'
import { createExecaRunner } from '../stack/command-runner.ts'
import { createDriver, decideMode } from '../stack/select-driver.ts'
import { SERVICE_NAMES, type ServiceName } from '../stack/stack-driver.ts'

export interface LogsOptions extends GlobalOptions {
  readonly mode?: StackMode
  readonly tail?: number
  readonly follow?: boolean
}

/** `dip logs [service]`: the last lines of a service's log (all services when none is named). */
export async function logs(requested: ServiceName | undefined, options: LogsOptions): Promise<void> {
  const { loaded, reporter } = createContext(options)
  const runner = createExecaRunner()
  const decision = await decideMode({ requested: options.mode, loaded, runner, purpose: 'existing' })
  const driver = createDriver(decision.mode, loaded, runner)
  const services: readonly ServiceName[] = requested === undefined ? SERVICE_NAMES : [requested]
  const controller = new AbortController()
  const onSigint = () => controller.abort()
  process.once('SIGINT', onSigint)
  const collected: Record<string, string[]> = {}
  try {
    await Promise.all(
      services.map((service) =>
        driver.logs(service, {
          tail: options.tail ?? 100,
          follow: options.follow ?? false,
          signal: controller.signal,
          onLine: (line) => {
            if (reporter.json) (collected[service] ??= []).push(line)
            else
              process.stdout.write(
                `${services.length > 1 ? `${reporter.color.cyan(service)} | ` : ''}${line}\n`,
              )
          },
        }),
      ),
    )
  } finally {
    process.removeListener('SIGINT', onSigint)
  }
  reporter.result({ mode: decision.mode, logs: collected })
}
