/** Kafka and server helpers of `npm run bench -- engine-kafka` (topics, offsets, health). */
import { setTimeout as sleep } from 'node:timers/promises'
import type { KafkaPorts } from '../src/kafka/ports.ts'

const log = (line: string) => void process.stderr.write(`${line}\n`)

/** True once the server answers; false if it exited first. */
export async function waitHealthy(exited: () => boolean, port: number): Promise<boolean> {
  for (let i = 0; i < 600; i++) {
    if (exited()) return false
    const ok = await fetch(`http://127.0.0.1:${port}/info`).then(
      (r) => r.ok,
      () => false,
    )
    if (ok) return true
    await sleep(200)
  }
  throw new Error(`the server did not answer on port ${port} within 120 s`)
}

export async function committedOffsets(ports: KafkaPorts, group: string, topic: string): Promise<number> {
  const admin = ports.admin()
  try {
    return (await admin.groupOffsets(group, topic)).reduce((sum, o) => sum + Number(o.offset), 0)
  } finally {
    await admin.close()
  }
}

export async function outputTopics(ports: KafkaPorts, prefix: string): Promise<string[]> {
  const admin = ports.admin()
  try {
    return (await admin.listTopics()).filter((t) => t.startsWith(prefix))
  } finally {
    await admin.close()
  }
}

/** Records in the topics (high − low: includes transaction markers, close enough for a sanity check). */
export async function recordCount(ports: KafkaPorts, topics: readonly string[]): Promise<number> {
  const admin = ports.admin()
  try {
    let total = 0
    for (const topic of topics)
      for (const o of await admin.topicOffsets(topic)) total += Number(o.high - o.low)
    return total
  } finally {
    await admin.close()
  }
}

export async function deleteTopics(ports: KafkaPorts, topics: readonly string[]): Promise<void> {
  if (topics.length === 0) return
  const admin = ports.admin()
  try {
    await admin.deleteTopics([...new Set(topics)])
  } catch (error) {
    log(`  could not delete the bench topics: ${(error as Error).message}`)
  } finally {
    await admin.close()
  }
}
