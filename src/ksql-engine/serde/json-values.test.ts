import { describe, expect, it } from 'vitest'

import { Decimal } from '../types/decimal.ts'
import { RecordError } from '../types/record-error.ts'
import {
  BOOLEAN,
  BYTES,
  DOUBLE,
  INTEGER,
  STRING,
  TIMESTAMP,
  decimal,
  map,
  struct,
  type SqlType,
} from '../types/sql-type.ts'
import { createFieldTextWriter, createJsonTextWriter, fromEngineValue, toEngineValue } from './json-values.ts'

describe('toEngineValue / fromEngineValue', () => {
  it('round-trips QTT-style JSON through engine values', () => {
    const type = struct([
      { name: 'M', type: map(STRING, decimal(4, 2)) },
      { name: 'B', type: BYTES },
    ])
    const engine = toEngineValue({ m: { a: 1.5 }, b: 'AQI=' }, type)
    expect(engine).toEqual({ M: new Map([['a', Decimal.parse('1.50')]]), B: Buffer.from([1, 2]) })
    expect(fromEngineValue(engine, type)).toEqual({ M: { a: 1.5 }, B: 'AQI=' })
  })

  it('renders non-finite doubles as text like Jackson', () => {
    expect(fromEngineValue(Number.NaN, DOUBLE)).toBe('NaN')
    expect(fromEngineValue(-Infinity, DOUBLE)).toBe('-Infinity')
    expect(toEngineValue('NaN', DOUBLE)).toBeNaN()
  })

  it('reads TIMESTAMP as epoch numbers or digit text only, and rejects bad values', () => {
    expect(toEngineValue(1651182287943, TIMESTAMP)).toBe(1651182287943)
    expect(toEngineValue('1651182287943', TIMESTAMP)).toBe(1651182287943)
    expect(() => toEngineValue('2022-04-28T21:44:47.943', TIMESTAMP)).toThrow(
      "Can't coerce string to type. targetType: TIMESTAMP",
    )
    expect(() => toEngineValue(true, INTEGER)).toThrow(RecordError)
    expect(() => toEngineValue(123.456, decimal(4, 2))).toThrow(/Numeric field overflow/)
  })
})

describe('createJsonTextWriter', () => {
  it('writes Java-style doubles and exact decimals', () => {
    expect(createJsonTextWriter(DOUBLE)(1e10)).toBe('1.0E10')
    expect(createJsonTextWriter(decimal(5, 3))(Decimal.parse('10.120'))).toBe('10.120')
    expect(createJsonTextWriter(map(STRING, INTEGER))(new Map([['a"b', 1]]))).toBe('{"a\\"b":1}')
  })
})

describe('createFieldTextWriter', () => {
  it('writes exactly what createJsonTextWriter writes', () => {
    const samples: [SqlType, unknown[]][] = [
      [STRING, ['', 'plain', 'a"b', 'back\\slash', 'tab\t', '\u0001', '\ud800', 'é😀', null, undefined, 5]],
      [DOUBLE, [0, -0, 1, -1, 30.38, 1e-3, 9.99e-4, 1e7, 9999999.5, -1e7, 1e21, Number.NaN, -Infinity, null]],
      [INTEGER, [0, -5, 2147483647, null]],
      [BOOLEAN, [true, false, null]],
      [TIMESTAMP, [0, 1743465600000, null]],
      [decimal(5, 2), [Decimal.parse('1.5'), null]],
    ]
    for (const [type, values] of samples) {
      const fast = createFieldTextWriter(type)
      const general = createJsonTextWriter(type)
      for (const v of values) expect(fast(v), `${type.kind} ${String(v)}`).toBe(general(v))
    }
  })
})
