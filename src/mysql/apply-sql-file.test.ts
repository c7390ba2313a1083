import { describe, expect, it } from 'vitest'
import { applySqlFile, describeStatement } from './apply-sql-file.ts'
import type { MysqlQueryable, QueryResult } from './mysql-port.ts'

/** Answers each statement from a script; records what was sent. */
function scriptedDb(
  answer: (sql: string) => Partial<QueryResult> | Error,
): MysqlQueryable & { sent: string[] } {
  const sent: string[] = []
  return {
    sent,
    query(sql) {
      sent.push(sql)
      const result = answer(sql)
      if (result instanceof Error) return Promise.reject(result)
      return Promise.resolve({ rows: [], affectedRows: 0, warningCount: 0, ...result })
    },
  }
}

const FILE =
  'CREATE TABLE IF NOT EXISTS a (id INT);\n-- b\nCREATE TABLE IF NOT EXISTS b (\n  id INTT\n);\nINSERT INTO a VALUES (1);\n'

describe('applySqlFile', () => {
  it('sends every statement in order and reports which ones found their object already there', async () => {
    const db = scriptedDb((sql) => (sql.includes(' a ') ? { warningCount: 1 } : { affectedRows: 1 }))
    const progress: string[] = []
    const applied = await applySqlFile(
      { displayPath: 'schema.sql', text: FILE },
      { db, onStatement: (entry, index, total) => progress.push(`${index + 1}/${total} ${entry.summary}`) },
    )
    expect(db.sent).toHaveLength(3)
    expect(applied.map((entry) => [entry.line, entry.unchanged])).toEqual([
      [1, true],
      [3, false],
      [6, false],
    ])
    expect(progress).toEqual([
      '1/3 CREATE TABLE IF NOT EXISTS a',
      '2/3 CREATE TABLE IF NOT EXISTS b',
      '3/3 INSERT INTO a VALUES',
    ])
  })

  it('stops at the first failure with file:line, the server message and the statement', async () => {
    const serverError = Object.assign(new Error("Unknown data type: 'INTT'"), {
      code: 'ER_UNKNOWN_DATA_TYPE',
      errno: 4161,
      sqlState: 'HY000',
    })
    const db = scriptedDb((sql) => (sql.includes('INTT') ? serverError : {}))
    const failure = applySqlFile({ displayPath: 'database/schema.sql', text: FILE }, { db })
    await expect(failure).rejects.toMatchObject({
      code: 'DIP_SQL',
      message:
        "database/schema.sql:3: Unknown data type: 'INTT'\n  statement: CREATE TABLE IF NOT EXISTS b (\n      id INTT\n    )",
      details: { file: 'database/schema.sql', line: 3, mysqlCode: 'ER_UNKNOWN_DATA_TYPE', errno: 4161 },
    })
    expect(db.sent).toHaveLength(2)
  })

  it('refuses a file without statements', async () => {
    const db = scriptedDb(() => ({}))
    await expect(applySqlFile({ displayPath: 'empty.sql', text: '-- nothing\n' }, { db })).rejects.toThrow(
      'empty.sql holds no SQL statement',
    )
  })
})

describe('describeStatement', () => {
  it('keeps the head before the first parenthesis on one line', () => {
    expect(describeStatement('CREATE TABLE\n  IF NOT EXISTS t (\n id INT)')).toBe(
      'CREATE TABLE IF NOT EXISTS t',
    )
  })

  it('shortens long statements', () => {
    expect(describeStatement(`SELECT ${'x, '.repeat(60)}y`)).toHaveLength(80)
  })
})
