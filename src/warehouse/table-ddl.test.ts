import { describe, expect, it } from 'vitest'
import { array, BIGINT, decimal, DOUBLE, STRING, struct, TIMESTAMP } from '../ksql-engine/types/sql-type.ts'
import { mapColumns } from './column-mapping.ts'
import { addColumnsDdl, createTableDdl, keyLength } from './table-ddl.ts'

describe('createTableDdl', () => {
  it('puts the key columns in the primary key and keeps VARCHAR keys within the InnoDB key limit', () => {
    const ddl = createTableDdl(
      mapColumns({
        topic: 'TOTAL_DEPENSE',
        name: 'TOTAL_DEPENSE',
        windowType: null,
        columns: [
          { name: 'USER_ID', type: STRING, role: 'key' },
          { name: 'TRANSACTION_TYPE', type: STRING, role: 'key' },
          { name: 'TOTAL_DEPENSE_USD', type: decimal(15, 2), role: 'value' },
          { name: 'STATUS_HISTORY', type: array(STRING), role: 'value' },
          { name: 'LOCATION', type: struct([{ name: 'CITY', type: STRING }]), role: 'value' },
        ],
      }),
    )
    expect(ddl).toBe(
      [
        'CREATE TABLE IF NOT EXISTS `total_depense` (',
        '  `user_id` VARCHAR(255) NOT NULL,',
        '  `transaction_type` VARCHAR(255) NOT NULL,',
        '  `total_depense_usd` DECIMAL(15,2) NULL,',
        '  `status_history` JSON NULL,',
        '  `location` JSON NULL,',
        '  `last_updated_at` TIMESTAMP DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,',
        '  PRIMARY KEY (`user_id`, `transaction_type`)',
        ') ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;',
      ].join('\n'),
    )
  })

  it('makes window bounds part of the primary key of a windowed table', () => {
    const ddl = createTableDdl(
      mapColumns(
        {
          topic: 'W',
          name: 'W',
          windowType: 'HOPPING',
          columns: [
            { name: 'TYPE', type: STRING, role: 'key' },
            { name: 'WINDOWSTART', type: TIMESTAMP, role: 'window' },
            { name: 'WINDOWEND', type: TIMESTAMP, role: 'window' },
            { name: 'TOTAL', type: DOUBLE, role: 'value' },
          ],
        },
        { columns: { WINDOWSTART: 'window_start_time', WINDOWEND: 'window_end_time' } },
      ),
    )
    expect(ddl).toContain('`window_start_time` DATETIME(3) NOT NULL')
    expect(ddl).toContain('PRIMARY KEY (`type`, `window_start_time`, `window_end_time`)')
  })

  it('shrinks string key columns so that many of them still fit 3072 bytes of utf8mb4', () => {
    const keys = (n: number) =>
      Array.from({ length: n }, (_, i) => ({
        source: `K${i}`,
        target: `k${i}`,
        type: STRING,
        role: 'key' as const,
      }))
    expect(keyLength(keys(3))).toBe(255)
    expect(keyLength(keys(4))).toBe(192)
    expect(keyLength([...keys(4), { source: 'N', target: 'n', type: BIGINT, role: 'key' }])).toBe(191)
    for (const n of [1, 2, 5, 8]) expect(keyLength(keys(n)) * 4 * n).toBeLessThanOrEqual(3072)
  })
})

describe('addColumnsDdl', () => {
  it('adds missing columns as nullable', () => {
    expect(
      addColumnsDdl('t', [
        { source: 'A', target: 'a', type: DOUBLE, role: 'value' },
        { source: 'B', target: 'b', type: STRING, role: 'value' },
      ]),
    ).toBe('ALTER TABLE `t` ADD COLUMN `a` DOUBLE NULL, ADD COLUMN `b` TEXT NULL;')
  })
})
