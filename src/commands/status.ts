import { createContext, type GlobalOptions } from '../app/context.ts'
import type { StackMode } from '../config/config-schema.ts'
import { createExecaRunner } from '../stack/command-runner.ts'
import { createDriver, decideMode } from '../stack/select-driver.ts'
import type { DriverMode, ServiceStatus } from '../stack/stack-driver.ts'
import type { OrchestratorState } from '../orchestrate/orchestrator-state.ts'

export interface StatusOptions extends GlobalOptions {
  readonly mode?: StackMode
}

export interface StackStatus {
  readonly mode: DriverMode
  readonly healthy: boolean
  readonly services: readonly ServiceStatus[]
  /** `dip orchestrate`: its pid while it runs, the last job run, the next due time. */
  readonly orchestrator?: OrchestratorState
}

/** `dip status`: every service with its pid, port, version and health. Exit 1 when one is unhealthy. */
export async function status(options: StatusOptions): Promise<StackStatus> {
  const { loaded, reporter } = createContext(options)
  const runner = createExecaRunner()
  const decision = await decideMode({ requested: options.mode, loaded, runner, purpose: 'existing' })
  const services = await createDriver(decision.mode, loaded, runner).status()
  const healthy = services.every((service) => service.healthy)
  const mark = (ok: boolean) => (ok ? reporter.color.green('healthy') : reporter.color.red('down'))
  reporter.table(
    services.map((s) => [
      s.name,
      s.mode,
      s.pid ?? '-',
      s.port,
      s.version ?? '-',
      mark(s.healthy),
      s.topicCount ?? '',
      [s.detail, s.binary].filter((part) => part !== undefined).join('; '),
    ]),
    { header: ['service', 'mode', 'pid', 'port', 'version', 'health', 'topics', 'detail'] },
  )
  const { describeOrchestratorState, readOrchestratorState } =
    await import('../orchestrate/orchestrator-state.ts')
  const orchestrator = await readOrchestratorState(loaded.stateDir)
  if (!reporter.json) reporter.info(describeOrchestratorState(orchestrator))
  const result = { mode: decision.mode, healthy, services, orchestrator }
  reporter.result(result)
  // A script can wait on `dip status`; the report above is already printed.
  if (!healthy) process.exitCode = 1
  return result
}
