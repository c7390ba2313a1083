import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createKsqlClient } from '../ksql-client/ksql-client.ts'
import { createEngine } from '../ksql-engine/index.ts'
import { inMemoryBackend } from '../ksql-engine/server/ksql-backend.ts'
import { startKsqlServer, type RunningKsqlServer } from '../ksql-engine/server/ksql-server.ts'
import { applyMigrations } from './apply-migrations.ts'
import { loadMigrationFiles } from './migration-files.ts'
import { restMigrationsServer } from './rest-migrations-server.ts'

let server: RunningKsqlServer
let dir: string

beforeEach(async () => {
  server = await startKsqlServer({ backend: inMemoryBackend(createEngine()), port: 0 })
  dir = await mkdtemp(join(tmpdir(), 'dip-migrations-'))
})

afterEach(async () => {
  await server.close()
  await rm(dir, { recursive: true, force: true })
})

const V1 = `DEFINE topic = 'events';
CREATE STREAM events (id STRING KEY, amount DOUBLE) WITH (KAFKA_TOPIC='\${topic}', VALUE_FORMAT='JSON', PARTITIONS=1);
`
const V2 = `CREATE TABLE totals AS SELECT id, SUM(amount) AS total FROM events GROUP BY id;
`

async function apply(
  options: {
    force?: boolean
    dryRun?: boolean
    onProgress?: (message: string) => void
    signal?: AbortSignal
  } = {},
) {
  const migrations = restMigrationsServer(createKsqlClient({ url: server.url }))
  return applyMigrations(migrations, {
    files: await loadMigrationFiles(dir),
    dryRun: options.dryRun ?? false,
    force: options.force ?? false,
    variables: {},
    ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  })
}

describe('dip ksql apply over the REST server', () => {
  it('applies files in order, records them, and is up to date on a re-run', async () => {
    await writeFile(join(dir, 'V000001__events.sql'), V1)
    await writeFile(join(dir, 'V000002__totals.sql'), V2)
    const first = await apply()
    expect(first.applied).toEqual([1, 2])
    expect(first.statements).toBe(2)
    const second = await apply()
    expect(second.plan.kind).toBe('upToDate')
    expect(second.applied).toEqual([])
    const state = await restMigrationsServer(createKsqlClient({ url: server.url })).pull(
      "SELECT * FROM MIGRATION_SCHEMA_VERSIONS WHERE version_key = '2';",
    )
    expect(state.rows[0]).toContain('MIGRATED')
  })

  it('refuses a changed applied file unless forced', async () => {
    await writeFile(join(dir, 'V000001__events.sql'), V1)
    await apply()
    await writeFile(join(dir, 'V000001__events.sql'), `${V1}-- edited\n`)
    await expect(apply()).rejects.toThrow(/changed after it was applied/)
    expect((await apply({ force: true })).plan.kind).toBe('upToDate')
  })

  it('stops at a failing statement with file:line and the server message; later files do not run', async () => {
    await writeFile(join(dir, 'V000001__events.sql'), V1)
    await writeFile(join(dir, 'V000002__bad.sql'), `\n\nCREATE STREAM broken AS SELECT * FROM missing;\n`)
    await writeFile(join(dir, 'V000003__totals.sql'), V2)
    await expect(apply()).rejects.toThrow(/V000002__bad\.sql:3: ksqlDB error 40001: .*missing/i)
    const listed = await createKsqlClient({ url: server.url }).listSources()
    expect(listed.map((s) => s.name)).not.toContain('TOTALS')
  })

  it('finishes the file in progress when stopped, and a re-run applies the rest', async () => {
    await writeFile(join(dir, 'V000001__events.sql'), V1)
    await writeFile(join(dir, 'V000002__totals.sql'), V2)
    const controller = new AbortController()
    // Stopped while the first file runs: it is still applied and recorded whole.
    const stopped = await apply({ signal: controller.signal, onProgress: () => controller.abort() })
    expect(stopped).toMatchObject({ applied: [1], skipped: [2] })
    const sources = await createKsqlClient({ url: server.url }).listSources()
    expect(sources.map((s) => s.name)).toContain('EVENTS')
    expect(sources.map((s) => s.name)).not.toContain('TOTALS')
    expect(await apply()).toMatchObject({ applied: [2], skipped: [] })
  })

  it('plans without running anything on --dry-run', async () => {
    await writeFile(join(dir, 'V000001__events.sql'), V1)
    const summary = await apply({ dryRun: true })
    expect(summary.plan).toMatchObject({ kind: 'apply', pending: [{ version: 1 }] })
    expect(await createKsqlClient({ url: server.url }).listSources()).toEqual([])
  })
})
