/**
 * `npm run bench -- engine [--events 1000000] [--rounds 1] [--pool 100000] [--chunk 10000]`: throughput of the
 * embedded ksqlDB engine (in-memory topics, no broker) on lab events, with each scenario in a fresh
 * child process so its peak RSS is its own.
 *
 * Scenarios (statements from ksql/, executed as the lab applies them):
 *   lab chain        V000004 transactions_full → V000005 flatten → V000006 anonymise, V000007 convert to
 *                    USD, V000008 filter (blacklisted / allowed): five persistent queries per event
 *   hopping          V000001 transactions_basic → V000013 5-min hopping SUM/COUNT per type, advance 1 min
 *   stream-table join  V000004 transactions_full LEFT JOIN a users table on user_id (bench/join-scenario.ts;
 *                    the users are produced before the timed events), against the full-schema pass-through
 *   pass-through     the baseline: the same source stream through the same engine path with a trivial
 *                    `CREATE STREAM … AS SELECT * FROM <source>` (full schema for the chain, basic for
 *                    hopping), so decode + encode + topic append are in it and only the lab SQL is not.
                    Its source is external bytes, so it gets none of the engine's sharing between
                    chained queries (a query reading another's output takes the values that query
                    wrote; a sink given the values its layout wrote last reuses those bytes): those
                    count for the lab chain, whose queries do read each other's output
 *   append only      reference: produce() with no query at all (topic append only)
 *
 * Input: a pool of lab events from the seeded generator (`transactionRecords`, seed 42, no key as
 * `dip produce`'s default) is generated once and serialized to Buffers before any timing; events cycle
 * through the pool, and record time is the original producer's send time (epoch + i × 200 ms), so
 * hopping windows advance as in the lab. Only the produce() calls are timed, in wall time
 * (process.hrtime.bigint) and in CPU time of the process (process.cpuUsage, all threads: GC included),
 * which the other load of a shared machine disturbs less; ratios are given for both. The engine runs
 * with `retainRecords: 0` (its topics keep no records, as a server with retention would; the queries
 * still see every record) and sink records are counted from the topics' end offsets.
 *
 * `--rounds N` runs every scenario N times, round-robin, and reports the medians (each round's figures
 * are in the JSON): on a shared machine single runs of the same code differ by a third.
 *
 * Engine build: `--engine dist` (default) loads the compiled engine that `dip` runs (dist/, from
 * `npm run build`); `--engine src` loads the TypeScript sources through tsx, whose transform (a name
 * helper on every function created per record) makes the engine about half as fast.
 */
import { existsSync, readFileSync } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { cpus, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { execa } from 'execa'
import type { createEngine as CreateEngine } from '../src/ksql-engine/index.ts'
import { LAB_EPOCH_MS } from '../src/produce/generate-transactions.ts'
import { transactionRecords } from '../src/produce/transaction-records.ts'
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
  JOIN_SCENARIO_LABEL,
  JOIN_SCENARIO_NAME,
  enrichmentStatements,
  userRecords,
} from './join-scenario.ts'

const SOURCE_TOPIC = 'transaction_log'
const USERS_TOPIC = 'bench_users'
const ENGINE_ENTRIES = { dist: '../dist/ksql-engine/index.js', src: '../src/ksql-engine/index.ts' } as const
type EngineBuild = keyof typeof ENGINE_ENTRIES
const SEND_INTERVAL_MS = 200
const repoRoot = resolve(import.meta.dirname, '..')
const log = (line: string) => void process.stderr.write(`${line}\n`)

interface Scenario {
  readonly name: string
  readonly label: string
  /** Files of ksql/ executed in order, then `extra` statements. */
  readonly files: readonly string[]
  readonly extra?: string
  readonly baseline?: string
  /** Fill the join scenario's users topic (untimed) after the statements ran. */
  readonly users?: boolean
}

const PASS_THROUGH = (source: string) =>
  `SET 'auto.offset.reset'='earliest'; CREATE STREAM bench_pass_through AS SELECT * FROM ${source} EMIT CHANGES;`

const SCENARIOS: readonly Scenario[] = [
  { name: 'append-only', label: 'append only (no query)', files: [] },
  {
    name: 'pass-through-full',
    label: 'pass-through SELECT * (full schema)',
    files: ['V000004__transactions_full.sql'],
    extra: PASS_THROUGH('transactions_full'),
  },
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
    baseline: 'pass-through-full',
  },
  {
    name: JOIN_SCENARIO_NAME,
    label: JOIN_SCENARIO_LABEL,
    files: ['V000004__transactions_full.sql'],
    extra: enrichmentStatements(USERS_TOPIC),
    baseline: 'pass-through-full',
    users: true,
  },
  {
    name: 'pass-through-basic',
    label: 'pass-through SELECT * (basic schema)',
    files: ['V000001__transactions_stream.sql'],
    extra: PASS_THROUGH('transactions_basic'),
  },
  {
    name: 'hopping',
    label: 'hopping 5 min / 1 min SUM+COUNT by type',
    files: ['V000001__transactions_stream.sql', 'V000013__sliding_amount_per_type.sql'],
    baseline: 'pass-through-basic',
  },
]

export interface ScenarioResult {
  readonly scenario: string
  readonly events: number
  readonly seconds: number
  readonly eventsPerSecond: number
  /** CPU time (user + system, all threads) of the timed produce() calls. */
  readonly cpuSeconds: number
  readonly eventsPerCpuSecond: number
  /** Records appended to the queries' sink topics (sanity check that the SQL ran). */
  readonly sinkRecords: number
  readonly processingLogEntries: number
  readonly queries: number
  readonly peakRssMb: number
  readonly peakRssSource: 'VmHWM' | 'sampled rss'
}

export interface EngineBenchRow extends ScenarioResult {
  readonly label: string
  readonly baseline: string | null
  readonly ratioToBaseline: number | null
  readonly cpuRatioToBaseline: number | null
  /** Each round's figures; the row's own are their medians (peak RSS: the highest). */
  readonly rounds: readonly { eventsPerSecond: number; eventsPerCpuSecond: number; peakRssMb: number }[]
}

export interface EngineBenchResult {
  readonly suite: 'engine'
  readonly at: string
  readonly events: number
  readonly poolSize: number
  readonly chunk: number
  readonly rounds: number
  readonly recordBytes: number
  readonly engine: EngineBuild
  readonly baseline: string
  readonly machine: MachineFacts
  readonly rows: readonly EngineBenchRow[]
  readonly goal: { readonly ratioToPassThrough: 0.5 }
}

export async function runBench(args: readonly string[]): Promise<EngineBenchResult> {
  const events = intFlag(args, '--events', 1_000_000)
  const poolSize = Math.min(events, intFlag(args, '--pool', 100_000))
  const chunk = intFlag(args, '--chunk', 10_000)
  const rounds = intFlag(args, '--rounds', 1)
  const engine = engineFlag(args)
  if (engine === 'dist' && !existsSync(new URL(ENGINE_ENTRIES.dist, import.meta.url)))
    throw new Error('dist/ksql-engine/index.js not found: run `npm run build` first (or pass --engine src)')
  const dir = await mkdtemp(join(tmpdir(), 'dip-bench-engine-'))
  try {
    const poolFile = join(dir, 'pool.ndjson')
    log(
      `engine bench: ${events} events (pool of ${poolSize} generated lab events), chunks of ${chunk}, ` +
        `engine from ${engine}`,
    )
    const recordBytes = await writePool(poolFile, poolSize)
    const loadAverageBefore = loadAverage()
    log(`  load average ${loadAverageBefore.join(' ')} on ${cpus().length} CPUs`)
    const runs = new Map<string, ScenarioResult[]>(SCENARIOS.map((sc) => [sc.name, []]))
    // Rounds go through every scenario in turn, so a spell of load from elsewhere hits all of them.
    for (let round = 1; round <= rounds; round++)
      for (const scenario of SCENARIOS) {
        const { stdout } = await execa(
          process.execPath,
          [
            '--import',
            'tsx',
            fileURLToPath(import.meta.url),
            '--scenario',
            scenario.name,
            '--events',
            String(events),
            '--chunk',
            String(chunk),
            '--pool-file',
            poolFile,
            '--engine',
            engine,
          ],
          { cwd: repoRoot, stderr: 'inherit' },
        )
        const result = JSON.parse(String(stdout)) as ScenarioResult
        runs.get(scenario.name)?.push(result)
        log(
          `  ${rounds > 1 ? `round ${round}: ` : ''}${scenario.label}: ${result.eventsPerSecond} events/s ` +
            `(${result.eventsPerCpuSecond} per CPU second), peak RSS ${result.peakRssMb} MB`,
        )
      }
    const results = new Map([...runs].map(([name, list]) => [name, medianResult(list)]))
    const rows = SCENARIOS.map((scenario): EngineBenchRow => {
      const result = results.get(scenario.name) as ScenarioResult
      const base = scenario.baseline === undefined ? undefined : results.get(scenario.baseline)
      return {
        ...result,
        rounds: (runs.get(scenario.name) ?? []).map((r) => ({
          eventsPerSecond: r.eventsPerSecond,
          eventsPerCpuSecond: r.eventsPerCpuSecond,
          peakRssMb: r.peakRssMb,
        })),
        label: scenario.label,
        baseline: scenario.baseline ?? null,
        ratioToBaseline: base === undefined ? null : round2(result.eventsPerSecond / base.eventsPerSecond),
        cpuRatioToBaseline:
          base === undefined ? null : round2(result.eventsPerCpuSecond / base.eventsPerCpuSecond),
      }
    })
    const result: EngineBenchResult = {
      suite: 'engine',
      at: new Date().toISOString(),
      events,
      poolSize,
      chunk,
      rounds,
      recordBytes,
      engine,
      baseline:
        'same engine, same source stream, trivial CREATE STREAM bench_pass_through AS SELECT * FROM <source>',
      machine: machineFacts(loadAverageBefore),
      rows,
      goal: { ratioToPassThrough: 0.5 },
    }
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`)
    printTable(result)
    return result
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/** Generates the event pool with the produce path's own seeded generator; returns the mean record size. */
async function writePool(file: string, size: number): Promise<number> {
  const values: string[] = []
  const plan = {
    topic: SOURCE_TOPIC,
    count: size,
    seed: 42,
    key: 'none',
    lifecycle: false,
    eventTime: false,
  } as const
  for (const records of transactionRecords(plan))
    for (const record of records) values.push(String(record.value))
  await writeFile(file, `${values.join('\n')}\n`)
  return Math.round(values.reduce((sum, v) => sum + Buffer.byteLength(v), 0) / Math.max(values.length, 1))
}

/** One scenario in this (fresh) process: setup, then timed produce() calls chunk by chunk. */
async function runScenario(
  name: string,
  events: number,
  chunk: number,
  poolFile: string,
  build: EngineBuild,
): Promise<void> {
  const scenario = SCENARIOS.find((s) => s.name === name)
  if (scenario === undefined) throw new Error(`unknown scenario ${name}`)
  const pool = splitLines(await readFile(poolFile))

  const entry = new URL(ENGINE_ENTRIES[build], import.meta.url).href
  const { createEngine } = (await import(entry)) as { createEngine: typeof CreateEngine }
  // No records kept: the bench needs the queries' work, not the topics' history, in bounded memory.
  const engine = createEngine({ retainRecords: 0 })
  engine.createTopic(SOURCE_TOPIC, 1)
  if (scenario.users === true) engine.createTopic(USERS_TOPIC, 1)
  for (const file of scenario.files) engine.execute(readFileSync(join(repoRoot, 'ksql', file), 'utf8'))
  if (scenario.extra !== undefined) engine.execute(scenario.extra)
  // The topics keep no records: the table side is produced once its query exists.
  if (scenario.users === true)
    for (const user of userRecords(pool))
      engine.produce({
        topic: USERS_TOPIC,
        key: Buffer.from(user.key),
        value: Buffer.from(user.value),
        timestamp: 0,
      })

  let elapsed = 0n
  let cpuMicros = 0
  let sampledRss = process.memoryUsage().rss
  for (let start = 0; start < events; start += chunk) {
    const end = Math.min(start + chunk, events)
    const cpu0 = process.cpuUsage()
    const t0 = process.hrtime.bigint()
    for (let i = start; i < end; i++)
      engine.produce({
        topic: SOURCE_TOPIC,
        key: null,
        value: pool[i % pool.length] as Buffer,
        timestamp: LAB_EPOCH_MS + i * SEND_INTERVAL_MS,
      })
    elapsed += process.hrtime.bigint() - t0
    const cpu = process.cpuUsage(cpu0)
    cpuMicros += cpu.user + cpu.system
    sampledRss = Math.max(sampledRss, process.memoryUsage().rss)
  }
  const seconds = Number(elapsed) / 1e9
  const cpuSeconds = cpuMicros / 1e6
  let sinkRecords = 0
  for (const topic of engine.topics())
    if (topic !== SOURCE_TOPIC && topic !== USERS_TOPIC)
      for (const end of engine.endOffsets(topic)) sinkRecords += end
  const hwm = vmHwmMb()
  const result: ScenarioResult = {
    scenario: name,
    events,
    seconds: round2(seconds),
    eventsPerSecond: Math.round(events / Math.max(seconds, 1e-9)),
    cpuSeconds: round2(cpuSeconds),
    eventsPerCpuSecond: Math.round(events / Math.max(cpuSeconds, 1e-9)),
    sinkRecords,
    processingLogEntries: engine.processingLog().length,
    queries: engine.queries().length,
    peakRssMb: hwm ?? Math.round(sampledRss / 2 ** 20),
    peakRssSource: hwm === null ? 'sampled rss' : 'VmHWM',
  }
  process.stdout.write(`${JSON.stringify(result)}\n`)
}

/** Views into one buffer (no copies), so the pool adds little more than its raw bytes to the RSS. */
function splitLines(bytes: Buffer): Buffer[] {
  const lines: Buffer[] = []
  for (let start = 0; start < bytes.length;) {
    const end = bytes.indexOf(0x0a, start)
    const stop = end < 0 ? bytes.length : end
    if (stop > start) lines.push(bytes.subarray(start, stop))
    start = stop + 1
  }
  return lines
}

/** Median throughputs of a scenario's rounds (the lower middle for an even count), highest peak RSS. */
function medianResult(list: readonly ScenarioResult[]): ScenarioResult {
  const median = (pick: (r: ScenarioResult) => number): number => {
    const sorted = list.map(pick).sort((a, b) => a - b)
    return sorted[Math.floor((sorted.length - 1) / 2)] as number
  }
  const first = list[0] as ScenarioResult
  return {
    ...first,
    seconds: median((r) => r.seconds),
    eventsPerSecond: median((r) => r.eventsPerSecond),
    cpuSeconds: median((r) => r.cpuSeconds),
    eventsPerCpuSecond: median((r) => r.eventsPerCpuSecond),
    peakRssMb: Math.max(...list.map((r) => r.peakRssMb)),
  }
}

function vmHwmMb(): number | null {
  try {
    const match = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'))
    return match === null ? null : Math.round(Number(match[1]) / 1024)
  } catch {
    return null
  }
}

function printTable(result: EngineBenchResult): void {
  const header = ['', 'events/s', 'per CPU s', 'peak RSS MB', 'sink records', 'ratio', 'CPU ratio', 'vs']
  const rows = result.rows.map((r) => [
    r.label,
    String(r.eventsPerSecond),
    String(r.eventsPerCpuSecond),
    String(r.peakRssMb),
    String(r.sinkRecords),
    r.ratioToBaseline === null ? '' : `${r.ratioToBaseline}×`,
    r.cpuRatioToBaseline === null ? '' : `${r.cpuRatioToBaseline}×`,
    r.baseline ?? '',
  ])
  for (const line of tableLines(header, rows, (i) => i >= 1 && i <= 6)) log(line)
  log(
    `${result.events} events × ${result.rounds} round(s) (medians), ${result.recordBytes} B/event, engine from ${result.engine}; baseline: ${result.baseline}; goal ≥ 0.5×; ` +
      `load average ${result.machine.loadAverageBefore.join(' ')} → ${result.machine.loadAverageAfter.join(' ')} ` +
      `on ${result.machine.cpus} CPUs`,
  )
}

function engineFlag(args: readonly string[]): EngineBuild {
  const value = stringFlag(args, '--engine') ?? 'dist'
  if (value !== 'dist' && value !== 'src') throw new Error('--engine needs dist or src')
  return value
}

// Child mode: `node --import tsx bench/engine.ts --scenario <name> …` (spawned by runBench).
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2)
  const scenario = stringFlag(args, '--scenario')
  const poolFile = stringFlag(args, '--pool-file')
  if (scenario === undefined || poolFile === undefined)
    throw new Error('child mode needs --scenario and --pool-file')
  await runScenario(
    scenario,
    intFlag(args, '--events', 1_000_000),
    intFlag(args, '--chunk', 10_000),
    poolFile,
    engineFlag(args),
  )
}
