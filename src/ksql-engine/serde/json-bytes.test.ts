import { describe, expect, it } from 'vitest'
import { Decimal } from '../types/decimal.ts'
import {
  BIGINT,
  BOOLEAN,
  DOUBLE,
  INTEGER,
  STRING,
  TIMESTAMP,
  array,
  decimal,
  map,
  struct,
  type SqlType,
} from '../types/sql-type.ts'
import { createFieldByteWriter, JsonByteWriter } from './json-bytes.ts'
import { createJsonTextWriter } from './json-values.ts'

const samples: [SqlType, unknown[]][] = [
  [STRING, ['', 'plain', 'a"b', 'back\\slash', 'tab\t', '\u0001', '\u007f', 'é', '😀', '\ud800', null, 5]],
  [DOUBLE, [0, -0, 30.38, 1e-7, 1e21, Number.NaN, -Infinity, null]],
  [INTEGER, [0, 7, -5, 2147483647, -2147483648, -0, null]],
  [
    BIGINT,
    [
      0,
      -1,
      2 ** 31,
      1743465600000,
      1743400000007,
      -100000000001,
      2 ** 32,
      1e15 + 5,
      -(2 ** 40),
      2 ** 53 - 1,
      -(2 ** 53 - 1),
      2 ** 53,
      -0,
      1e21,
      null,
    ],
  ],
  [TIMESTAMP, [1743465600000, null]],
  [BOOLEAN, [true, false, null]],
  [decimal(5, 2), [Decimal.parse('1.5'), null]],
  [array(STRING), [['a', 'é'], null]],
  [map(STRING, INTEGER), [new Map([['k"é', 1]]), null]],
  [struct([{ name: 'CITY', type: STRING }]), [{ CITY: 'Zürich' }, null]],
]

describe('JsonByteWriter', () => {
  it('writes each field as the UTF-8 bytes of the text createJsonTextWriter gives', () => {
    const out = new JsonByteWriter()
    for (const [type, values] of samples) {
      const write = createFieldByteWriter(type)
      const text = createJsonTextWriter(type)
      for (const v of values) {
        out.begin()
        write(out, v)
        expect(out.end().toString('utf8'), `${type.kind} ${String(v)}`).toBe(text(v))
      }
    }
  })

  it('keeps earlier records intact across slabs and records longer than a slab', () => {
    const out = new JsonByteWriter()
    const write = createFieldByteWriter(STRING)
    const texts = Array.from({ length: 3000 }, (_, i) => `record ${i} `.repeat(i % 7 === 0 ? 9000 : 3))
    const written = texts.map((t) => {
      out.begin()
      write(out, t)
      return out.end()
    })
    written.forEach((bytes, i) => expect(bytes.toString('utf8')).toBe(JSON.stringify(texts[i])))
  })
})
