import type { ConsumedRecord } from '../kafka/ports.ts'
import type { LakeSink } from '../lake/lake-sink.ts'
import type { DecodeError } from '../sinks/decode-record.ts'
import type { LakeLine } from '../sinks/lake-line.ts'
import type { ReadOutput } from './read-kafka.ts'

/** The decode step's outputs the lake writer receives: rows, dead letters and partition ends. */
export type LakeRow = {
  readonly kind: 'row'
  readonly record: ConsumedRecord
  readonly line: LakeLine
  readonly deleted: boolean
}
export type LakeDeadLetter = {
  readonly kind: 'deadLetter'
  readonly record: ConsumedRecord
  readonly error: DecodeError
}
export type PartitionEnd = Extract<ReadOutput, { kind: 'end' }>
export type LakeWriterInput = LakeRow | LakeDeadLetter | PartitionEnd

/** What the writer needs at run time. */
export interface LakeWriterState {
  readonly sink: LakeSink
  /** Partitions read to their end offset: their group position goes to the end itself. */
  readonly ended: PartitionEnd[]
  /** The lake writer is not re-entrant; reads of several topics (several bundles) feed it at once. */
  turn: Promise<unknown>
}

/**
 * One element into the lake. Where files are cut depends on the input range only, never on how a
 * runner bundles the elements: a window closes at `maxFileRecords`/`maxFileBytes` counted from the
 * lake's own position (the sink does that), and the last, partial window of a partition closes
 * when that partition's `end` arrives, i.e. at the end offset captured at start. So a rerun after a
 * kill names files alike on any runner (Flink cuts bundles where it likes; the direct runner runs
 * one bundle).
 */
export function writeToLake(state: LakeWriterState, element: LakeWriterInput): Promise<void> {
  return serialized(state, async () => {
    switch (element.kind) {
      case 'end':
        await state.sink.flush(element.topic, element.partition)
        state.ended.push(element)
        return
      case 'row':
        await state.sink.appendEncoded(element.record, {
          ok: true,
          line: element.line,
          deleted: element.deleted,
        })
        return
      case 'deadLetter':
        await state.sink.appendEncoded(element.record, { ok: false, error: element.error })
        return
    }
  })
}

/**
 * The end of a bundle flushes nothing: a bundle boundary is the runner's choice, so a file cut there
 * would be named differently by a rerun. Partitions that never reached their end (the run was
 * stopped) are flushed by the caller after the pipeline, as dip's own loop does.
 */
export function finishLakeBundle(state: LakeWriterState): Promise<void> {
  return serialized(state, async () => undefined)
}

function serialized(state: LakeWriterState, work: () => Promise<void>): Promise<void> {
  const next = state.turn.then(work)
  state.turn = next.catch(() => undefined)
  return next
}
