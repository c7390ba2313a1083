import { createContext, type GlobalOptions } from '../app/context.ts'
import { onStopSignals } from '../app/stop-signals.ts'
import { nextSeed } from '../produce/continue-seed.ts'
import { planProduce, type ProduceFlags } from '../produce/produce-plan.ts'
import { produce, type ProduceSummary } from '../produce/produce-run.ts'

/** `dip produce`: lab transactions → Kafka (idempotent producer, acks=all, batched). */
export async function runProduce(global: GlobalOptions, flags: ProduceFlags): Promise<ProduceSummary> {
  const planned = planProduce(flags)
  const { loaded, reporter } = createContext(global)
  const { createKafka } = await import('../app/create-deps.ts')
  const kafka = await createKafka(loaded.config)
  // Without --seed, continue the generator's sequence (like `dip lab`): a second run, new ids.
  const plan = flags.seed === undefined ? { ...planned, seed: await nextSeed(kafka, planned.topic) } : planned
  const controller = new AbortController()
  const release = onStopSignals(() => controller.abort())
  try {
    const summary = await produce(plan, { kafka, reporter, signal: controller.signal })
    reporter.result(summary)
    return summary
  } finally {
    release()
  }
}
