import { describe, expect, it } from 'vitest'

import { createCoercer, numericLiteralType, parseSqlBoolean, resolveCommonType } from './coercion.ts'
import { Decimal } from './decimal.ts'
import { BIGINT, BOOLEAN, INTEGER, STRING, decimal, formatSqlType, struct } from './sql-type.ts'

const lit = (type: typeof STRING, value: unknown) => ({ type, literal: { value } })
const col = (type: typeof STRING) => ({ type })

describe('resolveCommonType', () => {
  it('lets NULL take any type and reports an all-NULL list', () => {
    expect(resolveCommonType([{ type: null }, col(INTEGER)])).toEqual({ ok: true, type: INTEGER })
    expect(resolveCommonType([{ type: null }])).toEqual({ ok: true, type: null })
  })

  it('converts numeric STRING literals to the numeric type (QTT create_array.json)', () => {
    // Text with an exponent is a DECIMAL in ksqlDB ('2e1' is DECIMAL(2, 0)): with INT and BIGINT
    // columns the upstream case's schema is ARRAY<DECIMAL(19, 0)>.
    const items = [{ type: null }, lit(INTEGER, 10), lit(STRING, '2e1'), col(INTEGER), col(BIGINT)]
    const result = resolveCommonType(items)
    expect(result).toEqual({ ok: true, type: decimal(19, 0) })
    expect(String(createCoercer(items[2] as never, decimal(19, 0))('2e1'))).toBe('20')
    expect(resolveCommonType([col(INTEGER), lit(STRING, '20')])).toEqual({ ok: true, type: INTEGER })
    expect(resolveCommonType([col(INTEGER), lit(STRING, '2147483648')])).toEqual({ ok: true, type: BIGINT })
  })

  it('widens to DECIMAL for decimal text and literals', () => {
    const result = resolveCommonType([
      col(INTEGER),
      lit(decimal(2, 1), Decimal.parse('2.0')),
      lit(STRING, '4.000'),
    ])
    expect(result.ok && result.type !== null ? formatSqlType(result.type) : '').toBe('DECIMAL(13, 3)')
  })

  it('rejects text that is not a number or boolean with ksqlDB wording', () => {
    expect(resolveCommonType([lit(INTEGER, 1), lit(STRING, 'not a number')])).toMatchObject({
      ok: false,
      reason: 'literal',
      message: 'invalid input syntax for type INTEGER: "not a number".',
    })
    expect(resolveCommonType([col(BOOLEAN), lit(STRING, 'Not a boolean')])).toMatchObject({
      message: 'invalid input syntax for type BOOLEAN: "Not a boolean".',
    })
    expect(resolveCommonType([col(INTEGER), lit(BOOLEAN, true)])).toMatchObject({
      ok: false,
      reason: 'mismatch',
      message: 'operator does not exist: INTEGER = BOOLEAN',
    })
  })

  it('turns number literals into text among STRING keys', () => {
    const items = [col(STRING), col(STRING), lit(INTEGER, 10)]
    expect(resolveCommonType(items)).toEqual({ ok: true, type: STRING })
    expect(createCoercer(items[2] as never, STRING)(10)).toBe('10')
  })

  it('merges struct fields and fills the missing ones with NULL', () => {
    const a = struct([
      { name: 'X', type: INTEGER },
      { name: 'Y', type: INTEGER },
    ])
    const b = struct([
      { name: 'Y', type: INTEGER },
      { name: 'Z', type: INTEGER },
    ])
    const result = resolveCommonType([{ type: null }, col(a), col(b)])
    if (!result.ok || result.type === null) throw new Error('expected a struct')
    expect(formatSqlType(result.type)).toBe('STRUCT<`X` INTEGER, `Y` INTEGER, `Z` INTEGER>')
    expect(createCoercer(col(b), result.type)({ Y: 30, Z: 40 })).toEqual({ X: null, Y: 30, Z: 40 })
  })
})

describe('literal helpers', () => {
  it('parses booleans leniently by prefix', () => {
    expect(parseSqlBoolean('TrUe')).toBe(true)
    expect(parseSqlBoolean('tr')).toBe(true)
    expect(parseSqlBoolean('Y')).toBe(true)
    expect(parseSqlBoolean('no')).toBe(false)
    expect(parseSqlBoolean('Not a boolean')).toBeUndefined()
    expect(parseSqlBoolean('')).toBeUndefined()
  })

  it('types numeric text', () => {
    expect(numericLiteralType('42')).toEqual(INTEGER)
    expect(numericLiteralType('4.000')).toEqual(decimal(4, 3))
    expect(numericLiteralType('0.5')).toEqual(decimal(1, 1))
    expect(numericLiteralType('abc')).toBeUndefined()
  })
})
