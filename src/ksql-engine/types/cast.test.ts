import { describe, expect, it } from 'vitest'

import { canCast, castNotSupportedMessage, castValue, formatAsString } from './cast.ts'
import { Decimal } from './decimal.ts'
import { RecordError } from './record-error.ts'
import {
  BIGINT,
  BOOLEAN,
  DATE,
  DOUBLE,
  INTEGER,
  STRING,
  TIMESTAMP,
  array,
  decimal,
  map,
  struct,
} from './sql-type.ts'

describe('canCast', () => {
  it('allows numeric, string and container casts ksqlDB allows', () => {
    expect(canCast(INTEGER, DOUBLE)).toBe(true)
    expect(canCast(STRING, decimal(2, 1))).toBe(true)
    expect(canCast(array(BIGINT), array(STRING))).toBe(true)
    expect(canCast(map(STRING, INTEGER), STRING)).toBe(true)
    expect(canCast(STRING, TIMESTAMP)).toBe(true)
  })

  it('rejects casts from STRING to containers with ksqlDB wording', () => {
    expect(canCast(STRING, array(INTEGER))).toBe(false)
    expect(canCast(BOOLEAN, INTEGER)).toBe(false)
    expect(castNotSupportedMessage(STRING, struct([{ name: 'F0', type: STRING }]))).toBe(
      'Cast of STRING to STRUCT<`F0` STRING> is not supported',
    )
  })
})

describe('castValue', () => {
  it('narrows BIGINT to INT keeping the low 32 bits, like Java', () => {
    expect(castValue(2147483648, BIGINT, INTEGER)).toBe(-2147483648)
    expect(castValue([1, 3, 2147483648], array(BIGINT), array(INTEGER))).toEqual([1, 3, -2147483648])
  })

  it('truncates doubles and decimals toward zero', () => {
    expect(castValue(-1.9, DOUBLE, INTEGER)).toBe(-1)
    expect(castValue(Decimal.parse('10.01'), decimal(4, 2), BIGINT)).toBe(10)
    expect(castValue(1e20, DOUBLE, INTEGER)).toBe(2147483647)
  })

  it('renders values as Java would print them', () => {
    expect(castValue(1e10, DOUBLE, STRING)).toBe('1.0E10')
    expect(castValue(10, DOUBLE, STRING)).toBe('10.0')
    expect(castValue(Decimal.parse('0.00'), decimal(4, 2), STRING)).toBe('0.00')
    expect(castValue([1, 3], array(INTEGER), STRING)).toBe('[1, 3]')
    expect(castValue(new Map([['this', 1]]), map(STRING, INTEGER), STRING)).toBe('{this=1}')
    const s = struct([
      { name: 'F0', type: INTEGER },
      { name: 'f1', type: INTEGER },
    ])
    expect(castValue({ F0: 1, f1: 3 }, s, STRING)).toBe('Struct{F0=1,f1=3}')
    expect(formatAsString(19110, DATE)).toBe('2022-04-28')
    expect(castValue(1651182287943, TIMESTAMP, STRING)).toBe('2022-04-28T21:44:47.943')
  })

  it('parses trimmed strings into numbers and fails per record otherwise', () => {
    expect(castValue(' 42 ', STRING, INTEGER)).toBe(42)
    expect(castValue('1.5', STRING, DOUBLE)).toBe(1.5)
    expect(() => castValue('abc', STRING, INTEGER)).toThrow(RecordError)
    expect(() => castValue('99999999999', STRING, INTEGER)).toThrow('For input string')
  })

  it('parses booleans leniently and timestamps in ISO form', () => {
    expect(castValue('TRUE', STRING, BOOLEAN)).toBe(true)
    expect(castValue(' yes ', STRING, BOOLEAN)).toBe(true)
    expect(castValue('no', STRING, BOOLEAN)).toBe(false)
    expect(castValue('maybe', STRING, BOOLEAN)).toBe(false)
    expect(castValue('2022-04-28T21:44:47.943', STRING, TIMESTAMP)).toBe(1651182287943)
    expect(castValue('2022-04-28T21:44:47.943Z', STRING, TIMESTAMP)).toBe(1651182287943)
  })

  it('rounds HALF_UP into DECIMAL and rejects overflow', () => {
    const target = decimal(2, 1)
    expect(String(castValue(0.99, DOUBLE, target))).toBe('1.0')
    expect(String(castValue('0.01', STRING, target))).toBe('0.0')
    expect(String(castValue(-1, INTEGER, target))).toBe('-1.0')
    expect(String(castValue(Decimal.parse('10.12'), decimal(4, 2), decimal(5, 3)))).toBe('10.120')
    expect(() => castValue(10, INTEGER, target)).toThrow(/Numeric field overflow/)
  })

  it('casts nested containers element by element', () => {
    const from = map(STRING, map(STRING, STRING))
    const to = map(STRING, map(STRING, INTEGER))
    expect(castValue(new Map([['k1', new Map([['k2', '10']])]]), from, to)).toEqual(
      new Map([['k1', new Map([['k2', 10]])]]),
    )
    const fromStruct = struct([
      { name: 'F0', type: BIGINT },
      { name: 'F1', type: STRING },
    ])
    const toStruct = struct([
      { name: 'F0', type: STRING },
      { name: 'F3', type: STRING },
    ])
    expect(castValue({ F0: 1, F1: 'a' }, fromStruct, toStruct)).toEqual({ F0: '1', F3: null })
  })

  it('keeps NULL as NULL', () => {
    expect(castValue(null, STRING, INTEGER)).toBeNull()
  })
})
