import { spawn } from 'node:child_process'
import { openSync, closeSync } from 'node:fs'
import { mkdir, readFile } from 'node:fs/promises'
import { connect } from 'node:net'
import { join } from 'node:path'
import { DipError } from '../shared/errors.ts'
import { freePort } from '../stack/native/port-check.ts'
import {
  FLINK_JOB_SERVER_MAIN,
  type FlinkJobServerRuntime,
} from '../stack/provision/flink-job-server-provision.ts'

/** A running Beam Flink job server: where to submit pipelines, and how to stop it. */
export interface FlinkJobServer {
  /** `localhost:<port>` of its job service (gRPC). */
  readonly endpoint: string
  readonly logFile: string
  stop(): Promise<void>
}

/**
 * The job server dies with dip however dip ends, kill -9 included: this shell holds the read end of
 * a pipe whose write end only dip holds, and stops java once it reads end-of-file. Otherwise a
 * killed batch would leave a JVM (and its embedded Flink) running.
 */
const WATCHDOG = 'java "$@" & child=$!; cat >/dev/null; kill "$child" 2>/dev/null; wait "$child"'

/**
 * Starts `FlinkJobServerDriver` on a free port. `flinkMaster` is `[local]` (an embedded Flink
 * mini-cluster inside the job server) or `host:port` of a Flink cluster's REST endpoint, to which
 * the job server submits the job. Its output goes to `<workDir>/job-server.log`, never to dip's
 * stdout (--json stays parseable); a job server that exits or stays silent fails with that log.
 */
export async function startFlinkJobServer(options: {
  readonly runtime: FlinkJobServerRuntime
  readonly flinkMaster: string
  readonly workDir: string
  readonly startTimeoutMs?: number
}): Promise<FlinkJobServer> {
  const { runtime, flinkMaster, workDir } = options
  await mkdir(join(workDir, 'artifacts'), { recursive: true })
  const logFile = join(workDir, 'job-server.log')
  const port = await freePort()
  const log = openSync(logFile, 'a')
  const child = spawn(
    'sh',
    [
      '-c',
      WATCHDOG,
      'dip-flink-job-server',
      '-cp',
      runtime.classpath,
      FLINK_JOB_SERVER_MAIN,
      '--flink-master',
      flinkMaster,
      '--job-port',
      String(port),
      '--artifact-port',
      '0',
      '--expansion-port',
      '-1',
      '--artifacts-dir',
      join(workDir, 'artifacts'),
    ],
    { stdio: ['pipe', log, log], detached: false },
  )
  closeSync(log)
  let exited: number | null | undefined
  const exit = new Promise<void>((resolve) =>
    child.once('exit', (code) => {
      exited = code
      resolve()
    }),
  )
  child.once('error', () => (exited = -1))
  const endpoint = `localhost:${port}`
  const stop = async () => {
    if (exited !== undefined) return
    child.stdin?.end()
    const killer = setTimeout(() => child.kill('SIGKILL'), 10_000)
    await exit
    clearTimeout(killer)
  }

  const deadline = Date.now() + (options.startTimeoutMs ?? 120_000)
  while (!(await accepts(port))) {
    if (exited !== undefined || Date.now() > deadline) {
      await stop()
      const tail = await lastLines(logFile, 12)
      throw new DipError(
        'DIP_STACK',
        exited !== undefined
          ? `Beam's Flink job server exited (code ${String(exited)}) before it accepted jobs:\n${tail}`
          : `Beam's Flink job server did not accept jobs on port ${port} in time:\n${tail}`,
        {
          hint: `Its log is ${logFile}. Java 17 must be on PATH; rerun \`dip setup --with-flink\` if jars are missing.`,
        },
      )
    }
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  return { endpoint, logFile, stop }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: 'localhost', port })
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
}

async function lastLines(file: string, count: number): Promise<string> {
  const text = await readFile(file, 'utf8').catch(() => '')
  return text.trim().split('\n').slice(-count).join('\n')
}
