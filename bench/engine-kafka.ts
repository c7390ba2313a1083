/**
 * `npm run bench -- engine-kafka [--events 100000] [--partitions 1] [--only lab-chain,hopping]
 * [--server-node-args '--cpu-prof --cpu-prof-dir=/tmp/prof']`: the embedded ksqlDB server on the real
 * broker of the running stack (`dip up`; `npm run build` first), end to end. `--only` runs some server
 * scenarios (the pass-through always runs); `--server-node-args` go to the server's node, e.g. to
 * profile it (NODE_OPTIONS refuses --cpu-prof).
 *
 * Each scenario gets fresh topics. The server scenarios start their own `node bin/dip.js ksql server`
 * (own service id and port, so the stack's server is untouched), apply the statements while the raw
 * topic is empty, then the bench produces `events` lab events (pre-generated, one idempotent kafkajs
 * producer) and times from the first send until the server has committed the raw topic's last offset
 * (its output commits in the same Kafka transactions, so everything is then in Kafka).
 *
 * Scenarios:
 *   pass-through   the baseline: kafkajs (dip's Kafka ports) consumes the raw topic and produces every
 *                  record to another topic, in this process; done when all are acknowledged (acks=all)
 *   lab chain      V000004 transactions_full → V000005 flatten → V000006 anonymise, V000007 convert to
 *                  USD, V000008 filter (blacklisted / allowed)
 *   hopping        V000001 transactions_basic → V000013 5-min hopping SUM/COUNT per type, advance 1 min
 *   stream-table-join  V000004 transactions_full LEFT JOIN a users table on user_id (bench/join-scenario.ts);
 *                  the users topic (co-partitioned) is filled before the statements run
 *   hopping-cached the same with 'ksql.streams.cache.max.bytes.buffering' > 0, as ksqlDB runs it by
 *                  default: each committed batch sends only the last update of each window and key
 *   pass-through, server's client   for comparison, not the baseline: the pass-through again in a child
 *                  process whose kafkajs has the fixes the server runs with (kafkajs-speedups.ts), its
 *                  input produced with them too. kafkajs's own producer limits the baseline (and the
 *                  input of every scenario) to about 30,000 events/s here; this row shows what the
 *                  same records cost with the server's client, and each row's second ratio is to it
 *
 * Peak RSS of the server is its VmHWM; its RSS is also read when half of the events are committed and
 * at the end, to show whether memory grows with the number of events.
 */
import { randomUUID } from 'node:crypto'
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { setTimeout as sleep } from 'node:timers/promises'
import { execa } from 'execa'
import { loadConfig } from '../src/config/load-config.ts'
import { createKafkaPorts } from '../src/kafka/kafkajs-client.ts'
import type { KafkaPorts, ProducedRecord } from '../src/kafka/ports.ts'
import { transactionRecords } from '../src/produce/transaction-records.ts'
import { freePort } from '../src/stack/native/port-check.ts'
import {
  type MachineFacts,
  intFlag,
  loadAverage,
  machineFacts,
  round2,
  stringFlag,
  tableLines,
} from './bench-args.ts'
import {
  committedOffsets,
  deleteTopics,
  outputTopics,
  recordCount,
  waitHealthy,
} from './engine-kafka-topics.ts'

export { deleteTopics }
import {
  JOIN_SCENARIO_LABEL,
  JOIN_SCENARIO_NAME,
  enrichmentStatements,
  userRecords,
} from './join-scenario.ts'
import { procCpuSeconds, procStatusMb } from './proc-stats.ts'

const repoRoot = resolve(import.meta.dirname, '..')
const log = (line: string) => void process.stderr.write(`${line}\n`)

interface ServerScenario {
  readonly name: string
  readonly label: string
  readonly files: readonly string[]
  /** Extra statement properties, e.g. ksqlDB's record cache. */
  readonly properties?: Readonly<Record<string, string>>
  /** The join scenario: a users topic filled before the events, then the enrichment statements. */
  readonly join?: boolean
}

const SERVER_SCENARIOS: readonly ServerScenario[] = [
  {
    name: 'lab-chain',
    label: 'lab chain flatten→anonymise/convert/filter',
    files: [
      'V000004__transactions_full.sql',
      'V000005__transactions_flat.sql',
      'V000006__transactions_anonymized.sql',
      'V000007__transactions_usd.sql',
      'V000008__blacklisted_locations.sql',
    ],
  },
  {
    name: 'hopping',
    label: 'hopping 5 min / 1 min SUM+COUNT by type',
    files: ['V000001__transactions_stream.sql', 'V000013__sliding_amount_per_type.sql'],
  },
  {
    name: 'hopping-cached',
    label: 'hopping, record cache on (last update per key per commit)',
    files: ['V000001__transactions_stream.sql', 'V000013__sliding_amount_per_type.sql'],
    properties: { 'ksql.streams.cache.max.bytes.buffering': '10000000' },
  },
  {
    name: JOIN_SCENARIO_NAME,
    label: JOIN_SCENARIO_LABEL,
    files: ['V000004__transactions_full.sql'],
    join: true,
  },
]

export interface EngineKafkaRow {
  readonly scenario: string
  readonly label: string
  readonly events: number
  readonly seconds: number
  readonly eventsPerSecond: number
  /** Records the scenario wrote to its output topics (sanity check that the SQL ran). */
  readonly outputRecords: number
  readonly ratioToPassThrough: number | null
  /** To the pass-through with the server's client fixes (comparison row); null when it did not run. */
  readonly ratioToFastClientPassThrough: number | null
  /** The server process; null for the in-process pass-through. */
  readonly serverPeakRssMb: number | null
  readonly serverRssMbAtHalf: number | null
  readonly serverRssMbAtEnd: number | null
  /** CPU seconds (user + system) the server used while timed: steadier than events/s on a busy machine. */
  readonly serverCpuSeconds: number | null
  /** Transactions the server had to retry (e.g. the previous commit's markers still being written). */
  readonly transactionRetries: number | null
}

export interface EngineKafkaBenchResult {
  readonly suite: 'engine-kafka'
  readonly at: string
  readonly events: number
  readonly partitions: number
  readonly recordBytes: number
  readonly brokers: string
  readonly baseline: string
  readonly machine: MachineFacts
  readonly rows: readonly EngineKafkaRow[]
  readonly goal: { readonly ratioToPassThrough: 0.5 }
}

export async function runBench(args: readonly string[]): Promise<EngineKafkaBenchResult> {
  const events = intFlag(args, '--events', 100_000)
  const partitions = intFlag(args, '--partitions', 1)
  const only = stringFlag(args, '--only')?.split(',')
  const scenarios = SERVER_SCENARIOS.filter((s) => only === undefined || only.includes(s.name))
  const nodeArgs =
    stringFlag(args, '--server-node-args')
      ?.split(' ')
      .filter((a) => a !== '') ?? []
  if (!existsSync(join(repoRoot, 'dist', 'cli', 'main.js')))
    throw new Error('dist/cli/main.js not found: run `npm run build` first (the server runs as bin/dip.js)')
  const loaded = loadConfig()
  const ports = createKafkaPorts({ brokers: loaded.config.kafka.brokers, clientId: 'dip-bench-engine-kafka' })
  const id = randomUUID().slice(0, 8)
  const values = labValues(events)
  const recordBytes = Math.round(values.reduce((sum, v) => sum + v.length, 0) / Math.max(values.length, 1))
  log(
    `engine-kafka bench: ${events} lab events (${recordBytes} B), ${partitions} partition(s), ` +
      `brokers ${loaded.config.kafka.brokers.join(',')}`,
  )
  const loadAverageBefore = loadAverage()
  const created: string[] = []
  try {
    const passThrough = await benchPassThrough(ports, values, partitions, `bench_ek_${id}_pt`, created)
    log(`  pass-through: ${passThrough.eventsPerSecond} events/s`)
    const fastClient = await fastClientPassThrough(events, partitions, `bench_ek_${id}_ptfast`)
    log(`  pass-through with the server's client (comparison): ${fastClient.eventsPerSecond} events/s`)
    const rows: EngineKafkaRow[] = [passThrough]
    for (const scenario of scenarios) {
      const row = await benchServer(ports, loaded.file, scenario, values, partitions, id, created, nodeArgs)
      rows.push({
        ...row,
        ratioToPassThrough: round2(row.eventsPerSecond / passThrough.eventsPerSecond),
        ratioToFastClientPassThrough: round2(row.eventsPerSecond / fastClient.eventsPerSecond),
      })
      log(`  ${scenario.label}: ${row.eventsPerSecond} events/s, server peak RSS ${row.serverPeakRssMb} MB`)
    }
    rows.push(fastClient)
    const result: EngineKafkaBenchResult = {
      suite: 'engine-kafka',
      at: new Date().toISOString(),
      events,
      partitions,
      recordBytes,
      brokers: loaded.config.kafka.brokers.join(','),
      baseline:
        'kafkajs consume → produce of the same records (dip Kafka ports, idempotent producer, acks=all)',
      machine: machineFacts(loadAverageBefore),
      rows,
      goal: { ratioToPassThrough: 0.5 },
    }
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`)
    printTable(result)
    return result
  } finally {
    await deleteTopics(ports, created)
  }
}

/** The comparison row, from bench/engine-kafka-fast-client.ts in a process of its own. */
async function fastClientPassThrough(
  events: number,
  partitions: number,
  name: string,
): Promise<EngineKafkaRow> {
  const child = fileURLToPath(new URL('./engine-kafka-fast-client.ts', import.meta.url))
  const { stdout } = await execa(
    process.execPath,
    ['--import', 'tsx', child, String(events), String(partitions), name],
    { cwd: repoRoot, stderr: 'inherit' },
  )
  return JSON.parse(String(stdout)) as EngineKafkaRow
}

/** Lab events as `dip produce` makes them (seeded, no key). */
export function labValues(events: number): Buffer[] {
  const values: Buffer[] = []
  const plan = {
    topic: 'raw',
    count: events,
    seed: 42,
    key: 'none',
    lifecycle: false,
    eventTime: false,
  } as const
  for (const records of transactionRecords(plan))
    for (const record of records) values.push(Buffer.from(String(record.value)))
  return values
}

const SEND_INTERVAL_MS = 200

/**
 * Record times 200 ms apart, as the lab's producer sends, ending now: hopping windows advance as in
 * the lab, and no record is older than the broker's 7-day retention (which would delete it at once).
 */
async function produceAll(ports: KafkaPorts, topic: string, values: readonly Buffer[]): Promise<void> {
  const sink = ports.sink({ idempotent: true })
  const first = Date.now() - values.length * SEND_INTERVAL_MS
  try {
    for (let at = 0; at < values.length; at += 5000) {
      const records: ProducedRecord[] = values.slice(at, at + 5000).map((value, i) => ({
        topic,
        key: null,
        value,
        timestamp: first + (at + i) * SEND_INTERVAL_MS,
      }))
      await sink.send(records)
    }
  } finally {
    await sink.close()
  }
}

/** The join scenario's users, timed before every event (the table side is there first). */
async function produceUsers(ports: KafkaPorts, topic: string, values: readonly Buffer[]): Promise<void> {
  const sink = ports.sink({ idempotent: true })
  const at = Date.now() - values.length * SEND_INTERVAL_MS - 60_000
  try {
    await sink.send(userRecords(values).map((u) => ({ topic, key: u.key, value: u.value, timestamp: at })))
  } finally {
    await sink.close()
  }
}

async function createTopics(ports: KafkaPorts, names: readonly string[], partitions: number): Promise<void> {
  const admin = ports.admin()
  try {
    await admin.createTopics(names.map((name) => ({ name, partitions })))
  } finally {
    await admin.close()
  }
}

export async function benchPassThrough(
  ports: KafkaPorts,
  values: readonly Buffer[],
  partitions: number,
  name: string,
  created: string[],
): Promise<EngineKafkaRow> {
  const input = `${name}_in`
  const output = `${name}_out`
  await createTopics(ports, [input, output], partitions)
  created.push(input, output)
  const source = ports.source({ groupId: `${name}_group`, isolation: 'read_committed', fromBeginning: true })
  const sink = ports.sink({ idempotent: true })
  const controller = new AbortController()
  let copied = 0
  let started = 0n
  let finished = 0n
  const consuming = source.run({
    topics: [input],
    signal: controller.signal,
    eachBatch: async (batch) => {
      await sink.send(
        batch.records.map((r) => ({ topic: output, key: r.key, value: r.value, timestamp: r.timestamp })),
      )
      copied += batch.records.length
      if (copied >= values.length && finished === 0n) {
        finished = process.hrtime.bigint()
        controller.abort()
      }
    },
  })
  try {
    // Give the consumer its partitions first, as the server scenarios apply their queries first.
    await sleep(3000)
    started = process.hrtime.bigint()
    await produceAll(ports, input, values)
    await consuming
  } finally {
    controller.abort()
    await source.close().catch(() => undefined)
    await sink.close()
  }
  const seconds = Number(finished - started) / 1e9
  return {
    scenario: 'pass-through',
    label: 'kafkajs consume → produce (baseline)',
    events: values.length,
    seconds: round2(seconds),
    eventsPerSecond: Math.round(values.length / seconds),
    outputRecords: copied,
    ratioToPassThrough: null,
    ratioToFastClientPassThrough: null,
    serverPeakRssMb: null,
    serverRssMbAtHalf: null,
    serverRssMbAtEnd: null,
    serverCpuSeconds: null,
    transactionRetries: null,
  }
}

async function benchServer(
  ports: KafkaPorts,
  configFile: string | undefined,
  scenario: ServerScenario,
  values: readonly Buffer[],
  partitions: number,
  id: string,
  created: string[],
  nodeArgs: readonly string[],
): Promise<EngineKafkaRow> {
  const serviceId = `bench_ek_${id}_${scenario.name.replace(/-/g, '_')}_`
  const raw = `${serviceId}raw`
  const prefix = serviceId.toUpperCase()
  const users = `${serviceId}users`
  await createTopics(ports, scenario.join === true ? [raw, users] : [raw], partitions)
  created.push(raw, users, `_confluent-ksql-${serviceId}_command_topic`)
  if (scenario.join === true) await produceUsers(ports, users, values)
  const port = await freePort()
  let row: Omit<EngineKafkaRow, 'transactionRetries'>
  let stderr = ''
  const server = execa(
    process.execPath,
    [
      ...nodeArgs,
      join(repoRoot, 'bin', 'dip.js'),
      ...(configFile === undefined ? [] : ['--config', configFile]),
      'ksql',
      'server',
      '--port',
      String(port),
      '--service-id',
      serviceId,
    ],
    { cwd: repoRoot, env: { NO_COLOR: '1' }, stdout: 'ignore', stderr: 'pipe', reject: false },
  )
  try {
    if (!(await waitHealthy(() => server.exitCode !== null, port)))
      throw new Error(`the server exited: ${String((await server).stderr)}`)
    const url = `http://127.0.0.1:${port}`
    const statements = scenario.files.map((file) => ({
      file,
      sql: readFile(join(repoRoot, 'ksql', file), 'utf8'),
    }))
    if (scenario.join === true)
      statements.push({ file: 'join', sql: Promise.resolve(enrichmentStatements(users)) })
    for (const { file, sql: text } of statements) {
      const sql = (await text).replaceAll("KAFKA_TOPIC='transaction_log'", `KAFKA_TOPIC='${raw}'`)
      const response = await fetch(`${url}/ksql`, {
        method: 'POST',
        body: JSON.stringify({
          ksql: sql,
          streamsProperties: {
            'auto.offset.reset': 'earliest',
            'ksql.output.topic.name.prefix': prefix,
            ...scenario.properties,
          },
        }),
      })
      if (!response.ok) throw new Error(`${file} failed on the server: ${await response.text()}`)
    }
    const pid = server.pid as number
    const group = `_confluent-ksql-${serviceId}query_dip_bridge`
    const cpuAtStart = procCpuSeconds(pid)
    const started = process.hrtime.bigint()
    const producing = produceAll(ports, raw, values)
    let rssAtHalf: number | null = null
    let committed = 0
    while (committed < values.length) {
      await sleep(100)
      if (server.exitCode !== null) throw new Error(`the server exited: ${String((await server).stderr)}`)
      committed = await committedOffsets(ports, group, raw)
      if (rssAtHalf === null && committed >= values.length / 2) rssAtHalf = procStatusMb(pid, 'VmRSS')
    }
    const finished = process.hrtime.bigint()
    await producing
    const cpuAtEnd = procCpuSeconds(pid)
    const rssAtEnd = procStatusMb(pid, 'VmRSS')
    const peak = procStatusMb(pid, 'VmHWM')
    const outputs = await outputTopics(ports, prefix)
    created.push(...outputs)
    const seconds = Number(finished - started) / 1e9
    row = {
      scenario: scenario.name,
      label: scenario.label,
      events: values.length,
      seconds: round2(seconds),
      eventsPerSecond: Math.round(values.length / seconds),
      outputRecords: await recordCount(ports, outputs),
      ratioToPassThrough: null,
      ratioToFastClientPassThrough: null,
      serverPeakRssMb: peak,
      serverRssMbAtHalf: rssAtHalf,
      serverRssMbAtEnd: rssAtEnd,
      serverCpuSeconds: cpuAtStart === null || cpuAtEnd === null ? null : round2(cpuAtEnd - cpuAtStart),
    }
  } finally {
    server.kill('SIGTERM')
    stderr = String((await server).stderr)
  }
  return { ...row, transactionRetries: stderr.match(/Kafka transaction failed/g)?.length ?? 0 }
}

function printTable(result: EngineKafkaBenchResult): void {
  const header = [
    '',
    'events/s',
    'ratio',
    'vs same client',
    'server peak RSS MB',
    'RSS at ½ → end MB',
    'server CPU s',
    'output records',
    'tx retries',
  ]
  const rows = result.rows.map((r) => [
    r.label,
    String(r.eventsPerSecond),
    r.ratioToPassThrough === null ? '' : `${r.ratioToPassThrough}×`,
    r.ratioToFastClientPassThrough === null ? '' : `${r.ratioToFastClientPassThrough}×`,
    r.serverPeakRssMb === null ? '' : String(r.serverPeakRssMb),
    r.serverRssMbAtHalf === null ? '' : `${r.serverRssMbAtHalf} → ${r.serverRssMbAtEnd ?? '?'}`,
    r.serverCpuSeconds === null ? '' : String(r.serverCpuSeconds),
    String(r.outputRecords),
    r.transactionRetries === null ? '' : String(r.transactionRetries),
  ])
  for (const line of tableLines(header, rows, (i) => i >= 1)) log(line)
  log(
    `${result.events} events, ${result.recordBytes} B/event, ${result.partitions} partition(s); baseline: ` +
      `${result.baseline}; goal ≥ 0.5×; load average ${result.machine.loadAverageBefore.join(' ')} → ` +
      `${result.machine.loadAverageAfter.join(' ')} on ${result.machine.cpus} CPUs`,
  )
}
