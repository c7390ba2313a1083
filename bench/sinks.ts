/**
 * `npm run bench -- sinks [--events 200000] [--partitions 3]`: on the running stack (`dip up`),
 * produces lab events with `dip produce`, sinks them with `dip consume lake --batch` (JSON Lines
 * and Parquet) and `dip consume warehouse --batch` (bench/warehouse.ts), and measures the references
 * in the same run: Kafka's own ProducerPerformance / ConsumerPerformance (kafka-tools jars of the
 * provisioned runtime) with the same record size and partitions, and a raw mysql2 multi-row upsert
 * of the rows the warehouse sink wrote. Prints a table with records/s and the peak RSS of each dip
 * process (GNU time, when installed); bench/run.ts writes the JSON.
 *
 * Extension point: other sinks add an entry to SINK_BENCH_EXTENSIONS; each gets the produced topic
 * and returns its own figures, which land in the same table and JSON.
 */
import { randomUUID } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { homedir, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { execa } from 'execa'
import { loadConfig } from '../src/config/load-config.ts'
import { createKafkaPorts } from '../src/kafka/kafkajs-client.ts'
import { benchWarehouse } from './warehouse.ts'
import { intFlag, round2, tableLines } from './bench-args.ts'

export interface SinkBenchContext {
  /** Topic holding `events` lab transactions, produced by `dip produce`. */
  readonly topic: string
  readonly events: number
  readonly partitions: number
  readonly recordBytes: number
  readonly log: (line: string) => void
}

export interface SinkBenchRow {
  readonly name: string
  readonly recordsPerSecond: number | null
  readonly peakRssMb: number | null
  readonly note?: string
}

export interface SinkBenchExtension {
  readonly name: string
  run(
    context: SinkBenchContext,
  ): Promise<{ readonly rows: readonly SinkBenchRow[]; readonly details?: unknown }>
}

/** Add other sinks' benchmarks here (one import + one entry). */
export const SINK_BENCH_EXTENSIONS: SinkBenchExtension[] = [
  {
    // The produced lab events, read as a table keyed by transaction_id (one row each), next to a
    // raw mysql2 upsert of the rows the sink wrote.
    name: 'warehouse',
    async run(context) {
      const result = await benchWarehouse({ topic: context.topic, events: context.events, log: context.log })
      return {
        rows: [
          {
            name: 'dip consume warehouse --batch',
            recordsPerSecond: result.sinkRecordsPerSecond,
            peakRssMb: result.sinkPeakRssMb,
            note: `Beam direct runner; ${result.rows} rows x ${result.columns} columns; ${result.sinkProcessRecordsPerSecond}/s spawn to exit; ${stageNote(result.stages)}`,
          },
          {
            name: 'dip consume warehouse --batch --runner flink',
            recordsPerSecond: result.flinkRecordsPerSecond,
            peakRssMb: result.flinkPeakRssMb,
            note: `Beam Flink runner ([local]), job server start included; peak RSS is dip's, not the JVM's; ${stageNote(result.flinkStages)}`,
          },
          {
            name: 'dip consume warehouse --batch --runner dip',
            recordsPerSecond: result.loopRecordsPerSecond,
            peakRssMb: result.loopPeakRssMb,
            note: "dip's own loop without Beam, same rows",
          },
          {
            name: 'raw mysql2 multi-row upsert',
            recordsPerSecond: result.rawUpsertRowsPerSecond,
            peakRssMb: null,
            note: 'the same rows in topic order, 1,000 a statement',
          },
          {
            name: 'raw upsert, rows sorted by key',
            recordsPerSecond: result.rawSortedUpsertRowsPerSecond,
            peakRssMb: null,
            note: 'for comparison, not the reference: sorted keys append to the index',
          },
        ],
        details: result,
      }
    },
  },
]

export interface SinksBenchResult {
  readonly suite: 'sinks'
  readonly at: string
  readonly events: number
  readonly partitions: number
  readonly recordBytes: number
  readonly rows: readonly SinkBenchRow[]
  readonly ratios: {
    readonly produceVsProducerPerformance: number | null
    readonly lakeJsonlVsConsumerPerformance: number | null
    readonly warehouseVsRawUpsert: number | null
    /** The Beam pipeline (direct runner) / dip's own loop, same batch, same run (goal ≥ 0.5). */
    readonly lakeBeamVsDipLoop: number | null
    readonly warehouseBeamVsDipLoop: number | null
    /** The same pipeline on Flink (`--runner flink`, embedded Flink) / dip's own loop. */
    readonly lakeFlinkVsDipLoop: number | null
    readonly warehouseFlinkVsDipLoop: number | null
  }
  readonly goals: { readonly produce: 0.5; readonly lakeJsonl: 0.5; readonly warehouse: 0.5 }
  readonly extensions: Readonly<Record<string, unknown>>
}

const repoRoot = resolve(import.meta.dirname, '..')
const log = (line: string) => void process.stderr.write(`${line}\n`)

export async function runBench(args: readonly string[]): Promise<SinksBenchResult> {
  const events = intFlag(args, '--events', 200_000)
  const partitions = intFlag(args, '--partitions', 3)
  const loaded = loadConfig()
  const { config } = loaded
  const brokers = config.kafka.brokers.join(',')
  const id = randomUUID().slice(0, 8)
  const topic = `bench_lab_${id}`
  const ppTopic = `bench_pp_${id}`
  const libs = join(homedir(), '.cache', 'dip', `kafka-${config.kafka.version}`, 'libs')
  const kafka = createKafkaPorts({ brokers: config.kafka.brokers, clientId: 'dip-bench' })
  const admin = kafka.admin()
  const rows: SinkBenchRow[] = []
  const lakes: string[] = []
  const extensions: Record<string, unknown> = {}
  try {
    log(`sinks bench: ${events} events, ${partitions} partitions, brokers ${brokers}`)
    const produced = await timed([
      'produce',
      '--count',
      String(events),
      '--topic',
      topic,
      '--partitions',
      String(partitions),
      // Keyed, so the warehouse can read the events as a table with one row per transaction.
      '--key',
      'transaction_id',
      '--json',
    ])
    const summary = produced.json as { records: number; bytes: number; recordsPerSecond: number }
    const recordBytes = Math.round(summary.bytes / summary.records)
    rows.push({
      name: 'dip produce',
      recordsPerSecond: summary.recordsPerSecond,
      peakRssMb: produced.peakRssMb,
    })
    log(`  dip produce: ${summary.recordsPerSecond} records/s (${recordBytes} B/record)`)

    let producerPerf: number | null = null
    let consumerPerf: number | null = null
    if (existsSync(libs)) {
      await admin.createTopics([{ name: ppTopic, partitions }])
      producerPerf = await producerPerformance(libs, brokers, ppTopic, summary.records, recordBytes)
      rows.push({
        name: 'Kafka ProducerPerformance',
        recordsPerSecond: producerPerf,
        peakRssMb: null,
        note: 'acks=all, idempotent',
      })
      log(`  ProducerPerformance: ${producerPerf} records/s`)
    } else
      log(
        `  Kafka tools not found under ${libs}: run \`dip setup\`; skipping ProducerPerformance/ConsumerPerformance`,
      )

    // The Beam pipeline (the default runner) in both formats, and dip's own loop (--runner dip)
    // on JSON Lines in the same run for the comparison.
    const lakeRuns = [
      { format: 'jsonl', runner: 'direct' },
      { format: 'parquet', runner: 'direct' },
      { format: 'jsonl', runner: 'dip' },
      // The same pipeline on Apache Flink (the job server's embedded Flink, started for the run).
      { format: 'jsonl', runner: 'flink' },
    ] as const
    for (const { format, runner } of lakeRuns) {
      const lake = await mkdtemp(join(tmpdir(), `dip-bench-lake-${format}-`))
      lakes.push(lake)
      const sunk = await timed(
        [
          'consume',
          'lake',
          '--batch',
          '--json',
          '--no-commit',
          '--topics',
          topic,
          '--format',
          format,
          '--lake-root',
          lake,
          '--runner',
          runner,
        ],
        { DIP_KSQL_URL: 'http://127.0.0.1:9' },
      )
      const lakeSummary = sunk.json as {
        records: number
        seconds: number
        stages?: readonly { stage: string; seconds: number }[]
      }
      const rate = Math.round(lakeSummary.records / Math.max(lakeSummary.seconds, 0.001))
      rows.push({
        name:
          runner === 'direct'
            ? `dip consume lake --batch (${format})`
            : `dip consume lake --batch --runner ${runner} (${format})`,
        recordsPerSecond: rate,
        peakRssMb: sunk.peakRssMb,
        note:
          `${lakeSummary.records} records in ${lakeSummary.seconds} s, incl. group join` +
          (lakeSummary.stages === undefined
            ? "; dip's own loop without Beam"
            : runner === 'flink'
              ? `; Beam Flink runner ([local]), job server start included; peak RSS is dip's, not the JVM's; ${stageNote(lakeSummary.stages)}`
              : `; Beam direct runner; ${stageNote(lakeSummary.stages)}`),
      })
      log(`  lake ${format} (${runner}): ${rate} records/s`)
    }

    if (existsSync(libs)) {
      consumerPerf = await consumerPerformance(libs, brokers, topic, summary.records, `bench-cp-${id}`)
      rows.push({
        name: 'Kafka ConsumerPerformance',
        recordsPerSecond: consumerPerf,
        peakRssMb: null,
        note: 'nMsg.sec, incl. group join',
      })
      log(`  ConsumerPerformance: ${consumerPerf} records/s`)
    }

    const context: SinkBenchContext = { topic, events: summary.records, partitions, recordBytes, log }
    for (const extension of SINK_BENCH_EXTENSIONS) {
      const result = await extension.run(context)
      rows.push(...result.rows)
      extensions[extension.name] = result.details ?? null
    }

    const rateOf = (name: string) => rows.find((r) => r.name === name)?.recordsPerSecond ?? null
    const jsonl = rateOf('dip consume lake --batch (jsonl)')
    const jsonlLoop = rateOf('dip consume lake --batch --runner dip (jsonl)')
    const warehouseLoop = rateOf('dip consume warehouse --batch --runner dip')
    const warehouse = rateOf('dip consume warehouse --batch')
    const jsonlFlink = rateOf('dip consume lake --batch --runner flink (jsonl)')
    const warehouseFlink = rateOf('dip consume warehouse --batch --runner flink')
    const rawUpsert = rateOf('raw mysql2 multi-row upsert')
    const result: SinksBenchResult = {
      suite: 'sinks',
      at: new Date().toISOString(),
      events: summary.records,
      partitions,
      recordBytes,
      rows,
      ratios: {
        produceVsProducerPerformance:
          producerPerf === null ? null : round2(summary.recordsPerSecond / producerPerf),
        lakeJsonlVsConsumerPerformance:
          consumerPerf === null || jsonl === null ? null : round2(jsonl / consumerPerf),
        warehouseVsRawUpsert: warehouse === null || rawUpsert === null ? null : round2(warehouse / rawUpsert),
        lakeBeamVsDipLoop: jsonl === null || jsonlLoop === null ? null : round2(jsonl / jsonlLoop),
        warehouseBeamVsDipLoop:
          warehouse === null || warehouseLoop === null ? null : round2(warehouse / warehouseLoop),
        lakeFlinkVsDipLoop: jsonlFlink === null || jsonlLoop === null ? null : round2(jsonlFlink / jsonlLoop),
        warehouseFlinkVsDipLoop:
          warehouseFlink === null || warehouseLoop === null ? null : round2(warehouseFlink / warehouseLoop),
      },
      goals: { produce: 0.5, lakeJsonl: 0.5, warehouse: 0.5 },
      extensions,
    }
    printTable(result)
    return result
  } finally {
    await admin.deleteTopics([topic, ppTopic]).catch(() => undefined)
    await admin.close()
    for (const lake of lakes) await rm(lake, { recursive: true, force: true })
  }
}

/** Runs the built CLI under GNU time (when present) to read its peak RSS. */
async function timed(args: readonly string[], env: Record<string, string> = {}) {
  const rssFile = join(tmpdir(), `dip-bench-rss-${randomUUID().slice(0, 8)}`)
  const gnuTime = existsSync('/usr/bin/time')
  const command = gnuTime ? '/usr/bin/time' : 'node'
  const argv = gnuTime ? ['-f', '%M', '-o', rssFile, 'node', 'bin/dip.js', ...args] : ['bin/dip.js', ...args]
  const result = await execa(command, argv, { cwd: repoRoot, env: { ...env, NO_COLOR: '1' }, reject: false })
  if (result.exitCode !== 0) throw new Error(`dip ${args.join(' ')} failed:\n${String(result.stderr)}`)
  let peakRssMb: number | null = null
  if (gnuTime) {
    const kb = Number((await readFile(rssFile, 'utf8')).trim().split('\n').at(-1))
    peakRssMb = Number.isFinite(kb) ? Math.round(kb / 1024) : null
    await rm(rssFile, { force: true })
  }
  return { json: JSON.parse(String(result.stdout)) as unknown, peakRssMb }
}

async function producerPerformance(
  libs: string,
  brokers: string,
  topic: string,
  records: number,
  size: number,
): Promise<number> {
  const { stdout } = await execa('java', [
    '-cp',
    `${libs}/*`,
    'org.apache.kafka.tools.ProducerPerformance',
    '--topic',
    topic,
    '--num-records',
    String(records),
    '--record-size',
    String(size),
    '--throughput',
    '-1',
    '--producer-props',
    `bootstrap.servers=${brokers}`,
    'acks=all',
    'enable.idempotence=true',
  ])
  const last = String(stdout).trim().split('\n').at(-1) ?? ''
  const match = /records sent, ([\d.]+) records\/sec/.exec(last)
  if (match === null) throw new Error(`unexpected ProducerPerformance output: ${last}`)
  return Math.round(Number(match[1]))
}

async function consumerPerformance(
  libs: string,
  brokers: string,
  topic: string,
  records: number,
  group: string,
): Promise<number> {
  const { stdout } = await execa('java', [
    '-cp',
    `${libs}/*`,
    'org.apache.kafka.tools.ConsumerPerformance',
    '--bootstrap-server',
    brokers,
    '--topic',
    topic,
    '--num-records',
    String(records),
    '--group',
    group,
    '--timeout',
    '120000',
  ])
  // CSV: start.time, end.time, MB, MB.sec, nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec
  const last = String(stdout).trim().split('\n').at(-1) ?? ''
  const value = Number(last.split(',')[5])
  if (!Number.isFinite(value)) throw new Error(`unexpected ConsumerPerformance output: ${last}`)
  return Math.round(value)
}

function printTable(result: SinksBenchResult): void {
  const header = ['', 'records/s', 'peak RSS MB', 'note']
  const rows = result.rows.map((r) => [
    r.name,
    String(r.recordsPerSecond ?? '-'),
    String(r.peakRssMb ?? '-'),
    r.note ?? '',
  ])
  for (const line of tableLines(header, rows, (i) => i === 1 || i === 2)) log(line)
  log(
    `produce / ProducerPerformance = ${result.ratios.produceVsProducerPerformance ?? '-'} (goal ≥ 0.5); ` +
      `lake JSONL / ConsumerPerformance = ${result.ratios.lakeJsonlVsConsumerPerformance ?? '-'} (goal ≥ 0.5); ` +
      `warehouse / raw upsert = ${result.ratios.warehouseVsRawUpsert ?? '-'} (goal ≥ 0.5); ` +
      `Beam / dip loop: lake ${result.ratios.lakeBeamVsDipLoop ?? '-'}, warehouse ${result.ratios.warehouseBeamVsDipLoop ?? '-'} (goal ≥ 0.5); ` +
      `Beam on Flink / dip loop: lake ${result.ratios.lakeFlinkVsDipLoop ?? '-'}, warehouse ${result.ratios.warehouseFlinkVsDipLoop ?? '-'}`,
  )
}

/** "ReadKafka 1.2 s, DecodeValidate 0.3 s, …": where a Beam pipeline's time went. */
function stageNote(stages: readonly { readonly stage: string; readonly seconds: number }[]): string {
  return stages.map((s) => `${s.stage} ${s.seconds} s`).join(', ')
}
