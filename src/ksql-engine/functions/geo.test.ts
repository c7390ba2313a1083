import { describe, expect, it } from 'vitest'

import { Decimal } from '../types/decimal.ts'
import { DOUBLE, INTEGER, STRING, decimal } from '../types/sql-type.ts'
import { call, resolveError } from './testing/call.ts'

describe('GEO_DISTANCE', () => {
  it('computes haversine distances in km, widening numeric arguments (QTT udf-implicit-cast.json)', () => {
    expect(call('GEO_DISTANCE', [DOUBLE, 37.4439], [DOUBLE, -122.1663], [INTEGER, 51], [INTEGER, 0])).toBe(
      8682.459061368269,
    )
    expect(
      call(
        'GEO_DISTANCE',
        [DOUBLE, 37.4439],
        [DOUBLE, -122.1663],
        [decimal(3, 1), Decimal.parse('51.0')],
        [INTEGER, 0],
      ),
    ).toBe(8682.459061368269)
  })

  it('supports miles and validates ranges', () => {
    const miles = call(
      'GEO_DISTANCE',
      [DOUBLE, 0],
      [DOUBLE, 0],
      [DOUBLE, 0],
      [DOUBLE, 1],
      [STRING, 'MILES'],
    ) as number
    expect(miles).toBeCloseTo(69.0976, 3)
    expect(() => call('GEO_DISTANCE', [DOUBLE, 91], [DOUBLE, 0], [DOUBLE, 0], [DOUBLE, 0])).toThrow(
      /latitude/,
    )
  })

  it('rejects a STRING coordinate with ksqlDB wording', () => {
    expect(resolveError('GEO_DISTANCE', [DOUBLE, DOUBLE, STRING, INTEGER])).toContain(
      "Function 'geo_distance' does not accept parameters",
    )
  })
})
