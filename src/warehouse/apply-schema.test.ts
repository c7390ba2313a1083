import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createReporter } from '../app/reporter.ts'
import { configSchema } from '../config/config-schema.ts'
import type { MysqlPool, QueryResult } from '../mysql/mysql-port.ts'
import { applySchema } from './apply-schema.ts'

let workDir: string
beforeEach(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'dip-db-apply-'))
})
afterEach(async () => {
  await rm(workDir, { recursive: true, force: true })
})

function capture() {
  const text: string[] = []
  const stream = { write: (chunk: string) => text.push(chunk) > 0, isTTY: false }
  const reporter = createReporter({ stdout: stream as never, stderr: stream as never, env: {} })
  return { reporter, text }
}

function fakePool(): MysqlPool & { sent: string[]; ended: boolean } {
  const pool = {
    sent: [] as string[],
    ended: false,
    query(sql: string): Promise<QueryResult> {
      pool.sent.push(sql)
      return Promise.resolve({ rows: [], affectedRows: 0, warningCount: 0 })
    },
    getConnection: () => Promise.reject(new Error('not used')),
    end() {
      pool.ended = true
      return Promise.resolve()
    },
  }
  return pool
}

const config = configSchema.parse({})

describe('applySchema', () => {
  it('falls back to the schema shipped with dip when the config folder has none', async () => {
    const pool = fakePool()
    const { reporter } = capture()
    const result = await applySchema(
      {},
      { reporter, config, baseDir: workDir, cwd: workDir, connect: () => Promise.resolve(pool) },
    )
    expect(result.file).toMatch(/database[/\\]schema\.sql$/)
    expect(result.statements).toHaveLength(7)
    expect(pool.sent.every((sql) => sql.startsWith('CREATE TABLE IF NOT EXISTS'))).toBe(true)
    expect(pool.ended).toBe(true)
  })

  it('prefers database/schema.sql next to the config and names it relative to the working directory', async () => {
    await mkdir(join(workDir, 'database'))
    await writeFile(join(workDir, 'database', 'schema.sql'), 'CREATE TABLE IF NOT EXISTS mine (id INT);\n')
    const pool = fakePool()
    const { reporter, text } = capture()
    const result = await applySchema(
      {},
      { reporter, config, baseDir: workDir, cwd: workDir, connect: () => Promise.resolve(pool) },
    )
    expect(result.file).toBe(join('database', 'schema.sql'))
    expect(pool.sent).toEqual(['CREATE TABLE IF NOT EXISTS mine (id INT)'])
    expect(text.join('')).toContain('database/schema.sql:1')
  })

  it('lists the statements of a dry run without connecting', async () => {
    const { reporter } = capture()
    const result = await applySchema(
      { dryRun: true },
      {
        reporter,
        config,
        baseDir: workDir,
        cwd: workDir,
        connect: () => Promise.reject(new Error('must not connect')),
      },
    )
    expect(result.dryRun).toBe(true)
    expect(result.statements.map((statement) => statement.summary)).toContain(
      'CREATE TABLE IF NOT EXISTS dip_offsets',
    )
  })

  it('rejects a --file that does not exist as a usage error naming the flag', async () => {
    const { reporter } = capture()
    await expect(
      applySchema(
        { file: 'nope.sql' },
        { reporter, config, baseDir: workDir, cwd: workDir, connect: () => Promise.resolve(fakePool()) },
      ),
    ).rejects.toMatchObject({ code: 'DIP_USAGE', message: expect.stringContaining('--file nope.sql') })
  })

  it('closes the pool when a statement fails', async () => {
    const pool = fakePool()
    pool.query = (sql) =>
      Promise.reject(Object.assign(new Error(`boom: ${sql.slice(0, 12)}`), { code: 'ER_X' }))
    const { reporter } = capture()
    await expect(
      applySchema(
        {},
        { reporter, config, baseDir: workDir, cwd: workDir, connect: () => Promise.resolve(pool) },
      ),
    ).rejects.toMatchObject({ code: 'DIP_SQL' })
    expect(pool.ended).toBe(true)
  })
})
