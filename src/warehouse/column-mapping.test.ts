import { describe, expect, it } from 'vitest'
import { BIGINT, DOUBLE, STRING } from '../ksql-engine/types/sql-type.ts'
import type { DipError } from '../shared/errors.ts'
import { mapColumns } from './column-mapping.ts'
import type { WarehouseSource } from './source-schema.ts'

const hopping: WarehouseSource = {
  topic: 'TOTAL_PAR_TYPE_5MIN',
  name: 'TOTAL_PAR_TYPE_5MIN',
  windowType: 'HOPPING',
  columns: [
    { name: 'TRANSACTION_TYPE', type: STRING, role: 'key' },
    { name: 'WINDOWSTART', type: BIGINT, role: 'window' },
    { name: 'WINDOWEND', type: BIGINT, role: 'window' },
    { name: 'TOTAL_AMOUNT_5MIN', type: DOUBLE, role: 'value' },
  ],
}

describe('mapColumns', () => {
  it('lower-cases table and column names by default, keeping key, window and value roles', () => {
    const mapping = mapColumns(hopping)
    expect(mapping.table).toBe('total_par_type_5min')
    expect(mapping.columns.map((c) => [c.source, c.target, c.role])).toEqual([
      ['TRANSACTION_TYPE', 'transaction_type', 'key'],
      ['WINDOWSTART', 'windowstart', 'window'],
      ['WINDOWEND', 'windowend', 'window'],
      ['TOTAL_AMOUNT_5MIN', 'total_amount_5min', 'value'],
    ])
  })

  it('applies the feed config: table name, case-insensitive renames, ignored columns', () => {
    const mapping = mapColumns(hopping, {
      warehouseTable: 'total_par_type_5min_sliding',
      columns: { windowStart: 'window_start_time' },
      ignoreColumns: ['windowend'],
    })
    expect(mapping.table).toBe('total_par_type_5min_sliding')
    expect(mapping.columns.map((c) => c.target)).toEqual([
      'transaction_type',
      'window_start_time',
      'total_amount_5min',
    ])
  })

  it('names unknown columns in renames and the columns that exist', () => {
    expect(() => mapColumns(hopping, { columns: { NOPE: 'x' } })).toThrow(
      /NOPE are not in TOTAL_PAR_TYPE_5MIN/,
    )
  })

  it('refuses two columns landing on one MySQL column', () => {
    expect(() => mapColumns(hopping, { columns: { WINDOWEND: 'WindowStart' } })).toThrow(
      /WINDOWSTART and WINDOWEND both map to MySQL column WindowStart/,
    )
  })

  it('refuses identifiers that are not plain names', () => {
    expect(() => mapColumns(hopping, { warehouseTable: 'x`; DROP TABLE y' })).toThrow(
      /not a valid MySQL identifier/,
    )
    expect(() => mapColumns({ ...hopping, topic: 'my.topic' })).toThrow(
      /MySQL table for TOTAL_PAR_TYPE_5MIN "my.topic"/,
    )
  })

  it('names a column longer than MySQL allows, the MySQL error and the feed entry that fixes it', () => {
    const long = `AVERAGE_${'X'.repeat(60)}`
    const source = {
      ...hopping,
      columns: [...hopping.columns, { name: long, type: DOUBLE, role: 'value' as const }],
    }
    const error = (() => {
      try {
        mapColumns(source)
      } catch (caught) {
        return caught as DipError
      }
      throw new Error('mapped')
    })()
    expect(error.message).toBe(
      `Column ${long} of ksqlDB table TOTAL_PAR_TYPE_5MIN (topic TOTAL_PAR_TYPE_5MIN) cannot become a MySQL column: ` +
        `it is 68 characters long and MySQL names are at most 64 (MySQL refuses it: ER_TOO_LONG_IDENT (1059) ` +
        `Identifier name '${long.toLowerCase()}' is too long).`,
    )
    expect(error.hint).toContain(`columns: { ${long}: ${long.toLowerCase().slice(0, 64)} }`)
    expect(error.hint).toContain(`ignoreColumns: [${long}]`)
    // The renamed column maps.
    expect(mapColumns(source, { columns: { [long]: 'average' } }).columns.at(-1)?.target).toBe('average')
  })

  it('refuses a mapping without key columns', () => {
    expect(() =>
      mapColumns(hopping, { ignoreColumns: ['TRANSACTION_TYPE', 'WINDOWSTART', 'WINDOWEND'] }),
    ).toThrow(/no key column/)
  })
})
