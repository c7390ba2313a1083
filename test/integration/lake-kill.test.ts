import { mkdtemp, readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { beforeAll, describe, expect, inject, it } from 'vitest'
import { loadConfig } from '../../src/config/load-config.ts'
import { createKafkaPorts } from '../../src/kafka/kafkajs-client.ts'
import type { KafkaPorts, ProducedRecord } from '../../src/kafka/ports.ts'
import { createExecaRunner } from '../../src/stack/command-runner.ts'
import { nativePaths } from '../../src/stack/native/native-paths.ts'
import { createNativeStack } from '../../src/stack/native/native-stack.ts'
import { cleanEnv, dip } from './helpers/dip-cli.ts'
import { duplicates, lakeFiles, lakeOffsets } from './helpers/lake-files.ts'

/**
 * Exactly-once under crashes: the sink runs as a child process and is killed with SIGKILL while it
 * writes, then restarted; at the end every (partition, offset) of the topic is in the lake once.
 */
let ports: KafkaPorts
const run = `${process.pid}`
const DAY1 = Date.UTC(2025, 3, 8, 23, 0)
const DAY2 = Date.UTC(2025, 3, 9, 1, 0)

/** A small seeded generator, so a failing run can be replayed with the same kill points. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0
    return state / 2 ** 32
  }
}

async function createTopic(name: string, partitions: number): Promise<void> {
  const admin = ports.admin()
  try {
    await admin.createTopics([{ name, partitions, config: { 'retention.ms': '-1' } }])
  } finally {
    await admin.close()
  }
}

async function produce(topic: string, from: number, count: number): Promise<void> {
  const sink = ports.sink()
  try {
    for (let at = from; at < from + count; at += 2000) {
      const records: ProducedRecord[] = []
      for (let i = at; i < Math.min(at + 2000, from + count); i++)
        records.push({
          topic,
          key: `k${i % 97}`,
          // One record in 500 is malformed: dead letters must be exactly-once too.
          value: i % 500 === 499 ? `{"broken": ${i}` : JSON.stringify({ n: i, pad: 'x'.repeat(150) }),
          // Records around midnight: windows span two date folders (multi-part flushes).
          timestamp: i % 3 === 0 ? DAY1 : DAY2,
        })
      await sink.send(records)
    }
  } finally {
    await sink.close()
  }
}

async function highWatermarkTotal(topic: string): Promise<number> {
  const admin = ports.admin()
  try {
    return (await admin.topicOffsets(topic)).reduce((sum, p) => sum + Number(p.high - p.low), 0)
  } finally {
    await admin.close()
  }
}

beforeAll(() => {
  ports = createKafkaPorts({ brokers: inject('stack').brokers, clientId: 'dip-it-lake-kill' })
})

function sinkArgs(root: string, topic: string, mode: 'batch' | 'streaming'): string[] {
  return [
    'consume',
    'lake',
    ...(mode === 'batch' ? ['--batch'] : ['--idle-flush', '500ms']),
    '--no-commit',
    '--topics',
    topic,
    '--lake-root',
    root,
    '--max-file-records',
    '250',
  ]
}

describe('dip consume lake survives kill -9', () => {
  it('has every offset exactly once after SIGKILLs at random points and restarts', async () => {
    const topic = `it-lake-kill-${run}`
    await createTopic(topic, 3)
    await produce(topic, 0, 24_000)
    const root = await mkdtemp(join(inject('stack').workDir, 'lake-kill-'))
    const random = seededRandom(20251123)
    let kills = 0
    let produced = 24_000
    for (let round = 0; round < 20 && kills < 6; round++) {
      const mode = round % 3 === 2 ? 'streaming' : 'batch'
      // A streaming run only ends by its kill, which waits for it to write: it needs work to do,
      // even when the previous run was killed after it had written everything.
      if (mode === 'streaming' && (await lakeOffsets(root)).length >= (await highWatermarkTotal(topic))) {
        await produce(topic, produced, 6000)
        produced += 6000
      }
      const before = (await lakeFiles(root)).length
      const child = dip(sinkArgs(root, topic, mode))
      let exited = false
      void child.then(() => (exited = true))
      // Kill only once this run has written something, so the kill lands while it works.
      const waitUntil = Date.now() + 90_000
      while (!exited && (await lakeFiles(root)).length <= before) {
        if (Date.now() > waitUntil) {
          child.kill('SIGKILL')
          throw new Error(`round ${round}: the ${mode} sink wrote nothing in 90 s`)
        }
        await sleep(20)
      }
      if (!exited) {
        await sleep(Math.floor(random() * 400))
        child.kill('SIGKILL')
      }
      const result = await child
      if (result.signal === 'SIGKILL') kills++
      // A run that got to the end before its kill: give the next one more to do.
      else {
        await produce(topic, produced, 6000)
        produced += 6000
      }
      // Between runs the lake may lack the window a kill interrupted, but it never repeats an offset.
      expect(duplicates(await lakeOffsets(root))).toEqual([])
    }
    expect(kills).toBeGreaterThanOrEqual(5)

    const final = await dip([...sinkArgs(root, topic, 'batch'), '--json'])
    expect(final.exitCode, String(final.stderr)).toBe(0)
    const total = await highWatermarkTotal(topic)
    const offsets = await lakeOffsets(root)
    expect(duplicates(offsets)).toEqual([])
    expect(offsets.length).toBe(total)
    const files = await lakeFiles(root)
    expect(files.some((f) => /\.\dof\d\.jsonl$/.test(f))).toBe(true)
    // A restart discards what a kill left half-written: no temp files stay behind.
    const all = await readdir(root, { recursive: true })
    expect(all.filter((p) => p.endsWith('.tmp'))).toEqual([])
  })

  it('loses and repeats nothing when the broker stops and starts during a streaming run', async () => {
    const topic = `it-lake-broker-${run}`
    await createTopic(topic, 2)
    await produce(topic, 0, 4000)
    const root = await mkdtemp(join(inject('stack').workDir, 'lake-broker-'))
    const child = dip(sinkArgs(root, topic, 'streaming'))
    while ((await lakeFiles(root)).length === 0) await sleep(50)

    const { configFile, stateDir } = inject('stack')
    const kafkaPid = Number((await readFile(nativePaths(stateDir).kafkaPid, 'utf8')).trim())
    process.kill(kafkaPid, 'SIGTERM')
    while (isAlive(kafkaPid)) await sleep(100)
    await sleep(2000)
    const loaded = loadConfig({ file: configFile, env: cleanEnv })
    await createNativeStack({ loaded, runner: createExecaRunner(), env: cleanEnv }).up({ timeoutMs: 120_000 })
    await produce(topic, 4000, 4000)
    const total = await highWatermarkTotal(topic)

    // Let the streaming sink catch up, then stop it the polite way.
    for (let i = 0; i < 600 && (await lakeOffsets(root)).length < total; i++) await sleep(100)
    child.kill('SIGTERM')
    const stopped = await child
    const final = await dip(sinkArgs(root, topic, 'batch'))
    expect(final.exitCode, String(final.stderr)).toBe(0)
    const offsets = await lakeOffsets(root)
    expect(duplicates(offsets)).toEqual([])
    expect(offsets.length).toBe(total)
    // The streaming sink rode out the outage (kafkajs reconnects) and exited 0 on SIGTERM.
    expect(stopped.exitCode, String(stopped.stderr)).toBe(0)
  })
})

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}
