import { describe, expect, it } from 'vitest'

import { RecordError } from '../types/record-error.ts'
import { BIGINT, DOUBLE, INTEGER, STRING } from '../types/sql-type.ts'
import { createKafkaSerde } from './kafka-serde.ts'

describe('KAFKA serde', () => {
  it('writes INT as 4 big-endian bytes', () => {
    const serde = createKafkaSerde([{ name: 'V', type: INTEGER }])
    expect(serde.serialize([258])).toEqual(Buffer.from([0, 0, 1, 2]))
    expect(serde.deserialize(Buffer.from([0xff, 0xff, 0xff, 0xfe]))).toEqual([-2])
    expect(() => serde.deserialize(Buffer.from([1]))).toThrow(RecordError)
  })

  it('writes BIGINT and DOUBLE as 8 big-endian bytes', () => {
    const long = createKafkaSerde([{ name: 'V', type: BIGINT }])
    expect(long.serialize([1])).toEqual(Buffer.from([0, 0, 0, 0, 0, 0, 0, 1]))
    expect(long.deserialize(long.serialize([998877665544332])!)).toEqual([998877665544332])
    const dbl = createKafkaSerde([{ name: 'V', type: DOUBLE }])
    expect(dbl.serialize([1.1])?.toString('hex')).toBe('3ff199999999999a')
    expect(dbl.deserialize(Buffer.from('3ff199999999999a', 'hex'))).toEqual([1.1])
  })

  it('writes STRING as UTF-8 and NULL as null bytes', () => {
    const serde = createKafkaSerde([{ name: 'V', type: STRING }])
    expect(serde.serialize(['héllo'])?.toString('utf8')).toBe('héllo')
    expect(serde.serialize([null])).toBeNull()
    expect(serde.deserialize(null)).toBeNull()
  })
})
