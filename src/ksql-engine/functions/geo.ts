import { RecordError } from '../types/record-error.ts'
import { DOUBLE, STRING } from '../types/sql-type.ts'
import type { ScalarFunction } from './function-types.ts'
import { P, defineScalar, nullSafe } from './signature.ts'

/** GEO_DISTANCE(lat1, lon1, lat2, lon2 [, 'KM' | 'MILES']): great-circle distance (haversine), as ksqlDB. */
const D = P.t(DOUBLE)
const DEGREES_TO_RADIANS = 0.017453292519943295

function radiusFor(unit: string): number {
  const u = unit.toLowerCase()
  if (u === 'km' || u === 'kilometers' || u === 'kilometres') return 6371
  if (u === 'mi' || u === 'miles') return 3959
  throw new RecordError(
    `GeoDistance function units parameter must be one of KM or MILES. Values given: ${unit}`,
  )
}

export function geoDistance(lat1: number, lon1: number, lat2: number, lon2: number, radius: number): number {
  for (const lat of [lat1, lat2]) {
    if (lat < -90 || lat > 90) {
      throw new RecordError(
        `valid latitude values for GeoDistance function are in the range of -90 to 90 decimal degrees. Values given: ${lat}`,
      )
    }
  }
  for (const lon of [lon1, lon2]) {
    if (lon < -180 || lon > 180) {
      throw new RecordError(
        `valid longitude values for GeoDistance function are in the range of -180 to +180 decimal degrees. Values given: ${lon}`,
      )
    }
  }
  const lat1Rad = lat1 * DEGREES_TO_RADIANS
  const lat2Rad = lat2 * DEGREES_TO_RADIANS
  const deltaLat = (lat2 - lat1) * DEGREES_TO_RADIANS
  const deltaLon = (lon2 - lon1) * DEGREES_TO_RADIANS
  const a =
    Math.pow(Math.sin(deltaLat / 2), 2) +
    Math.pow(Math.sin(deltaLon / 2), 2) * Math.cos(lat1Rad) * Math.cos(lat2Rad)
  return radius * 2 * Math.asin(Math.sqrt(a))
}

export function geoFunctions(): ScalarFunction[] {
  const n = (v: unknown): number => v as number
  return [
    defineScalar('GEO_DISTANCE', [
      {
        params: [D, D, D, D],
        returns: DOUBLE,
        build: () => nullSafe(([a, b, c, d]) => geoDistance(n(a), n(b), n(c), n(d), 6371)),
      },
      {
        params: [D, D, D, D, P.t(STRING)],
        returns: DOUBLE,
        build: () =>
          nullSafe(([a, b, c, d, u]) => geoDistance(n(a), n(b), n(c), n(d), radiusFor(u as string))),
      },
    ]),
  ]
}
