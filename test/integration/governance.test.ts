import { readFile } from 'node:fs/promises'
import { afterAll, describe, expect, inject, it } from 'vitest'
import { connectMysql } from '../../src/mysql/connect.ts'
import { dip } from './helpers/dip-cli.ts'
import { writeWarehouseConfig } from './warehouse-helpers.ts'

const database = `dip_it_access_${process.pid}`

afterAll(async () => {
  const admin = await connectMysql({ ...inject('stack').mysql, database: 'information_schema' })
  await admin.query(`DROP DATABASE IF EXISTS \`${database}\``)
  await admin.end()
})

describe('dip access on the real MariaDB', () => {
  it('grant upserts, ls lists, revoke deletes rows of user_permissions', async () => {
    const env = { DIP_MYSQL_DATABASE: database }
    expect((await dip(['db', 'apply'], env)).exitCode).toBe(0)
    expect((await dip(['access', 'grant', 'alice', '/streams/transaction_log/'], env)).exitCode).toBe(0)
    expect(
      (await dip(['access', 'grant', 'alice', 'tables/TOTALS', '--permission', 'write'], env)).exitCode,
    ).toBe(0)
    // a second grant on the same folder replaces the permission
    expect(
      (await dip(['access', 'grant', 'alice', 'tables/TOTALS', '--permission', 'none'], env)).exitCode,
    ).toBe(0)
    expect((await dip(['access', 'grant', 'bob', '/'], env)).exitCode).toBe(0)

    const listed = await dip(['--json', 'access', 'ls', '--user', 'alice'], env)
    expect(listed.exitCode, String(listed.stderr)).toBe(0)
    const rows = JSON.parse(String(listed.stdout)) as {
      user_id: string
      folder_path: string
      permission: string
    }[]
    expect(rows.map((r) => [r.user_id, r.folder_path, r.permission])).toEqual([
      ['alice', 'streams/transaction_log', 'read'],
      ['alice', 'tables/TOTALS', 'none'],
    ])

    expect((await dip(['access', 'revoke', 'alice', 'tables/TOTALS'], env)).exitCode).toBe(0)
    const after = JSON.parse(String((await dip(['--json', 'access', 'ls'], env)).stdout)) as {
      user_id: string
    }[]
    expect(after.map((r) => r.user_id)).toEqual(['alice', 'bob'])

    const bad = await dip(['access', 'grant', 'alice', 'streams', '--permission', 'admin'], env)
    expect(bad.exitCode).toBe(2)
  })
})

describe('dip feed add', () => {
  it('adds the entry to the config file, which then loads with the new feed', async () => {
    const config = await writeWarehouseConfig(inject('stack'), `feed-add-${process.pid}`, {})
    const added = await dip([
      '--config',
      config,
      'feed',
      'add',
      'clicks',
      '--kind',
      'table',
      '--warehouse-table',
      'clicks_t',
    ])
    expect(added.exitCode, String(added.stderr)).toBe(0)
    const shown = await dip(['--config', config, '--json', 'config'])
    expect(String(shown.stdout)).toContain('clicks_t')
    expect(await readFile(config, 'utf8')).toMatch(
      /- topic: clicks\n\s+kind: table\n\s+warehouseTable: clicks_t/,
    )
    const again = await dip(['--config', config, 'feed', 'add', 'clicks', '--kind', 'stream'])
    expect(again.exitCode).toBe(2)
    expect(String(again.stderr)).toContain('clicks is already in the config file')
  })
})
