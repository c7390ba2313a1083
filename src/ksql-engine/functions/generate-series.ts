import { RecordError } from '../types/record-error.ts'
import { BIGINT, INTEGER, array } from '../types/sql-type.ts'
import type { ScalarFunction } from './function-types.ts'
import { P, defineScalar, nullSafe } from './signature.ts'

/** A series longer than this fails the record instead of exhausting the server's memory. */
export const MAX_SERIES_LENGTH = 1_000_000

/**
 * GENERATE_SERIES(start, end [, step]): the array of start, start+step, ... up to end inclusive, as
 * ksqlDB's array UDF (INT or BIGINT bounds, an INT step; without step it counts up or down by one).
 * A zero step or one pointing away from end fails the record, with ksqlDB's messages.
 */
export function series(start: number, end: number, step: number): number[] {
  if (step === 0) throw new RecordError('GENERATE_SERIES step cannot be zero')
  const diff = end - start
  if ((diff > 0 && step < 0) || (diff < 0 && step > 0)) {
    throw new RecordError('GENERATE_SERIES step has wrong sign')
  }
  const size = 1 + Math.trunc(diff / step)
  if (size > MAX_SERIES_LENGTH) {
    throw new RecordError(
      `GENERATE_SERIES(${start}, ${end}, ${step}) would hold ${size} values; at most ${MAX_SERIES_LENGTH} are allowed: narrow the range or raise the step`,
    )
  }
  const out = new Array<number>(size)
  for (let i = 0, v = start; i < size; i++, v += step) out[i] = v
  return out
}

const defaultStep = (start: number, end: number): number => (end - start > 0 ? 1 : -1)

export function generateSeriesFunction(): ScalarFunction {
  const I = P.t(INTEGER)
  const L = P.t(BIGINT)
  return defineScalar('GENERATE_SERIES', [
    {
      params: [I, I],
      returns: array(INTEGER),
      build: () =>
        nullSafe(([s, e]) => series(s as number, e as number, defaultStep(s as number, e as number))),
    },
    {
      params: [I, I, I],
      returns: array(INTEGER),
      build: () => nullSafe(([s, e, step]) => series(s as number, e as number, step as number)),
    },
    {
      params: [L, L],
      returns: array(BIGINT),
      build: () =>
        nullSafe(([s, e]) => series(s as number, e as number, defaultStep(s as number, e as number))),
    },
    {
      params: [L, L, I],
      returns: array(BIGINT),
      build: () => nullSafe(([s, e, step]) => series(s as number, e as number, step as number)),
    },
  ])
}
