import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { execa } from 'execa'
import { parse, stringify } from 'yaml'
import type { IntegrationStack } from './global-setup.ts'
import type { KsqlField, KsqlSourceDescription } from '../../src/ksql-client/wire-types.ts'
import { connectMysql } from '../../src/mysql/connect.ts'
import type { MysqlPool } from '../../src/mysql/mysql-port.ts'
import { createKafkaPorts } from '../../src/kafka/kafkajs-client.ts'
import type { KafkaPorts, ProducedRecord, TopicAdmin } from '../../src/kafka/ports.ts'

/**
 * Test support for the warehouse sink: a stand-in for the ksqlDB server's two answers the sink
 * needs (SHOW TABLES, DESCRIBE; spec A1 shapes), so each test declares the tables whose records
 * it writes to the real broker, and helpers to run `node bin/dip.js` against the real stack.
 */
export interface KsqlStub {
  readonly url: string
  register(description: KsqlSourceDescription): void
  close(): Promise<void>
}

export async function startKsqlStub(): Promise<KsqlStub> {
  const sources = new Map<string, KsqlSourceDescription>()
  const server: Server = createServer((request, response) => {
    let body = ''
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')))
    request.on('end', () => {
      const sql = String((JSON.parse(body || '{}') as { ksql?: string }).ksql ?? '')
      const reply = (status: number, data: unknown) => {
        response.writeHead(status, { 'Content-Type': 'application/vnd.ksql.v1+json' })
        response.end(JSON.stringify(data))
      }
      const summaries = (type: 'STREAM' | 'TABLE') =>
        [...sources.values()]
          .filter((s) => s.type === type)
          .map((s) => ({
            type,
            name: s.name,
            topic: s.topic,
            keyFormat: s.keyFormat,
            valueFormat: s.valueFormat,
            isWindowed: s.windowType != null,
          }))
      if (/^SHOW STREAMS; SHOW TABLES;$/i.test(sql.trim())) {
        reply(200, [
          { '@type': 'streams', statementText: 'SHOW STREAMS;', streams: summaries('STREAM'), warnings: [] },
          { '@type': 'tables', statementText: 'SHOW TABLES;', tables: summaries('TABLE'), warnings: [] },
        ])
        return
      }
      const describe = /^DESCRIBE `([^`]+)`;$/i.exec(sql.trim())
      const source = describe === null ? undefined : sources.get(describe[1] ?? '')
      if (source === undefined) {
        reply(400, {
          '@type': 'statement_error',
          error_code: 40001,
          message: `Could not find ${sql}`,
          statementText: sql,
          entities: [],
        })
        return
      }
      reply(200, [
        { '@type': 'sourceDescription', statementText: sql, sourceDescription: source, warnings: [] },
      ])
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    register: (description) => void sources.set(description.name, description),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}

/** A DESCRIBE entity for a table: `key` columns first, then value columns. */
export function tableDescription(input: {
  readonly name: string
  readonly topic: string
  readonly keyFormat?: string
  readonly key: Readonly<Record<string, KsqlField['schema']>>
  readonly value: Readonly<Record<string, KsqlField['schema']>>
  readonly windowType?: 'HOPPING' | 'TUMBLING' | 'SESSION'
  readonly statement?: string
}): KsqlSourceDescription {
  return {
    name: input.name,
    type: 'TABLE',
    topic: input.topic,
    keyFormat: input.keyFormat ?? 'KAFKA',
    valueFormat: 'JSON',
    windowType: input.windowType ?? null,
    statement: input.statement ?? '',
    fields: [
      ...Object.entries(input.key).map(([name, schema]) => ({ name, schema, type: 'KEY' })),
      ...Object.entries(input.value).map(([name, schema]) => ({ name, schema })),
    ],
  }
}

/** A config file for the stack with the stub's URL and extra keys (feeds...). */
export async function writeWarehouseConfig(
  stack: IntegrationStack,
  name: string,
  extra: Record<string, unknown>,
): Promise<string> {
  const base = parse(await readFile(stack.configFile, 'utf8')) as Record<string, unknown>
  const file = join(stack.workDir, `${name}.yaml`)
  await writeFile(file, stringify({ ...base, ...extra }))
  return file
}

const cleanEnv = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('DIP_')))

/** `node bin/dip.js --config <file> …` as a child process (so tests can kill -9 it). */
/** Batch runs get a timeout; streaming runs (`timeoutMs: 0`) run until the test stops them. */
export function dip(
  configFile: string,
  args: readonly string[],
  options: { readonly timeoutMs?: number } = {},
) {
  return execa('node', ['bin/dip.js', '--config', configFile, ...args], {
    reject: false,
    env: { ...cleanEnv, NO_COLOR: '1', CI: '1' },
    extendEnv: false,
    timeout: options.timeoutMs ?? 150_000,
    // A stopping sink leaves its consumer group first (up to one fetch wait): no SIGKILL after 5 s.
    forceKillAfterDelay: 60_000,
  })
}

export function openMysql(stack: IntegrationStack): Promise<MysqlPool> {
  return connectMysql({ ...stack.mysql })
}

/** Rows of `table` ordered by `orderBy`, every value as text (DECIMAL/DATETIME compare as strings). */
export async function tableRows(pool: MysqlPool, sql: string): Promise<Record<string, string | null>[]> {
  const { rows } = await pool.query(sql)
  return rows.map((row) =>
    Object.fromEntries(
      Object.entries(row).map(([name, value]) => [
        name,
        value === null || value === undefined
          ? null
          : value instanceof Date
            ? value.toISOString()
            : typeof value === 'object'
              ? JSON.stringify(value)
              : String(value),
      ]),
    ),
  )
}

export async function storedOffsets(
  pool: MysqlPool,
  consumer: string,
  topic: string,
): Promise<Map<number, bigint>> {
  const { rows } = await pool.query(
    'SELECT `partition`, next_offset FROM dip_offsets WHERE consumer = ? AND topic = ? ORDER BY `partition`',
    [consumer, topic],
  )
  return new Map(rows.map((row) => [Number(row['partition']), BigInt(String(row['next_offset']))]))
}

/** The sum of the positions `consumer` stored for `topic`; `ifMissing` while MySQL or the bookkeeping table is not there. */
export async function storedTotal(
  pool: MysqlPool,
  consumer: string,
  topic: string,
  ifMissing: bigint,
): Promise<bigint> {
  try {
    return [...(await storedOffsets(pool, consumer, topic)).values()].reduce((a, b) => a + b, 0n)
  } catch {
    return ifMissing
  }
}

export { sleep } from '../../src/shared/sleep.ts'

/** What the warehouse-side integration tests share: the real broker, MariaDB and a ksqlDB stub. */
export interface WarehouseStack {
  readonly kafka: KafkaPorts
  readonly admin: TopicAdmin
  readonly pool: MysqlPool
  readonly ksql: KsqlStub
}

export async function openWarehouseStack(stack: IntegrationStack, clientId: string): Promise<WarehouseStack> {
  const kafka = createKafkaPorts({ brokers: stack.brokers, clientId })
  return { kafka, admin: kafka.admin(), pool: await openMysql(stack), ksql: await startKsqlStub() }
}

/** Closes what openWarehouseStack opened; a pool whose server was restarted under it may fail to end. */
export async function closeWarehouseStack(opened: Partial<WarehouseStack>): Promise<void> {
  await opened.admin?.close()
  await opened.pool?.end().catch(() => undefined)
  await opened.ksql?.close()
}

/** Creates the topic (if missing) and writes the records to it. */
export async function produceTo(
  { kafka, admin }: Pick<WarehouseStack, 'kafka' | 'admin'>,
  topic: string,
  partitions: number,
  records: readonly Omit<ProducedRecord, 'topic'>[],
): Promise<void> {
  await admin.createTopics([{ name: topic, partitions }])
  const sink = kafka.sink()
  try {
    await sink.send(records.map((record) => ({ ...record, topic })))
  } finally {
    await sink.close()
  }
}
