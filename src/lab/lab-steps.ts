import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Reporter } from '../app/reporter.ts'
import type { LoadedConfig } from '../config/load-config.ts'
import type { KafkaPorts } from '../kafka/ports.ts'
import { DipError } from '../shared/errors.ts'
import type { OwnKsqlServer } from './lab-reset.ts'
import { DEFAULT_SERVICE_ID } from './lab-topics.ts'
import { sleep } from '../shared/sleep.ts'

/** The steps of `dip lab` that are not a whole command of their own: each prints its own progress. */

// Two levels up from src/lab (or dist/lab) is the package root, which ships ksql/.
const PACKAGED_KSQL = fileURLToPath(new URL('../../ksql', import.meta.url))

export async function runDoctor(loaded: LoadedConfig, reporter: Reporter): Promise<void> {
  const { createExecaRunner } = await import('../stack/command-runner.ts')
  const { runChecks } = await import('../stack/doctor/checks.ts')
  const spinner = reporter.spinner('checking prerequisites')
  const checks = await runChecks(loaded, {
    runner: createExecaRunner(),
    env: process.env,
    nodeVersion: process.version,
  })
  const failed = checks.filter((check) => check.status === 'fail')
  if (failed.length === 0) {
    spinner.succeed(`prerequisites ok (${checks.length} checks)`)
    return
  }
  spinner.fail('prerequisites missing')
  throw new DipError('DIP_PREREQUISITE', failed.map((check) => `${check.name}: ${check.detail}`).join('; '), {
    hint:
      failed
        .map((check) => check.fix ?? '')
        .filter((fix) => fix !== '')
        .join(' ') || 'run `dip doctor`',
  })
}

export async function runUp(loaded: LoadedConfig, reporter: Reporter) {
  const { createExecaRunner } = await import('../stack/command-runner.ts')
  const { createDriver, decideMode, recordMode } = await import('../stack/select-driver.ts')
  const runner = createExecaRunner()
  const decision = await decideMode({ requested: undefined, loaded, runner, purpose: 'up' })
  if (decision.mode === 'native') {
    // A fresh machine has no Kafka or MariaDB yet: fetch them here so `dip lab` alone is enough (instant when cached).
    const { provisionRuntimes } = await import('../stack/provision/provision-runtimes.ts')
    await provisionRuntimes(loaded, reporter, runner)
  }
  const driver = createDriver(decision.mode, loaded, runner)
  const spinner = reporter.spinner(`starting the ${decision.mode} stack`)
  try {
    const result = await driver.up({ timeoutMs: loaded.config.stack.startTimeoutSeconds * 1000 })
    await recordMode(loaded.stateDir, decision.mode)
    spinner.succeed(
      result.alreadyRunning ? `already running (${decision.mode})` : `${decision.mode} stack is up`,
    )
    return result
  } catch (error) {
    spinner.fail(`the ${decision.mode} stack did not start`)
    throw error
  }
}

/** The project's own ksql/ folder wins over the lab's shipped one. */
function migrationsDir(loaded: LoadedConfig): string {
  const local = resolve(loaded.baseDir, 'ksql')
  return existsSync(local) ? local : PACKAGED_KSQL
}

/** The topics the lab's migration files create or read (for `dip lab --reset`). */
export async function migrationTopics(loaded: LoadedConfig): Promise<string[]> {
  const { loadMigrationFiles } = await import('../ksql-migrations/migration-files.ts')
  const { topicsOfStatements } = await import('./lab-topics.ts')
  return topicsOfStatements((await loadMigrationFiles(migrationsDir(loaded))).map((file) => file.sql))
}

export async function runKsqlMigrations(
  loaded: LoadedConfig,
  reporter: Reporter,
  signal?: AbortSignal,
): Promise<number> {
  const { createKsql } = await import('../app/create-deps.ts')
  const { applyMigrations } = await import('../ksql-migrations/apply-migrations.ts')
  const { loadMigrationFiles } = await import('../ksql-migrations/migration-files.ts')
  const { restMigrationsServer } = await import('../ksql-migrations/rest-migrations-server.ts')
  const dir = migrationsDir(loaded)
  const files = await loadMigrationFiles(dir)
  const client = await createKsql(loaded.config)
  const spinner = reporter.spinner(`applying ${files.length} ksqlDB migration file(s) from ${dir}`)
  try {
    const summary = await applyMigrations(restMigrationsServer(client), {
      files,
      dryRun: false,
      force: false,
      variables: {},
      onProgress: (message) => spinner.update(message),
      ...(signal === undefined ? {} : { signal }),
    })
    spinner.succeed(
      summary.plan.kind === 'upToDate'
        ? 'ksqlDB migrations up to date'
        : summary.skipped.length > 0
          ? `applied ${summary.applied.length} ksqlDB migration file(s), then stopped; ${summary.skipped.length} left for the next run`
          : `applied ${summary.applied.length} ksqlDB migration file(s)`,
    )
    return summary.applied.length
  } catch (error) {
    spinner.fail('ksqlDB migrations stopped')
    throw error
  }
}

const SETTLE_POLL_MS = 1000
const SETTLE_QUIET_POLLS = 3
const SETTLE_LIMIT_MS = 120_000

/**
 * The persistent queries write their topics asynchronously; the batch sinks read up to the end
 * offsets they see at start. Waiting until no topic grows for a few polls lets them see it all.
 */
export async function waitForQuietTopics(
  kafka: KafkaPorts,
  reporter: Reporter,
  signal: AbortSignal,
): Promise<void> {
  const spinner = reporter.spinner('waiting for the ksqlDB queries to catch up')
  const admin = kafka.admin()
  const deadline = Date.now() + SETTLE_LIMIT_MS
  try {
    let last = -1n
    let quiet = 0
    while (quiet < SETTLE_QUIET_POLLS && Date.now() < deadline && !signal.aborted) {
      const total = await totalEndOffsets(admin)
      quiet = total === last ? quiet + 1 : 0
      last = total
      spinner.update(`waiting for the ksqlDB queries to catch up (${total.toLocaleString('en-US')} records)`)
      await sleep(SETTLE_POLL_MS)
    }
    spinner.succeed(
      quiet >= SETTLE_QUIET_POLLS ? 'ksqlDB queries caught up' : 'ksqlDB queries still running; going on',
    )
  } finally {
    await admin.close()
  }
}

async function totalEndOffsets(admin: ReturnType<KafkaPorts['admin']>): Promise<bigint> {
  let total = 0n
  for (const topic of await admin.listTopics()) {
    if (topic.startsWith('__') || topic.startsWith('_confluent')) continue
    for (const partition of await admin.topicOffsets(topic)) total += partition.high
  }
  return total
}

/** dip's own ksqlDB server of the native stack, for `dip lab --reset` to stop and start again. */
export async function nativeKsqlServer(loaded: LoadedConfig): Promise<OwnKsqlServer> {
  const { ksqldbPaths } = await import('../stack/native/ksqldb-native.ts')
  const { readPidFile, removePidFile, stopProcess } = await import('../stack/native/processes.ts')
  const { commandTopicName } = await import('../ksql-engine/light-api.ts')
  const { createExecaRunner } = await import('../stack/command-runner.ts')
  const { createDriver } = await import('../stack/select-driver.ts')
  const paths = ksqldbPaths(loaded.stateDir)
  const { stack } = loaded.config
  return {
    // The server `dip up` starts runs with the default service id.
    commandTopic: commandTopicName(DEFAULT_SERVICE_ID),
    async stop() {
      const state = readPidFile(paths.pidFile, paths.marker)
      if (state.kind === 'running') await stopProcess(state.pid, stack.stopTimeoutSeconds * 1000)
      await removePidFile(paths.pidFile)
    },
    async start() {
      // `up` starts what is not running: here only the ksqlDB server.
      await createDriver('native', loaded, createExecaRunner()).up({
        timeoutMs: stack.startTimeoutSeconds * 1000,
      })
    },
  }
}
