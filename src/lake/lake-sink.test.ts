import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ConsumedRecord } from '../kafka/ports.ts'
import { createJsonlEncoder } from './encoders/jsonl-encoder.ts'
import { createLakeSink, type LakeTopic } from './lake-sink.ts'
import { recoverTopic } from './lake-position.ts'

const DAY1 = Date.UTC(2025, 3, 8, 10)
const DAY2 = Date.UTC(2025, 3, 9, 10)

function rec(offset: number, value: string | null, timestamp = DAY1, partition = 0): ConsumedRecord {
  return {
    topic: 'S',
    partition,
    offset: BigInt(offset),
    timestamp,
    key: null,
    value: value === null ? null : Buffer.from(value),
    headers: {},
  }
}

const topic: LakeTopic = { topic: 'S', area: 'streams', kind: 'stream', schema: null }

let root = ''
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'dip-lake-sink-'))
})
afterEach(async () => {
  await rm(root, { recursive: true, force: true })
})

function sink(maxRecords = 1000) {
  const flushed: bigint[] = []
  const lake = createLakeSink([topic], {
    root,
    timeZone: 'UTC',
    encoder: createJsonlEncoder(),
    errorEncoder: createJsonlEncoder(),
    maxRecords,
    maxBytes: 1 << 30,
    onFlushed: (f) => void flushed.push(f.nextOffset),
  })
  return { lake, flushed }
}

async function listFiles(): Promise<string[]> {
  return (await readdir(root, { recursive: true })).filter((p) => p.endsWith('.jsonl')).sort()
}

describe('createLakeSink', () => {
  it('rotates by record count and names files by partition and offset range', async () => {
    const { lake, flushed } = sink(2)
    await lake.append([rec(0, '{"a":0}'), rec(1, '{"a":1}'), rec(2, '{"a":2}')])
    await lake.flushAll()
    expect(await listFiles()).toEqual([
      'streams/S/year=2025/month=04/day=08/S-p00000-00000000000000000000-00000000000000000001.jsonl',
      'streams/S/year=2025/month=04/day=08/S-p00000-00000000000000000002-00000000000000000002.jsonl',
    ])
    expect(flushed).toEqual([2n, 3n])
    const first = await readFile(join(root, (await listFiles())[0] ?? ''), 'utf8')
    expect(
      first
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as unknown),
    ).toEqual([
      { a: 0, _topic: 'S', _partition: 0, _offset: 0, _timestamp: DAY1, _deleted: false },
      { a: 1, _topic: 'S', _partition: 0, _offset: 1, _timestamp: DAY1, _deleted: false },
    ])
  })

  it('splits a window over date folders into numbered parts and sends bad records to _errors', async () => {
    const { lake } = sink()
    await lake.append([rec(0, '{"a":0}', DAY1), rec(1, '{"a":1}', DAY2), rec(2, 'not json', DAY2)])
    await lake.flushAll()
    expect(await listFiles()).toEqual([
      '_errors/S/year=2025/month=04/day=09/S-p00000-00000000000000000000-00000000000000000002.1of3.jsonl',
      'streams/S/year=2025/month=04/day=08/S-p00000-00000000000000000000-00000000000000000002.2of3.jsonl',
      'streams/S/year=2025/month=04/day=09/S-p00000-00000000000000000000-00000000000000000002.3of3.jsonl',
    ])
    const [errorFile] = await listFiles()
    const error = JSON.parse(await readFile(join(root, errorFile ?? ''), 'utf8')) as Record<string, unknown>
    expect(error).toMatchObject({
      topic: 'S',
      partition: 0,
      offset: 2,
      value: Buffer.from('not json').toString('base64'),
    })
    expect(String(error['reason'])).toMatch(/invalid JSON/)
    expect(lake.stats().get('S')).toMatchObject({ records: 2, errors: 1, files: 3 })
    expect((await recoverTopic(root, 'S')).positions.get(0)).toBe(3n)
  })

  it('skips records before the known position, so redelivered records are written once', async () => {
    const { lake } = sink()
    lake.setPosition('S', 0, 2n)
    await lake.append([rec(1, '{"a":1}'), rec(2, '{"a":2}')])
    await lake.append([rec(2, '{"a":2}'), rec(3, '{"a":3}')])
    await lake.flushAll()
    expect(await listFiles()).toEqual([
      'streams/S/year=2025/month=04/day=08/S-p00000-00000000000000000002-00000000000000000003.jsonl',
    ])
  })

  it('flushes idle windows only', async () => {
    let clock = 0
    const lake = createLakeSink([topic], {
      root,
      timeZone: 'UTC',
      encoder: createJsonlEncoder(),
      errorEncoder: createJsonlEncoder(),
      maxRecords: 100,
      maxBytes: 1 << 30,
      now: () => clock,
    })
    await lake.append([rec(0, '{}', DAY1, 0)])
    clock = 4000
    await lake.append([rec(0, '{}', DAY1, 1)])
    clock = 5500
    const flushed = await lake.flushStale(5000, 60_000)
    expect(flushed.map((f) => f.partition)).toEqual([0])
    expect(lake.pendingRecords()).toBe(1)
  })
})
