import { DipError } from '../shared/errors.ts'
import { isMysqlDriverError, type MysqlQueryable } from './mysql-port.ts'
import { splitSql, type SqlFileStatement } from './split-sql.ts'

export interface AppliedStatement {
  readonly line: number
  /** Short description: `CREATE TABLE IF NOT EXISTS dip_offsets`. */
  readonly summary: string
  readonly affectedRows: number
  readonly warningCount: number
  /** An `IF NOT EXISTS` / `IF EXISTS` statement that found nothing to do (the server raised a note). */
  readonly unchanged: boolean
}

export interface ApplySqlFileOptions {
  /** How the file is named in messages (relative to the working directory). */
  readonly displayPath: string
  readonly text: string
}

/**
 * Runs a .sql file statement by statement and stops at the first failure with
 * `path:line: <server message>` and the statement. Each statement is its own transaction (DDL
 * commits implicitly in MySQL anyway), so the file must be safe to re-run: IF NOT EXISTS.
 */
export async function applySqlFile(
  options: ApplySqlFileOptions,
  deps: {
    readonly db: MysqlQueryable
    readonly onStatement?: (applied: AppliedStatement, index: number, total: number) => void
  },
): Promise<AppliedStatement[]> {
  const statements = parseSqlFile(options)
  const applied: AppliedStatement[] = []
  for (const [index, statement] of statements.entries()) {
    let result
    try {
      result = await deps.db.query(statement.sql)
    } catch (error) {
      throw sqlStatementError(options.displayPath, statement, error)
    }
    const summary = describeStatement(statement.sql)
    const entry: AppliedStatement = {
      line: statement.line,
      summary,
      affectedRows: result.affectedRows,
      warningCount: result.warningCount,
      unchanged: result.warningCount > 0 && /\bIF (NOT )?EXISTS\b/i.test(summary),
    }
    applied.push(entry)
    deps.onStatement?.(entry, index, statements.length)
  }
  return applied
}

/** The statements of a file; a file without any is an error (probably the wrong file). */
export function parseSqlFile(options: ApplySqlFileOptions): SqlFileStatement[] {
  const statements = splitSql(options.text)
  if (statements.length === 0)
    throw new DipError('DIP_SQL', `${options.displayPath} holds no SQL statement`, {
      hint: 'pass the schema file with --file (default database/schema.sql)',
    })
  return statements
}

const SUMMARY_MAX = 80

/** The statement's head up to its first parenthesis, on one line: what a progress line shows. */
export function describeStatement(sql: string): string {
  const withoutComments = sql.replace(/\/\*(?!!)[\s\S]*?\*\//g, ' ')
  const head = withoutComments.split('(')[0] ?? withoutComments
  const oneLine = head.replace(/\s+/g, ' ').trim() || withoutComments.replace(/\s+/g, ' ').trim()
  return oneLine.length > SUMMARY_MAX ? `${oneLine.slice(0, SUMMARY_MAX - 1)}…` : oneLine
}

const STATEMENT_MAX = 400

function sqlStatementError(path: string, statement: SqlFileStatement, error: unknown): DipError {
  const message = error instanceof Error ? error.message : String(error)
  const shown =
    statement.sql.length > STATEMENT_MAX ? `${statement.sql.slice(0, STATEMENT_MAX)}…` : statement.sql
  const driver = isMysqlDriverError(error) ? error : undefined
  return new DipError(
    'DIP_SQL',
    `${path}:${statement.line}: ${message}\n  statement: ${shown.replace(/\n/g, '\n    ')}`,
    {
      hint: `fix the statement at ${path}:${statement.line} and run \`dip db apply\` again (it is safe to re-run)`,
      cause: error,
      details: {
        file: path,
        line: statement.line,
        statement: statement.sql,
        ...(driver?.code === undefined ? {} : { mysqlCode: driver.code }),
        ...(driver?.errno === undefined ? {} : { errno: driver.errno }),
        ...(driver?.sqlState === undefined ? {} : { sqlState: driver.sqlState }),
      },
    },
  )
}
