import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ConsumedRecord } from '../kafka/ports.ts'
import { createJsonlEncoder } from '../lake/encoders/jsonl-encoder.ts'
import { createLakeSink, type LakeTopic } from '../lake/lake-sink.ts'
import { encodeRecordLine } from '../sinks/lake-line.ts'
import {
  finishLakeBundle,
  writeToLake,
  type LakeWriterInput,
  type LakeWriterState,
} from './lake-write-step.ts'

const topic: LakeTopic = { topic: 'S', area: 'streams', kind: 'stream', schema: null }
const DAY = Date.UTC(2025, 3, 8, 10)

let root = ''
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'dip-lake-write-step-'))
})
afterEach(() => rm(root, { recursive: true, force: true }))

function writer(maxRecords: number): LakeWriterState {
  const encoder = createJsonlEncoder()
  const sink = createLakeSink([topic], {
    root,
    timeZone: 'UTC',
    encoder,
    errorEncoder: encoder,
    maxRecords,
    maxBytes: 1 << 30,
  })
  sink.setPosition('S', 0, 0n)
  return { sink, ended: [], turn: Promise.resolve() }
}

function row(offset: number): LakeWriterInput {
  const record: ConsumedRecord = {
    topic: 'S',
    partition: 0,
    offset: BigInt(offset),
    timestamp: DAY,
    key: null,
    value: Buffer.from(JSON.stringify({ n: offset })),
    headers: {},
  }
  const encoded = encodeRecordLine(record, topic)
  if (!encoded.ok) throw new Error('test record does not encode')
  return { kind: 'row', record, line: encoded.line, deleted: encoded.deleted }
}

async function files(): Promise<string[]> {
  return (await readdir(root, { recursive: true }))
    .filter((p) => p.endsWith('.jsonl'))
    .map((p) => p.split('/').at(-1) ?? p)
    .sort()
}

/** Offsets 0..9 of one partition, cut into bundles at `cuts`, then the partition's end at 10. */
async function writeInBundles(cuts: readonly number[]): Promise<string[]> {
  const state = writer(4)
  for (let offset = 0; offset < 10; offset++) {
    if (cuts.includes(offset)) await finishLakeBundle(state)
    await writeToLake(state, row(offset))
  }
  await writeToLake(state, { kind: 'end', topic: 'S', partition: 0, offset: 10n })
  await finishLakeBundle(state)
  expect(state.ended).toEqual([{ kind: 'end', topic: 'S', partition: 0, offset: 10n }])
  return files()
}

describe('the Beam lake writer', () => {
  it('cuts files where the input range says, whatever the runner’s bundles: a rerun names files alike', async () => {
    const oneBundle = await writeInBundles([])
    expect(oneBundle).toEqual([
      'S-p00000-00000000000000000000-00000000000000000003.jsonl',
      'S-p00000-00000000000000000004-00000000000000000007.jsonl',
      'S-p00000-00000000000000000008-00000000000000000009.jsonl',
    ])
    await rm(root, { recursive: true, force: true })
    // Flink ends bundles where it likes (here after offsets 1 and 6): the files stay the same.
    expect(await writeInBundles([2, 7])).toEqual(oneBundle)
  })

  it('keeps a partition’s partial window open until its end arrives', async () => {
    const state = writer(4)
    for (let offset = 0; offset < 6; offset++) await writeToLake(state, row(offset))
    await finishLakeBundle(state)
    expect(await files()).toEqual(['S-p00000-00000000000000000000-00000000000000000003.jsonl'])
    expect(state.sink.pendingRecords()).toBe(2)
    await writeToLake(state, { kind: 'end', topic: 'S', partition: 0, offset: 6n })
    expect(state.sink.pendingRecords()).toBe(0)
    expect(await files()).toContain('S-p00000-00000000000000000004-00000000000000000005.jsonl')
  })
})
