import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { spawnDetached, type Spawned } from './processes.ts'

/**
 * The native stack's ksqlDB service: dip's own embedded engine as a background `dip ksql server`,
 * pid and log under the state dir like Kafka's and MariaDB's.
 */
export interface KsqldbNativeSettings {
  readonly stateDir: string
  /** The config file the stack was started with (the server must see the same brokers). */
  readonly configFile: string | undefined
  readonly port: number
}

export interface KsqldbPaths {
  /** Named on the server's command line, so a pid is recognised as ours. */
  readonly marker: string
  readonly pidFile: string
  readonly logFile: string
}

export function ksqldbPaths(stateDir: string): KsqldbPaths {
  return {
    marker: join(stateDir, 'ksqldb'),
    pidFile: join(stateDir, 'run', 'ksqldb.pid'),
    logFile: join(stateDir, 'logs', 'ksqldb.log'),
  }
}

/** bin/dip.js: the same path from src/stack/native and dist/stack/native. */
function dipLauncher(): string {
  return resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../bin/dip.js')
}

export function ksqldbArgs(settings: KsqldbNativeSettings): string[] {
  const paths = ksqldbPaths(settings.stateDir)
  return [
    dipLauncher(),
    ...(settings.configFile === undefined ? [] : ['--config', settings.configFile]),
    'ksql',
    'server',
    '--port',
    String(settings.port),
    '--stack-marker',
    paths.marker,
  ]
}

export function startKsqldb(settings: KsqldbNativeSettings): Promise<Spawned> {
  const paths = ksqldbPaths(settings.stateDir)
  return spawnDetached({
    command: process.execPath,
    args: ksqldbArgs(settings),
    logFile: paths.logFile,
    pidFile: paths.pidFile,
    // Colour codes would only clutter the log file.
    env: { NO_COLOR: '1' },
  })
}
