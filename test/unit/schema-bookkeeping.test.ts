import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { splitSql } from '../../src/mysql/split-sql.ts'
import { BOOKKEEPING_DDL } from '../../src/warehouse/bookkeeping.ts'

const schema = splitSql(readFileSync(new URL('../../database/schema.sql', import.meta.url), 'utf8'))
const oneLine = (sql: string) => sql.replace(/\s+/g, ' ').trim()

describe('database/schema.sql', () => {
  it('creates the sink bookkeeping tables exactly as the warehouse sink does', () => {
    // `dip db apply` and the sink both use CREATE TABLE IF NOT EXISTS: whichever runs first wins,
    // so the two definitions must not drift apart.
    const inSchema = schema.filter((statement) => /dip_(offsets|rejects)\b/.test(statement.sql))
    expect(inSchema.map((statement) => oneLine(statement.sql))).toEqual(BOOKKEEPING_DDL.map(oneLine))
  })

  it('only holds statements that are safe to re-run', () => {
    for (const statement of schema) expect(statement.sql).toMatch(/^CREATE TABLE IF NOT EXISTS /)
  })
})
