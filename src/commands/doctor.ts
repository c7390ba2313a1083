import { createContext, type GlobalOptions } from '../app/context.ts'
import { createExecaRunner } from '../stack/command-runner.ts'
import { runChecks, type Check } from '../stack/doctor/checks.ts'

/** `dip doctor`: checks every prerequisite and prints a fix for each miss. Exit 1 when one fails. */
export async function doctor(options: GlobalOptions): Promise<Check[]> {
  const { loaded, reporter } = createContext(options)
  const spinner = reporter.spinner('checking prerequisites')
  const checks = await runChecks(loaded, {
    runner: createExecaRunner(),
    env: process.env,
    nodeVersion: process.version,
  })
  spinner.stop()
  const { color } = reporter
  const symbol = { ok: color.green('✔'), warn: color.yellow('⚠'), fail: color.red('✖') }
  reporter.table(checks.map((check) => [symbol[check.status], check.name, check.detail]))
  const misses = checks.filter((check) => check.fix !== undefined && check.status !== 'ok')
  if (misses.length > 0 && !reporter.json) {
    reporter.info('')
    for (const check of misses) reporter.info(`${symbol[check.status]} ${check.name}: ${check.fix ?? ''}`)
  }
  const failed = checks.filter((check) => check.status === 'fail')
  reporter.result({ ok: failed.length === 0, checks })
  if (failed.length > 0) process.exitCode = 1
  else if (!reporter.json)
    reporter.success('ready: `dip up` or `dip lab` (the first run fetches Kafka and MariaDB into the cache)')
  return checks
}
