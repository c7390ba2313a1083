// The SDK's index first: its modules import each other in a cycle that only this entry resolves.
import 'apache-beam'
import { randomUUID } from 'node:crypto'
import { rm } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { JobState_Enum } from 'apache-beam/proto/beam_job_api'
import type { Root } from 'apache-beam/pvalue'
import { directRunner } from 'apache-beam/runners/direct_runner'
import { PortableRunner } from 'apache-beam/runners/portable_runner/runner'
import { DipError } from '../shared/errors.ts'
import { createExecaRunner } from '../stack/command-runner.ts'
import {
  findProvisionedFlinkJobServer,
  provisionFlinkJobServer,
} from '../stack/provision/flink-job-server-provision.ts'
import { closeStatsKey, firstFailure, openStatsKey } from './async-do-fn.ts'
import { startFlinkJobServer } from './flink-job-server.ts'
import { DIRECT, type BeamTarget } from './runner-choice.ts'
import type { StageStats } from './stage-stats.ts'
import { sleep } from '../shared/sleep.ts'

export interface PipelineRun<T> {
  readonly result: T
  readonly stages: readonly StageStats[]
}

/**
 * Runs one pipeline. Resources the steps need at run time (clients, the lake writer) are looked up
 * by `runId` in a registry of this process: a pipeline definition holds only plain data. On Flink
 * the steps still run in this process: the job's SDK worker is a LOOPBACK worker dip serves
 * itself, so the registry (and dip's writers) are the same as on the direct runner.
 */
export async function runPipeline<R>(
  resources: R,
  build: (root: Root, runId: string) => void,
  target: BeamTarget = DIRECT,
  /** Progress of the slow steps before the first record on Flink (download, JVM start). */
  onPhase: (text: string) => void = () => undefined,
): Promise<PipelineRun<void>> {
  const runId = randomUUID()
  const stages = openStatsKey(runId)
  runResources.set(runId, resources)
  try {
    switch (target.runner) {
      case 'direct':
        await quietly(['debug'], () => directRunner().run((root) => build(root, runId)))
        break
      case 'flink':
        await runOnFlink(target, (root) => build(root, runId), runId, onPhase)
        break
    }
    return { result: undefined, stages }
  } finally {
    runResources.delete(runId)
    closeStatsKey(runId)
  }
}

const POLL_MS = 250

async function runOnFlink(
  target: Extract<BeamTarget, { runner: 'flink' }>,
  build: (root: Root) => void,
  runId: string,
  onPhase: (text: string) => void,
): Promise<void> {
  let runtime = findProvisionedFlinkJobServer()
  if (runtime === undefined) {
    onPhase("downloading Beam's Flink job server from Maven Central (once)")
    runtime = await provisionFlinkJobServer({ runner: createExecaRunner() })
  }
  onPhase(`starting Beam's Flink job server (Flink master ${target.flinkMaster})`)
  const workDir = join(resolve(target.stateDir), 'beam-flink', runId)
  const jobServer = await startFlinkJobServer({ runtime, flinkMaster: target.flinkMaster, workDir })
  try {
    onPhase('submitting the pipeline to Flink')
    // LOOPBACK: Flink calls back into this process for the pipeline's steps (an SDK worker dip
    // serves on a local port), so no SDK container or staged code is needed.
    const runner = new PortableRunner({
      jobEndpoint: jobServer.endpoint,
      environmentType: 'LOOPBACK',
      jobName: `dip-${runId}`,
    } as ConstructorParameters<typeof PortableRunner>[0])
    const state = await quietly(['log', 'info', 'debug', 'warn', 'error'], async () => {
      // A portable runner's result: its getState also stops the LOOPBACK worker once the job ends.
      const job = (await runner.runAsync(build)) as unknown as {
        getState(): Promise<{ readonly state: JobState_Enum }>
      }
      // The SDK's own wait polls ever more slowly (up to 10 s); a batch should end when it is done.
      for (;;) {
        const { state } = await job.getState()
        if (isTerminal(state)) return state
        await sleep(POLL_MS)
      }
    })
    if (state !== JobState_Enum.DONE) {
      const failure = firstFailure(runId)
      if (failure !== undefined) throw failure
      throw new DipError('DIP_STACK', `the Flink job ended ${JobState_Enum[state]}`, {
        hint: `See Beam's Flink job server log: ${jobServer.logFile}`,
      })
    }
    await rm(workDir, { recursive: true, force: true })
  } finally {
    await jobServer.stop()
  }
}

function isTerminal(state: JobState_Enum): boolean {
  return [
    JobState_Enum.DONE,
    JobState_Enum.FAILED,
    JobState_Enum.CANCELLED,
    JobState_Enum.UPDATED,
    JobState_Enum.DRAINED,
  ].includes(state)
}

type ConsoleMethod = 'log' | 'info' | 'debug' | 'warn' | 'error'

/**
 * The SDK logs every bundle (and its worker every control message) with console.*, on stdout: that
 * would break --json. dip's own output goes through its reporter, not console, so nothing of dip's
 * is lost.
 */
async function quietly<T>(methods: readonly ConsoleMethod[], work: () => Promise<T>): Promise<T> {
  const saved = methods.map((method) => [method, console[method]] as const)
  for (const method of methods) console[method] = () => undefined
  try {
    return await work()
  } finally {
    for (const [method, original] of saved) console[method] = original
  }
}

const runResources = new Map<string, unknown>()

/** The resources of a running pipeline, for its steps. */
export function resourcesOf<R>(runId: string): R {
  const found = runResources.get(runId)
  if (found === undefined) throw new DipError('DIP_INTERNAL', `no running Beam pipeline ${runId}`)
  return found as R
}
