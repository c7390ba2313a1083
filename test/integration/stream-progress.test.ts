import { mkdtemp } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { createKafkaPorts } from '../../src/kafka/kafkajs-client.ts'
import type { KafkaPorts } from '../../src/kafka/ports.ts'
import { freePort } from '../../src/stack/native/port-check.ts'
import { dip } from './helpers/dip-cli.ts'
import {
  closeWarehouseStack,
  dip as dipWithConfig,
  openWarehouseStack,
  produceTo,
  tableDescription,
  writeWarehouseConfig,
  type WarehouseStack,
} from './warehouse-helpers.ts'

/** Resolves once `pattern` matches what the child wrote to stdout; rejects if it exits first. */
function waitForLine(
  child: { stdout: NodeJS.ReadableStream | null; once(event: 'exit', listener: () => void): unknown },
  pattern: RegExp,
): Promise<string> {
  let out = ''
  return new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      if (pattern.test(out)) resolve(out)
    })
    child.once('exit', () => reject(new Error(`the sink stopped before printing ${String(pattern)}: ${out}`)))
  })
}

/**
 * A streaming sink without a terminal (a log file, a service) says how it is doing: a progress line
 * with the records taken and the lag, on the real broker.
 */
let ports: KafkaPorts
beforeAll(() => {
  ports = createKafkaPorts({ brokers: inject('stack').brokers, clientId: 'dip-it-progress' })
})

describe('dip consume lake (streaming) progress', () => {
  it('prints records, records/s and lag 0 once it has caught up, without a terminal', async () => {
    const topic = `it-progress-${process.pid}`
    const admin = ports.admin()
    await admin.createTopics([{ name: topic, partitions: 2, config: { 'retention.ms': '-1' } }])
    await admin.close()
    const sink = ports.sink()
    await sink.send(
      Array.from({ length: 25 }, (_, i) => ({ topic, key: String(i), value: JSON.stringify({ i }) })),
    )
    await sink.close()
    const root = await mkdtemp(join(inject('stack').workDir, 'lake-progress-'))
    // No ksqlDB server: the topic is read without a schema.
    const child = dip(
      ['consume', 'lake', '--topics', topic, '--lake-root', root, '--progress-every', '1s', '--no-commit'],
      { DIP_KSQL_URL: `http://127.0.0.1:${await freePort()}` },
    )
    const caughtUp = /lake: 25 records so far, [\d,]+ records\/s over the last \d+ s, lag 0\n/
    const out = await waitForLine(child, caughtUp)
    child.kill('SIGTERM')
    const result = await child
    expect(result.exitCode, String(result.stderr)).toBe(0)
    expect(out).toMatch(caughtUp)
  })
})

describe('dip consume warehouse (streaming) progress', () => {
  let stack: Partial<WarehouseStack> = {}
  let running: { kill(signal: 'SIGKILL'): unknown } | undefined
  afterAll(async () => {
    running?.kill('SIGKILL')
    await closeWarehouseStack(stack)
  })

  it('prints the records written and lag 0 from the positions stored in MySQL, without a terminal', async () => {
    stack = await openWarehouseStack(inject('stack'), 'dip-it-progress-warehouse')
    const { kafka, admin, ksql } = stack as WarehouseStack
    const topic = `PROGRESS_TOTALS_${process.pid}`
    ksql.register(
      tableDescription({
        name: topic,
        topic,
        key: { PRODUCT_ID: { type: 'STRING' } },
        value: { AMOUNT: { type: 'DOUBLE' } },
      }),
    )
    await produceTo(
      { kafka, admin },
      topic,
      2,
      Array.from({ length: 12 }, (_, i) => ({ key: `P-${i}`, value: JSON.stringify({ AMOUNT: i }) })),
    )
    const config = await writeWarehouseConfig(inject('stack'), topic, { ksql: { url: ksql.url } })
    const child = dipWithConfig(
      config,
      [
        'consume',
        'warehouse',
        '--auto-create',
        '--topics',
        topic,
        '--consumer',
        `progress${process.pid}`,
        '--progress-every',
        '1s',
      ],
      { timeoutMs: 0 },
    )
    running = child
    const out = await waitForLine(
      child,
      /warehouse: 12 records so far, [\d,]+ records\/s over the last \d+ s, lag 0\n/,
    )
    child.kill('SIGTERM')
    const result = await child
    expect(result.exitCode, String(result.stderr)).toBe(0)
    expect(out).toMatch(/warehouse: 12 records so far/)
  })
})
