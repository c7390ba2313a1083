// The SDK's index first: its modules import each other in a cycle that only this entry resolves.
import 'apache-beam'
import { randomUUID } from 'node:crypto'
import type { Root } from 'apache-beam/pvalue'
import { directRunner } from 'apache-beam/runners/direct_runner'
import { DipError } from '../shared/errors.ts'
import { closeStatsKey, openStatsKey } from './async-do-fn.ts'
import type { StageStats } from './stage-stats.ts'

export interface PipelineRun<T> {
  readonly result: T
  readonly stages: readonly StageStats[]
}

/**
 * Runs one pipeline on the direct runner. Resources the steps need at run time (clients, the lake
 * writer) are looked up by `runId` in a registry of this process, the way the direct runner keeps
 * its own state: a pipeline definition holds only plain data.
 */
export async function runPipeline<R>(
  resources: R,
  build: (root: Root, runId: string) => void,
): Promise<PipelineRun<void>> {
  const runId = randomUUID()
  const stages = openStatsKey(runId)
  runResources.set(runId, resources)
  // The SDK's bundle processor logs every bundle with console.debug, on stdout: that would break --json.
  const debug = console.debug
  console.debug = () => undefined
  try {
    await directRunner().run((root) => {
      build(root, runId)
    })
    return { result: undefined, stages }
  } finally {
    console.debug = debug
    runResources.delete(runId)
    closeStatsKey(runId)
  }
}

const runResources = new Map<string, unknown>()

/** The resources of a running pipeline, for its steps. */
export function resourcesOf<R>(runId: string): R {
  const found = runResources.get(runId)
  if (found === undefined) throw new DipError('DIP_INTERNAL', `no running Beam pipeline ${runId}`)
  return found as R
}
