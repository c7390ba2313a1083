import { mkdtemp, readdir, rm, unlink } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createReporter } from '../app/reporter.ts'
import { createInMemoryBroker, type InMemoryBroker } from '../kafka/in-memory-broker.ts'
import { KsqlRequestError } from '../ksql-client/ksql-error.ts'
import { DipError } from '../shared/errors.ts'
import type { KsqlClient } from '../ksql-client/ksql-client.ts'
import { consumeLake, type LakePlan } from './lake-job.ts'

const quiet = () => {
  const sink = { write: () => true } as unknown as NodeJS.WritableStream
  return createReporter({ json: true, stdout: sink, stderr: sink, env: {} })
}

const unreachableKsql: KsqlClient = {
  url: 'http://ksql.invalid',
  execute: () => Promise.reject(new KsqlRequestError('down', { unreachable: true })),
  listSources: () => Promise.reject(new KsqlRequestError('down', { unreachable: true })),
  describe: () => Promise.reject(new KsqlRequestError('down', { unreachable: true })),
}

let root = ''
let broker: InMemoryBroker
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'dip-consume-lake-'))
  broker = createInMemoryBroker({
    topics: { events: 2 },
    maxBatchRecords: 7,
    now: () => Date.UTC(2025, 3, 8),
  })
  const sink = broker.sink()
  await sink.send(
    Array.from({ length: 40 }, (_, i) => ({
      topic: 'events',
      key: `k${i % 5}`,
      value: JSON.stringify({ n: i }),
    })),
  )
  await sink.send([{ topic: 'events', key: 'k0', value: 'not json' }])
})
afterEach(async () => {
  await rm(root, { recursive: true, force: true })
})

function plan(overrides: Partial<LakePlan> = {}): LakePlan {
  return {
    root,
    mode: 'batch',
    format: 'jsonl',
    topics: undefined,
    timeZone: 'UTC',
    maxFileRecords: 10,
    maxFileBytes: 1 << 30,
    idleFlushMs: 1000,
    maxWindowAgeMs: 60_000,
    groupId: 'lake-test',
    commit: true,
    ...overrides,
  }
}

const run = (p: LakePlan = plan()) =>
  consumeLake(p, {
    kafka: broker,
    ksql: unreachableKsql,
    configFeeds: [{ topic: 'events', kind: 'stream', enabled: true }],
    reporter: quiet(),
    signal: new AbortController().signal,
  })

async function files(): Promise<string[]> {
  return (await readdir(root, { recursive: true })).filter((f) => f.endsWith('.jsonl')).sort()
}

// The reconnect test waits out the real retry delay.
describe('consumeLake (batch, in-memory broker)', { timeout: 60_000 }, () => {
  it('sinks every record of the config feeds once and commits the position', async () => {
    const summary = await run()
    expect(summary).toMatchObject({ upToDate: false, records: 40, errors: 1 })
    expect(summary.topics).toMatchObject([{ topic: 'events', area: 'streams', origin: 'config' }])
    const high = (await broker.admin().topicOffsets('events')).map((p) => ({
      topic: 'events',
      partition: p.partition,
      offset: p.high,
    }))
    expect(broker.committed('lake-test', 'events')).toEqual(high)
  })

  it('writes nothing on a second run without new records', async () => {
    await run()
    const before = await files()
    expect(await run()).toMatchObject({ upToDate: true, records: 0, files: 0 })
    expect(await files()).toEqual(before)
  })

  it('writes the window of a lost last file again, identically named, and nothing else', async () => {
    await run()
    const before = await files()
    const last = before.filter((f) => f.includes('-p00001-')).at(-1) ?? ''
    await unlink(join(root, last))
    const again = await run()
    // The window that file belonged to is written again, all its parts (k of n) and nothing more.
    const parts = Number(/\.\dof(\d)\.jsonl$/.exec(last)?.[1] ?? 1)
    expect(again.files).toBe(parts)
    expect(await files()).toEqual(before)
  })

  it('starts a fresh consumer from its own positions when the first one loses the broker', async () => {
    let calls = 0
    const flaky: typeof broker = {
      ...broker,
      source: (options) => {
        const real = broker.source(options)
        if (!options.groupId.startsWith('lake-test-') || ++calls > 1) return real
        return {
          ...real,
          run: async (runOptions) => {
            // Deliver part of the data, then fail the way a lost broker does.
            let delivered = 0
            const controller = new AbortController()
            await real
              .run({
                ...runOptions,
                signal: controller.signal,
                eachBatch: async (batch) => {
                  await runOptions.eachBatch(batch)
                  if (++delivered === 2) controller.abort()
                },
              })
              .catch(() => undefined)
            throw new DipError('DIP_KAFKA', 'cannot reach Kafka at test:9092 (consume events)')
          },
        }
      },
    }
    const summary = await consumeLake(plan(), {
      kafka: flaky,
      ksql: unreachableKsql,
      configFeeds: [{ topic: 'events', kind: 'stream', enabled: true }],
      reporter: quiet(),
      signal: new AbortController().signal,
    })
    expect(calls).toBe(2)
    expect(summary).toMatchObject({ records: 40, errors: 1 })
    expect((await files()).length).toBeGreaterThan(0)
    expect(await run()).toMatchObject({ upToDate: true })
  })

  it('rejects a --topics entry that does not exist, naming it', async () => {
    await expect(run(plan({ topics: ['nope'] }))).rejects.toMatchObject({
      code: 'DIP_USAGE',
      message: 'unknown topic: nope',
    })
  })
})
