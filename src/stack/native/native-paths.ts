import { createHash } from 'node:crypto'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** Where the native stack keeps everything, all under the configured state dir. */
export interface NativePaths {
  readonly stateDir: string
  readonly runDir: string
  readonly logsDir: string
  readonly kafkaDir: string
  readonly kafkaDataDir: string
  readonly kafkaConfig: string
  readonly kafkaLog4j: string
  readonly kafkaPid: string
  readonly kafkaLog: string
  readonly mysqlDir: string
  readonly mysqlDataDir: string
  readonly mysqlSocket: string
  readonly mysqlPid: string
  readonly mysqlLog: string
  /** The mode the last `dip up` used, so down/status/logs pick the same one. */
  readonly modeFile: string
}

// Unix socket paths are limited to 107 bytes; deep state dirs fall back to a short tmp path.
const MAX_SOCKET_PATH = 100

export function nativePaths(stateDir: string): NativePaths {
  const runDir = join(stateDir, 'run')
  const logsDir = join(stateDir, 'logs')
  const kafkaDir = join(stateDir, 'kafka')
  const mysqlDir = join(stateDir, 'mysql')
  const socket = join(runDir, 'mysql.sock')
  return {
    stateDir,
    runDir,
    logsDir,
    kafkaDir,
    kafkaDataDir: join(kafkaDir, 'data'),
    kafkaConfig: join(kafkaDir, 'server.properties'),
    kafkaLog4j: join(kafkaDir, 'log4j2.properties'),
    kafkaPid: join(runDir, 'kafka.pid'),
    kafkaLog: join(logsDir, 'kafka.log'),
    mysqlDir,
    mysqlDataDir: join(mysqlDir, 'data'),
    mysqlSocket:
      socket.length <= MAX_SOCKET_PATH
        ? socket
        : join(
            tmpdir(),
            `dip-mysql-${createHash('sha256').update(stateDir).digest('hex').slice(0, 12)}.sock`,
          ),
    mysqlPid: join(runDir, 'mysql.pid'),
    mysqlLog: join(logsDir, 'mysql.log'),
    modeFile: join(stateDir, 'stack-mode'),
  }
}
