import { describe, expect, it } from 'vitest'
import { array, BYTES, DATE, STRING } from '../ksql-engine/types/sql-type.ts'
import { ConversionError, convertValue, toUtcDateTimeText } from './convert-value.ts'
import { keyColumn, mysqlColumn } from './test-fixtures.ts'

describe('convertValue', () => {
  it('keeps numbers for DECIMAL and integer columns and maps booleans to 1/0', () => {
    expect(convertValue(12.5, mysqlColumn('amount', 'decimal(15,2)'))).toBe(12.5)
    expect(convertValue('12.50', mysqlColumn('amount', 'decimal(15,2)'))).toBe('12.50')
    expect(convertValue(true, mysqlColumn('flag', 'tinyint(1)'))).toBe(1)
    expect(convertValue(9007199254740993n, mysqlColumn('n', 'bigint(20)'))).toBe('9007199254740993')
  })

  it('rejects text that is not a number for numeric columns', () => {
    expect(() => convertValue('abc', mysqlColumn('n', 'int(11)'))).toThrow(ConversionError)
    expect(() => convertValue(Number.NaN, mysqlColumn('n', 'double'))).toThrow(/not a finite number/)
  })

  it('writes DATETIME/TIMESTAMP as UTC text from epoch ms or ISO-8601 (keeping microseconds)', () => {
    const column = mysqlColumn('t', 'datetime(3)')
    expect(convertValue(1744103942128, column)).toBe('2025-04-08 09:19:02.128')
    expect(convertValue('2025-04-08T09:19:02.128833Z', column)).toBe('2025-04-08 09:19:02.128833')
    expect(convertValue('2025-04-08T11:19:02.5+02:00', column)).toBe('2025-04-08 09:19:02.500')
    expect(convertValue('08/04/2025 09:19:02', mysqlColumn('t', 'timestamp'))).toBe('2025-04-08 09:19:02')
    expect(() => convertValue('yesterday', column)).toThrow(/expected epoch milliseconds or an ISO-8601/)
  })

  it('reads DATE numbers as days when ksqlDB says DATE, as epoch ms otherwise', () => {
    expect(convertValue(20186, mysqlColumn('d', 'date'), DATE)).toBe('2025-04-08')
    expect(convertValue(1744103942128, mysqlColumn('d', 'date'))).toBe('2025-04-08')
    expect(toUtcDateTimeText('2025-04-08')).toBe('2025-04-08 00:00:00')
  })

  it('stores arrays and structs as JSON text, and a STRING holding JSON as that document', () => {
    const json = mysqlColumn('j', 'json')
    expect(convertValue(['pending', 'completed'], json, array(STRING))).toBe('["pending","completed"]')
    expect(convertValue({ CITY: 'Paris' }, json)).toBe('{"CITY":"Paris"}')
    expect(convertValue('{"a":1}', json, STRING)).toBe('{"a":1}')
    expect(convertValue('plain', json, STRING)).toBe('"plain"')
    // MariaDB reports JSON columns as longtext: structured values still become JSON text.
    expect(convertValue({ A: [1] }, mysqlColumn('j', 'longtext'))).toBe('{"A":[1]}')
  })

  it('checks text length in characters, not bytes', () => {
    const column = mysqlColumn('s', 'varchar(3)')
    expect(convertValue('日本語', column)).toBe('日本語')
    expect(() => convertValue('abcd', column)).toThrow(/longer than 3 characters/)
  })

  it('refuses NULL for NOT NULL columns and keeps it elsewhere', () => {
    expect(() => convertValue(null, keyColumn('id', 'varchar(255)'))).toThrow(/NULL for NOT NULL column id/)
    expect(convertValue(undefined, mysqlColumn('x', 'int(11)'))).toBeNull()
  })

  it('decodes base64 for BYTES into binary columns', () => {
    expect(convertValue('AQI=', mysqlColumn('b', 'blob'), BYTES)).toEqual(Buffer.from([1, 2]))
  })
})
