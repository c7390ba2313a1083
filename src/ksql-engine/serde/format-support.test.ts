import { describe, expect, it } from 'vitest'

import { BOOLEAN, DOUBLE, INTEGER, STRING, array, map, struct } from '../types/sql-type.ts'
import {
  formatSupportError,
  keySchemaNotSupportedMessage,
  mapKeyColumnError,
  parseDelimiter,
} from './format-support.ts'

describe('formatSupportError', () => {
  it('reports ksqlDB reasons per format', () => {
    expect(formatSupportError('KAFKA', [{ name: 'K', type: BOOLEAN }], 'KEY')).toBe(
      "The 'KAFKA' format does not support type 'BOOLEAN'",
    )
    expect(
      formatSupportError(
        'KAFKA',
        [
          { name: 'V0', type: INTEGER },
          { name: 'V1', type: STRING },
        ],
        'VALUE',
      ),
    ).toBe("The 'KAFKA' format only supports a single field. Got: [`V0` INTEGER, `V1` STRING]")
    expect(formatSupportError('DELIMITED', [{ name: 'A', type: array(INTEGER) }], 'VALUE')).toBe(
      "The 'DELIMITED' format does not support type 'ARRAY'",
    )
    expect(formatSupportError('JSON', [{ name: 'M', type: map(INTEGER, DOUBLE) }], 'VALUE')).toBe(
      'JSON only supports MAP types with STRING keys',
    )
    expect(formatSupportError('NONE', [{ name: 'K', type: STRING }], 'KEY')).toBe(
      "The 'NONE' format can only be used when no columns are defined. Got: [`K` STRING KEY]",
    )
    expect(formatSupportError('JSON', [{ name: 'S', type: struct([]) }], 'VALUE')).toBeUndefined()
  })

  it('wraps key failures in the schema message', () => {
    const columns = [{ name: 'K', type: BOOLEAN }]
    expect(keySchemaNotSupportedMessage('KAFKA', columns, 'r')).toBe(
      'Key format does not support schema.\nformat: KAFKA\nschema: Persistence{columns=[`K` BOOLEAN KEY], features=[]}\nreason: r',
    )
  })

  it('rejects map-typed key columns', () => {
    expect(mapKeyColumnError({ name: 'K', type: array(map(INTEGER, DOUBLE)) })).toContain(
      'Key column name: `K`. Column type: ARRAY<MAP<INTEGER, DOUBLE>>.',
    )
    expect(mapKeyColumnError({ name: 'K', type: STRING })).toBeUndefined()
  })
})

describe('parseDelimiter', () => {
  it('accepts one character or TAB/SPACE', () => {
    expect(parseDelimiter('|')).toEqual({ ok: true, delimiter: '|' })
    expect(parseDelimiter('TAB')).toEqual({ ok: true, delimiter: '\t' })
    expect(parseDelimiter('space')).toEqual({ ok: true, delimiter: ' ' })
  })

  it('rejects empty, whitespace and multi-character delimiters', () => {
    const empty = parseDelimiter('\t')
    expect(empty.ok ? '' : empty.message).toContain('Delimiter cannot be empty')
    const long = parseDelimiter('<~>')
    expect(long.ok ? '' : long.message).toContain("Invalid delimiter value: '<~>'")
  })
})
