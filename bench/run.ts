/**
 * `npm run bench -- <suite> [flags]`: runs one benchmark suite against the stack of the current
 * config (`dip up` first) and writes its JSON to bench/results/. Benchmarks are not tests: they
 * report figures and never fail on them.
 *
 *   npm run bench -- sinks [--events 200000]    dip produce / dip consume lake vs Kafka's perf tools
 *   npm run bench -- engine                     the embedded ksqlDB engine (bench/engine.ts)
 *   npm run bench -- engine-kafka               the engine over the real broker (bench/engine-kafka.ts)
 *   npm run bench -- kafka-clients              kafkajs (with dip's fixes) vs @platformatic/kafka
 */
import { mkdir, writeFile } from 'node:fs/promises'

/** Each suite module exports `runBench(args)` and returns what goes into its JSON file. */
const SUITES: Readonly<Record<string, string>> = {
  sinks: './sinks.ts',
  engine: './engine.ts',
  'engine-kafka': './engine-kafka.ts',
  'kafka-clients': './kafka-clients.ts',
}

interface SuiteModule {
  runBench(args: readonly string[]): Promise<unknown>
}

async function main(argv: readonly string[]): Promise<number> {
  const [suite, ...args] = argv
  const file = suite === undefined ? undefined : SUITES[suite]
  if (file === undefined) {
    process.stderr.write(`usage: npm run bench -- <${Object.keys(SUITES).join('|')}> [flags]\n`)
    return 2
  }
  let module: SuiteModule
  try {
    module = (await import(new URL(file, import.meta.url).href)) as SuiteModule
  } catch (error) {
    process.stderr.write(`bench ${suite}: cannot load ${file}: ${(error as Error).message}\n`)
    return 1
  }
  const result = await module.runBench(args)
  const dir = new URL('./results/', import.meta.url)
  await mkdir(dir, { recursive: true })
  const stamp = new Date().toISOString().replace(/[:.]/g, '-')
  const out = new URL(`${suite}-${stamp}.json`, dir)
  await writeFile(out, `${JSON.stringify(result, null, 2)}\n`)
  process.stderr.write(`results: ${out.pathname}\n`)
  return 0
}

process.exitCode = await main(process.argv.slice(2))
