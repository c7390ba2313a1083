import { mkdtemp } from 'node:fs/promises'
import { join } from 'node:path'
import { beforeAll, describe, expect, inject, it } from 'vitest'
import { createKafkaPorts } from '../../src/kafka/kafkajs-client.ts'
import type { KafkaPorts } from '../../src/kafka/ports.ts'
import { freePort } from '../../src/stack/native/port-check.ts'
import { dip } from './helpers/dip-cli.ts'

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
    let out = ''
    const caughtUp = /lake: 25 records so far, [\d,]+ records\/s over the last \d+ s, lag 0\n/
    await new Promise<void>((resolve, reject) => {
      child.stdout?.on('data', (chunk: Buffer) => {
        out += chunk.toString()
        if (caughtUp.test(out)) resolve()
      })
      child.once('exit', () => reject(new Error(`the sink stopped: ${out}`)))
    })
    child.kill('SIGTERM')
    const result = await child
    expect(result.exitCode, String(result.stderr)).toBe(0)
    expect(out).toMatch(caughtUp)
  })
})
