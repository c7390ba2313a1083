// The SDK's index first: its modules import each other in a cycle that only this entry resolves.
import 'apache-beam'
import { performance } from 'node:perf_hooks'
import { GeneralObjectCoder } from 'apache-beam/coders/js_coders'
import type { Pipeline } from 'apache-beam/internal/pipeline'
import { ParDoPayload, type PTransform as PTransformProto } from 'apache-beam/proto/beam_runner_api'
import type { PCollection } from 'apache-beam/pvalue'
import {
  createOperator,
  registerOperatorConstructor,
  type IOperator,
  type OperatorContext as SdkOperatorContext,
} from 'apache-beam/worker/operators'
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
 *
 * To a runner the step is an ordinary ParDo (`beam:transform:pardo:v1`): portable runners such as
 * Flink keep only the transforms whose URN they know and silently drop the others. What marks it
 * as dip's is the DoFn's URN inside the ParDo payload, which only the SDK worker reads.
 */
export const PARDO_URN = 'beam:transform:pardo:v1'
export const ASYNC_DOFN_URN = 'beam:dofn:dip:async:v1'

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
  runFailures.delete(key)
}

/**
 * The first error a step of a run threw. A portable runner (Flink) reports a failed job only as
 * "FAILED"; this keeps the step's own error (a DipError with its hint) for the caller.
 */
const runFailures = new Map<string, unknown>()

export function firstFailure(key: string): unknown {
  return runFailures.get(key)
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
    const doFn = { urn: ASYNC_DOFN_URN, payload: new TextEncoder().encode(JSON.stringify(payload)) }
    transformProto.spec = { urn: PARDO_URN, payload: ParDoPayload.toBinary(ParDoPayload.create({ doFn })) }
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
  private readonly statsKey: string

  readonly transformId: string

  constructor(transformId: string, transform: PTransformProto, operatorContext: OperatorContext) {
    this.transformId = transformId
    const spec = transform.spec
    if (spec === undefined) throw new DipError('DIP_INTERNAL', `Beam step ${transformId} has no spec`)
    this.receivers = Object.values(transform.outputs).map((id) => operatorContext.getReceiver(id))
    const doFnSpec = ParDoPayload.fromBinary(spec.payload).doFn
    if (doFnSpec === undefined) throw new DipError('DIP_INTERNAL', `Beam step ${transformId} has no DoFn`)
    const payload = JSON.parse(new TextDecoder().decode(doFnSpec.payload)) as Payload
    const doFn = doFns.get(payload.doFn)
    if (doFn === undefined) throw new DipError('DIP_INTERNAL', `no Beam DoFn registered as ${payload.doFn}`)
    this.doFn = doFn
    this.context = payload.context
    this.stats = stageStats(payload.stage)
    this.statsKey = payload.statsKey
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
        if (!runFailures.has(this.statsKey)) runFailures.set(this.statsKey, error)
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
    try {
      await this.timed(() => finish.call(this.doFn, emit, this.context))
    } catch (error) {
      if (!runFailures.has(this.statsKey)) runFailures.set(this.statsKey, error)
      throw error
    }
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

type OperatorConstructor = (
  transformId: string,
  transform: PTransformProto,
  context: SdkOperatorContext,
) => IOperator

/**
 * The SDK's own ParDo operator factory. The SDK keeps its factories in a private map and exposes
 * only `createOperator`, so the factory is picked up the one time that map is asked for the ParDo
 * URN (by a probe that then fails harmlessly for lack of outputs).
 */
function sdkParDoConstructor(): OperatorConstructor {
  const get = Map.prototype.get
  let found: OperatorConstructor | undefined
  Map.prototype.get = function (this: Map<unknown, unknown>, key: unknown) {
    const value: unknown = get.call(this, key)
    if (key === PARDO_URN && typeof value === 'function') found ??= value as OperatorConstructor
    return value
  }
  try {
    const probe = { spec: { urn: PARDO_URN, payload: new Uint8Array() }, outputs: {} }
    createOperator('probe', {
      descriptor: { transforms: { probe } },
      getReceiver: () => undefined,
    } as unknown as SdkOperatorContext)
  } catch {
    // Expected: the probe has no outputs. Only the lookup mattered.
  } finally {
    Map.prototype.get = get
  }
  if (found === undefined)
    throw new DipError(
      'DIP_INTERNAL',
      'the Beam SDK has no ParDo operator to extend (unexpected SDK version)',
    )
  return found
}

const sdkParDo = sdkParDoConstructor()

registerOperatorConstructor(PARDO_URN, (transformId, transform, context) => {
  const doFnUrn =
    transform.spec === undefined ? undefined : ParDoPayload.fromBinary(transform.spec.payload).doFn?.urn
  return doFnUrn === ASYNC_DOFN_URN
    ? (new AsyncParDoOperator(
        transformId,
        transform,
        context as unknown as OperatorContext,
      ) as unknown as IOperator)
    : sdkParDo(transformId, transform, context)
})
