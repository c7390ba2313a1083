import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Reporter } from '../app/reporter.ts'
import type { DipConfig } from '../config/config-schema.ts'
import {
  applySqlFile,
  describeStatement,
  parseSqlFile,
  type AppliedStatement,
} from '../mysql/apply-sql-file.ts'
import type { MysqlPool } from '../mysql/mysql-port.ts'
import { DipError } from '../shared/errors.ts'

export interface DbApplyOptions {
  /** The schema file (default: database/schema.sql next to the config, else the one shipped with dip). */
  readonly file?: string
  /** List the statements without connecting. */
  readonly dryRun?: boolean
}

export interface DbApplyResult {
  readonly file: string
  readonly database: string
  readonly server: string
  readonly dryRun: boolean
  readonly statements: readonly (AppliedStatement | { readonly line: number; readonly summary: string })[]
}

export interface DbApplyDeps {
  readonly reporter: Reporter
  readonly config: DipConfig
  /** Directory the default schema file is looked up in (the config file's folder). */
  readonly baseDir: string
  readonly cwd?: string
  /** Opens the pool; tests may pass their own. Default: mysql2 via src/mysql/connect.ts. */
  readonly connect?: (config: DipConfig['mysql']) => Promise<MysqlPool>
}

const DEFAULT_SCHEMA = 'database/schema.sql'
// Two levels up from src/warehouse (or dist/warehouse) is the package root, which ships database/.
const PACKAGED_SCHEMA = fileURLToPath(new URL(`../../${DEFAULT_SCHEMA}`, import.meta.url))

/** The warehouse schema: create the database when missing, then run the schema file statement by statement. */
export async function applySchema(options: DbApplyOptions, deps: DbApplyDeps): Promise<DbApplyResult> {
  const cwd = deps.cwd ?? process.cwd()
  const path = resolveSchemaFile(options.file, deps.baseDir, cwd)
  const fromCwd = relative(cwd, path)
  const displayPath = fromCwd === '' || fromCwd.startsWith('..') ? path : fromCwd
  const text = await readFile(path, 'utf8')
  const { mysql } = deps.config
  const server = `${mysql.host}:${mysql.port}`
  const base = { file: displayPath, database: mysql.database, server }
  const { reporter } = deps

  if (options.dryRun === true) {
    const statements = parseSqlFile({ displayPath, text }).map((statement) => ({
      line: statement.line,
      summary: describeStatement(statement.sql),
    }))
    reporter.info(`${displayPath}: ${statements.length} statements (dry run: nothing sent to ${server})`)
    reporter.table(
      statements.map((statement) => [`${displayPath}:${statement.line}`, statement.summary]),
      { header: ['at', 'statement'] },
    )
    return { ...base, dryRun: true, statements }
  }

  const spinner = reporter.spinner(`Connecting to MySQL at ${server}`)
  let pool: MysqlPool | undefined
  try {
    const connect = deps.connect ?? defaultConnect
    pool = await connect(mysql)
    const statements = await applySqlFile(
      { displayPath, text },
      {
        db: pool,
        onStatement: (applied, index, total) =>
          spinner.update(`${displayPath}: ${index + 1}/${total} ${applied.summary}`),
      },
    )
    const unchanged = statements.filter((statement) => statement.unchanged).length
    spinner.succeed(
      `Applied ${displayPath} to ${mysql.database} on ${server}: ${statements.length} statements` +
        (unchanged > 0 ? ` (${unchanged} found their object already there)` : ''),
    )
    reporter.table(
      statements.map((statement) => [
        `${displayPath}:${statement.line}`,
        statement.summary,
        statement.unchanged ? 'already there' : 'applied',
      ]),
      { header: ['at', 'statement', 'result'] },
    )
    return { ...base, dryRun: false, statements }
  } catch (error) {
    spinner.fail(`Applying ${displayPath} to ${server} failed`)
    throw error
  } finally {
    await pool?.end().catch(() => undefined)
  }
}

async function defaultConnect(mysql: DipConfig['mysql']): Promise<MysqlPool> {
  const { connectMysql } = await import('../mysql/connect.ts')
  return connectMysql({ ...mysql, createDatabase: true, connectionLimit: 1 })
}

function resolveSchemaFile(file: string | undefined, baseDir: string, cwd: string): string {
  if (file !== undefined) {
    const path = resolve(cwd, file)
    if (!existsSync(path))
      throw new DipError('DIP_USAGE', `--file ${file}: no such file (${path})`, {
        hint: `pass an existing .sql file, or omit --file to use ${DEFAULT_SCHEMA}`,
      })
    return path
  }
  const local = resolve(baseDir, DEFAULT_SCHEMA)
  return existsSync(local) ? local : PACKAGED_SCHEMA
}
