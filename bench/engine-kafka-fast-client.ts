/**
 * Child of `npm run bench -- engine-kafka`: the kafkajs consume → produce pass-through again, in a
 * process whose kafkajs has the fixes the ksqlDB server runs with (src/kafka/kafkajs-speedups.ts),
 * for comparison with the baseline (plain kafkajs). They must be installed before kafkajs loads,
 * hence a process of its own and the dynamic imports. Prints the row as JSON.
 *
 * Arguments: <events> <partitions> <topic name prefix>
 */
import { installKafkajsSpeedups } from '../src/kafka/kafkajs-speedups.ts'

// Throws when a fix cannot be installed: the comparison would measure plain kafkajs otherwise.
installKafkajsSpeedups()
const [events = '100000', partitions = '1', name = 'bench_ek_fast'] = process.argv.slice(2)
const { benchPassThrough, deleteTopics, labValues } = await import('./engine-kafka.ts')
const { loadConfig } = await import('../src/config/load-config.ts')
const { createKafkaPorts } = await import('../src/kafka/kafkajs-client.ts')
const ports = createKafkaPorts({
  brokers: loadConfig().config.kafka.brokers,
  clientId: 'dip-bench-fast-client',
})
const created: string[] = []
try {
  const row = await benchPassThrough(ports, labValues(Number(events)), Number(partitions), name, created)
  process.stdout.write(
    `${JSON.stringify({
      ...row,
      scenario: 'pass-through-server-client',
      label: "kafkajs consume → produce, server's client fixes (comparison)",
    })}\n`,
  )
} finally {
  await deleteTopics(ports, created)
}
