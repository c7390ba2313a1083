import * as beam from 'apache-beam'
import type { PCollection, Root } from 'apache-beam/pvalue'
import { asyncParDo } from './async-do-fn.ts'
import { READ_KAFKA, type ReadOutput, type ReadSlice } from './read-kafka.ts'

/** What a batch job's decode step emits: a row, a dead letter, or the end of a partition's range. */
export type Tagged<Row, DeadLetter, End> = { rows: Row } | { deadLetters: DeadLetter } | { ends: End }

/**
 * The shape both batch jobs share:
 *
 *   Create(topic ranges) → ReadKafka → DecodeValidate → Split(rows | deadLetters | ends)
 *     → Flatten → <write step>
 *
 * The decode and write steps are registered async DoFns named by `decodeFn` / `writeFn`.
 */
export function readDecodeWrite<Row, DeadLetter, End>(
  root: Root,
  runId: string,
  slices: readonly ReadSlice[],
  steps: { readonly decodeFn: string; readonly writeName: string; readonly writeFn: string },
): void {
  type Writes = Row | DeadLetter | End
  const context = { run: runId }
  const tagged: PCollection<Tagged<Row, DeadLetter, End>> = root
    .apply(beam.create([...slices]))
    .apply(asyncParDo<ReadSlice, ReadOutput, typeof context>('ReadKafka', READ_KAFKA, context, runId))
    .apply(
      asyncParDo<ReadOutput, Tagged<Row, DeadLetter, End>, typeof context>(
        'DecodeValidate',
        steps.decodeFn,
        context,
        runId,
      ),
    )
  const { rows, deadLetters, ends } = tagged.apply(
    beam.split<Tagged<Row, DeadLetter, End>>(['rows', 'deadLetters', 'ends']),
  ) as Record<'rows' | 'deadLetters' | 'ends', PCollection<Writes>>
  beam
    .P([rows, deadLetters, ends])
    .apply(beam.flatten<Writes>())
    .apply(asyncParDo<Writes, never, typeof context>(steps.writeName, steps.writeFn, context, runId))
}
