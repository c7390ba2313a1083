import { writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { execa } from 'execa'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { createReporter } from '../../src/app/reporter.ts'
import { applySchema } from '../../src/warehouse/apply-schema.ts'
import { loadConfig } from '../../src/config/load-config.ts'
import { connectMysql } from '../../src/mysql/connect.ts'
import type { MysqlPool } from '../../src/mysql/mysql-port.ts'

const LAB_TABLES = [
  'dip_offsets',
  'dip_rejects',
  'product_purchase_counts',
  'total_depense_par_user_type',
  'total_par_type_5min_sliding',
  'transaction_lifecycle',
  'user_permissions',
]
const repoRoot = resolve(import.meta.dirname, '../..')
const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('DIP_')))
// Each test gets its own database, so the shared `tp3` of the other suites is left alone.
let databaseSeq = 0
const freshDatabase = () => `dip_it_schema_${process.pid}_${++databaseSeq}`

const quiet = () => createReporter({ json: true, stdout: sink(), stderr: sink(), env: {} })
function sink(): NodeJS.WritableStream {
  return { write: () => true } as unknown as NodeJS.WritableStream
}

function configFor(database: string) {
  const { configFile } = inject('stack')
  const loaded = loadConfig({ file: configFile, env: cleanEnv, overrides: { mysql: { database } } })
  return { config: loaded.config, baseDir: loaded.baseDir }
}

function dip(args: readonly string[], env: Record<string, string> = {}) {
  return execa('node', ['bin/dip.js', '--config', inject('stack').configFile, ...args], {
    cwd: repoRoot,
    env: { ...cleanEnv, ...env, NO_COLOR: '1' },
    extendEnv: false,
    reject: false,
  })
}

let admin: MysqlPool
beforeAll(async () => {
  const { mysql } = inject('stack')
  admin = await connectMysql({ ...mysql, database: 'information_schema' })
})
afterAll(async () => {
  for (let i = 1; i <= databaseSeq; i++)
    await admin.query(`DROP DATABASE IF EXISTS \`dip_it_schema_${process.pid}_${i}\``)
  await admin.end()
})

async function tablesOf(database: string): Promise<string[]> {
  const { rows } = await admin.query(
    'SELECT TABLE_NAME AS name FROM TABLES WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME',
    [database],
  )
  return rows.map((row) => String(row['name']))
}

describe('dip db apply on the real MariaDB', () => {
  it('creates the database and the lab tables, and a second apply changes nothing', async () => {
    const database = freshDatabase()
    const { config, baseDir } = configFor(database)
    const first = await applySchema({}, { reporter: quiet(), config, baseDir, cwd: repoRoot })
    expect(first.file).toBe('database/schema.sql')
    expect(first.statements).toHaveLength(7)
    expect(first.statements.every((statement) => 'unchanged' in statement && !statement.unchanged)).toBe(true)
    expect(await tablesOf(database)).toEqual(LAB_TABLES)

    const { rows: onUpdate } = await admin.query(
      "SELECT TABLE_NAME AS name FROM COLUMNS WHERE TABLE_SCHEMA = ? AND COLUMN_NAME = 'last_updated_at' AND LOWER(EXTRA) LIKE '%on update%'",
      [database],
    )
    expect(onUpdate).toHaveLength(5)

    await admin.query(
      `INSERT INTO \`${database}\`.product_purchase_counts (product_id, purchase_count) VALUES (?, ?)`,
      ['PROD-123', 7],
    )
    const second = await applySchema({}, { reporter: quiet(), config, baseDir, cwd: repoRoot })
    expect(second.statements.every((statement) => 'unchanged' in statement && statement.unchanged)).toBe(true)
    const { rows } = await admin.query(`SELECT purchase_count FROM \`${database}\`.product_purchase_counts`)
    expect(rows).toEqual([{ purchase_count: 7 }])
  })

  it('names the file, line and statement of a failing statement and stops there', async () => {
    const database = freshDatabase()
    const { config, baseDir } = configFor(database)
    const file = join(inject('stack').workDir, 'broken-schema.sql')
    await writeFile(
      file,
      [
        'CREATE TABLE IF NOT EXISTS before_error (id INT PRIMARY KEY);',
        '',
        '-- the broken one',
        'CREATE TABLE IF NOT EXISTS broken (',
        '  id INTT',
        ');',
        'CREATE TABLE IF NOT EXISTS after_error (id INT PRIMARY KEY);',
      ].join('\n'),
    )
    const failure = applySchema({ file }, { reporter: quiet(), config, baseDir, cwd: repoRoot })
    await expect(failure).rejects.toMatchObject({
      code: 'DIP_SQL',
      message: expect.stringMatching(
        new RegExp(`^${file}:4: .*INTT[\\s\\S]*statement: CREATE TABLE IF NOT EXISTS broken`),
      ),
      details: expect.objectContaining({ file, line: 4 }),
    })
    expect(await tablesOf(database)).toEqual(['before_error'])
  })

  it('applies through the CLI with a per-statement JSON summary, and reports SQL errors with exit 1', async () => {
    const database = freshDatabase()
    const ok = await dip(['--json', 'db', 'apply'], { DIP_MYSQL_DATABASE: database })
    expect(ok.exitCode, ok.stderr).toBe(0)
    const result = JSON.parse(ok.stdout) as {
      statements: { line: number; summary: string }[]
      database: string
    }
    expect(result.database).toBe(database)
    expect(result.statements.map((statement) => statement.summary)).toContain(
      'CREATE TABLE IF NOT EXISTS total_depense_par_user_type',
    )
    expect(await tablesOf(database)).toEqual(LAB_TABLES)

    const file = join(inject('stack').workDir, 'cli-broken.sql')
    await writeFile(file, 'SELECT 1;\nCREATE TABLE oops (id INT,);\n')
    const broken = await dip(['db', 'apply', '--file', file], { DIP_MYSQL_DATABASE: database })
    expect(broken.exitCode).toBe(1)
    expect(broken.stderr).toContain(`${file}:2: `)
    expect(broken.stderr).toContain('statement: CREATE TABLE oops (id INT,)')
  })

  it('names host:port and `dip up` when MySQL is unreachable', async () => {
    const result = await dip(['db', 'apply'], { DIP_MYSQL_PORT: '1' })
    expect(result.exitCode).toBe(1)
    expect(result.stderr).toContain('cannot reach MySQL at 127.0.0.1:1')
    expect(result.stderr).toContain('dip up')
  })

  it('lists the statements with --dry-run without connecting', async () => {
    const result = await dip(['--json', 'db', 'apply', '--dry-run'], { DIP_MYSQL_PORT: '1' })
    expect(result.exitCode, result.stderr).toBe(0)
    const parsed = JSON.parse(result.stdout) as { dryRun: boolean; statements: { line: number }[] }
    expect(parsed.dryRun).toBe(true)
    expect(parsed.statements).toHaveLength(7)
  })
})
