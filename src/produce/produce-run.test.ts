import { describe, expect, it } from 'vitest'
import { createReporter } from '../app/reporter.ts'
import { createInMemoryBroker } from '../kafka/in-memory-broker.ts'
import { planProduce } from './produce-plan.ts'
import { produce } from './produce-run.ts'

const quiet = () => {
  const sink = { write: () => true } as unknown as NodeJS.WritableStream
  return createReporter({ json: true, stdout: sink, stderr: sink, env: {} })
}

// produce() generates on a worker thread, which first loads the TypeScript loader in tests.
describe('produce (in-memory broker)', { timeout: 60_000 }, () => {
  it('creates the topic with the requested partitions and sends every keyed event', async () => {
    const broker = createInMemoryBroker()
    const summary = await produce(planProduce({ count: 30, topic: 'tx', key: 'user_id', partitions: 2 }), {
      kafka: broker,
      reporter: quiet(),
      signal: new AbortController().signal,
    })
    expect(summary).toMatchObject({ topic: 'tx', topicCreated: true, records: 30, interrupted: false })
    const records = broker.records('tx')
    expect(records).toHaveLength(30)
    expect(new Set(records.map((r) => r.partition))).toEqual(new Set([0, 1]))
    for (const record of records)
      expect(String(record.key)).toBe((JSON.parse(String(record.value)) as { user_id: string }).user_id)
    expect(summary.bytes).toBe(
      records.reduce((sum, r) => sum + (r.key?.length ?? 0) + (r.value?.length ?? 0), 0),
    )
  })

  it('sends nothing once the signal has aborted and reports the run as interrupted', async () => {
    const broker = createInMemoryBroker()
    const controller = new AbortController()
    controller.abort()
    const summary = await produce(planProduce({ count: 30, topic: 'tx' }), {
      kafka: broker,
      reporter: quiet(),
      signal: controller.signal,
    })
    expect(summary).toMatchObject({ records: 0, interrupted: true })
    expect(broker.records('tx')).toEqual([])
  })
})
