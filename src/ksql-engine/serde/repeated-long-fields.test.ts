import { describe, expect, it } from 'vitest'
import { BIGINT, TIMESTAMP } from '../types/sql-type.ts'
import { createJsonSerde } from './json-serde.ts'
import { createJsonTextWriter } from './json-values.ts'

const bigint = createJsonTextWriter(BIGINT)
const timestamp = createJsonTextWriter(TIMESTAMP)

describe('JSON serde: repeated long field values', () => {
  const serde = createJsonSerde(
    [
      { name: 'WINDOW_START', type: BIGINT },
      { name: 'AT', type: TIMESTAMP },
    ],
    { wrapped: true },
  )
  const written = (values: unknown[]): string | undefined => serde.serialize(values)?.toString('utf8')

  it('writes the same text for values seen once, twice and often, in any slot', () => {
    const values = [
      1743465600000,
      -1743465600000,
      2 ** 31,
      2 ** 53 - 1,
      -(2 ** 53 - 1),
      2 ** 53,
      1e21,
      -0,
      0,
      7,
      1.5,
      null,
    ]
    for (let round = 0; round < 4; round++)
      for (let i = 0; i < 300; i++)
        for (const v of [...values, 1743465600000 + i * 60000]) {
          const at = values[(i + round) % values.length]
          expect(written([v, at])).toBe(`{"WINDOW_START":${bigint(v)},"AT":${timestamp(at)}}`)
        }
  })

  it('keeps records already written intact', () => {
    const first = serde.serialize([1743465600000, 1743465660000])
    for (let i = 0; i < 5; i++) serde.serialize([1743465600000, 1743465660000])
    const later = serde.serialize([1743465600000, 1743465660000])
    expect(first?.toString('utf8')).toBe('{"WINDOW_START":1743465600000,"AT":1743465660000}')
    expect(later?.toString('utf8')).toBe(first?.toString('utf8'))
  })
})
