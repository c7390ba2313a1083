import { RecordError } from '../types/record-error.ts'
import { BIGINT, BOOLEAN, DOUBLE, INTEGER, STRING, struct } from '../types/sql-type.ts'
import type { ScalarFunction } from './function-types.ts'
import { P, defineScalar } from './signature.ts'

/**
 * The UDFs that ksqlDB's query-validation tests load from its test classpath (BAD_UDF, TEST_UDF,
 * TOSTRUCT, WHENCONDITION, WHENRESULT), re-created so the QTT cases that call them can run. Only
 * registered with `createFunctionRegistry({ testFunctions: true })`; never part of the lab engine.
 */
const STRUCT_A = struct([{ name: 'A', type: STRING }])

export function testFunctions(): ScalarFunction[] {
  return [
    defineScalar('BAD_UDF', [
      {
        params: [P.t(INTEGER)],
        returns: INTEGER,
        build: () => () => {
          throw new RecordError('boom!')
        },
      },
      {
        // Throws on every other call, starting with the first.
        params: [P.t(STRING)],
        returns: STRING,
        build: () => {
          let calls = 0
          return ([s]) => {
            if (calls++ % 2 === 0) throw new RecordError('boom!')
            return s ?? null
          }
        },
      },
      {
        params: [P.t(BOOLEAN)],
        returns: INTEGER,
        build:
          () =>
          ([shouldThrow]) => {
            if (shouldThrow === true) throw new RecordError('You asked me to throw...')
            return 0
          },
      },
    ]),
    defineScalar('TEST_UDF', [
      { params: [P.t(INTEGER), P.t(STRING)], returns: STRING, build: () => () => 'doStuffIntString' },
      { params: [P.t(BIGINT), P.t(STRING)], returns: STRING, build: () => () => 'doStuffLongString' },
      { params: [P.t(DOUBLE), P.t(STRING)], returns: STRING, build: () => () => 'doStuffDoubleString' },
      {
        params: [P.t(STRUCT_A)],
        returns: STRING,
        build:
          () =>
          ([s]) =>
            s == null ? null : ((s as Record<string, unknown>).A ?? null),
      },
      { params: [], returns: STRUCT_A, build: () => () => ({ A: 'foo' }) },
    ]),
    defineScalar('TOSTRUCT', [
      {
        params: [P.t(STRING)],
        returns: STRUCT_A,
        build:
          () =>
          ([s]) => ({ A: s ?? null }),
      },
    ]),
    defineScalar('WHENCONDITION', [
      {
        params: [P.t(BOOLEAN), P.t(BOOLEAN)],
        returns: BOOLEAN,
        build:
          () =>
          ([value, shouldBeEvaluated]) => {
            if (shouldBeEvaluated !== true) throw new RecordError('This UDF should not be executed.')
            return value ?? null
          },
      },
    ]),
    defineScalar('WHENRESULT', [
      {
        params: [P.t(INTEGER), P.t(BOOLEAN)],
        returns: INTEGER,
        build:
          () =>
          ([value, shouldBeEvaluated]) => {
            if (shouldBeEvaluated !== true) throw new RecordError('This UDF should not be executed.')
            return value ?? null
          },
      },
    ]),
  ]
}
