import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { DEFAULT_RETRY_POLICY } from '../orchestrate/retry-policy.ts'
import { runCli } from './run-cli.ts'

/**
 * argv → options, for every subcommand: real argv arrays through the real program definition
 * (src/cli/program.ts and runCli), with each command module replaced by a recorder, so the test
 * sees exactly what a command receives; and a usage error of each command ends with exit code 2.
 */
const recorded = vi.hoisted(() => {
  const calls: { fn: string; args: unknown[] }[] = []
  const recorder =
    (fn: string) =>
    (...args: unknown[]) => {
      calls.push({ fn, args })
      return Promise.resolve(undefined)
    }
  return { calls, recorder }
})
const { recorder } = recorded

// The kafkajs fixes are tested in kafka/kafkajs-speedups.test.ts; this worker may have loaded kafkajs.
vi.mock('../app/create-deps.ts', () => ({ installKafkaClient: () => undefined }))
vi.mock('../commands/config.ts', () => ({ showConfig: recorder('showConfig') }))
vi.mock('../commands/consume-warehouse.ts', () => ({ consumeWarehouse: recorder('consumeWarehouse') }))
vi.mock('../commands/consume-lake.ts', () => ({ runConsumeLake: recorder('runConsumeLake') }))
vi.mock('../commands/db-apply.ts', () => ({ dbApply: recorder('dbApply') }))
vi.mock('../commands/access.ts', () => ({
  changeAccess: recorder('changeAccess'),
  listAccess: recorder('listAccess'),
}))
vi.mock('../commands/feed-add.ts', () => ({ feedAdd: recorder('feedAdd') }))
vi.mock('../commands/ksql-server.ts', () => ({ runKsqlServer: recorder('runKsqlServer') }))
vi.mock('../commands/ksql-apply.ts', () => ({ runKsqlApply: recorder('runKsqlApply') }))
vi.mock('../commands/ksql-status.ts', () => ({ runKsqlStatus: recorder('runKsqlStatus') }))
vi.mock('../commands/ksql-query.ts', () => ({ runKsqlQuery: recorder('runKsqlQuery') }))
vi.mock('../commands/ksql-print.ts', () => ({ runKsqlPrint: recorder('runKsqlPrint') }))
vi.mock('../commands/ksql-drop.ts', () => ({ runKsqlDrop: recorder('runKsqlDrop') }))
vi.mock('../commands/ksql-info.ts', () => ({ runKsqlInfo: recorder('runKsqlInfo') }))
vi.mock('../commands/lab.ts', () => ({ lab: recorder('lab') }))
vi.mock('../commands/lake-tools.ts', () => ({
  lakeLs: recorder('lakeLs'),
  lakeQuery: recorder('lakeQuery'),
  lakeRetain: recorder('lakeRetain'),
}))
vi.mock('../commands/orchestrate.ts', () => ({
  orchestrate: recorder('orchestrate'),
  DEFAULT_STOP_TIMEOUT_MS: 60_000,
}))
vi.mock('../commands/runs.ts', () => ({ runs: recorder('runs') }))
vi.mock('../commands/produce.ts', () => ({ runProduce: recorder('runProduce') }))
vi.mock('../commands/setup.ts', () => ({ setup: recorder('setup') }))
vi.mock('../commands/doctor.ts', () => ({ doctor: recorder('doctor') }))
vi.mock('../commands/up.ts', () => ({ up: recorder('up') }))
vi.mock('../commands/down.ts', () => ({ down: recorder('down') }))
vi.mock('../commands/status.ts', () => ({ status: recorder('status') }))
vi.mock('../commands/logs.ts', () => ({ logs: recorder('logs') }))

interface Row {
  /** The words after `dip`. */
  readonly argv: readonly string[]
  /** The command function called, and its arguments. */
  readonly fn: string
  readonly args: readonly unknown[]
  /** The same command given something it refuses: exit code 2. */
  readonly usageError: readonly string[]
}

const JSON_GLOBAL = expect.objectContaining({ json: true })
const CONFIG_GLOBAL = expect.objectContaining({ config: 'lab.yaml' })

const ROWS: readonly Row[] = [
  { argv: ['config', '--json'], fn: 'showConfig', args: [JSON_GLOBAL], usageError: ['config', 'extra'] },
  {
    argv: ['consume', 'warehouse', '--batch', '--topics', 'A, B', '--max-rows', '50', '--retry-for', '2m'],
    fn: 'consumeWarehouse',
    args: [
      {
        batch: true,
        autoCreate: false,
        topics: ['A', 'B'],
        consumer: 'warehouse',
        maxRows: 50,
        retryForMs: 120_000,
      },
      expect.anything(),
    ],
    usageError: ['consume', 'warehouse', '--consumer', 'not a name!'],
  },
  {
    argv: [
      'consume',
      'lake',
      '--batch',
      '--format',
      'parquet',
      '--max-file-mb',
      '8',
      '--no-commit',
      '--runner',
      'dip',
    ],
    fn: 'runConsumeLake',
    args: [expect.anything(), { batch: true, format: 'parquet', maxFileMb: 8, commit: false, runner: 'dip' }],
    usageError: ['consume', 'lake', '--format', 'csv'],
  },
  {
    argv: ['consume', 'lake', '--idle-flush', '10s', '--topics', 'S1', '-c', 'lab.yaml'],
    fn: 'runConsumeLake',
    args: [CONFIG_GLOBAL, { idleFlush: 10_000, topics: ['S1'], commit: true }],
    usageError: ['consume', 'lake', '--idle-flush', 'soon'],
  },
  {
    argv: ['db', 'apply', '-f', 'schema.sql', '--dry-run'],
    fn: 'dbApply',
    args: [{ file: 'schema.sql', dryRun: true }, expect.anything()],
    usageError: ['db', 'apply', '--file'],
  },
  {
    argv: ['access', 'grant', 'ana', 'tables/T', '--permission', 'write'],
    fn: 'changeAccess',
    args: [{ kind: 'grant', user: 'ana', folder: 'tables/T', permission: 'write' }, expect.anything()],
    usageError: ['access', 'grant', 'ana', '/', '--permission', 'admin'],
  },
  {
    argv: ['access', 'revoke', 'ana', '/'],
    fn: 'changeAccess',
    args: [{ kind: 'revoke', user: 'ana', folder: '/' }, expect.anything()],
    usageError: ['access', 'revoke', 'ana'],
  },
  {
    argv: ['access', 'ls', '--user', 'ana'],
    fn: 'listAccess',
    args: [{ user: 'ana' }, expect.anything()],
    usageError: ['access', 'ls', '--nope'],
  },
  {
    argv: ['feed', 'add', 'orders', '--kind', 'table', '--warehouse-table', 'orders_t'],
    fn: 'feedAdd',
    args: [{ topic: 'orders', kind: 'table', warehouseTable: 'orders_t' }, expect.anything()],
    usageError: ['feed', 'add', 'orders', '--kind', 'stream', '--warehouse-table', 'orders_t'],
  },
  {
    argv: ['ksql', 'server', '--port', '18088', '--in-memory'],
    fn: 'runKsqlServer',
    args: [expect.anything(), { port: 18088, host: '127.0.0.1', serviceId: 'default_', inMemory: true }],
    usageError: ['ksql', 'server', '--port', '70000'],
  },
  {
    argv: ['ksql', 'apply', 'migrations', '--define', 'topic=t', '--dry-run'],
    fn: 'runKsqlApply',
    args: [expect.anything(), { dir: 'migrations', define: { topic: 't' }, dryRun: true }],
    usageError: ['ksql', 'apply', '--define', 'no-value'],
  },
  {
    argv: ['ksql', 'status', '--json'],
    fn: 'runKsqlStatus',
    args: [JSON_GLOBAL],
    usageError: ['ksql', 'status', '--nope'],
  },
  {
    argv: ['ksql', 'query', 'SELECT * FROM T;', '--earliest'],
    fn: 'runKsqlQuery',
    args: [expect.anything(), { sql: 'SELECT * FROM T;', earliest: true }],
    usageError: ['ksql', 'query'],
  },
  {
    argv: ['ksql', 'print', 'transaction_log', '--from-beginning', '--limit', '3'],
    fn: 'runKsqlPrint',
    args: [expect.anything(), { topic: 'transaction_log', fromBeginning: true, interval: 1, limit: 3 }],
    usageError: ['ksql', 'print', 'transaction_log', '--limit', '0'],
  },
  {
    argv: ['ksql', 'drop', 'A', 'B', '--delete-topics'],
    fn: 'runKsqlDrop',
    args: [expect.anything(), { names: ['A', 'B'], all: false, deleteTopics: true }],
    usageError: ['ksql', 'drop', '--nope'],
  },
  { argv: ['ksql', 'info'], fn: 'runKsqlInfo', args: [expect.anything()], usageError: ['ksql', 'info', 'x'] },
  {
    argv: ['lab', '--count', '200', '--seed', '7', '--stream', '--duration', '30s'],
    fn: 'lab',
    args: [{ count: 200, seed: 7, streamMs: 30_000 }, expect.anything()],
    usageError: ['lab', '--duration', '30s'],
  },
  {
    argv: ['lab', '--reset', '--skip-doctor'],
    fn: 'lab',
    args: [{ reset: true, skipDoctor: true }, expect.anything()],
    usageError: ['lab', '--count', '0'],
  },
  { argv: ['lake', 'ls'], fn: 'lakeLs', args: [expect.anything()], usageError: ['lake', 'ls', '--nope'] },
  {
    argv: ['lake', 'query', 'SELECT count(*) FROM transaction_log'],
    fn: 'lakeQuery',
    args: ['SELECT count(*) FROM transaction_log', expect.anything()],
    usageError: ['lake', 'query'],
  },
  {
    argv: ['lake', 'retain', '--days', '7', '--feed', 'a,b', '--dry-run'],
    fn: 'lakeRetain',
    args: [{ days: 7, dryRun: true, feeds: ['a', 'b'] }, expect.anything()],
    usageError: ['lake', 'retain', '--dry-run'],
  },
  {
    argv: ['orchestrate', '--every', '30s', '--jobs', 'lake', '--once', '--retries', '0'],
    fn: 'orchestrate',
    args: [
      {
        schedule: { kind: 'every', ms: 30_000, text: '30s' },
        jobs: ['lake'],
        once: true,
        retry: { ...DEFAULT_RETRY_POLICY, retries: 0 },
        stopTimeoutMs: 60_000,
      },
      expect.anything(),
    ],
    usageError: ['orchestrate', '--every', '10m', '--cron', '*/10 * * * *'],
  },
  {
    argv: ['orchestrate', '--once', '--runner', 'flink', '--flink-master', 'flink-jm:8081'],
    fn: 'orchestrate',
    args: [
      {
        schedule: { kind: 'every', ms: 600_000, text: '10m' },
        jobs: ['lake', 'warehouse'],
        once: true,
        retry: DEFAULT_RETRY_POLICY,
        stopTimeoutMs: 60_000,
        runner: 'flink',
        flinkMaster: 'flink-jm:8081',
      },
      expect.anything(),
    ],
    usageError: ['orchestrate', '--once', '--runner', 'spark'],
  },
  {
    argv: ['consume', 'warehouse', '--batch', '--runner', 'flink', '--flink-master', '[local]'],
    fn: 'consumeWarehouse',
    args: [
      {
        batch: true,
        autoCreate: false,
        consumer: 'warehouse',
        runner: 'flink',
        flinkMaster: '[local]',
      },
      expect.anything(),
    ],
    usageError: ['consume', 'warehouse', '--batch', '--runner', 'beam'],
  },
  {
    argv: ['runs', '--last', '5', '--json'],
    fn: 'runs',
    args: [{ last: 5 }, JSON_GLOBAL],
    usageError: ['runs', '--last', 'five'],
  },
  {
    argv: ['produce', '-n', '100', '--key', 'user_id', '--lifecycle', '--rate', '30000/m'],
    fn: 'runProduce',
    args: [
      expect.anything(),
      { count: 100, key: 'user_id', lifecycle: true, rate: 500, topic: 'transaction_log', partitions: 1 },
    ],
    usageError: ['produce', '--key', 'account_id'],
  },
  {
    argv: ['setup', '--install-system-packages'],
    fn: 'setup',
    args: [{ installSystemPackages: true }],
    usageError: ['setup', '--nope'],
  },
  { argv: ['doctor', '--json'], fn: 'doctor', args: [{ json: true }], usageError: ['doctor', '--nope'] },
  {
    argv: ['up', '--mode', 'native', '--timeout', '90s'],
    fn: 'up',
    args: [expect.objectContaining({ mode: 'native', timeoutMs: 90_000 })],
    usageError: ['up', '--mode', 'podman'],
  },
  {
    argv: ['down', '--purge'],
    fn: 'down',
    args: [{ purge: true }],
    usageError: ['down', '--timeout', 'never'],
  },
  {
    argv: ['status', '--mode', 'docker'],
    fn: 'status',
    args: [{ mode: 'docker' }],
    usageError: ['status', '--mode', 'vm'],
  },
  {
    argv: ['logs', 'kafka', '-n', '50', '--follow'],
    fn: 'logs',
    args: ['kafka', { tail: 50, follow: true }],
    usageError: ['logs', 'zookeeper'],
  },
]

beforeEach(() => {
  recorded.calls.length = 0
  // Commander and runCli explain a usage error on stderr; the exit code is what is checked here.
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true)
})

afterEach(() => {
  vi.restoreAllMocks()
  process.exitCode = undefined
})

const dip = (words: readonly string[]) => runCli(['node', 'dip', ...words])

describe('dip argv → the options a command receives', () => {
  it.each(ROWS.map((row) => [row.argv.join(' '), row] as const))('dip %s', async (_name, row) => {
    expect(await dip(row.argv)).toBe(0)
    expect(recorded.calls).toEqual([{ fn: row.fn, args: row.args }])
  })

  it.each(ROWS.map((row) => [row.usageError.join(' '), row] as const))(
    'dip %s is a usage error: exit 2, the command not called',
    async (_name, row) => {
      expect(await dip(row.usageError)).toBe(2)
      expect(recorded.calls).toEqual([])
    },
  )

  it('covers every subcommand of the program', async () => {
    const { buildProgram } = await import('./program.ts')
    const leaves: string[] = []
    const walk = (command: ReturnType<typeof buildProgram>, path: string[]) => {
      for (const sub of command.commands) {
        if (sub.commands.length === 0) leaves.push([...path, sub.name()].join(' '))
        else walk(sub, [...path, sub.name()])
      }
    }
    walk(buildProgram(), [])
    const tested = new Set(ROWS.map((row) => row.argv.filter((word) => /^[a-z]+$/.test(word)).join(' ')))
    const untested = leaves.filter((leaf) => ![...tested].some((argv) => `${argv} `.startsWith(`${leaf} `)))
    expect(untested).toEqual([])
  })
})
