import { describe, expect, it } from 'vitest'
import { splitSql } from './split-sql.ts'

describe('splitSql', () => {
  it('splits on semicolons and gives each statement its 1-based start line', () => {
    const text = 'CREATE TABLE a (id INT);\n\nCREATE TABLE b (\n  id INT\n);\nSELECT 1'
    expect(splitSql(text)).toEqual([
      { sql: 'CREATE TABLE a (id INT)', line: 1 },
      { sql: 'CREATE TABLE b (\n  id INT\n)', line: 3 },
      { sql: 'SELECT 1', line: 6 },
    ])
  })

  it('drops comments before a statement and counts their lines', () => {
    const text = '-- the users\n# owner: lab\n/* block\n comment */\n  INSERT INTO t VALUES (1);'
    expect(splitSql(text)).toEqual([{ sql: 'INSERT INTO t VALUES (1)', line: 5 }])
  })

  it('keeps semicolons inside strings, identifiers and comments within a statement', () => {
    const text = [
      "INSERT INTO t VALUES ('a;b', \"c;d\", 'it''s;', 'back\\'slash;') -- trailing; comment",
      ';',
      'SELECT `weird;name` /* not; the end */ FROM t # also; not',
      ';',
    ].join('\n')
    expect(splitSql(text).map((statement) => statement.line)).toEqual([1, 3])
    expect(splitSql(text)[0]?.sql).toBe(
      "INSERT INTO t VALUES ('a;b', \"c;d\", 'it''s;', 'back\\'slash;') -- trailing; comment",
    )
    expect(splitSql(text)[1]?.sql).toBe('SELECT `weird;name` /* not; the end */ FROM t # also; not')
  })

  it('counts newlines inside strings for the following statements', () => {
    const text = "INSERT INTO t VALUES ('line1\nline2\nline3');\nSELECT 2;"
    expect(splitSql(text)).toEqual([
      { sql: "INSERT INTO t VALUES ('line1\nline2\nline3')", line: 1 },
      { sql: 'SELECT 2', line: 4 },
    ])
  })

  it('treats `--` without a following space as an operator, like MySQL', () => {
    expect(splitSql('SELECT 5--1;')).toEqual([{ sql: 'SELECT 5--1', line: 1 }])
  })

  it('skips empty statements and a file of comments only', () => {
    expect(splitSql(';;\n  ;')).toEqual([])
    expect(splitSql('-- nothing here\n/* at all */\n')).toEqual([])
    expect(splitSql('')).toEqual([])
  })

  it('keeps executable comments as statements', () => {
    expect(splitSql('/*!40101 SET NAMES utf8mb4 */;')).toEqual([
      { sql: '/*!40101 SET NAMES utf8mb4 */', line: 1 },
    ])
  })

  it('runs an unterminated string to the end of the file instead of looping', () => {
    expect(splitSql("SELECT 'open;\nSELECT 1;")).toEqual([{ sql: "SELECT 'open;\nSELECT 1;", line: 1 }])
  })
})
