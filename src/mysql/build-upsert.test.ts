import { describe, expect, it } from 'vitest'
import { buildDeleteByKeys, buildUpsert } from './build-upsert.ts'

describe('buildUpsert', () => {
  it('builds one multi-row INSERT … ON DUPLICATE KEY UPDATE that leaves key columns alone', () => {
    const statement = buildUpsert(
      'product_purchase_counts',
      ['product_id', 'purchase_count'],
      [
        ['PROD-1', 3],
        ['PROD-2', 5],
      ],
      { keyColumns: ['product_id'] },
    )
    expect(statement.sql).toBe(
      'INSERT INTO `product_purchase_counts` (`product_id`, `purchase_count`) VALUES (?, ?), (?, ?) ' +
        'ON DUPLICATE KEY UPDATE `purchase_count` = VALUES(`purchase_count`)',
    )
    expect(statement.params).toEqual(['PROD-1', 3, 'PROD-2', 5])
  })

  it('turns a duplicate into a no-op when every column is a key column', () => {
    const { sql } = buildUpsert('t', ['a', 'b'], [[1, 2]], { keyColumns: ['a', 'b'] })
    expect(sql).toMatch(/ON DUPLICATE KEY UPDATE `a` = `a`$/)
  })

  it('refuses names that could inject SQL', () => {
    expect(() => buildUpsert('t; DROP TABLE x', ['a'], [[1]])).toThrow(/not a valid MySQL identifier/)
    expect(() => buildUpsert('t', ['a`b'], [[1]])).toThrow(/"a`b"/)
  })

  it('rejects rows whose width differs from the columns', () => {
    expect(() => buildUpsert('t', ['a', 'b'], [[1]])).toThrow(/1 values for 2 columns/)
  })
})

describe('buildDeleteByKeys', () => {
  it('deletes many composite keys with one row-constructor IN list', () => {
    const statement = buildDeleteByKeys(
      'total',
      ['user_id', 'transaction_type'],
      [
        ['USER-1', 'refund'],
        ['USER-2', 'purchase'],
      ],
    )
    expect(statement.sql).toBe(
      'DELETE FROM `total` WHERE (`user_id`, `transaction_type`) IN ((?, ?), (?, ?))',
    )
    expect(statement.params).toEqual(['USER-1', 'refund', 'USER-2', 'purchase'])
  })
})
