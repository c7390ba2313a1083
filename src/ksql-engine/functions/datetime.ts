import { RecordError } from '../types/record-error.ts'
import { BIGINT, DATE, INTEGER, STRING, TIME, TIMESTAMP } from '../types/sql-type.ts'
import { MS_PER_DAY } from '../types/time-text.ts'
import type { ScalarFunction } from './function-types.ts'
import { compileJavaDateTimePattern, type JavaDateTimeFormatter } from './java-datetime-format.ts'
import { P, defineScalar, nullSafe } from './signature.ts'
import { UTC_ZONE, resolveTimeZone } from './time-zone.ts'

/**
 * Date/time functions. TIMESTAMP values are epoch ms, DATE epoch days, TIME ms of day; patterns are
 * Java DateTimeFormatter patterns; the optional zone argument defaults to UTC.
 */
const S = P.t(STRING)
const L = P.t(BIGINT)
const I = P.t(INTEGER)
const TS = P.t(TIMESTAMP)
const DT = P.t(DATE)
const TM = P.t(TIME)

function formatter(pattern: unknown): JavaDateTimeFormatter {
  try {
    return compileJavaDateTimePattern(pattern as string)
  } catch (error) {
    throw new RecordError(`Invalid format pattern '${String(pattern)}': ${(error as Error).message}`)
  }
}

function format(epochMs: unknown, pattern: unknown, zone?: unknown): string {
  return formatter(pattern).format(
    epochMs as number,
    zone === undefined ? UTC_ZONE : resolveTimeZone(zone as string),
  )
}

function parse(kind: string, text: unknown, pattern: unknown, zone?: unknown): number {
  const f = formatter(pattern)
  try {
    return f.parse(text as string, zone === undefined ? UTC_ZONE : resolveTimeZone(zone as string))
  } catch (error) {
    throw new RecordError(
      `Failed to parse ${kind} '${String(text)}' with formatter '${String(pattern)}': ${(error as Error).message}`,
      { cause: error },
    )
  }
}

const toDays = (ms: number): number => Math.floor(ms / MS_PER_DAY)
const timeOfDay = (ms: number): number => ((ms % MS_PER_DAY) + MS_PER_DAY) % MS_PER_DAY

export function datetimeFunctions(): ScalarFunction[] {
  return [
    defineScalar('TIMESTAMPTOSTRING', [
      { params: [L, S], returns: STRING, build: () => nullSafe(([t, p]) => format(t, p)) },
      { params: [L, S, S], returns: STRING, build: () => nullSafe(([t, p, z]) => format(t, p, z)) },
    ]),
    defineScalar('FORMAT_TIMESTAMP', [
      { params: [TS, S], returns: STRING, build: () => nullSafe(([t, p]) => format(t, p)) },
      { params: [TS, S, S], returns: STRING, build: () => nullSafe(([t, p, z]) => format(t, p, z)) },
    ]),
    defineScalar('STRINGTOTIMESTAMP', [
      { params: [S, S], returns: BIGINT, build: () => nullSafe(([s, p]) => parse('timestamp', s, p)) },
      {
        params: [S, S, S],
        returns: BIGINT,
        build: () => nullSafe(([s, p, z]) => parse('timestamp', s, p, z)),
      },
    ]),
    defineScalar('PARSE_TIMESTAMP', [
      { params: [S, S], returns: TIMESTAMP, build: () => nullSafe(([s, p]) => parse('timestamp', s, p)) },
      {
        params: [S, S, S],
        returns: TIMESTAMP,
        build: () => nullSafe(([s, p, z]) => parse('timestamp', s, p, z)),
      },
    ]),
    defineScalar('UNIX_TIMESTAMP', [
      { params: [], returns: BIGINT, build: () => () => Date.now() },
      { params: [TS], returns: BIGINT, build: () => nullSafe(([t]) => t) },
    ]),
    defineScalar('UNIX_DATE', [
      { params: [], returns: INTEGER, build: () => () => toDays(Date.now()) },
      { params: [DT], returns: INTEGER, build: () => nullSafe(([d]) => d) },
    ]),
    defineScalar('FROM_UNIXTIME', [{ params: [L], returns: TIMESTAMP, build: () => nullSafe(([t]) => t) }]),
    defineScalar('FROM_DAYS', [{ params: [I], returns: DATE, build: () => nullSafe(([d]) => d) }]),
    defineScalar('DATETOSTRING', [
      {
        params: [I, S],
        returns: STRING,
        build: () => nullSafe(([d, p]) => format((d as number) * MS_PER_DAY, p)),
      },
    ]),
    defineScalar('STRINGTODATE', [
      { params: [S, S], returns: INTEGER, build: () => nullSafe(([s, p]) => toDays(parse('date', s, p))) },
    ]),
    defineScalar('FORMAT_DATE', [
      {
        params: [DT, S],
        returns: STRING,
        build: () => nullSafe(([d, p]) => format((d as number) * MS_PER_DAY, p)),
      },
    ]),
    defineScalar('PARSE_DATE', [
      { params: [S, S], returns: DATE, build: () => nullSafe(([s, p]) => toDays(parse('date', s, p))) },
    ]),
    defineScalar('FORMAT_TIME', [
      { params: [TM, S], returns: STRING, build: () => nullSafe(([t, p]) => format(t, p)) },
    ]),
    defineScalar('PARSE_TIME', [
      { params: [S, S], returns: TIME, build: () => nullSafe(([s, p]) => timeOfDay(parse('time', s, p))) },
    ]),
    defineScalar('CONVERT_TZ', [
      {
        params: [TS, S, S],
        returns: TIMESTAMP,
        build: () =>
          nullSafe(([t, from, to]) => {
            const ms = t as number
            return (
              ms + resolveTimeZone(to as string).offsetAt(ms) - resolveTimeZone(from as string).offsetAt(ms)
            )
          }),
      },
    ]),
  ]
}
