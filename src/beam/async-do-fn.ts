// The SDK's index first: its modules import each other in a cycle that only this entry resolves.
import 'apache-beam'
import { performance } from 'node:perf_hooks'
import { GeneralObjectCoder } from 'apache-beam/coders/js_coders'
import type { Pipeline } from 'apache-beam/internal/pipeline'
import type { PTransform as PTransformProto } from 'apache-beam/proto/beam_runner_api'
import type { PCollection } from 'apache-beam/pvalue'
import { registerOperator } from 'apache-beam/worker/operators'
import { withName } from 'apache-beam/transforms/transform'
import type { PTransform } from 'apache-beam/transforms/transform'
import { DipError } from '../shared/errors.ts'
import { stageStats, type StageStats } from './stage-stats.ts'

/**
 * The Beam TypeScript SDK's ParDo calls `process` synchronously, so a DoFn cannot await I/O
 * (reading Kafka, renaming lake files, a MySQL transaction). This adds the missing "async ParDo"
 * through the SDK's own extension point (an operator registered for a URN, as its direct runner
 * registers its own): the operator awaits `process` and every downstream `emit`, so records flow
 * one at a time in order and back-pressure reaches the reader.
 *
 * The DoFn travels in the pipeline proto by name (looked up in this process's registry) with a
 * plain-data context, so nothing has to be serialized as code.
 */
export const ASYNC_PARDO_URN = 'beam:transform:dip:async_pardo:v1'

export type Emit<O> = (output: O) => Promise<void>

export interface AsyncDoFn<I, O, C> {
  /** Called for every element; may emit any number of outputs, each awaited. */
  process(element: I, emit: Emit<O>, context: C): Promise<void> | void
  /** Called once after the bundle's last element (the direct runner runs one bundle). */
  finishBundle?(emit: Emit<O>, context: C): Promise<void> | void
}

const doFns = new Map<string, AsyncDoFn<unknown, unknown, unknown>>()

/** Makes a DoFn available to pipelines by name; its module must be loaded where the pipeline runs. */
export function registerAsyncDoFn<I, O, C>(name: string, doFn: AsyncDoFn<I, O, C>): void {
  doFns.set(name, doFn as AsyncDoFn<unknown, unknown, unknown>)
}

interface Payload {
  readonly doFn: string
  readonly context: unknown
  /** Where the operator reports elements in/out and its own time (stats of one pipeline run). */
  readonly statsKey: string
  readonly stage: string
}

/** A pipeline run's per-stage figures, filled in by the operators of that run. */
const runStats = new Map<string, StageStats[]>()

export function openStatsKey(key: string): StageStats[] {
  const list: StageStats[] = []
  runStats.set(key, list)
  return list
}

export function closeStatsKey(key: string): void {
  runStats.delete(key)
}

/**
 * A PTransform running the registered DoFn `name` with `context` (plain data: it is stored in the
 * pipeline as JSON). `statsKey` names the run whose stage figures this step adds to.
 */
export function asyncParDo<I, O, C>(
  stage: string,
  name: string,
  context: C,
  statsKey: string,
): PTransform<PCollection<I>, PCollection<O>> {
  if (!doFns.has(name)) throw new DipError('DIP_INTERNAL', `no Beam DoFn registered as ${name}`)
  const payload: Payload = { doFn: name, context, statsKey, stage }
  const expand = (
    _input: PCollection<I>,
    pipeline: Pipeline,
    transformProto: { spec?: { urn: string; payload: Uint8Array } },
  ): PCollection<O> => {
    transformProto.spec = { urn: ASYNC_PARDO_URN, payload: new TextEncoder().encode(JSON.stringify(payload)) }
    return pipeline.createPCollectionInternal<O>(new GeneralObjectCoder())
  }
  return withName(stage, expand) as unknown as PTransform<PCollection<I>, PCollection<O>>
}

interface WindowedValue {
  readonly value: unknown
}

interface Receiver {
  receive(value: WindowedValue): Promise<void> | null
}

interface OperatorContext {
  getReceiver(pcollectionId: string): Receiver
}

class AsyncParDoOperator {
  private readonly receivers: Receiver[]
  private readonly doFn: AsyncDoFn<unknown, unknown, unknown>
  private readonly context: unknown
  private readonly stats: StageStats
  /** finishBundle's outputs take the window of the bundle's last element (all global here). */
  private last: WindowedValue | undefined
  private readonly inFlight = new Set<Promise<void>>()
  private failure: unknown

  readonly transformId: string

  constructor(transformId: string, transform: PTransformProto, operatorContext: OperatorContext) {
    this.transformId = transformId
    const spec = transform.spec
    if (spec === undefined) throw new DipError('DIP_INTERNAL', `Beam step ${transformId} has no spec`)
    this.receivers = Object.values(transform.outputs).map((id) => operatorContext.getReceiver(id))
    const payload = JSON.parse(new TextDecoder().decode(spec.payload)) as Payload
    const doFn = doFns.get(payload.doFn)
    if (doFn === undefined) throw new DipError('DIP_INTERNAL', `no Beam DoFn registered as ${payload.doFn}`)
    this.doFn = doFn
    this.context = payload.context
    this.stats = stageStats(payload.stage)
    runStats.get(payload.statsKey)?.push(this.stats)
  }

  async startBundle(): Promise<void> {}

  process(windowed: WindowedValue): Promise<void> {
    this.stats.in++
    this.last = windowed
    const processing = this.timed(() =>
      this.doFn.process(windowed.value, this.emitter(windowed), this.context),
    )
    // The direct runner's impulse does not await what it starts: this operator keeps track of its
    // elements itself, so finishBundle (and the run) waits for them and fails with their error.
    this.inFlight.add(processing)
    processing.then(
      () => this.inFlight.delete(processing),
      (error: unknown) => {
        this.inFlight.delete(processing)
        this.failure ??= error
      },
    )
    return processing
  }

  async finishBundle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight])
    if (this.failure !== undefined) throw this.failure
    const finish = this.doFn.finishBundle
    if (finish === undefined) return
    const emit = this.emitter(this.last ?? { value: undefined })
    await this.timed(() => finish.call(this.doFn, emit, this.context))
  }

  /** Outputs keep the input's window, timestamp and pane; time spent downstream is not this stage's. */
  private emitter(windowed: WindowedValue): Emit<unknown> {
    return async (output) => {
      this.stats.out++
      const started = performance.now()
      try {
        for (const receiver of this.receivers) {
          const pending = receiver.receive({ ...windowed, value: output })
          if (pending !== null) await pending
        }
      } finally {
        this.stats.downstreamMs += performance.now() - started
      }
    }
  }

  private async timed(work: () => Promise<void> | void): Promise<void> {
    const started = performance.now()
    try {
      await work()
    } finally {
      this.stats.totalMs += performance.now() - started
    }
  }
}

registerOperator(ASYNC_PARDO_URN, AsyncParDoOperator)
